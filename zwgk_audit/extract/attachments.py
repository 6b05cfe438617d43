"""The text of a document published only as an attachment (PDF, OFD, DOCX), and the fields read from it.

Many 政策文件 pages carry nothing but a link to the signed PDF. The fields an evaluator needs (文号, 成文日期,
the signing body) are then on the attachment's first and last lines; they are read with the same rules as a page's
text (:mod:`.metadata`). Formats no library here reads (DOC, WPS, scanned PDFs without a text layer) say so:
their fields are "unverified — 正文在附件中，未能读取", never missing.
"""
from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from ..filekind import file_kind
from . import metadata

READABLE = re.compile(r"\.(pdf|ofd|docx)$", re.I)
ATTACHMENT = re.compile(r"\.(pdf|ofd|docx?|wps)$", re.I)
MAX_PAGES = 30  # a 文号 sits on the first page and a 落款 on the last pages of the text; a report can run to hundreds
MIN_TEXT = 20


def text_of(data: bytes, url: str, content_type: str = "") -> tuple[str | None, str]:
    """(text, why it could not be read) for one attachment; never raises."""
    kind = _kind(data, url, content_type)
    try:
        if kind == "pdf":
            text = _pdf(data)
        elif kind == "ofd":
            text = _ofd(data)
        elif kind == "docx":
            text = _docx(data)
        else:
            return None, f"附件格式无法读取（{kind or '未知格式'}）"
    except Exception as exc:  # a broken or hostile file is a finding about the portal, not a crash
        return None, f"附件无法解析（{kind}：{type(exc).__name__}）"
    if len(re.sub(r"\s+", "", text or "")) < MIN_TEXT:
        return None, f"附件没有可读取的文字层（{kind}，可能为扫描件）"
    return text, ""


def _kind(data: bytes, url: str, content_type: str) -> str:
    """By content (:func:`zwgk_audit.filekind.file_kind`); the URL's extension or the Content-Type only name what
    the bytes do not (a truncated or unknown file)."""
    kind = file_kind(data)
    if kind in ("pdf", "ofd", "docx", "xlsx", "xls", "zip"):
        return kind
    if kind in ("doc", "ole", "ole-damaged"):  # legacy Office (OLE2): no reader here
        return "doc/wps"
    if "pdf" in content_type:
        return "pdf"
    m = ATTACHMENT.search(url.split("?")[0])
    return m.group(1).lower() if m else ""


def _pdf(data: bytes) -> str:
    import pdfplumber  # imported on first use: most crawls read no attachment

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages[:MAX_PAGES]
        return "\n".join(page.extract_text() or "" for page in pages)


def _ofd(data: bytes) -> str:
    """OFD (GB/T 33190): a ZIP of XML pages whose text sits in ``ofd:TextCode`` elements, page by page."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    pages = sorted((n for n in zf.namelist() if re.search(r"Pages/Page_?\d+/Content\.xml$", n)),
                   key=lambda n: int(re.search(r"Page_?(\d+)/", n).group(1)))
    lines = []
    for name in pages[:MAX_PAGES]:
        root = etree.fromstring(zf.read(name), etree.XMLParser(resolve_entities=False, no_network=True))
        last_y = None
        for obj in root.iter("{*}TextObject"):
            box = (obj.get("Boundary") or "").split()
            y = box[1] if len(box) > 1 else None
            if last_y is not None and y != last_y:
                lines.append("\n")  # a text object on another baseline: another line
            lines.append("".join(code.text or "" for code in obj.iter("{*}TextCode")))
            last_y = y
        lines.append("\n")
    return "".join(lines)


def _docx(data: bytes) -> str:
    zf = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(zf.read("word/document.xml"), etree.XMLParser(resolve_entities=False, no_network=True))
    paragraphs = []
    for p in root.iter("{*}p"):
        paragraphs.append("".join(t.text or "" for t in p.iter("{*}t")))
    return "\n".join(paragraphs)


def fields_of(text: str, title: str = "") -> metadata.Fields:
    """文号 (head line), 成文日期 and the signing body (落款) of an attachment's text."""
    lines = [line for line in (metadata.SPACES.sub(" ", raw).strip() for raw in text.splitlines()) if line]
    found = metadata.from_text(metadata.read_blocks(lines), lines, title)
    for key in list(found.sources):
        found.sources[key] = "attachment"
    return found
