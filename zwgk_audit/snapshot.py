"""The Snapshot: what a crawl saw, as pandas tables, rebuilt from its WARC alone.

Live crawling and :meth:`Snapshot.load` feed the same :class:`SnapshotBuilder`
with the same bytes in the same order, so an audit re-scored from the WARC
years later gives the same tables and the same findings.

Tables
------
pages     one row per URL tried: status, fetch time, encoding, bytes, error, kind, WARC record
columns   one row per column (栏目) in the site model: path, parent, how it was found (provenance), class
          (栏目类别) and the rule that gave it, list pages, item count, newest date
entries   one row per dated link listed on a list page (``column_path`` empty for aggregators such as the home page)
memberships  one row per (document, column) with the evidence: the article's breadcrumb or the list page listing it
articles  one row per article: dates, 索引号, 发布机构, 文号, 解读 / 原文 links, and where each value was read
          (``field_sources``: metadata block, byline, body 文号 line, signature 落款, hidden meta)
links     one row per hyperlink: from, to, text, kind (nav / pager / list / interpretation / original /
          attachment / frame / external / body)
messages  one row per 留言 a page shows (extract/messages.py): its URL, the page it was read on, 留言时间, 答复时间,
          状态 as printed and as replied / pending / invalid, 答复单位, read from a list row or the message's own page
guides    one row per article page: the 办事指南 elements it labels (element -> how: cell / heading / colon /
          bracket / title), labels left blank, whether its text is only an attached file (extract/guides.py)
dead_links  one row per named 信箱 / 政务服务 entrance whose link has no address (javascript:;): from, text
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from .crawl.encoding import decode_html
from .crawl.fetcher import Fetched
from .extract import extract
from .extract.blocked import block_reason
from .extract.guides import GUIDE_FIELDS
from .extract.messages import MESSAGE_FIELDS
from .extract.urls import canonical, host_of

PAGE_COLUMNS = ["url", "final_url", "status", "fetched_at", "content_type", "encoding", "encoding_source", "bytes",
                "truncated", "error", "kind", "title", "column_path", "column_source", "area", "dead_entries", "dead_newest", "says_empty", "site_name", "host", "site_code", "icp", "psb",
                "warc_record_id"]
ARTICLE_COLUMNS = ["url", "title", "column_path", "column", "publish_date", "document_date", "index_no", "publisher",
                   "doc_no", "signer", "validity", "printed_date", "interpretation_links", "scripted_interpretation", "source_links", "attachments", "text_in_attachment",
                   "attachment_note",
                   "metadata_fields", "field_sources", "field_conflicts", "warc_record_id"]


LABELLED = ("block", "byline")  # a value the page shows under its label, not one read from the text or hidden meta


def analyse(f: Fetched, kind: str) -> dict | None:
    """Decode and extract one response: pure, so replay can run it in worker processes."""
    if kind == "attachment" and f.status is not None and f.status < 400 and f.body:
        from .extract import attachments

        text, why = attachments.text_of(f.body, f.url, f.content_type.lower())
        fields = attachments.fields_of(text) if text else None
        return {"kind": "attachment", "attachment": {
            "error": why, "chars": len(text or ""),
            "fields": {k: v for k, v in (fields.values if fields else {}).items()
                       if k in ("doc_no", "document_date", "signer", "printed_date")}}}
    if f.status is None or kind != "page" or not f.body:
        return None
    ctype = f.content_type.lower()
    if ctype and "html" not in ctype and "xml" not in ctype and "json" not in ctype:
        return {"kind": "non_html"}  # JSON stays: a CMS's list API (gkmlpt) is a list page drawn by script
    text, enc, how = decode_html(f.body, f.content_type)
    out: dict[str, Any] = {"encoding": enc, "encoding_source": how}
    blocked = block_reason(f.status, text)
    if blocked:
        out.update(kind="blocked", error=blocked)
        return out
    out["facts"] = extract(canonical(f.final_url) or f.final_url, text)
    return out


def _replay_and_analyse(byte_range: tuple[str, int, int]) -> list[tuple[str, Any, dict | None]]:
    """Worker: replay one byte range of a WARC and analyse its pages."""
    from .crawl.warc import replay_range

    out = []
    for what, payload in replay_range(*byte_range):
        analysis = None
        if what == "fetched":
            f = payload[0]
            analysis = analyse(f, payload[1]) or {}
            analysis["bytes"] = len(f.body)
            f.body = b""  # the main process needs the size, not the bytes: keep the pipe light
        out.append((what, payload, analysis))
    return out


class SnapshotBuilder:
    def __init__(self) -> None:
        self.meta: dict[str, Any] = {}
        self.pages: list[dict[str, Any]] = []
        self.entries: list[dict[str, Any]] = []
        self.articles: list[dict[str, Any]] = []
        # (from_url, to_url, text, kind, group): tuples of shared strings. The same navigation links repeat on
        # every page, and hundreds of crawls are in flight at once in a batch.
        self.links: list[tuple[str, str, str, str]] = []
        self._strings: dict[str, str] = {}
        self.attachment_texts: dict[str, dict[str, Any]] = {}  # attachment URL -> fields read from its text
        self._by_record: dict[str, dict[str, Any]] = {}
        self.messages: list[dict[str, Any]] = []  # 留言 read from lists and message pages
        self.guides: list[dict[str, Any]] = []  # 办事指南 elements per article page
        self.dead_links: list[tuple[str, str]] = []  # (page, text) of named entrances with no address

    def ingest(self, f: Fetched, kind: str, record_id: str | None, analysis: dict | None = None):
        """Add one fetch outcome; returns the page's extracted facts (or None).

        ``analysis`` is :func:`analyse` done beforehand (in a worker process, when replaying in parallel).
        """
        row: dict[str, Any] = {k: None for k in PAGE_COLUMNS}
        row.update(url=f.url, final_url=f.final_url, status=f.status, fetched_at=f.fetched_at,
                   content_type=f.content_type, bytes=len(f.body), truncated=f.truncated, error=f.error,
                   kind="error" if f.status is None else kind, warc_record_id=record_id)
        self.pages.append(row)
        if record_id:
            self._by_record[record_id] = row
        analysis = analysis if analysis is not None else analyse(f, kind)
        if not analysis:
            return None
        row.update({k: v for k, v in analysis.items() if k not in ("facts", "attachment")})
        if "attachment" in analysis:
            self.attachment_texts[f.url] = analysis["attachment"]
            return None
        facts = analysis.get("facts")
        if facts is None:
            return None
        path = "/".join(facts.column_path)
        row.update(kind=facts.kind if f.status < 400 else "http_error", title=facts.title, column_path=path or None,
                   column_source=facts.column_source or None, area=facts.area or None,
                   dead_entries=facts.dead_entries, dead_newest=facts.dead_newest, says_empty=facts.says_empty,
                   site_name=facts.meta.get("sitename") or None, **facts.identity)
        if f.status >= 400:
            return None
        scope = self._scope()
        shared = self._strings.setdefault
        for link in facts.links:
            kind = link.kind if host_of(link.url) in scope else "external"
            self.links.append((f.url, shared(link.url, link.url), shared(link.text, link.text), kind,
                               shared(link.group, link.group)))
        self._interaction(f.url, facts)
        if facts.kind == "list":
            for url, title, date in facts.entries:
                self.entries.append({"column_path": path, "page_url": f.url, "url": url, "title": title, "date": date})
        if facts.kind == "article":
            a = facts.article
            self.articles.append({
                "url": f.url, "title": facts.title, "column_path": path or None,
                "column": facts.column_path[-1] if facts.column_path else None,
                "publish_date": a.get("publish_date"), "document_date": a.get("document_date"),
                "index_no": a.get("index_no"), "publisher": a.get("publisher"), "doc_no": a.get("doc_no"),
                "validity": a.get("validity"), "printed_date": a.get("printed_date"), "signer": a.get("signer"),
                "interpretation_links": list(a.get("interpretation_links", [])),
                "scripted_interpretation": bool(a.get("scripted_interpretation")),
                "text_in_attachment": bool(a.get("text_in_attachment")), "attachment_note": None,
                "source_links": list(a.get("source_links", [])),
                "attachments": list(a.get("attachments", [])),
                # fields the page labels (a metadata block or the byline), whatever their value
                "metadata_fields": sorted(k for k in ("index_no", "publisher", "doc_no", "document_date", "publish_date",
                                                      "validity") if a.get("field_sources", {}).get(k) in LABELLED),
                # where each value was read: block | byline | body | title | signature | meta (metadata.py)
                "field_sources": dict(a.get("field_sources", {})),
                "field_conflicts": dict(a.get("field_conflicts", {})),  # what another source on the page says
                "warc_record_id": record_id,
            })
        return facts

    def _interaction(self, url: str, facts) -> None:
        """The page's 留言, 办事指南 elements and named entrances with no address (their own tables)."""
        self.messages.extend({**m, "page_url": url} for m in facts.messages)
        if facts.guide is not None:
            g = facts.guide
            self.guides.append({"url": url, "title": g["title"], "elements": dict(g["elements"]),
                                "blank": list(g["blank"]), "attachment_only": bool(g["attachment_only"])})
        self.dead_links.extend((url, t) for t in facts.dead_links)

    def _scope(self) -> set[str]:
        key = (self.meta.get("start_url", ""), tuple(self.meta.get("extra_hosts", [])))
        if getattr(self, "_scope_key", None) != key:
            self._scope_key, self._scope_set = key, {host_of(key[0]), *key[1]}
        return self._scope_set

    def event(self, ev: dict[str, Any]) -> None:
        kind = ev.get("kind")
        if kind == "error_note":
            row = self._by_record.get(ev.get("record"))
            if row is not None:
                row["error"] = ev.get("error")
        elif kind in ("robots_blocked", "external_skipped"):
            row = {k: None for k in PAGE_COLUMNS}
            row.update(url=ev["url"], final_url=ev["url"], fetched_at=ev.get("fetched_at"), bytes=0, truncated=False,
                       error=ev.get("error"), kind=kind, warc_record_id=ev.get("record_id"))
            self.pages.append(row)
        elif kind == "ipv6_probe":
            self.meta.setdefault("ipv6", []).append(ev["result"])
        elif kind == "internet_probe":  # could the auditing machine reach the internet (crawl.reachability)
            self.meta["internet"] = ev["result"]
        elif kind == "summary":
            self.meta.update({k: v for k, v in ev.items() if k not in {"kind", "record_id"}})
        elif kind == "error":  # a fetch that got no response at all
            f = Fetched(ev["url"], ev["url"], None, fetched_at=ev.get("fetched_at", ""), error=ev.get("error"))
            self.ingest(f, "page", ev.get("record_id"))

    def add(self, what: str, payload: Any, analysis: dict | None = None) -> None:
        """Apply one item of :func:`zwgk_audit.crawl.warc.replay`."""
        if what == "info":
            self.meta.update(payload)
        elif what == "fetched":
            f, kind, rid = payload
            self.ingest(f, kind, rid, analysis)
        else:
            self.event(payload)

    def _fill_from_attachments(self) -> None:
        """Documents published only as an attachment take 文号, 成文日期 and signer from the attachment's text;
        one whose attachment could not be read says why (``attachment_note``), so its checks stay unverified."""
        for art in self.articles:
            if not art["text_in_attachment"]:
                continue
            read = [self.attachment_texts[u] for u in art["attachments"] if u in self.attachment_texts]
            fields = next((r["fields"] for r in read if not r["error"]), None)
            if fields is None:
                reasons = "；".join(r["error"] for r in read) or "附件未抓取"
                art["attachment_note"] = f"正文在附件中，未能读取（{reasons}）"
                continue
            art["attachment_note"] = "正文在附件中，已读取附件"
            for key, value in fields.items():
                if value and not art.get(key):
                    art[key] = value
                    art["field_sources"][key] = "attachment"

    def build(self, warc_path: Path | None) -> "Snapshot":
        self._fill_from_attachments()
        pages = pd.DataFrame(self.pages, columns=PAGE_COLUMNS)
        entries = pd.DataFrame(self.entries, columns=["column_path", "page_url", "url", "title", "date"])
        articles = pd.DataFrame(self.articles, columns=ARTICLE_COLUMNS)
        links = pd.DataFrame(self.links, columns=["from_url", "to_url", "text", "kind", "group"])
        snap = Snapshot(pages, None, entries, articles, links, dict(self.meta), warc_path)
        snap.messages = pd.DataFrame(self.messages, columns=MESSAGE_FIELDS)
        snap.guides = pd.DataFrame(self.guides, columns=GUIDE_FIELDS)
        snap.dead_links = pd.DataFrame(self.dead_links, columns=["from_url", "text"])
        snap.apply_column_map(None)
        return snap


def _primary_columns(memberships: pd.DataFrame) -> dict[str, str]:
    """A document's column when its page names none: the deepest column list that lists it."""
    out: dict[str, str] = {}
    for url, path in memberships[["doc_url", "column_path"]].itertuples(index=False):
        if url not in out or path.count("/") > out[url].count("/"):
            out[url] = path
    return out


class Snapshot:
    """A crawl's tables plus the WARC that proves them."""

    def __init__(self, pages, columns, entries, articles, links, meta, warc_path, memberships=None):
        self.pages: pd.DataFrame = pages
        self.columns: pd.DataFrame = columns
        self.entries: pd.DataFrame = entries
        self.articles: pd.DataFrame = articles
        self.links: pd.DataFrame = links
        self.meta: dict[str, Any] = meta
        self.warc_path: Path | None = Path(warc_path) if warc_path else None
        self.memberships: pd.DataFrame | None = memberships
        self.aggregators: dict[str, str] = {}
        self.column_map: dict[str, str] = {}
        self.messages = pd.DataFrame(columns=MESSAGE_FIELDS)
        self.guides = pd.DataFrame(columns=GUIDE_FIELDS)
        self.dead_links = pd.DataFrame(columns=["from_url", "text"])

    # ------------------------------------------------------------ site model
    def apply_column_map(self, column_map: dict[str, str] | None) -> "Snapshot":
        """(Re)build the site model — columns, classes, document memberships — with an evaluator's column map
        (real name or URL → class id) overriding the vocabulary. Returns self."""
        from .site.model import build_site

        site = build_site(self.pages, self.entries, self.articles, self.links, self.start_url,
                          column_map=column_map or None)
        self.columns, self.memberships, self.aggregators = site.columns, site.memberships, site.aggregators
        self.column_map = dict(column_map or {})
        self.entries = self.entries.assign(column_path=self.entries["page_url"].map(site.page_column))
        primary = _primary_columns(site.memberships)
        articles = self.pages[self.pages["kind"] == "article"].drop_duplicates("url")
        own = dict(zip(articles["url"], articles["column_path"]))
        paths = [p if isinstance(p := own.get(u), str) and p else primary.get(u) for u in self.articles["url"]]
        self.articles = self.articles.assign(column_path=paths,
                                             column=[p.split("/")[-1] if isinstance(p, str) else None for p in paths])
        return self

    def documents_in(self, paths) -> pd.DataFrame:
        """Articles held by any of the column ``paths`` (own breadcrumb or listed on the column's pages)."""
        wanted = set(paths)
        if not wanted or self.memberships is None or self.memberships.empty:
            return self.articles.iloc[0:0]
        urls = set(self.memberships.loc[self.memberships["column_path"].isin(wanted), "doc_url"])
        return self.articles[self.articles["url"].isin(urls)]

    @property
    def structure_complete(self) -> bool:
        """True when every column page the crawl found was fetched (articles may still have been capped)."""
        if not self.truncated:
            return True
        return int(self.meta.get("structure_queued", 1)) == 0

    # ------------------------------------------------------------ validation
    def quality(self):
        """The Great Expectations validation of these tables (computed once, then cached)."""
        if getattr(self, "_quality", None) is None:
            from .quality import validate

            self._quality = validate(self)
        return self._quality

    # ------------------------------------------------------------ convenience
    @property
    def start_url(self) -> str:
        return self.meta.get("start_url", "")

    @property
    def truncated(self) -> bool:
        """True when the crawl stopped at its page cap with pages still queued."""
        return bool(self.meta.get("truncated"))

    @property
    def fetched_at(self) -> dt.datetime | None:
        when = self.meta.get("finished_at") or self.meta.get("started_at")
        return dt.datetime.fromisoformat(when) if when else None

    @property
    def as_of(self) -> dt.date:
        """The day the portal was observed (local date in China), for freshness and deadlines."""
        when = self.fetched_at
        if when is None:
            return dt.date.today()
        return (when.astimezone(dt.timezone(dt.timedelta(hours=8)))).date()

    def _page_index(self) -> tuple[dict[str, int], dict[int, pd.Series], dict[int, dict]]:
        """URL (requested or final) -> position of the first row fetched as it, with the rows made so far (as
        Series, as dicts): built once per ``pages`` table, not a scan per call."""
        index = getattr(self, "_page_lookup", None)
        if index is None or index[0] is not self.pages:
            lookup: dict[str, int] = {}
            for pos, (u, f) in enumerate(zip(self.pages["url"], self.pages["final_url"])):
                for key in (u, f):
                    if isinstance(key, str):
                        lookup.setdefault(key, pos)
            index = self._page_lookup = (self.pages, lookup, {}, {})
        return index[1], index[2], index[3]

    def page(self, url: str) -> pd.Series | None:
        """The first row fetched as ``url`` (requested or final URL), as a pandas row."""
        lookup, rows, _ = self._page_index()
        pos = lookup.get(url)
        if pos is None:
            return None
        if pos not in rows:  # checks ask for the same pages many times; a row Series costs ~50 µs to make
            rows[pos] = self.pages.iloc[pos]
        return rows[pos]

    def page_row(self, url: str) -> dict[str, Any] | None:
        """:meth:`page` as a plain dict (same values; shared, so read it, never change it): checks read a few fields
        of hundreds of pages per audit, many of them several times."""
        lookup, _, rows = self._page_index()
        pos = lookup.get(url)
        if pos is None:
            return None
        if not rows:
            columns = self.pages.columns.tolist()
            rows.update(enumerate(dict(zip(columns, row)) for row in self.pages.to_numpy(dtype=object).tolist()))
        return rows[pos]

    def in_scope(self, url: str) -> bool:
        hosts = {host_of(self.start_url), *self.meta.get("extra_hosts", [])}
        return host_of(url) in hosts

    def summary(self) -> dict[str, Any]:
        status = self.pages["status"]
        return {
            "start_url": self.start_url,
            "pages": int(len(self.pages)),
            "ok": int((status.fillna(0).between(200, 399)).sum()),
            "errors": int((self.pages["kind"] == "error").sum()),
            "http_errors": int((status.fillna(0) >= 400).sum()),
            "robots_blocked": int((self.pages["kind"] == "robots_blocked").sum()),
            "waf_blocked": int((self.pages["kind"] == "blocked").sum()),
            "columns": int(len(self.columns)),
            "articles": int(len(self.articles)),
            "truncated": self.truncated,
        }

    # ------------------------------------------------------------ persistence
    @classmethod
    def load(cls, path: str | Path, workers: int | None = None) -> "Snapshot":
        """Rebuild a Snapshot from a WARC file (or a directory holding ``snapshot.warc.gz``), offline.

        ``workers`` processes decode and extract pages (default: up to 4 for WARCs over 2 MB, else 1);
        the result does not depend on it.
        """
        from .crawl.warc import replay

        p = Path(path)
        if p.is_dir():
            p = p / "snapshot.warc.gz"
        if not p.exists():
            raise FileNotFoundError(f"no snapshot WARC at {p}")
        b = SnapshotBuilder()
        items = replay(p)
        if workers is None:
            workers = min(os.cpu_count() or 1, 4) if p.stat().st_size > 2_000_000 else 1
        if workers <= 1:
            for what, payload in items:
                b.add(what, payload)
            return b.build(p)
        # workers read and extract byte ranges of the WARC themselves; results are applied in file order,
        # so the tables are the same as a one-process replay
        from concurrent.futures import ProcessPoolExecutor

        from .crawl.warc import record_offsets

        offsets = record_offsets(p)
        bounds = offsets + [p.stat().st_size]
        step = 48
        ranges = [(str(p), bounds[i], bounds[min(i + step, len(offsets))]) for i in range(0, len(offsets), step)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for items in pool.map(_replay_and_analyse, ranges):
                for what, payload, analysis in items:
                    b.add(what, payload, analysis)
        return b.build(p)

    def to_json_summary(self) -> str:
        return json.dumps(self.summary(), ensure_ascii=False, indent=2)

    def _repr_html_(self) -> str:
        s = self.summary()
        from html import escape

        rows = "".join(f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in s.items())
        return f"<table><caption>Snapshot {escape(self.start_url)}</caption>{rows}</table>"
