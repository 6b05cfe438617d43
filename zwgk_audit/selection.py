"""Which documents an audit judges: the assessment period (评估期) and a seeded sample per column, as inspectors work.

Columns, the home page and the annual report are judged whole; the period and the sample only narrow the documents
that document checks (timeliness, interpretations, metadata) look at. The sample is reproducible: the same seed,
snapshot and period give the same documents, so a second evaluator can re-draw it.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pandas as pd


class SelectionError(ValueError):
    """A period or sample that cannot be used, saying which value and why."""


@dataclass(frozen=True)
class Selection:
    period: tuple[dt.date, dt.date] | None = None
    sample: int | None = None  # documents per column
    seed: int = 0

    @classmethod
    def parse(cls, period: str | None = None, sample: int | None = None, sample_seed: int = 0) -> "Selection":
        """``period`` as ``2024-01-01:2024-12-31`` (either end may be left empty)."""
        span = None
        if period:
            start_text, sep, end_text = period.partition(":")
            if not sep:
                raise SelectionError(f"--period {period!r}: expected START:END, e.g. 2024-01-01:2024-12-31")
            try:
                start = dt.date.fromisoformat(start_text) if start_text.strip() else dt.date.min
                end = dt.date.fromisoformat(end_text) if end_text.strip() else dt.date.max
            except ValueError as exc:
                raise SelectionError(f"--period {period!r}: {exc} (dates as YYYY-MM-DD)") from None
            if start > end:
                raise SelectionError(f"--period {period!r}: the start is after the end")
            span = (start, end)
        if sample is not None and sample < 1:
            raise SelectionError(f"--sample {sample}: at least one document per column")
        return cls(span, sample, sample_seed)

    def __bool__(self) -> bool:
        return self.period is not None or self.sample is not None

    @staticmethod
    def day_of(doc) -> dt.date | None:
        """The day that places a document in the period: its 发布日期, else its 成文日期."""
        for key in ("publish_date", "document_date"):
            v = doc.get(key)
            if isinstance(v, dt.date):
                return v
        return None

    def in_period(self, docs: pd.DataFrame) -> pd.DataFrame:
        """Documents dated inside the period; undated ones stay (their checks say they cannot be judged)."""
        if self.period is None or docs.empty:
            return docs
        start, end = self.period
        keep = [d is None or start <= d <= end for d in (self.day_of(r) for _, r in docs.iterrows())]
        return docs[keep]

    def apply(self, docs: pd.DataFrame) -> pd.DataFrame:
        """The documents to judge: inside the period, then at most ``sample`` per column (seeded, order-free)."""
        docs = self.in_period(docs)
        if self.sample is None or docs.empty:
            return docs
        column = docs["column_path"] if "column_path" in docs else pd.Series([None] * len(docs), index=docs.index)
        keep: list[str] = []
        for path in sorted({c if isinstance(c, str) else "" for c in column}):
            urls = sorted(docs.loc[column.map(lambda c: (c if isinstance(c, str) else "") == path), "url"])
            keep += urls if len(urls) <= self.sample else random.Random(f"{self.seed}|{path}").sample(urls, self.sample)
        return docs[docs["url"].isin(set(keep))]

    def describe(self, articles: pd.DataFrame) -> str:
        """What the report says about the selection, counted over every document the crawl read."""
        if not self:
            return ""
        parts = []
        in_period = self.in_period(articles)
        if self.period is not None:
            start, end = self.period
            shown = f"{'' if start == dt.date.min else start.isoformat()}至{'' if end == dt.date.max else end.isoformat()}"
            undated = sum(self.day_of(r) is None for _, r in in_period.iterrows())
            parts.append(f"评估期{shown}：读取的{len(articles)}篇文件中{len(in_period)}篇在期内"
                         + (f"（含{undated}篇无日期文件，相关检查判为无法核验）" if undated else ""))
        if self.sample is not None:
            chosen = self.apply(articles)
            columns = in_period["column_path"].map(lambda c: c if isinstance(c, str) else "").nunique() \
                if "column_path" in in_period and len(in_period) else 0
            parts.append(f"抽样：每个栏目随机抽取至多{self.sample}篇（随机种子{self.seed}），{columns}个栏目共抽取"
                         f"{len(chosen)}篇（总体{len(in_period)}篇）")
        return "；".join(parts)
