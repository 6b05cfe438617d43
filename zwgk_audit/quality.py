"""Data-quality validation of a Snapshot's tables with a Great Expectations (1.x) suite.

Extraction from real portals goes wrong in ways a check cannot see: a date
read from the wrong place (1970, or after the crawl), 成文日期 after 发布日期,
a relative URL, a page listed twice. The suite finds those rows; checks that
rely on them report ``unverified`` ("data failed validation") instead of a
pass or a fail built on a bad reading. The result travels with the audit
(``audit.quality``, ``quality.json``).

Great Expectations costs seconds to import, so it is imported here, on first
validation, never by ``import zwgk_audit``.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

MIN_DATE = dt.datetime(1990, 1, 1)
TABLES = ("pages", "articles", "entries")


@dataclass
class QualityReport:
    """Per expectation: table, description, success, unexpected rows (by URL)."""

    results: list[dict[str, Any]] = field(default_factory=list)
    invalid: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # table -> url -> reasons

    @property
    def success(self) -> bool:
        return all(r["success"] for r in self.results)

    def reasons(self, table: str, url: str) -> list[str]:
        return self.invalid.get(table, {}).get(url, [])

    def to_json(self) -> dict[str, Any]:
        return {"success": self.success, "results": self.results,
                "invalid_rows": {t: len(rows) for t, rows in self.invalid.items()}}


def _dates(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c], errors="coerce")
    return out


@functools.lru_cache(maxsize=8)
def _suites(crawl_day: dt.datetime):
    """Per table: date columns, and (expectation, label) pairs; dates bound by the crawl day."""
    import great_expectations as gx

    E = gx.expectations
    latest = crawl_day + dt.timedelta(days=1)
    absolute = r"^https?://[^/\s]+"
    return {
        "pages": ([], [
            (E.ExpectColumnValuesToBeUnique(column="url"), "同一URL重复抓取"),
            (E.ExpectColumnValuesToMatchRegex(column="url", regex=absolute), "URL不是绝对地址"),
            (E.ExpectColumnValuesToBeBetween(column="status", min_value=100, max_value=599), "HTTP状态码无效"),
        ]),
        "articles": (["publish_date", "document_date"], [
            (E.ExpectColumnValuesToBeUnique(column="url"), "文章重复"),
            (E.ExpectColumnValuesToMatchRegex(column="url", regex=absolute), "URL不是绝对地址"),
            (E.ExpectColumnValuesToBeBetween(column="publish_date", min_value=MIN_DATE, max_value=latest),
             "发布日期不在1990年至抓取日之间"),
            (E.ExpectColumnValuesToBeBetween(column="document_date", min_value=MIN_DATE, max_value=latest),
             "成文日期不在1990年至抓取日之间"),
            (E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="publish_date", column_B="document_date", or_equal=True,
                                                       ignore_row_if="either_value_is_missing"),
             "成文日期晚于发布日期"),
        ]),
        "entries": (["date"], [
            (E.ExpectColumnValuesToMatchRegex(column="url", regex=absolute), "URL不是绝对地址"),
            (E.ExpectColumnValuesToBeBetween(column="date", min_value=MIN_DATE, max_value=latest),
             "列表日期不在1990年至抓取日之间"),
        ]),
    }


def import_gx():
    """Great Expectations, imported quietly (no analytics, no INFO logs); seconds on first call."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    return gx


_GX_LOCK = threading.Lock()  # one context per process, used by one validation at a time


@functools.lru_cache(maxsize=1)
def _batch_definitions() -> dict[str, Any]:
    """A whole-dataframe batch definition per table, made once per process.

    Each ``add_*`` call makes Great Expectations re-serialise its whole project config to YAML: set up per
    snapshot, that was half of every validation. The dataframe itself is passed per batch.
    """
    gx = import_gx()
    ctx = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # progress bars are cosmetic; an API change here must not stop validation
        pass
    source = ctx.data_sources.add_pandas("zwgk_snapshot")
    return {table: source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("all")
            for table in TABLES}


def prepare() -> None:
    """Import Great Expectations and set up this process's context now rather than on the first validation."""
    with _GX_LOCK:
        _batch_definitions()


def validate(snapshot) -> QualityReport:
    """Run the suite over ``pages``, ``articles`` and ``entries``; rows that fail are listed by URL."""
    gx = import_gx()
    when = snapshot.fetched_at or dt.datetime.now(dt.timezone.utc)
    crawl_day = dt.datetime(when.year, when.month, when.day)
    report = QualityReport()
    with _GX_LOCK:
        definitions = _batch_definitions()
        for table, (date_cols, expectations) in _suites(crawl_day).items():
            df = getattr(snapshot, table)
            if df.empty:
                continue
            # Only the columns the suite reads (GE hashes every column of a batch), "url" to name failing rows.
            read = {"url"} | {getattr(e, k) for e, _ in expectations for k in ("column", "column_A", "column_B")
                              if getattr(e, k, None)}
            data = _dates(df[[c for c in df.columns if c in read]], date_cols).reset_index(drop=True)
            batch = definitions[table].get_batch(batch_parameters={"dataframe": data})
            # Two passes: a yes/no pass over the whole suite (cheap), then the rows behind each failure only
            # (COMPLETE results cost GE about 60% more, and most tables pass).
            passed = batch.validate(_suite(gx, table, crawl_day), result_format={"result_format": "BOOLEAN_ONLY"})
            failing = [pair for pair, r in zip(expectations, passed.results) if not r.success]
            details = {}
            if failing:
                result = batch.validate(_suite(gx, table, crawl_day, tuple(expectations.index(p) for p in failing)),
                                        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["url"]})
                details = {id(pair): r for pair, r in zip(failing, result.results)}
            for pair in expectations:
                label = pair[1]
                r = details.get(id(pair))
                rows = (r.result.get("unexpected_index_list") or []) if r is not None else []
                urls = sorted({row["url"] for row in rows if isinstance(row, dict) and "url" in row})
                report.results.append({"table": table, "expectation": pair[0].expectation_type, "description": label,
                                       "success": r is None or bool(r.success),
                                       "unexpected_count": r.result.get("unexpected_count", 0) if r else 0,
                                       "examples": urls[:5]})
                for url in urls:
                    report.invalid.setdefault(table, {}).setdefault(url, []).append(label)
    return report


@functools.lru_cache(maxsize=64)
def _suite(gx, table: str, crawl_day: dt.datetime, only: tuple[int, ...] | None = None) -> Any:
    """The suite for ``table`` on ``crawl_day`` (``only``: those expectations), built once per process and day."""
    expectations = _suites(crawl_day)[table][1]
    chosen = [expectations[i] for i in only] if only is not None else expectations
    suite = gx.ExpectationSuite(name=f"zwgk_{table}" + ("_" + "_".join(map(str, only)) if only is not None else ""))
    for exp, _label in chosen:
        suite.add_expectation(exp.copy())  # an expectation belongs to one suite
    return suite
