"""What a file is, from its bytes — not its name or Content-Type, which portals and plan senders get wrong.

ZIP containers are told apart by their parts (``word/`` → docx, ``xl/`` → xlsx, ``OFD.xml`` → ofd); OLE2 files
(.doc, .xls and .wps share one signature) by their streams (``WordDocument`` vs ``Workbook``). Used by plan
reading (:mod:`zwgk_audit.plans.sources`) and attachment reading (:mod:`zwgk_audit.extract.attachments`).
"""
from __future__ import annotations

import io
import zipfile

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# kinds: pdf docx xlsx ofd zip (another ZIP) zip-damaged xls doc (Word or WPS) ole (another OLE2) ole-damaged
#        binary (NUL bytes in the head) text empty


def file_kind(data: bytes) -> str:
    if not data.strip():
        return "empty"
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:2] == b"PK":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "zip-damaged"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
        return "zip"
    if data[:8] == OLE2:
        import olefile

        try:
            streams = {"/".join(s) for s in olefile.OleFileIO(io.BytesIO(data)).listdir()}
        except Exception:  # olefile raises OSError, ValueError… on a damaged container
            return "ole-damaged"
        if "Workbook" in streams or "Book" in streams:
            return "xls"
        if "WordDocument" in streams:
            return "doc"
        return "ole"
    if b"\x00" in data[:4096]:
        return "binary"
    return "text"
