"""整改清单: one row per failed item, for the supervisor and the responsible unit.

Everything in a row that came from a portal is text an agency controls, so
every exported cell is formula-neutralised (a leading ``= + - @``, tab or CR
gets a ``'``) before it reaches Excel or a CSV.
"""
from __future__ import annotations

import datetime as dt
import html
import math
import re
from pathlib import Path

import pandas as pd

from . import calendar as wd
from .checklist import Checklist

COLUMNS = ["序号", "检查项", "问题", "依据", "证据", "责任单位", "整改要求", "整改时限", "状态"]
KEY = "item_id"  # kept beside the columns so a re-audit can match rows
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate (JSON "\\ud800", surrogateescape) cannot be encoded
XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0: lxml refuses them
XLSX_CELL_MAX = 32767  # Excel's limit for the text of one cell (longer: "repair" on open, text dropped)


def plain_text(value) -> str:
    """Any value a finding may carry (None, NaN, numbers, lists, bytes…) as display text that any file can
    hold (lone surrogates become U+FFFD); never raises."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    try:
        if pd.isna(value) is True:
            return ""
    except (TypeError, ValueError):
        pass
    try:
        return SURROGATE.sub("\ufffd", str(value))
    except Exception:  # a value whose __str__ fails is still a value we must not lose the report over
        return repr(type(value))


FINDING_TEXT = ["item_id", "item_title", "check", "category", "subject", "status", "measured", "expected",
                "evidence_url", "warc_record_id", "fetched_at", "basis", "responsible_unit", "message",
                "original_status", "review", "evidence_copy", "evidence_screenshot"]  # 复核 and page copies too


def clean_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings as the writers need them: every text field a string (None/NaN → ""), ``veto`` a bool, an
    unknown status shown as 无法核验. One odd value — a NaN read back from CSV, a number, a list — never loses
    the report or the 整改清单."""
    from .checks import STATUSES

    out = findings.copy()
    for col in FINDING_TEXT:
        out[col] = out[col].map(plain_text) if col in out.columns else ""
    out["status"] = out["status"].map(lambda s: s if s in STATUSES else "unverified")
    veto = out["veto"] if "veto" in out.columns else pd.Series(False, index=out.index)
    out["veto"] = veto.map(lambda v: v is True or (isinstance(v, str) and v.strip().lower() in {"true", "1", "是"}))
    return out


def neutralise(value):
    """Make a cell inert for spreadsheets: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


EXCEL_MAX = 9.99999999999999e307  # Excel's largest number; openpyxl writes 15 digits, so 1.79…e308 reads back as inf


def _number(value) -> bool:
    """A number a spreadsheet stores and reads back as such (inf, NaN and beyond Excel's range are no numbers
    there); bools too."""
    return isinstance(value, (int, float)) and (isinstance(value, bool) or abs(value) <= EXCEL_MAX) and not (
        isinstance(value, float) and not math.isfinite(value))


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every text cell as inert, encodable text (lists, bytes, None… as text); numbers stay numbers."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: v if _number(v) else neutralise(plain_text(v))).astype(object)
    out.columns = [neutralise(plain_text(c)) for c in out.columns]
    return out


def xlsx_value(value):
    """One cell for openpyxl: a finite number, a naive date, or text without XML-illegal characters, at most
    Excel's cell length, formula-neutralised last (so a removed control character never uncovers a ``=``)."""
    if _number(value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, pd.Timestamp) and value == value and (
            not isinstance(value, dt.datetime) or value.tzinfo is None):  # Excel has no time zones
        return value
    text = XLSX_ILLEGAL.sub("", plain_text(value))
    if len(text) > XLSX_CELL_MAX:
        note = f"……（共{len(text)}字，已截断；全文见CSV）"
        text = text[:XLSX_CELL_MAX - len(note)] + note
    return neutralise(text)


def deadline(as_of: dt.date, working_days: int) -> str:
    try:
        return wd.add_working_days(as_of, working_days).isoformat()
    except wd.CalendarUnknown:
        day, n = as_of, working_days
        while n:
            day += dt.timedelta(days=1)
            n -= day.weekday() < 5
        return f"{day.isoformat()}（节假日安排未发布，按周一至周五估算）"


VETO_RECTIFY_DAYS = 10  # a 单项否决 problem is fixed first


def rectification_rows(findings: pd.DataFrame, checklist: Checklist, as_of: dt.date,
                       working_days: int = 20) -> pd.DataFrame:
    """One row per failed item. 整改时限 = the item's ``rectify_days``, else 10 working days for a veto item,
    else ``working_days``, counted from the audit day."""
    from .checks import registry

    rows = []
    findings = clean_findings(findings)
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
            "item_id": item.id,
            "检查项": f"{item.id} {item.title}" + ("（单项否决）" if item.veto else ""),
            "问题": "\n".join(shown) + more,
            "依据": basis,
            "证据": "\n".join(evidence) or "见检查结果",
            "责任单位": item.responsible_unit or "未明确",
            "整改要求": spec.remediation,
            "整改时限": deadline(as_of, item.rectify_days or (VETO_RECTIFY_DAYS if item.veto else working_days)),
            "状态": "待整改",
        })
    return pd.DataFrame(rows, columns=[*COLUMNS, KEY])


def to_csv(df: pd.DataFrame, path: str | Path) -> None:
    """UTF-8 with BOM so Excel opens Chinese text correctly; CRLF rows, so a cell holding a lone CR is quoted
    (with pandas' "\\n" rows it was not, and a reader split the row there — and a ``=`` after the CR began a
    row of its own, un-neutralised)."""
    neutralise_frame(df).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _display(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[KEY]) if KEY in df.columns else df


def _sheet_name(unit: str, taken: list[str]) -> str:
    """A sheet name Excel accepts: ≤31 characters, none of []:*?/\\, no apostrophe at either end, not
    "History", unique whatever the case."""
    name = "".join(ch for ch in unit if ch not in '[]:*?/\\').strip("'").strip()[:31].strip("'") or "未明确"
    if name.lower() == "history":
        name = "未明确"
    lower = {t.lower() for t in taken}
    if name.lower() in lower:
        n = len(taken)
        while f"{name[:27]}_{n}".lower() in lower:
            n += 1
        name = f"{name[:27]}_{n}"
    return name


def to_excel(df: pd.DataFrame, path: str | Path, title: str = "整改清单") -> None:
    """Summary sheet plus one sheet per responsible unit; header frozen, filters on, widths fit Chinese text.

    Every cell goes through :func:`xlsx_value`: whatever a field holds, the workbook is written and opens."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    shown = _display(df)
    header = [xlsx_value(c) for c in shown.columns]
    rows = [[xlsx_value(v) for v in row] for row in shown.itertuples(index=False)]
    wrap = Alignment(wrap_text=True, vertical="top")  # one style object for every cell: openpyxl hashes each assignment

    def fill(ws, rows: list[list]) -> None:
        ws.append(header)
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE6F0")
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for i, col in enumerate(header):
            values = [str(col), *(str(r[i]) for r in rows)]
            width = max(max(len(line) * (2 if any(ord(ch) > 127 for ch in line) else 1) for line in v.split("\n"))
                        for v in values)
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(8, width + 2), 60)
        for row in ws.iter_rows():
            for cell in row:
                if cell.row > 1:
                    cell.alignment = wrap
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text

    ws = wb.active
    ws.title = "汇总"
    fill(ws, rows)
    if "责任单位" in shown.columns:
        at = list(shown.columns).index("责任单位")
        units: dict[str, list[list]] = {}
        for row in rows:  # the cell text (plain, neutralised) names the sheet: a NaN or a list loses no row
            units.setdefault(str(row[at]), []).append(row)
        for unit in sorted(units):
            fill(wb.create_sheet(_sheet_name(unit, wb.sheetnames)), units[unit])
    wb.properties.title = title
    wb.save(path)


def to_markdown(df: pd.DataFrame) -> str:
    df = _display(df)
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        cells = [html.escape(str(neutralise(r[c]))).replace("|", "\\|").replace("\n", "<br>") for c in cols]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def diff_audits(new_dir: str | Path, old_dir: str | Path, rejudge: bool = True) -> tuple[pd.DataFrame, dict]:
    """Re-audit: each failing (item, subject) of either audit marked 已整改 / 未整改 / 新发现, and the score change,
    after re-judging the previous audit's WARC by the current checklist and rules (see :mod:`zwgk_audit.recheck`)."""
    from .recheck import diff_audits as diff

    return diff(new_dir, old_dir, rejudge)
