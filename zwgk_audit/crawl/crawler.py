"""Crawl a portal politely into a WARC-backed :class:`~zwgk_audit.snapshot.Snapshot`.

Columns and their list pages are visited before articles, so a page cap cuts
articles rather than the column tree; robots.txt is obeyed and every refusal
is recorded (a required column blocked by robots.txt is "unverified", not
"missing").
"""
from __future__ import annotations

import datetime as dt
import heapq
import re
import urllib.robotparser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from ..extract.urls import canonical, host_of, split_key
from ..snapshot import Snapshot, SnapshotBuilder
from .fetcher import CrawlConfig, Fetcher
from .external import check_external
from .reachability import probe_and_record
from .warc import WarcRecorder

__all__ = ["crawl", "default_out_dir"]

SKIP_EXT = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|wps|ofd|zip|rar|7z|gz|tar|jpe?g|png|gif|bmp|svg|ico|webp|mp[34]|avi|flv|wmv|mov|"
    r"css|js|json|xml|txt|csv|et|dps|apk|exe)$", re.I)
ARTICLE_URL = re.compile(r"/t\d{8}_\d+|/art_\d+_\d+|/\d{6}/[0-9a-f]{20,}|/content_\d+|/\d{4}-\d{2}/\d{2}/")


PAGINATION_PARAMS = {"page", "pagenum", "pageindex", "pageno", "p", "curpage", "currpage", "pn", "index", "start", "offset",
                     "startrecord", "endrecord", "perpage", "sid"}  # Hanweb dataproxy.jsp; gkmlpt api/all
CALENDAR_PARAMS = re.compile(r"^(date|day|month|year|yearmonth|ym|calendar|cal|time|d|m|y)$", re.I)
MAX_QUERY_VARIANTS = 40  # distinct query strings per path (list pages beyond are a trap, or a search form)
MAX_CALENDAR_VARIANTS = 5


class TrapGuard:
    """Refuse URLs that multiply without end: query-string and calendar traps, repeating paths."""

    def __init__(self) -> None:
        self.variants: dict[str, int] = {}
        self.calendar: dict[str, int] = {}

    def reason(self, url: str) -> str | None:
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if len(url) > 400:
            return "URL too long"
        if segments and max(segments.count(s) for s in segments) >= 3:
            return "repeating path segments"
        if not parts.query:
            return None
        keys = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
        if any(CALENDAR_PARAMS.match(k) for k in keys):
            n = self.calendar[parts.path] = self.calendar.get(parts.path, 0) + 1
            if n > MAX_CALENDAR_VARIANTS:
                return "calendar trap"
        if keys <= PAGINATION_PARAMS:
            return None
        n = self.variants[parts.path] = self.variants.get(parts.path, 0) + 1
        if n > MAX_QUERY_VARIANTS:
            return "query-string trap"
        return None


STRUCTURE, ARTICLE, DEEPER, LATE_STRUCTURE = 0, 1, 2, 3
EDGE_KINDS = {"list", "pager", "interpretation", "original"}  # what a page outside a path scope may lead to


def _priority(url: str, kind: str) -> int:
    """Lower first: the structure (hubs, navigation, the first page of every list), then articles, then the
    deeper pages of lists — so a 500-page ``createPageHTML`` pager cannot use up the cap before any article."""
    if kind == "pager":
        return DEEPER
    if kind in {"list", "interpretation", "original"} or ARTICLE_URL.search(url):
        return ARTICLE
    return STRUCTURE


class _Robots:
    def __init__(self, fetcher: Fetcher, recorder: WarcRecorder, builder: SnapshotBuilder, respect: bool):
        self.fetcher, self.recorder, self.builder, self.respect = fetcher, recorder, builder, respect
        self.parsers: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def allowed(self, url: str) -> bool:
        if not self.respect:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.parsers:
            robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
            f = self.fetcher.get(robots_url)
            rid = self.recorder.fetched(f, kind="robots")
            self.builder.ingest(f, "robots", rid)
            parser = urllib.robotparser.RobotFileParser()
            if f.status is not None and 200 <= f.status < 300:
                text, _ = f.body.decode("utf-8", errors="replace"), None
                parser.parse(text.splitlines())
            elif f.status is not None and 400 <= f.status < 500:
                parser.allow_all = True  # RFC 9309: no robots.txt means no restriction
            elif f.status is not None:
                parser.disallow_all = True  # robots.txt answering 5xx: RFC 9309 says assume full disallow
            else:
                parser.allow_all = True  # host not answering at all: the page fetches will record that
            self.parsers[origin] = parser
        parser = self.parsers[origin]
        return parser.can_fetch(self.fetcher.config.ua, url) if parser else True


def _probe_ipv6(start: str, cfg: CrawlConfig, builder: SnapshotBuilder, recorder: WarcRecorder) -> None:
    """IPv6 sub-tests for the portal and its second/third-level pages, written to the WARC as evidence."""
    from ..ipv6 import make_resolver, probe

    target = cfg.ipv6_url or start
    scope = {host_of(start), *(h.lower() for h in cfg.extra_hosts)}  # the site's own hosts, subdomains included
    home_links = [to for frm, to, _text, _kind, _group in builder.links if frm == start and host_of(to) in scope]
    second = set(home_links)
    third = [to for frm, to, _text, _kind, _group in builder.links if frm in second and host_of(to) in scope]
    swap = lambda u: u.replace(f"//{urlsplit(start).netloc}", f"//{urlsplit(target).netloc}", 1)  # noqa: E731
    depth = list(dict.fromkeys(swap(u) for u in [*home_links, *third]))[:200]
    resolver = make_resolver(list(cfg.dns_nameservers), cfg.dns_port) if cfg.dns_nameservers else make_resolver()
    result = probe(target, depth, resolver=resolver).to_json()
    when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    rid = recorder.event(target, "ipv6_probe", {"url": target, "result": result, "fetched_at": when})
    builder.event({"kind": "ipv6_probe", "url": target, "result": result, "record_id": rid})


def _attachments_to_read(facts, seen: set, same_site) -> list[str]:
    """A document page that is little more than a link to its file and shows no 文号 or 成文日期: read the file
    (its first two readable attachments on the site; DOC/WPS are not fetched, nothing here reads them)."""
    from ..extract.attachments import READABLE

    a = facts.article
    if not a.get("text_in_attachment") or (a.get("doc_no") and a.get("document_date")):
        return []
    return [u for u in a.get("attachments", []) if READABLE.search(urlsplit(u).path) and u not in seen
            and same_site(u)][:2]


def _scope_prefix(scope: str | None, start: str) -> str | None:
    """The audit's path scope as a canonical URL prefix ending in "/" (None: the whole host)."""
    if not scope:
        return None
    prefix = canonical(scope)
    if not prefix:
        raise ValueError(f"scope is not an http(s) URL: {scope!r}")
    prefix = prefix.split("?")[0]
    if not prefix.endswith("/"):  # /bm/yjj → /bm/yjj/ ; /bm/yjj/index.html → /bm/yjj/
        head, _, last = prefix.rpartition("/")
        prefix = head + "/" if "." in last else prefix + "/"
    if not start.startswith(prefix) and start + "/" != prefix:
        raise ValueError(f"start URL {start} is outside the scope {prefix}")
    return prefix


def default_out_dir(url: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("reports") / "snapshots" / f"{host_of(url) or 'portal'}-{stamp}"


def crawl(url: str, out: str | Path | None = None, config: CrawlConfig | None = None, **options) -> Snapshot:
    """Crawl ``url`` and return its Snapshot; the WARC goes to ``out/snapshot.warc.gz``.

    ``options`` override :class:`CrawlConfig` fields, e.g. ``max_pages=2000, rate=0.5``.
    """
    cfg = config or CrawlConfig()
    for key, value in options.items():
        if not hasattr(cfg, key):
            raise TypeError(f"unknown crawl option {key!r}")
        setattr(cfg, key, value)
    start = canonical(url)
    if not start:
        raise ValueError(f"not an http(s) URL: {url!r}")
    out_dir = Path(out) if out else default_out_dir(start)
    warc_path = out_dir / "snapshot.warc.gz" if out_dir.suffix != ".gz" else out_dir
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    info = {"start_url": start, "started_at": started, "extra_hosts": list(cfg.extra_hosts),
            "max_pages": cfg.max_pages, "max_depth": cfg.max_depth, "user_agent": cfg.ua,
            "respect_robots": cfg.respect_robots, "verify_tls": cfg.verify_tls}
    recorder = WarcRecorder(warc_path, info)
    builder = SnapshotBuilder()
    builder.meta.update(info)
    fetcher = Fetcher(cfg)
    robots = _Robots(fetcher, recorder, builder, cfg.respect_robots)
    scope = {host_of(start), *(h.lower() for h in cfg.extra_hosts)}
    prefix = _scope_prefix(cfg.scope, start)
    builder.meta["scope"] = prefix

    external_checked = 0
    traps = TrapGuard()
    trapped = 0
    in_scope = lambda u: host_of(u) in scope  # noqa: E731
    frontier: list[tuple[int, int, int, str]] = [(STRUCTURE, 0, 0, start)]
    seen = {start}
    seq = 0
    fetched = 0
    structure_budget = max(1, int(cfg.max_pages * cfg.structure_share))
    structure_fetched = 0
    structure_queued: set[str] = {start}  # structure pages found and not yet fetched
    edge: set[str] = set()  # pages outside a path scope, fetched because the scope links them
    attachments: set[str] = set()  # PDF/OFD/DOCX of documents whose page shows only the attachment
    try:
        while frontier and fetched < cfg.max_pages:
            prio, depth, _seq, target = heapq.heappop(frontier)
            if prio == STRUCTURE and structure_fetched >= structure_budget:
                heapq.heappush(frontier, (LATE_STRUCTURE, depth, _seq, target))  # after articles, if room is left
                continue
            structure_queued.discard(target)
            structure_fetched += prio in (STRUCTURE, LATE_STRUCTURE)
            if not robots.allowed(target):
                when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
                rid = recorder.robots_blocked(target, when)
                builder.event({"kind": "robots_blocked", "url": target, "error": "disallowed by robots.txt",
                               "fetched_at": when, "record_id": rid})
                continue
            url, method, body = split_key(target)
            f = fetcher.get(url, method, in_scope=in_scope, body=body)
            f.url = target  # the snapshot's key: a POST's carries its form
            fetched += 1
            kind = "attachment" if target in attachments else "page"
            rid = recorder.fetched(f, kind=kind)
            facts = builder.ingest(f, kind, rid)
            if cfg.progress is not None:
                cfg.progress(fetched, len(frontier))
            if f.final_url and f.final_url != target:
                seen.add(canonical(f.final_url) or f.final_url)
            if facts is not None and facts.kind == "article":
                for u in _attachments_to_read(facts, seen, lambda a: host_of(a) in scope):
                    seen.add(u)
                    attachments.add(u)
                    seq += 1
                    heapq.heappush(frontier, (ARTICLE, depth + 1, seq, u))
            if facts is None or depth >= cfg.max_depth:
                continue
            for link in facts.links:
                u = link.url
                if u in seen or host_of(u) not in scope or SKIP_EXT.search(urlsplit(u).path):
                    continue
                if prefix and not u.startswith(prefix):
                    if target in edge and link.kind not in EDGE_KINDS:
                        continue  # outside the scope, only the lists the scope links to are read, not their site
                    edge.add(u)
                seen.add(u)
                if traps.reason(u):
                    trapped += 1
                    continue
                seq += 1
                prio = _priority(u, link.kind)
                if prio == STRUCTURE:
                    structure_queued.add(u)
                heapq.heappush(frontier, (prio, depth + 1, seq, u))
        if cfg.check_external:
            probe_and_record(cfg, builder, recorder)  # before the checks: offline, they request nothing
            external_checked = check_external(start, builder, fetcher, recorder, cfg.max_external_checks)
        if cfg.probe_ipv6:
            _probe_ipv6(start, cfg, builder, recorder)
    finally:
        finished = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        summary = {"finished_at": finished, "pages_fetched": fetched, "truncated": bool(frontier),
                   "queued_not_fetched": len(frontier), "structure_queued": len(structure_queued),
                   "structure_fetched": structure_fetched, "trap_urls_skipped": trapped,
                   "external_checked": external_checked, "check_external": cfg.check_external,
                   "behind_schedule_s": round(fetcher.behind_schedule, 2)}
        recorder.close(summary)
        fetcher.close()
    builder.meta.update(summary)
    return builder.build(warc_path)
