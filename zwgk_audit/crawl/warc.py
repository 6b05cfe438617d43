"""The evidence archive: every request, response and failed fetch as WARC records.

Responses are stored as decoded payloads (Content-Encoding removed) so they
replay byte-for-byte into the same tables. Fetch failures and robots.txt
refusals become ``metadata`` records with a JSON body: they are findings
about the portal and must survive in the evidence, too.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ..extract.urls import split_key
from .fetcher import Fetched

KIND = "WARC-Zwgk-Kind"  # page | redirect | robots | error | robots_blocked | summary
REQUESTED = "WARC-Zwgk-Requested-URI"
EVENT_TYPE = "application/vnd.zwgk-event+json"


class WarcRecorder:
    """Writes the crawl's WARC. Every record is given its length: warcio then hashes each payload once for its
    digests, instead of copying it to a temporary file and hashing it twice (issue 19)."""

    def __init__(self, path: str | Path, info: dict):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "wb")
        self._w = WARCWriter(self._fh, gzip=True)
        rec = self._w.create_warcinfo_record(self.path.name, {"software": "zwgk-audit", "format": "WARC File Format 1.1",
                                                               "zwgk": json.dumps(info, ensure_ascii=False)})
        self._w.write_record(rec)

    def _event(self, url: str, kind: str, payload: dict, when: str | None = None) -> str:
        headers = {KIND: kind}
        if when:
            headers["WARC-Date"] = when
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        rec = self._w.create_warc_record(
            url, "metadata", payload=io.BytesIO(data), length=len(data),
            warc_content_type=EVENT_TYPE, warc_headers_dict=headers,
        )
        self._w.write_record(rec)
        return rec.rec_headers.get_header("WARC-Record-ID")

    def _response(self, f: Fetched, kind: str, requested: str) -> str:
        url, method, _ = split_key(f.url)  # a POST's key carries its body; the request line carries the URL
        parts = urlsplit(url)
        req_line = f"{f.method or method} {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1"
        sent = (f.request_body or "").encode("utf-8")
        req_headers = [("Host", parts.netloc)]
        if f.request_body is not None:
            req_headers += [("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"),
                            ("Content-Length", str(len(sent)))]
        req = self._w.create_warc_record(
            url, "request", payload=io.BytesIO(sent), length=len(sent),
            http_headers=StatusAndHeaders(req_line, req_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": _warc_date(f.fetched_at)},
        )
        status_line = f"{f.status} {'OK' if f.status == 200 else ''}".strip()
        headers = {KIND: kind, REQUESTED: requested, "WARC-Date": _warc_date(f.fetched_at)}
        if f.truncated:
            headers["WARC-Truncated"] = "length" if "larger" in (f.error or "") else "time"
        resp = self._w.create_warc_record(
            f.final_url if kind != "redirect" else url, "response", payload=io.BytesIO(f.body), length=len(f.body),
            http_headers=StatusAndHeaders(status_line, f.headers, protocol="HTTP/1.1"),
            warc_headers_dict=headers,
        )
        self._w.write_request_response_pair(req, resp)
        return resp.rec_headers.get_header("WARC-Record-ID")

    def fetched(self, f: Fetched, kind: str = "page") -> str:
        """Write a fetch outcome; returns the WARC-Record-ID that evidences it."""
        for hop in f.hops:
            self._response(hop, "redirect", f.url)
        if f.status is None:
            return self._event(f.url, "error", {"url": f.url, "error": f.error, "fetched_at": f.fetched_at}, _warc_date(f.fetched_at))
        rid = self._response(f, kind, f.url)
        if f.error:  # a response that was cut: keep why next to it
            self._event(f.url, "error_note", {"url": f.url, "error": f.error, "record": rid})
        return rid

    def event(self, url: str, kind: str, payload: dict) -> str:
        """Record a decision about a URL that made no request (a refused or skipped fetch)."""
        return self._event(url, kind, payload, _warc_date(payload.get("fetched_at", "")) or None)

    def robots_blocked(self, url: str, when: str) -> str:
        return self._event(url, "robots_blocked", {"url": url, "error": "disallowed by robots.txt", "fetched_at": when},
                           _warc_date(when))

    def close(self, summary: dict) -> None:
        self._event("urn:zwgk:crawl-summary", "summary", summary)
        self._fh.close()


def _warc_date(iso: str) -> str:
    return iso.replace("+00:00", "Z") if iso else iso


def _from_warc_date(value: str) -> str:
    return value.replace("Z", "+00:00") if value else value


def replay(path: str | Path) -> Iterator[tuple[str, object]]:
    """Yield ``("info", dict)``, ``("fetched", (Fetched, kind, record_id))``, ``("event", dict)`` in file order."""
    with open(path, "rb") as fh:
        yield from replay_stream(fh)


def record_offsets(path: str | Path) -> list[int]:
    """Byte offset of every record (a cheap pass: payloads are skipped, not parsed)."""
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        return [it.get_record_offset() for _rec in it]


def replay_range(path: str | Path, start: int, end: int) -> list[tuple[str, object]]:
    """:func:`replay` for the records in ``[start, end)``: lets worker processes share one WARC."""
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read(end - start) if end > start else fh.read()
    return list(replay_stream(io.BytesIO(data)))


def replay_stream(fh) -> Iterator[tuple[str, object]]:
    """The records of an open WARC stream, as :func:`replay` yields them."""
    for rec in ArchiveIterator(fh):
        rtype = rec.rec_type
        h = rec.rec_headers
        if rtype == "warcinfo":
            text = rec.content_stream().read().decode("utf-8")
            for line in text.splitlines():
                if line.startswith("zwgk:"):
                    yield "info", json.loads(line.split(":", 1)[1].strip())
        elif rtype == "response":
            kind = h.get_header(KIND) or "page"
            if kind == "redirect":
                continue
            body = rec.content_stream().read()
            http = rec.http_headers
            status = int(http.get_statuscode()) if http and http.get_statuscode() else None
            rid = h.get_header("WARC-Record-ID")
            f = Fetched(
                url=h.get_header(REQUESTED) or h.get_header("WARC-Target-URI"),
                final_url=h.get_header("WARC-Target-URI"),
                status=status,
                headers=list(http.headers) if http else [],
                body=body,
                fetched_at=_from_warc_date(h.get_header("WARC-Date")),
                truncated=bool(h.get_header("WARC-Truncated")),
            )
            yield "fetched", (f, kind, rid)
        elif rtype == "metadata" and h.get_header("Content-Type") == EVENT_TYPE:
            payload = json.loads(rec.content_stream().read().decode("utf-8"))
            payload["kind"] = h.get_header(KIND)
            payload["record_id"] = h.get_header("WARC-Record-ID")
            yield "event", payload
