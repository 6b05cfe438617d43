"""Decode a page the way a careful browser would, for portals that mislabel their bytes.

Order: BOM, the HTTP header's charset, ``<meta charset>`` / ``http-equiv``, then
charset-normalizer. A declared charset is only trusted when the bytes decode
cleanly with it: a page declared UTF-8 but sent as GBK still reads right.
GB2312 and GBK are decoded as GB18030, their superset.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "utf8": "utf-8"}
_BOMS = [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]


def _norm(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name.replace("_", "-")
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    m = _HEADER.search(content_type or "")
    return _norm(m.group(1)) if m else None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str, str]:
    """Return ``(text, encoding, how)``; ``how`` says which evidence won (bom/header/meta/detected/fallback)."""
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(enc, errors="replace"), enc, "bom"
    candidates: list[tuple[str, str]] = []
    if (enc := header_charset(content_type)):
        candidates.append((enc, "header"))
    m = _META.search(body[:4096])
    if m and (enc := _norm(m.group(1).decode("ascii", "ignore"))):
        candidates.append((enc, "meta"))
    for enc, how in candidates:
        try:
            return body.decode(enc), enc, how
        except UnicodeDecodeError:
            continue
    # declared charsets failed (or none): the two encodings Chinese portals actually use, then detection
    for enc in ("utf-8", "gb18030"):
        try:
            return body.decode(enc), enc, "detected" if candidates else "sniffed"
        except UnicodeDecodeError:
            continue
    best = from_bytes(body[:200_000]).best()
    if best is not None:
        enc = _norm(best.encoding) or "utf-8"
        return body.decode(enc, errors="replace"), enc, "detected"
    return body.decode("utf-8", errors="replace"), "utf-8", "fallback-replaced"
