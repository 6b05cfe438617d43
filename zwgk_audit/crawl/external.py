"""Check the other sites a portal links to from its home and column pages: HEAD, politely, bounded.

When the crawl's internet probe said the auditing machine is offline, nothing is requested (not even a
DNS lookup): each link is recorded as skipped, and ``links_valid`` leaves them unverified.

Link checks never reach private, loopback or link-local addresses unless the
portal itself lives in that address class (an intranet portal audited from
inside): a scraped link is not a reason to probe someone's internal network.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import socket

from ..extract.urls import host_of
from .reachability import is_offline, target_text


def address_class(host: str) -> str | None:
    """'public', 'private', 'loopback', 'link_local' or 'reserved' for a host's first address; None when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return None
    ip = ipaddress.ip_address(infos[0][4][0].split("%")[0])
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_private:
        return "private"
    if ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        return "reserved"
    return "public"


def check_external(start: str, builder, fetcher, recorder, limit: int) -> int:
    """HEAD (GET when HEAD is refused) each external link on the home and column pages; returns how many."""
    sources = {start} | {p["url"] for p in builder.pages if p["kind"] == "list"}
    targets = list(dict.fromkeys(to for frm, to, _text, kind, _group in builder.links if kind == "external" and frm in sources))
    internet = builder.meta.get("internet")
    if is_offline(internet):
        reason = (f"not checked: the auditing machine cannot reach the internet "
                  f"(probe {target_text(internet)} failed: {internet.get('error')})")
        for url in targets[:limit]:
            _skip(url, reason, builder, recorder)
        return 0
    portal = address_class(host_of(start))
    done = 0
    for url in targets[:limit]:
        cls = address_class(host_of(url))
        if cls not in (None, "public") and cls != portal:
            _skip(url, f"not checked: {host_of(url)} is a {cls} address and the portal is not", builder, recorder)
            continue
        f = fetcher.get(url, method="HEAD")
        if f.status in (405, 501):
            f = fetcher.get(url)
        rid = recorder.fetched(f, kind="external")
        builder.ingest(f, "external", rid)
        done += 1
    return done


def _skip(url: str, reason: str, builder, recorder) -> None:
    """A link deliberately not requested, kept in the WARC with why."""
    when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    rid = recorder.event(url, "external_skipped", {"url": url, "error": reason, "fetched_at": when})
    builder.event({"kind": "external_skipped", "url": url, "error": reason, "fetched_at": when, "record_id": rid})
