"""整改通知: the 整改清单 as a Word document, for agencies that circulate Word rather than spreadsheets.

    关于××政务公开评估发现问题的整改通知
    ××：
    (评估日期, checklist, how many problems, the 整改时限 rule)
    一、办公室（3项）     序号 | 问题 | 依据 | 整改要求 | 整改时限
    二、网站运维单位（1项） …
    附件 / issuing body / date

Landscape A4, 仿宋 body and 宋体 title set for East Asian text (``w:eastAsia``), the tables' header rows repeated on
every page, page numbers in the footer. The rows are those of :func:`zwgk_audit.rectify.rectification_rows`; the
title block facts those of :class:`zwgk_audit.rectify.NoticeInfo`. Scraped text is stripped of characters XML
cannot hold and stays text.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .rectify import (ESTIMATED, XLSX_ILLEGAL, NoticeInfo, _as_date, _evidence_of, _units_of, plain_text,
                      role_note, unit_groups)

__all__ = ["write_notice", "NOTICE_COLUMNS", "chinese_day", "chinese_number"]

NOTICE_COLUMNS = ["序号", "问题", "依据", "整改要求", "整改时限"]
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
WIDTHS_MM = [14, 96, 68, 56, 32]  # 266 mm: the landscape A4 text width below


def _text(value) -> str:
    return XLSX_ILLEGAL.sub("", plain_text(value))


def chinese_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbers 一、二、…); larger as digits."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else digits[tens]) + "十" if tens else "") + (digits[ones] if ones else "")


_RUN_PROPERTIES: dict[tuple, object] = {}  # (name, size, bold) → the w:rPr _set_font makes, copied into each run


def _font(run, name: str, size: float | None = None, bold: bool = False) -> None:
    """Set a run's font for Latin and East Asian text. python-docx inserts each w:rPr child by searching the
    schema's successors (most of the notice's time): the w:rPr is made once per font and copied into new runs."""
    from copy import deepcopy

    from docx.oxml import OxmlElement
    from docx.text.run import Run

    if run._r.rPr is not None:  # a run with properties already: set them one by one
        _set_font(run, name, size, bold)
        return
    key = (name, size, bold)
    if key not in _RUN_PROPERTIES:
        scratch = Run(OxmlElement("w:r"), None)
        _set_font(scratch, name, size, bold)
        _RUN_PROPERTIES[key] = scratch._r.rPr
    run._r.insert(0, deepcopy(_RUN_PROPERTIES[key]))


def _set_font(run, name: str, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.bold = bold
    if size:
        run.font.size = Pt(size)
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _paragraph(container, text: str = "", font: str = BODY_FONT, size: float = 16, bold: bool = False,
               align=None, indent: bool = False, space_after: float = 0):
    from docx.shared import Pt

    p = container.add_paragraph()
    if text:
        _font(p.add_run(_text(text)), font, size, bold)
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    fmt.space_after = Pt(space_after)
    return p


def _cell(cell, lines: list[tuple[str, bool]], size: float = 10.5, align=None) -> None:
    """A table cell holding ``lines`` (text, bold), each its own paragraph."""
    cell.text = ""
    first = cell.paragraphs[0]
    for k, (line, bold) in enumerate(lines):
        p = first if k == 0 else cell.add_paragraph()
        if align is not None:
            p.alignment = align
        _font(p.add_run(_text(line)), BODY_FONT, size, bold)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _footer(section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, instruction in (("第 ", "PAGE"), (" 页 共 ", "NUMPAGES")):
        _font(p.add_run(text), BODY_FONT, 10.5)
        _field(p, instruction)
    _font(p.add_run(" 页"), BODY_FONT, 10.5)


def _deadline_text(value, note) -> str:
    day = _as_date(value)
    text = chinese_day(day) if isinstance(day, dt.date) else _text(day)
    return text + ("（节假日安排未公布，按周一至周五估算）" if ESTIMATED in plain_text(note) else "")


@lru_cache(maxsize=1)
def _blank_document():
    """python-docx's default document, read once per process: a copy costs half of reading it again."""
    from docx import Document

    return Document()


def write_notice(df: pd.DataFrame, path: str | Path, info: NoticeInfo) -> Path:
    """Write the 整改通知 (.docx) for the 整改清单 rows ``df``: one table per responsible unit."""
    from copy import deepcopy

    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    df = df.reset_index(drop=True)
    doc = deepcopy(_blank_document())
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15.5)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = _text(info.notice_title)[:255]  # the package's limit for a property
    doc.core_properties.author = _text(info.issuer)[:255]
    _footer(section)

    _paragraph(doc, info.notice_title, TITLE_FONT, 22, True, WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _paragraph(doc, f"{info.agency}：")
    evaluation = "".join(f"《{t.strip()}》" for t in info.evaluation.split(" + ") if t.strip())
    site = f"门户网站（{info.url}）" if info.url else "门户网站"
    n = len(df)
    vetoes = int(df["检查项"].map(lambda v: "（单项否决）" in plain_text(v)).sum()) if n else 0
    groups = unit_groups(df, info.office)
    ids = "、".join(info.checklists)
    opening = (f"{info.issuer}于{chinese_day(info.as_of)}依据{evaluation}"
               + (f"（检查清单：{ids}）" if ids else "") + f"对你单位{site}政务公开情况进行了评估。")
    incomplete = f"本次评估不完整（{'；'.join(info.incomplete)}）" if info.incomplete else ""
    if n:
        opening += (f"经评估，发现问题{n}项" + (f"（其中单项否决项{vetoes}项）" if vetoes else "")
                    + f"，涉及{len(groups)}个责任单位，现将问题清单通知如下。请于整改时限内完成整改（{info.rule(df)}）。"
                    "整改完成后，请在整改清单中填写整改措施、责任人、计划完成时间、完成情况并附佐证材料，"
                    f"报送{info.issuer}。")
        if incomplete:
            opening += f"{incomplete}，未能评估的部分不在本通知所列问题之内。"
    elif incomplete:  # nothing found is not nothing wrong when part of the site could not be judged
        opening += f"{incomplete}，未能形成完整的问题清单；已评估的部分未发现需要整改的问题。"
    else:
        opening += "经评估，未发现需要整改的问题。"
    _paragraph(doc, opening, indent=True, space_after=6)

    grid = doc.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE)
    for number, (unit, ks) in enumerate(groups.items(), start=1):
        _paragraph(doc, f"{chinese_number(number)}、{unit}（{len(ks)}项）", HEADING_FONT, 16, space_after=4)
        parked = [k for k in ks if "清单未明确责任单位" in plain_text(df.loc[k].get("备注", ""))]
        if parked:
            _paragraph(doc, f"其中{len(parked)}项检查清单未明确责任单位，暂列{unit}，请{unit}牵头落实或转交相关单位。",
                       size=12, space_after=4)
        table = doc.add_table(rows=1, cols=len(NOTICE_COLUMNS))
        table._tbl.tblStyle_val = grid  # table.style = "Table Grid", its id looked up once
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for i, col in enumerate(NOTICE_COLUMNS):
            _cell(table.rows[0].cells[i], [(col, True)], align=WD_ALIGN_PARAGRAPH.CENTER)
        _repeat_header(table.rows[0])
        for k in ks:
            row = df.loc[k]
            evidence = _evidence_of(row)
            problem = [(_text(row.get("检查项", "")), True), *((line, False) for line in
                                                               _text(row.get("问题", "")).split("\n"))]
            if evidence:
                more = f"（另{len(evidence) - 1}个页面见整改清单证据附录）" if len(evidence) > 1 else ""
                problem.append((f"问题页面：{_text(evidence[0].get('url', ''))}{more}", False))
            if _text(row.get("复核说明", "")):
                problem.append((f"复核说明：{_text(row.get('复核说明', ''))}", False))
            demand = [(_text(row.get("整改要求", "")), False)]
            if (role := role_note(unit, _units_of(row))):
                demand.append((f"（{role}）", False))
            cells = table.add_row().cells
            _cell(cells[0], [(_text(row.get("序号", "")), False)], align=WD_ALIGN_PARAGRAPH.CENTER)
            _cell(cells[1], problem)
            _cell(cells[2], [(line, False) for line in _text(row.get("依据", "")).split("\n")])
            _cell(cells[3], demand)
            _cell(cells[4], [(_deadline_text(row.get("整改时限", ""), row.get("备注", "")), False)])
        for i, width in enumerate(WIDTHS_MM):  # the grid (Word, LibreOffice) and every cell (Word) alike
            table.columns[i].width = Mm(width)
            for cell in table.columns[i].cells:
                cell.width = Mm(width)
        _paragraph(doc, space_after=6)

    if n:
        _paragraph(doc, f"附件：{info.title}（rectification.xlsx）", indent=True, space_after=18
                   ).paragraph_format.keep_with_next = True
    _paragraph(doc, info.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.keep_with_next = True
    _paragraph(doc, chinese_day(info.date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    path = Path(path)
    doc.save(path)
    return path

