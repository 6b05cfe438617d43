"""Results an evaluator records for `manual` items (YAML or CSV), merged into the audit.

YAML::

    PJ-09:
      status: fail            # pass | fail | not_applicable | unverified
      note: 门户网站无AAAA记录
      evidence: https://www.example.gov.cn/
      evaluator: 张三

CSV: columns ``item_id, status, note, evidence, evaluator`` (UTF-8, BOM allowed).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml

from .checks.base import STATUSES


@dataclass(frozen=True)
class ManualResult:
    status: str
    note: str = ""
    evidence: str = ""
    evaluator: str = ""


class ManualResultsError(ValueError):
    pass


def load_manual_results(path: str | Path, item_ids: set[str] | None = None) -> dict[str, ManualResult]:
    """Read and validate a results file; errors name the file, the row or item, and the field."""
    p = Path(path)
    if not p.exists():
        raise ManualResultsError(f"{p}: file not found")
    rows: list[tuple[str, dict]] = []
    if p.suffix.lower() == ".csv":
        with open(p, encoding="utf-8-sig", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                rows.append((f"{p}:{n}", row))
    else:
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ManualResultsError(f"{p}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ManualResultsError(f"{p}: expected a mapping of item id → result")
        for item_id, value in data.items():
            value = value if isinstance(value, dict) else {"status": value}
            rows.append((f"{p}: {item_id}", {"item_id": item_id, **value}))
    out: dict[str, ManualResult] = {}
    for where, row in rows:
        item_id = str(row.get("item_id") or "").strip()
        status = str(row.get("status") or "").strip()
        if not item_id:
            raise ManualResultsError(f"{where}: item_id is empty")
        if item_ids is not None and item_id not in item_ids:
            raise ManualResultsError(f"{where}: item_id {item_id!r} is not in the checklist")
        if status not in STATUSES:
            raise ManualResultsError(f"{where}: status {status!r} must be one of {', '.join(STATUSES)}")
        if status == "unverified" and not str(row.get("note") or "").strip():
            raise ManualResultsError(f"{where}: an unverified result needs a note saying why")
        out[item_id] = ManualResult(status, str(row.get("note") or "").strip(), str(row.get("evidence") or "").strip(),
                                    str(row.get("evaluator") or "").strip())
    return out
