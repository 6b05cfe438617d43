"""A plan as it reaches an evaluator — text, a web page, Word, Excel, PDF, OFD — turned into the text the
clause parser reads, with every table read as a table (one task line per row, see :func:`.tables.rows_to_lines`).

The form is chosen by content, never by file name: ZIP containers by their parts (``word/``, ``xl/``,
``OFD.xml``), OLE2 files (.doc, .xls and .wps share one signature) by their streams (``WordDocument`` vs
``Workbook``), PDF by its header. A legacy .doc or .wps, a scanned PDF without a text layer, an empty file
and a binary of an unknown kind each get their own message.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..filekind import file_kind
from .tables import rows_to_lines

UNREADABLE = {
    "zip-damaged": "压缩文件已损坏，无法打开",
    "zip": "无法识别的压缩文件（不是 .docx、.xlsx 或 .ofd）",
    "ole-damaged": "旧版 Office 文件（.doc/.xls/.wps）已损坏，无法打开",
    "doc": "旧版 Word（.doc）或 WPS 文字文件无法直接读取，请用 Word 或 WPS 另存为 .docx 后再导入",
    "ole": "无法识别的旧版 Office 文件（既不是 Word 也不是 Excel）",
    "binary": "无法识别的二进制文件（支持 .docx .xlsx .xls .pdf .ofd、网页和文本）",
}


class PlanFormatError(ValueError):
    """A plan file this reader cannot turn into text, with what to do about it."""


@dataclass
class PlanText:
    form: str  # text | html | docx | xlsx | xls | pdf | ofd
    text: str  # lines for parse_plan; tables rewritten as numbered task lines
    tables: int = 0  # tables read as tables
    name: str = ""


def read_plan(source: str | bytes | Path, name: str = "") -> PlanText:
    """The text of a plan given as text, a path, or the bytes of a file."""
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and len(source) < 400
                                    and Path(source).is_file()):
        path = Path(source)
        return read_plan(path.read_bytes(), name=str(path))
    if isinstance(source, str):
        return _text_or_html(source, name)
    data = bytes(source)
    where = name or "计划文件"
    kind = file_kind(data)
    if kind == "empty":
        raise PlanFormatError(f"{where}：文件为空")
    if kind == "docx":
        return _docx(data, where)
    if kind in ("xlsx", "xls"):
        return _excel(data, where, kind)
    if kind == "ofd":
        from ..extract.attachments import text_of

        text, why = text_of(data, where)
        if text is None:
            raise PlanFormatError(f"{where}：{why}")
        return PlanText("ofd", text, 0, where)
    if kind == "pdf":
        return _pdf(data, where)
    if kind in UNREADABLE:
        raise PlanFormatError(f"{where}：{UNREADABLE[kind]}")
    from ..crawl.encoding import decode_html

    text, _encoding, _how = decode_html(data, "")
    return _text_or_html(text, name)


def _text_or_html(text: str, name: str) -> PlanText:
    if "<" in text and re.search(r"<(table|p|div|br|body|td)\b", text, re.I):
        return _html(text, name)
    return PlanText("text", text, 0, name)


def _html(html: str, name: str) -> PlanText:
    from ..extract.page import parse_html

    doc = parse_html(html)
    tables = 0
    for table in list(doc.iter("table")):
        if table.find(".//table") is not None:
            continue  # a layout table holding other tables: its inner tables are the data
        lines = rows_to_lines(_spread_spans(table))
        if lines:
            tables += 1
            block = etree.Element("div")
            block.text = "\n" + "\n".join(lines) + "\n"
            block.tail = table.tail
            table.getparent().replace(table, block)
    for br in doc.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in doc.iter("p", "div", "tr", "li", "h1", "h2", "h3", "td"):
        el.tail = "\n" + (el.tail or "")
    for el in doc.iter("script", "style"):
        el.text = ""
    body = doc.find("body")
    return PlanText("html", "".join((body if body is not None else doc).itertext()), tables, name)


def _spread_spans(table) -> list[list[str]]:
    """The table's rows with rowspan/colspan cells repeated into every row and column they cover, as the eye
    reads a merged cell."""
    grid: list[list[str]] = []
    carry: dict[int, tuple[str, int]] = {}  # column -> (text, rows it still covers)
    for tr in table.iter("tr"):
        row: list[str] = []

        def take_carried() -> None:
            while len(row) in carry:
                text, left = carry.pop(len(row))
                if left > 1:
                    carry[len(row)] = (text, left - 1)
                row.append(text)

        take_carried()
        for cell in (c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")):
            text = " ".join("".join(cell.itertext()).split())
            span = min(int(cell.get("colspan")), 50) if str(cell.get("colspan", "")).isdigit() else 1
            down = min(int(cell.get("rowspan")), 500) if str(cell.get("rowspan", "")).isdigit() else 1
            for _ in range(max(span, 1)):
                if down > 1:
                    carry[len(row)] = (text, down - 1)
                row.append(text)
            take_carried()
        grid.append(row)
    return grid


def _docx(data: bytes, where: str) -> PlanText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines, tables = [], 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            rows = [[cell.text for cell in row.cells] for row in Table(child, document).rows]  # merged cells repeat
            read = rows_to_lines(rows)
            tables += bool(read)
            lines.extend(read or ["\t".join(r) for r in rows])
    return PlanText("docx", "\n".join(lines), tables, where)


def _excel(data: bytes, where: str, form: str) -> PlanText:
    import pandas as pd

    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, dtype=str, engine="calamine")
    except Exception as exc:  # a broken workbook names itself, not a stack trace
        raise PlanFormatError(f"{where}：Excel 文件无法读取（{type(exc).__name__}）") from None
    lines, tables = [], 0
    for frame in sheets.values():
        rows = frame.where(frame.notna(), "").values.tolist()
        rows = _fill_merged(rows)
        read = rows_to_lines(rows)
        tables += bool(read)
        lines.extend(read or [" ".join(c for c in r if c) for r in rows])
    return PlanText(form, "\n".join(lines), tables, where)


def _fill_merged(rows: list[list[str]]) -> list[list[str]]:
    """A merged section cell comes out of Excel once, in its first column: spread it across its row."""
    out = []
    for row in rows:
        filled = [c for c in row if c]
        out.append([filled[0]] * len(row) if len(filled) == 1 and re.match(r"^\s*[一二三四五六七八九十]{1,3}\s*、", filled[0])
                   else row)
    return out


def _pdf(data: bytes, where: str) -> PlanText:
    import pdfplumber

    lines, tables = [], 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                found = page.extract_tables() or []
                read = [line for t in found for line in rows_to_lines(t)]
                if read:
                    tables += 1
                    lines.extend(read)
                else:
                    lines.append(page.extract_text() or "")
    except Exception as exc:
        raise PlanFormatError(f"{where}：PDF 无法解析（{type(exc).__name__}）") from None
    text = "\n".join(lines)
    if len(re.sub(r"\s+", "", text)) < 20:
        raise PlanFormatError(f"{where}：PDF 没有文字层（可能是扫描件），无法读取；本工具不做文字识别（OCR）")
    return PlanText("pdf", unwrap(text), tables, where)


def unwrap(text: str) -> str:
    """Join the lines a page layout wrapped: a line as long as the page's full lines, not ending a sentence,
    continues on the next (相 / 关业务股室 is one unit)."""
    lines = text.split("\n")
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 5:
        return text
    full = lengths[int(len(lengths) * 0.9)]
    out: list[str] = []
    joining = False
    for line in lines:
        if joining and out:
            out[-1] += line.strip()
        else:
            out.append(line.strip())
        joining = len(line.strip()) >= full - 1 and not line.rstrip().endswith(("。", "：", ":", "；", ";", "）", ")"))
    return "\n".join(out)
