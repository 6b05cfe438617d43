"""整改清单: one row per failed item, for the supervisor and the responsible unit.

Everything in a row that came from a portal is text an agency controls, so
every exported cell is formula-neutralised (a leading ``= + - @``, tab or CR
gets a ``'``) before it reaches Excel or a CSV.
"""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from . import calendar as wd
from .checklist import Checklist

COLUMNS = ["序号", "检查项", "问题", "依据", "证据", "责任单位", "整改要求", "整改时限", "状态"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Make a cell inert for spreadsheets: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def deadline(as_of: dt.date, working_days: int) -> str:
    try:
        return wd.add_working_days(as_of, working_days).isoformat()
    except wd.CalendarUnknown:
        day, n = as_of, working_days
        while n:
            day += dt.timedelta(days=1)
            n -= day.weekday() < 5
        return f"{day.isoformat()}（节假日安排未发布，按周一至周五估算）"


def rectification_rows(findings: pd.DataFrame, checklist: Checklist, as_of: dt.date,
                       working_days: int = 20) -> pd.DataFrame:
    from .checks import registry

    rows = []
    failed = findings[findings["status"] == "fail"]
    for item in checklist.items:
        mine = failed[failed["item_id"] == item.id]
        if mine.empty:
            continue
        spec = registry[item.check]
        problems = [m for m in mine["message"] if m] or [f"{item.title}不符合要求"]
        shown = problems[:10]
        more = f"\n……等共{len(problems)}处" if len(problems) > 10 else ""
        evidence = []
        for _, f in mine.head(10).iterrows():
            if f["evidence_url"]:
                evidence.append(f"{f['evidence_url']}（抓取于{f['fetched_at'] or '未知'}；WARC {f['warc_record_id'] or '无'}）")
        basis = item.basis.clause + (f"：“{item.basis.text}”" if item.basis.text else "")
        rows.append({
            "序号": len(rows) + 1,
            "检查项": f"{item.id} {item.title}" + ("（单项否决）" if item.veto else ""),
            "问题": "\n".join(shown) + more,
            "依据": basis,
            "证据": "\n".join(evidence) or "见检查结果",
            "责任单位": item.responsible_unit or "未明确",
            "整改要求": spec.remediation,
            "整改时限": deadline(as_of, working_days),
            "状态": "待整改",
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def to_csv(df: pd.DataFrame, path: str | Path) -> None:
    """UTF-8 with BOM so Excel opens Chinese text correctly."""
    neutralise_frame(df).to_csv(path, index=False, encoding="utf-8-sig")


def to_excel(df: pd.DataFrame, path: str | Path, title: str = "整改清单") -> None:
    """Summary sheet plus one sheet per responsible unit; header frozen, filters on, widths fit Chinese text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    safe = neutralise_frame(df)

    def fill(ws, frame: pd.DataFrame) -> None:
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append(list(row))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE6F0")
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for i, col in enumerate(frame.columns, start=1):
            values = [str(col), *(str(v) for v in frame[col])]
            width = max(max(len(line) * (2 if any(ord(ch) > 127 for ch in line) else 1) for line in v.split("\n"))
                        for v in values)
            ws.column_dimensions[get_column_letter(i)].width = min(max(8, width + 2), 60)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text

    ws = wb.active
    ws.title = "汇总"
    fill(ws, safe)
    for unit, grp in safe.groupby("责任单位", sort=True):
        name = "".join(ch for ch in str(unit) if ch not in '[]:*?/\\')[:31] or "未明确"
        if name in wb.sheetnames:
            name = name[:28] + f"_{len(wb.sheetnames)}"
        fill(wb.create_sheet(name), grp)
    wb.properties.title = title
    wb.save(path)


def to_markdown(df: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for _, r in df.iterrows():
        cells = [html.escape(str(neutralise(r[c]))).replace("|", "\\|").replace("\n", "<br>") for c in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
