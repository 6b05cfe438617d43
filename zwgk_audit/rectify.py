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
from dataclasses import dataclass, field
from functools import cmp_to_key
from pathlib import Path

import pandas as pd

from . import calendar as wd
from .checklist import STRICTER, Checklist, Item

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


TEXT = pd.StringDtype(na_value=float("nan"))  # pandas' default text column ("str")


def plain_column(column: pd.Series) -> pd.Series:
    """``column.map(plain_text)``, without a Python call per cell when the column is already text without lone
    surrogates (nearly always): only its missing cells become ""."""
    if column.dtype == TEXT:
        filled = column.fillna("") if column.hasnans else column
        if not SURROGATE.search("".join(filled.tolist())):
            return filled
    return column.map(plain_text)


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
        out[col] = plain_column(out[col]) if col in out.columns else ""
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
        if out[col].dtype == TEXT:  # text already: only formulas to neutralise (no Python call per clean cell)
            text = plain_column(out[col])
            cells = text.tolist()
            if any(c.startswith(FORMULA_START) for c in cells):
                cells = [neutralise(c) for c in cells]
            out[col] = pd.Series(cells, index=out.index, dtype=object)
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
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


ESTIMATED = "节假日安排未发布，按周一至周五估算"


def deadline_date(as_of: dt.date, working_days: int) -> tuple[dt.date, bool]:
    """The day ``working_days`` working days after ``as_of``, and whether it is an estimate (the holiday schedule of
    that year is not published: Monday to Friday counted as working days)."""
    try:
        return wd.add_working_days(as_of, working_days), False
    except wd.CalendarUnknown:
        day, n = as_of, working_days
        while n:
            day += dt.timedelta(days=1)
            n -= day.weekday() < 5
        return day, True


def deadline(as_of: dt.date, working_days: int) -> str:
    day, estimated = deadline_date(as_of, working_days)
    return day.isoformat() + (f"（{ESTIMATED}）" if estimated else "")


VETO_RECTIFY_DAYS = 10  # a 单项否决 problem is fixed first
OFFICE = "办公室"  # where a problem no checklist assigns goes: the agency's 办公室 coordinates 政务公开
ISSUER = "评估组"
UNASSIGNED_NOTE = "清单未明确责任单位，暂列{office}"

# ---------------------------------------------------------------- responsible units

LEAD, MAIN, COOP = "牵头", "负责", "配合"
_ROLE_RANK = {COOP: 0, MAIN: 1, LEAD: 2}
_ROLE_WORD = {"牵头": LEAD, "主办": LEAD, "责任": MAIN, "负责": MAIN, "配合": COOP, "协办": COOP, "协助": COOP,
              "参与": COOP}
_ROLE = "(牵头|主办|责任|负责|配合|协办|协助|参与)"
_UNIT_WORD = r"(?:单位|科室|处室|部门|股室|机构)?"
_LABEL = re.compile(rf"^{_ROLE}{_UNIT_WORD}\s*[:：]\s*")
_SUFFIX = re.compile(r"(?:分别|共同|具体|统筹)?(牵头负责|牵头|负责落实|负责|配合|协助|协办|参与|落实)$")
_INNER = re.compile(rf"^(.*?)[（(]\s*{_ROLE}{_UNIT_WORD}\s*(?:[:：]\s*(.*?))?\s*[)）]$", re.S)
_UNASSIGNED = {"", "未明确", "无", "未定", "待定", "不明确"}


def _split_top(text: str, seps: str) -> list[str]:
    """``text`` split at ``seps`` outside parentheses: 各街道(乡镇) and A（配合：B、C） stay whole."""
    parts, cur, depth = [], [], 0
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def split_units(text) -> list[tuple[str, str]]:
    """The units a responsibility names, each with its role (牵头 / 负责 / 配合), in order, once each:
    "区委改革办、区委编办、区政务服务中心" → three 负责; "A牵头，B、C配合" and "A（配合：B、C）" → A 牵头, B and C 配合;
    "牵头单位：A；配合单位：B". Empty or 未明确 → []."""
    found: dict[str, str] = {}

    def add(unit: str, role: str) -> None:
        unit = re.sub(r"^由", "", unit.strip(" ：:　")).strip()
        unit = re.sub(r"(?<=.)等$", "", unit).strip()
        if unit in _UNASSIGNED:
            return
        if unit not in found or _ROLE_RANK[role] > _ROLE_RANK[found[unit]]:
            found[unit] = role

    for clause in _split_top(plain_text(text).strip(), "；;\n"):
        label = _LABEL.match(clause)
        clause_role = _ROLE_WORD[label.group(1)] if label else MAIN
        if label:
            clause = clause[label.end():]
        pending: list[str] = []
        for part in _split_top(clause, "、，,/／"):
            inner = _INNER.match(part)
            if inner:  # A（配合：B、C） / A（牵头）
                head, word, rest = inner.groups()
                role = _ROLE_WORD[word]
                if rest:
                    lead = LEAD if role == COOP else MAIN
                    for u in [*pending, head]:
                        add(u, lead)
                    for u in _split_top(rest, "、，,/／；;"):
                        add(_SUFFIX.sub("", u) or u, role)
                else:
                    for u in [*pending, head]:
                        add(u, role)
                pending = []
                continue
            suffix = _SUFFIX.search(part)
            if suffix and suffix.start() > 0:  # "B、C配合": the role word covers the units before it
                word = suffix.group(1)
                role = LEAD if word.startswith("牵头") else COOP if word in ("配合", "协助", "协办", "参与") else MAIN
                for u in [*pending, part[:suffix.start()]]:
                    add(u, role)
                pending = []
            else:
                pending.append(part)
        for u in pending:
            add(u, clause_role)
    return list(found.items())


def role_note(unit: str, units: list[tuple[str, str]]) -> str:
    """What ``unit`` does for a problem shared with others, for its own sheet ("" when it is the only unit)."""
    others = [u for u, _ in units if u != unit]
    if not others:
        return ""
    role = dict(units).get(unit, MAIN)
    leads = [u for u, r in units if r == LEAD and u != unit]
    if role == LEAD:
        return f"本单位牵头，配合单位：{'、'.join(others)}"
    if role == COOP:
        return f"本单位配合，牵头单位：{'、'.join(leads)}" if leads else f"本单位配合，责任单位：{'、'.join(others)}"
    if leads:
        return f"本单位负责，牵头单位：{'、'.join(leads)}"
    return f"与{'、'.join(others)}共同负责"


# ---------------------------------------------------------------- rows

COLUMNS = ["序号", "检查项", "问题", "依据", "证据", "责任单位", "整改要求", "整改时限", "状态", "备注"]
REVIEW = "复核说明"  # shown when an evaluator reviewed a finding (findings column ``review``)
KEY = "item_id"  # kept beside the columns so a re-audit can match rows
DETAIL = ["units", "evidence"]  # for the writers: [(unit, role)], [{url, subject, fetched_at, warc_record_id}]
FILL_IN = ["整改措施", "责任人", "计划完成时间", "完成情况", "佐证材料"]  # the responsible unit writes these


@dataclass
class _Entry:
    order: int
    item: Item
    findings: pd.DataFrame
    also: list = field(default_factory=list)  # items whose same defects this row stands for
    absorbed: list = field(default_factory=list)  # their findings (review notes)


def _stricter_first(a: _Entry, b: _Entry) -> int:
    """The stricter of two items asking one check: the stricter parameter (a shorter limit, a mutual link), else the
    one finding more, else the checklist's order."""
    from .checks import registry

    def params(e: _Entry) -> dict:
        spec = registry.get(e.item.check)
        return {**(spec.params if spec else {}), **e.item.params}

    pa, pb = params(a), params(b)
    for key, pick in STRICTER.items():
        va, vb = pa.get(key), pb.get(key)
        if va is None or vb is None or va == vb:
            continue
        try:
            return -1 if pick(va, vb) == va else 1
        except TypeError:
            continue
    return (len(b.findings) - len(a.findings)) or (a.order - b.order)


def _fold_same_defects(entries: list[_Entry]) -> None:
    """The same defect (one check, one subject) failing under two items a merge did not fold (other dates in force,
    another column list, another limit): it stays with the stricter item's row, which cites both; the other item's
    row keeps what only it found, and goes when nothing is left."""
    groups: dict[str, list[_Entry]] = {}
    for e in entries:
        if e.item.check != "manual":
            groups.setdefault(e.item.check, []).append(e)
    for group in groups.values():
        if len(group) < 2:
            continue
        claimed: dict[str, _Entry] = {}
        for e in sorted(group, key=cmp_to_key(_stricter_first)):
            subjects = e.findings["subject"]
            taken = subjects.map(lambda s: bool(s) and s in claimed).astype(bool)
            for subject in dict.fromkeys(subjects[taken]):
                owner = claimed[subject]
                if e.item not in owner.also:
                    owner.also.append(e.item)
                owner.absorbed.append(e.findings[subjects == subject])
            e.findings = e.findings[~taken]
            for subject in subjects[~taken]:
                if subject:
                    claimed.setdefault(subject, e)


def _basis(item: Item) -> str:
    return item.basis.clause + (f"：“{item.basis.text}”" if item.basis.text else "")


def rectification_rows(findings: pd.DataFrame, checklist: Checklist, as_of: dt.date, working_days: int = 20,
                       office: str = OFFICE, veto_days: int = VETO_RECTIFY_DAYS) -> pd.DataFrame:
    """One row per defect: per failed item, with the same defect found by another item (same check, same subject,
    not folded by the merge) kept once, in the stricter item's row citing both bases. 整改时限 (a date) = the item's
    ``rectify_days``, else ``veto_days`` for a veto item, else ``working_days``, counted from the audit day; 备注 says
    when the holiday calendar is unknown (Monday–Friday counted) and when no unit was named (the row goes to
    ``office``). ``units`` lists each named unit with its role; ``evidence`` every failing page with its WARC record.
    A ``review`` column in ``findings`` (复核) shows as 复核说明."""
    from .checks import registry

    findings = clean_findings(findings)
    reviewed = "review" in findings.columns
    failed = findings[findings["status"] == "fail"]
    by_item = dict(tuple(failed.groupby("item_id", sort=False)))  # one pass, not one mask per item
    entries = [_Entry(n, item, by_item[item.id]) for n, item in enumerate(checklist.items) if item.id in by_item]
    _fold_same_defects(entries)
    rows = []
    for e in entries:
        mine, item = e.findings, e.item
        if mine.empty:
            continue
        items = [item, *e.also]
        spec = registry[item.check]
        problems = [m for m in mine["message"] if m] or [f"{item.title}不符合要求"]
        shown = problems[:10]
        more = f"\n……等共{len(problems)}处" if len(problems) > 10 else ""
        evidence: list[dict] = []
        seen: set[str] = set()
        for _, f in pd.concat([mine, *e.absorbed]).iterrows():
            url = f["evidence_url"]
            if url and url not in seen:
                seen.add(url)
                evidence.append({"url": url, "subject": f["subject"], "fetched_at": f["fetched_at"],
                                 "warc_record_id": f["warc_record_id"]})
        urls = [x["url"] for x in evidence]
        bases = list(dict.fromkeys(_basis(it) for it in items))
        veto = any(it.veto for it in items)
        days = min(it.rectify_days or (veto_days if it.veto else working_days) for it in items)
        due, estimated = deadline_date(as_of, days)
        unit_text = "；".join(dict.fromkeys(it.responsible_unit for it in items
                                            if it.responsible_unit and split_units(it.responsible_unit)))
        units: list[tuple[str, str]] = []
        for it in items:
            for unit, role in split_units(it.responsible_unit):
                if unit not in dict(units):
                    units.append((unit, role))
        notes = []
        if not units:
            units, unit_text = [(office, MAIN)], office
            notes.append(UNASSIGNED_NOTE.format(office=office))
        if estimated:
            notes.append(f"{due.year}年{ESTIMATED}，以公布的节假日安排为准")
        also = "".join(f"\n（同一问题亦不符合{it.id} {it.title}）" for it in e.also)
        row = {
            "序号": len(rows) + 1,
            "item_id": item.id,
            "检查项": f"{item.id} {item.title}" + ("（单项否决）" if veto else "") + also,
            "问题": "\n".join(shown) + more,
            "依据": "\n".join(bases),
            "证据": "\n".join(urls[:10]) + (f"\n……等共{len(urls)}个页面" if len(urls) > 10 else "") or "见检查结果",
            "责任单位": unit_text,
            "整改要求": spec.remediation,
            "整改时限": due,
            "状态": "待整改",
            "备注": "；".join(notes),
            "units": units,
            "evidence": evidence,
        }
        if reviewed:
            row[REVIEW] = "\n".join(dict.fromkeys(r for r in pd.concat([mine, *e.absorbed])["review"] if r))
        rows.append(row)
    columns = [*COLUMNS]
    if reviewed and any(r[REVIEW] for r in rows):
        columns.append(REVIEW)
    return pd.DataFrame(rows, columns=[*columns, KEY, *DETAIL])


def to_csv(df: pd.DataFrame, path: str | Path) -> None:
    """UTF-8 with BOM so Excel opens Chinese text correctly; CRLF rows, so a cell holding a lone CR is quoted
    (with pandas' "\\n" rows it was not, and a reader split the row there — and a ``=`` after the CR began a
    row of its own, un-neutralised)."""
    neutralise_frame(df).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _display(df: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader sees (no item id, no writers' detail)."""
    return df.drop(columns=[c for c in (KEY, *DETAIL) if c in df.columns])


def public(df: pd.DataFrame) -> pd.DataFrame:
    """The 整改清单 for a CSV: the reader's columns and the item id a re-audit matches rows by."""
    return df.drop(columns=[c for c in DETAIL if c in df.columns])


def _sheet_name(unit: str, taken: list[str], fallback: str = "未明确") -> str:
    """A sheet name Excel accepts: ≤31 characters, none of []:*?/\\, no apostrophe at either end, not
    "History", unique whatever the case."""
    name = "".join(ch for ch in unit if ch not in '[]:*?/\\').strip("'").strip()[:31].strip("'") or fallback
    if name.lower() == "history":
        name = fallback
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


# ---------------------------------------------------------------- the 整改清单 a supervisor sends out


@dataclass(frozen=True)
class NoticeInfo:
    """What the 整改清单's title block and the 整改通知 say about the audit (see ``Audit.notice_info``)."""

    agency: str  # the audited body (the checklist's agency, else the site's own name)
    evaluation: str  # the checklist's title
    as_of: dt.date  # 评估日期: deadlines count from it
    checklists: tuple[str, ...] = ()
    issuer: str = ISSUER  # who sends the list out
    working_days: int = 20
    veto_days: int = VETO_RECTIFY_DAYS
    office: str = OFFICE
    url: str = ""
    incomplete: tuple[str, ...] = ()  # why the audit is 评估不完整 (empty: complete)
    own_days: tuple[tuple[str, int], ...] = ()  # items with their own 整改时限 (rectify_days) among the rows
    issued: dt.date | None = None  # the notice's date (default: 评估日期)

    @property
    def title(self) -> str:
        return f"{self.agency}政务公开评估整改清单"

    @property
    def notice_title(self) -> str:
        return f"关于{self.agency}政务公开评估发现问题的整改通知"

    @property
    def date(self) -> dt.date:
        return self.issued or self.as_of

    @property
    def completeness(self) -> str:
        return "完整" if not self.incomplete else "评估不完整：" + "；".join(self.incomplete)

    def rule(self, rows: pd.DataFrame | None = None) -> str:
        """The 整改时限 rule in words, from the parameters the deadlines were counted with."""
        text = (f"单项否决项{self.veto_days}个工作日，其余{self.working_days}个工作日，自评估日起算；"
                "遇法定节假日顺延")
        if self.own_days:
            text += "；" + "、".join(f"{i}为{d}个工作日" for i, d in self.own_days) + "（检查清单另定）"
        if rows is not None and "备注" in rows.columns and rows["备注"].map(
                lambda v: ESTIMATED in plain_text(v)).any():
            text += "；节假日安排尚未公布的年份暂按周一至周五估算（见备注）"
        return text


SUMMARY_SHEET = "汇总"
APPENDIX_SHEET = "证据附录"
APPENDIX_COLUMNS = ["序号", "检查项", "页面", "抓取时间", "WARC记录"]
TITLE_ROWS = 6  # title, four lines of facts, instructions; the header row comes next
HEADER_ROW = TITLE_ROWS + 1
WIDTHS = {"序号": 5, "检查项": 16, "问题": 28, "依据": 26, "证据": 22, "责任单位": 11, "整改要求": 22, "整改时限": 13,
          "状态": 7, "备注": 14, REVIEW: 20, "整改措施": 20, "责任人": 8, "计划完成时间": 12, "完成情况": 16,
          "佐证材料": 14, "页面": 50, "抓取时间": 18, "WARC记录": 46}
DATE_FORMAT = "yyyy-mm-dd"
FONT = "宋体"
HYPERLINK_MAX = 2000  # longer targets are refused by Excel


def _link_target(url: str) -> str | None:
    """An evidence URL a cell may link to: http(s) only (never javascript:, file: …), no control characters."""
    url = plain_text(url).strip()
    if (url.lower().startswith(("http://", "https://")) and len(url) <= HYPERLINK_MAX
            and not re.search(r"[\x00-\x20\x7f\"<>\\\\^`{|}]", url)):
        return url
    return None


def _as_date(value):
    """A deadline as a date cell: dates stay dates, an ISO day read back from a CSV becomes one, anything else
    stays text."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value == value else ""
    if isinstance(value, dt.date):
        return value
    text = plain_text(value)
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return text


def _fetched(value):
    """A fetch time as Beijing time (a datetime cell), or the text when it is not a time."""
    text = plain_text(value)
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None)
    return when


def _text_width(text: str) -> float:
    """Width in Excel's column units at the table's 10-point font: a CJK character is about 1.8, others 1."""
    return sum(1.8 if ord(ch) > 0x2E7F else 1 for ch in text)


def _lines(value, width: float) -> int:
    text = value if isinstance(value, str) else ("" if value is None else "0000-00-00")
    return sum(max(1, math.ceil(_text_width(line) / max(1.0, width - 1))) for line in text.split("\n"))


def _units_of(row) -> list[tuple[str, str]]:
    units = row.get("units")
    if isinstance(units, (list, tuple)) and units:
        return [(plain_text(u), plain_text(r)) for u, r in units]
    return split_units(row.get("责任单位", ""))


def _evidence_of(row) -> list[dict]:
    evidence = row.get("evidence")
    if isinstance(evidence, (list, tuple)):
        return [x for x in evidence if isinstance(x, dict)]
    return [{"url": u} for u in plain_text(row.get("证据", "")).split("\n") if _link_target(u)]


def unit_groups(df: pd.DataFrame, office: str = OFFICE) -> dict[str, list[int]]:
    """Each responsible unit (in order of first appearance) → the positions of the rows it has a part in: a problem
    shared by several units is in each one's group; a problem naming none is in ``office``'s."""
    groups: dict[str, list[int]] = {}
    for k, (_, row) in enumerate(df.iterrows()):
        for unit, _role in _units_of(row) or [(office, MAIN)]:
            groups.setdefault(unit, []).append(k)
    return groups


def to_rectification_xlsx(df: pd.DataFrame, path: str | Path, info: NoticeInfo) -> None:
    """The 整改清单 as a supervisor sends it: every sheet opens with a title block (agency, evaluation, 评估日期,
    checklists, issuing body, 整改时限 rule) over the table's header row (frozen, repeated on every printed page);
    the tool's columns are locked, the five the responsible unit fills in are not; dates are date cells, evidence a
    link to the page. Sheets: 汇总 (one row per defect, naming every unit), one per unit (a shared problem on each
    of its units' sheets; a problem no checklist assigns on ``info.office``'s, with a note), 证据附录 (every page,
    fetch time and WARC record). Landscape A4, fitted to the page width, page numbers in the footer. Every cell
    goes through :func:`xlsx_value`: nothing scraped becomes a formula."""
    from openpyxl import Workbook

    df = df.reset_index(drop=True)
    tool = [c for c in df.columns if c not in (KEY, *DETAIL)]
    header = [*tool, *FILL_IN]
    rule = info.rule(df)
    records = [dict(zip(df.columns, values)) for values in df.itertuples(index=False, name=None)]

    appendix: list[list] = []
    links: list[tuple[str | None, str]] = []  # per row: the first page's link, and the cell's text
    for r in records:
        evidence = _evidence_of(r)
        first = next((x for x in evidence if _link_target(x.get("url", ""))), None)
        for x in evidence:
            appendix.append([len(appendix) + 1, r.get("检查项", ""), plain_text(x.get("url", "")),
                             _fetched(x.get("fetched_at", "")), plain_text(x.get("warc_record_id", "")) or "无"])
        if first is None:
            links.append((None, plain_text(r.get("证据", "")) or "见检查结果"))
        else:
            more = f"\n另{len(evidence) - 1}个页面见“{APPENDIX_SHEET}”" if len(evidence) > 1 else ""
            links.append((_link_target(first["url"]), plain_text(first["url"]) + more))

    def values(r: dict, k: int, note: str = "") -> list:
        out = []
        for col in tool:
            v = r.get(col, "")
            if col == "证据":
                v = links[k][1]
            elif col == "整改时限":
                v = _as_date(v)
            elif col == "备注":
                v = "；".join(x for x in (plain_text(v), note) if x)
            out.append(v)
        return out + [""] * len(FILL_IN)

    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    intro = (f"本表为{info.agency}政务公开评估发现的全部问题，共{len(records)}项，每项一行，责任单位各有分表。")
    _write_sheet(ws, info, rule, info.title + "（汇总）", intro, header,
                 [values(r, k) for k, r in enumerate(records)], [links[k][0] for k in range(len(records))])

    for unit, ks in unit_groups(df, info.office).items():
        name = _sheet_name(unit, [*wb.sheetnames, APPENDIX_SHEET], fallback=info.office)
        intro = f"本表为{unit}负责或配合整改的问题，共{len(ks)}项（序号同汇总表）。"
        _write_sheet(wb.create_sheet(name), info, rule, f"{info.title}（{unit}）", intro, header,
                     [values(records[k], k, role_note(unit, _units_of(records[k]))) for k in ks],
                     [links[k][0] for k in ks])

    intro = ("每个问题页面的抓取时间（北京时间）和网页存档（snapshot.warc.gz）中的记录编号，供核对问题当时的页面；"
             "责任单位无需填写。")
    _write_sheet(wb.create_sheet(APPENDIX_SHEET), info, rule, f"{info.title}（{APPENDIX_SHEET}）", intro,
                 APPENDIX_COLUMNS, appendix, [_link_target(a[2]) for a in appendix], link_column="页面",
                 fill_in=False, empty="本清单所列问题没有网页证据记录。")
    wb.properties.title = xlsx_value(info.title)
    wb.properties.creator = xlsx_value(info.issuer)
    wb.save(path)


def _write_sheet(ws, info: NoticeInfo, rule: str, title: str, intro: str, header: list[str], rows: list[list],
                 links: list[str | None], link_column: str = "证据", fill_in: bool = True,
                 empty: str | None = None) -> None:
    from copy import copy

    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    n = len(header)
    last = get_column_letter(n)
    font = Font(name=FONT, size=10)
    bold = Font(name=FONT, size=10, bold=True)
    link_font = Font(name=FONT, size=10, color="0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first = Alignment(horizontal="center", vertical="top", wrap_text=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    label_fill = PatternFill("solid", fgColor="EEF2F7")
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    input_head = PatternFill("solid", fgColor="FFE699")
    input_fill = PatternFill("solid", fgColor="FFF8DC")
    unlocked = Protection(locked=False)
    for i, col in enumerate(header):
        ws.column_dimensions[get_column_letter(i + 1)].width = WIDTHS.get(col, 14)
    width = {i: ws.column_dimensions[get_column_letter(i + 1)].width for i in range(n)}

    looks: dict[tuple, tuple] = {}  # ids of (font, alignment, fill, border) → them (kept alive: ids stay theirs)
    # and the cell style put made with them first, copied into later cells: openpyxl hashes every style assignment

    def put(row: int, col: int, value, style=font, end: int | None = None, align=wrap, fill=None, edge=None):
        cell = ws.cell(row=row, column=col, value=xlsx_value(value))
        look = (id(style), id(align), id(fill), id(edge))
        if look in looks and not cell.has_style:  # a new cell: the same style as the first one put
            cell._style = copy(looks[look][-1])
        else:
            fresh = not cell.has_style
            cell.font, cell.alignment = style, align
            if fill is not None:
                cell.fill = fill
            if edge is not None:
                cell.border = edge
            if fresh:
                looks[look] = (style, align, fill, edge, copy(cell._style))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        if end and end > col:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=end)
        return cell

    # title block: title; four lines of label/value pairs (label A:B, value C, label D, value E:last); instructions
    put(1, 1, title, Font(name=FONT, size=16, bold=True), n, centre)
    ws.row_dimensions[1].height = 30
    facts = [("被评估单位", info.agency, "评估名称", info.evaluation),
             ("评估日期", info.as_of, "检查清单", "、".join(info.checklists) or "—"),
             ("下发单位", info.issuer, "评估完整性", info.completeness),
             ("整改时限", rule, None, None)]
    for k, (label1, value1, label2, value2) in enumerate(facts):
        r = 2 + k
        put(r, 1, label1, bold, 2, fill=label_fill)
        if label2 is None:
            put(r, 3, value1, font, n)
            span = sum(width[i] for i in range(2, n))
        else:
            cell = put(r, 3, value1)
            if isinstance(value1, dt.date):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="left", vertical="top")
            put(r, 4, label2, bold, fill=label_fill)
            put(r, 5, value2, font, n)
            span = sum(width[i] for i in range(4, n))
        first_width = width[2] if label2 is not None else sum(width[i] for i in range(2, n))
        ws.row_dimensions[r].height = max(16, 13.5 * max(_lines(plain_text(value1), first_width),
                                                         _lines(plain_text(value2), span)))
    instructions = intro + (f"黄色列（{'、'.join(FILL_IN)}）由责任单位填写，其余内容由{info.issuer}填写并已锁定；"
                            f"“{link_column}”可点击打开问题页面，全部页面及其网页存档记录见“{APPENDIX_SHEET}”。"
                            if fill_in else "")
    put(TITLE_ROWS, 1, "说明", bold, 2, fill=label_fill)
    put(TITLE_ROWS, 3, instructions, font, n)
    ws.row_dimensions[TITLE_ROWS].height = max(16, 13.5 * _lines(instructions, sum(width[i] for i in range(2, n))))

    # the table
    inputs = set(range(n - len(FILL_IN), n)) if fill_in else set()
    for i, col in enumerate(header):
        put(HEADER_ROW, i + 1, col, bold, align=centre, fill=input_head if i in inputs else head_fill, edge=border)
    ws.row_dimensions[HEADER_ROW].height = 28
    dates = {header.index(c) for c in ("整改时限", "计划完成时间", "抓取时间") if c in header}
    at_link = header.index(link_column) if link_column in header else None
    styles: dict[tuple, object] = {}  # a column's style, set once and copied: openpyxl hashes every assignment
    for k, row in enumerate(rows):
        r = HEADER_ROW + 1 + k
        lines = 1
        for i, value in enumerate(row):
            cell = ws.cell(row=r, column=i + 1, value=xlsx_value(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            link = links[k] if i == at_link else None
            key = (i, bool(link))
            if key in styles:
                cell._style = copy(styles[key])
            else:
                cell.font = link_font if link else font
                cell.alignment = first if i == 0 or i in dates else wrap
                cell.border = border
                if i in dates:
                    cell.number_format = DATE_FORMAT if header[i] != "抓取时间" else "yyyy-mm-dd hh:mm:ss"
                if i in inputs:
                    cell.protection = unlocked
                    cell.fill = input_fill
                styles[key] = copy(cell._style)
            if link:
                cell.hyperlink = link
            lines = max(lines, _lines(cell.value, width[i]))
        ws.row_dimensions[r].height = min(409, max(16, 13.5 * lines))
    if not rows:
        text = empty or ("未发现需要整改的问题。" if not info.incomplete
                         else "本次评估不完整（见上），已评估的部分未发现需要整改的问题，未评估的部分不在此列。")
        put(HEADER_ROW + 1, 1, text, font, n).border = border

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(1, len(rows))}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9
    # locked: the tool's cells and every header; formatting and filtering stay allowed; no password
    protection = ws.protection
    protection.sheet = True
    protection.formatCells = protection.formatColumns = protection.formatRows = False
    protection.autoFilter = protection.sort = False
    protection.selectLockedCells = protection.selectUnlockedCells = False



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


def unauditable_rows(reason: str, url: str, as_of: dt.date, office: str = "办公室") -> pd.DataFrame:
    """The 整改清单 of a site that could not be audited: one row saying so and why, never an empty list that
    reads like 未发现问题."""
    row = {
        "序号": 1, KEY: "UNAUDITABLE",
        "检查项": "无法评估",
        "问题": f"无法评估：{reason}。网站未能读取，本次评估没有判断任何检查项，不能视为“未发现问题”。",
        "依据": "各检查项均须读取网站页面后判定",
        "证据": f"{url}（评估日期 {as_of.isoformat()}）",
        "责任单位": office,
        "整改要求": "核实网址是否正确、网站能否从互联网正常访问（域名解析、服务器运行、防护设置）；恢复访问后重新评估",
        "整改时限": "恢复访问后重新评估",
        "状态": "无法评估",
    }
    return pd.DataFrame([row], columns=[*COLUMNS, KEY])
