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


# What each table contributes to the one frame the suite validates.
TABLE_COLUMNS = {"pages": ["url", "status"], "articles": ["url", "publish_date", "document_date"],
                 "entries": ["url", "date"]}
FRAME_COLUMNS = ["table", "url", "key", "status", "publish_date", "document_date", "date"]


def _frame(snapshot) -> pd.DataFrame:
    """The three tables stacked into one frame, only the columns the suite reads (GE hashes every column).

    One batch and one suite instead of three: Great Expectations' cost is per expectation and per
    validation, hardly per row. A column map expectation skips missing values, so each expectation reads
    only the rows of the tables that fill its column; ``key`` (table + URL) is missing for list entries,
    which may repeat a document.
    """
    parts = []
    for table, cols in TABLE_COLUMNS.items():
        df = getattr(snapshot, table)
        if not df.empty:
            parts.append(df[cols].assign(table=table))
    if not parts:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    data = pd.concat(parts, ignore_index=True).reindex(columns=FRAME_COLUMNS)
    data["key"] = (data["table"] + " " + data["url"].astype(str)).where(data["table"] != "entries")
    for c in ("publish_date", "document_date", "date"):
        data[c] = pd.to_datetime(data[c], errors="coerce")
    data["status"] = pd.to_numeric(data["status"], errors="coerce")
    return data


@functools.lru_cache(maxsize=8)
def _suites(crawl_day: dt.datetime) -> list[tuple[Any, dict[str, str]]]:
    """Each expectation, with the label of what a failing row means in each table it reads."""
    import great_expectations as gx

    E = gx.expectations
    latest = crawl_day + dt.timedelta(days=1)
    return [
        (E.ExpectColumnValuesToBeUnique(column="key"), {"pages": "同一URL重复抓取", "articles": "文章重复"}),
        (E.ExpectColumnValuesToMatchRegex(column="url", regex=r"^https?://[^/\s]+"),
         {t: "URL不是绝对地址" for t in TABLE_COLUMNS}),
        (E.ExpectColumnValuesToBeBetween(column="status", min_value=100, max_value=599), {"pages": "HTTP状态码无效"}),
        (E.ExpectColumnValuesToBeBetween(column="publish_date", min_value=MIN_DATE, max_value=latest),
         {"articles": "发布日期不在1990年至抓取日之间"}),
        (E.ExpectColumnValuesToBeBetween(column="document_date", min_value=MIN_DATE, max_value=latest),
         {"articles": "成文日期不在1990年至抓取日之间"}),
        (E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="publish_date", column_B="document_date", or_equal=True,
                                                   ignore_row_if="either_value_is_missing"),
         {"articles": "成文日期晚于发布日期"}),
        (E.ExpectColumnValuesToBeBetween(column="date", min_value=MIN_DATE, max_value=latest),
         {"entries": "列表日期不在1990年至抓取日之间"}),
    ]


def import_gx():
    """Great Expectations, imported quietly (no analytics, no INFO logs); seconds on first call."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    return gx


_GX_LOCK = threading.Lock()  # one context per process, used by one validation at a time


@functools.lru_cache(maxsize=1)
def _batch_definition() -> Any:
    """A whole-dataframe batch definition, made once per process.

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
    return ctx.data_sources.add_pandas("zwgk_snapshot").add_dataframe_asset(name="tables") \
        .add_batch_definition_whole_dataframe("all")


def prepare() -> None:
    """Import Great Expectations and set up this process's context now rather than on the first validation."""
    with _GX_LOCK:
        _batch_definition()


def validate(snapshot) -> QualityReport:
    """Run the suite over ``pages``, ``articles`` and ``entries``; rows that fail are listed by table and URL."""
    gx = import_gx()
    when = snapshot.fetched_at or dt.datetime.now(dt.timezone.utc)
    crawl_day = dt.datetime(when.year, when.month, when.day)
    report = QualityReport()
    data = _frame(snapshot)
    if data.empty:
        return report
    checks = _suites(crawl_day)
    with _GX_LOCK:
        from great_expectations.validator.v1_validator import Validator

        # One validator for both passes: GE loads (and hashes) the dataframe once, where Batch.validate would
        # load it again on every call. Two passes: a yes/no pass over the whole suite (cheap), then the rows
        # behind each failure only (COMPLETE results cost GE about 60% more, and most snapshots pass).
        validator = Validator(batch_definition=_batch_definition(), batch_parameters={"dataframe": data},
                              result_format={"result_format": "BOOLEAN_ONLY"})
        passed = validator.validate_expectation_suite(_suite(gx, crawl_day))
        failing = tuple(i for i, r in enumerate(passed.results) if not r.success)
        details = {}
        if failing:
            validator.result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["table", "url"]}
            result = validator.validate_expectation_suite(_suite(gx, crawl_day, failing))
            details = dict(zip(failing, result.results))
    present = set(data["table"])
    by_table: dict[str, list[dict]] = {t: [] for t in TABLE_COLUMNS}
    for i, (expectation, labels) in enumerate(checks):
        r = details.get(i)
        rows = [row for row in ((r.result.get("unexpected_index_list") or []) if r is not None else [])
                if isinstance(row, dict)]
        undecided = r is not None and not rows  # failed without naming rows (e.g. GE raised): not a pass
        for table, label in labels.items():
            if table not in present:
                continue
            bad = [row for row in rows if row.get("table") == table]
            urls = sorted({str(row["url"]) for row in bad if "url" in row})
            by_table[table].append({"table": table, "expectation": expectation.expectation_type, "description": label,
                                    "success": not bad and not undecided, "unexpected_count": len(bad),
                                    "examples": urls[:5]})
            for url in urls:
                report.invalid.setdefault(table, {}).setdefault(url, []).append(label)
    report.results = [res for t in TABLE_COLUMNS for res in by_table[t]]
    return report


@functools.lru_cache(maxsize=64)
def _suite(gx, crawl_day: dt.datetime, only: tuple[int, ...] | None = None) -> Any:
    """The suite for ``crawl_day`` (``only``: those expectations), built once per process and day."""
    checks = _suites(crawl_day)
    chosen = [checks[i] for i in only] if only is not None else checks
    suite = gx.ExpectationSuite(name="zwgk_tables" + ("_" + "_".join(map(str, only)) if only is not None else ""))
    for exp, _labels in chosen:
        suite.add_expectation(exp.copy())  # an expectation belongs to one suite
    return suite
