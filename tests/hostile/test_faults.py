"""Each fault a real portal shows, served on loopback: the crawl records it and carries on."""
from __future__ import annotations

import gzip
import socket
import ssl
import time
import tracemalloc

import pytest

from zwgk_audit.crawl.crawler import crawl
from zwgk_audit.crawl.fetcher import CrawlConfig, Fetcher

from .servers import FaultServer, free_port, page, send, slow


def fetcher(**kw) -> Fetcher:
    cfg = CrawlConfig(rate=0, retries=kw.pop("retries", 2), **kw)
    return Fetcher(cfg)


def test_5xx_burst_then_success_is_retried():
    state = {"n": 0}

    def flaky(h):
        state["n"] += 1
        if state["n"] <= 2:
            send(h, 503, b"busy")
        else:
            send(h, 200, page("ok"))

    with FaultServer({"/": flaky}) as s:
        f = fetcher().get(s.url)
    assert f.status == 200 and b"ok" in f.body and state["n"] == 3


def test_429_retry_after_is_honoured_and_bounded():
    state = {"n": 0}

    def limited(h, wait="2"):
        state["n"] += 1
        if state["n"] == 1:
            send(h, 429, b"slow down", headers={"Retry-After": wait})
        else:
            send(h, 200, page("ok"))

    with FaultServer({"/": limited}) as s:
        t = time.monotonic()
        f = fetcher().get(s.url)
        waited = time.monotonic() - t
    assert f.status == 200 and waited >= 1.8  # waited as told
    state["n"] = 0
    with FaultServer({"/": lambda h: limited(h, "3600")}) as s:
        t = time.monotonic()
        f = fetcher(max_retry_after=1).get(s.url)
        waited = time.monotonic() - t
    assert f.status == 200 and waited < 10  # an hour's Retry-After is cut to the bound


def test_read_timeout_and_slow_drip_are_recorded_within_budget():
    def drip(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "1000")
        h.end_headers()
        for _ in range(1000):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(1)

    with FaultServer({"/slow": slow(3, lambda h: send(h, 200, b"late")), "/drip": drip}) as s:
        t = time.monotonic()
        f = fetcher(read_timeout=0.5, retries=0).get(s.url + "slow")
        assert f.status is None and "timeout" in f.error and time.monotonic() - t < 3
        t = time.monotonic()
        f = fetcher(total_timeout=1.5, retries=0).get(s.url + "drip")
        assert f.truncated and "not complete" in f.error and time.monotonic() - t < 4


def test_connect_timeout_is_recorded_within_budget(tmp_path):
    """A host whose accept queue is full drops new SYNs, as an overloaded portal does: connect never completes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):  # fill the backlog; nobody ever accepts
            c = socket.socket()
            c.setblocking(False)
            c.connect_ex(("127.0.0.1", port))
            fillers.append(c)
        time.sleep(0.1)
        t = time.monotonic()
        f = fetcher(connect_timeout=0.5, retries=0).get(f"http://127.0.0.1:{port}/")
        assert f.status is None and f.error == "connect timeout" and time.monotonic() - t < 2
        t = time.monotonic()
        snap = crawl(f"http://127.0.0.1:{port}/", out=tmp_path, rate=0, retries=1, connect_timeout=0.5)
        assert time.monotonic() - t < 10
        home = snap.page(snap.start_url)
        assert home["kind"] == "error" and "connect timeout" in home["error"]
    finally:
        for c in fillers:
            c.close()
        listener.close()


def test_redirect_loop_and_offsite_redirect_are_stopped():
    with FaultServer({"/a": lambda h: send(h, 302, b"", headers={"Location": "/b"}),
                      "/b": lambda h: send(h, 302, b"", headers={"Location": "/a"}),
                      "/out": lambda h: send(h, 301, b"", headers={"Location": "http://127.0.0.2:9/x"})}) as s:
        f = fetcher().get(s.url + "a", in_scope=lambda u: "127.0.0.1" in u)
        assert "redirect loop" in f.error and len(f.hops) >= 1
        f = fetcher().get(s.url + "out", in_scope=lambda u: "127.0.0.1" in u)
        assert "another site" in f.error and f.final_url == "http://127.0.0.2:9/x"


def test_crawl_never_leaves_the_portal(tmp_path):
    """Links and redirects to another host are recorded, never fetched (link checks are off here)."""
    with FaultServer({"*": lambda h: send(h, 200, page("别的网站"))}, host="::1") as other:
        elsewhere = f"http://[::1]:{other.port}/"
        home = page("首页", f'<a href="{elsewhere}zwgk/">外站栏目</a><a href="{elsewhere}t20260501_1.html">外站文章</a>'
                          '<a href="/go">跳转</a><a href="/inside.html">本站</a>')
        routes = {"/": lambda h: send(h, 200, home), "/inside.html": lambda h: send(h, 200, page("本站")),
                  "/go": lambda h: send(h, 302, b"", headers={"Location": elsewhere + "landing"})}
        with FaultServer(routes) as s:
            snap = crawl(s.url, out=tmp_path, rate=0, retries=0, check_external=False)
    assert other.hits == {}
    assert s.url + "inside.html" in set(snap.pages["url"])
    assert set(snap.links.loc[snap.links["to_url"].str.startswith(elsewhere), "kind"]) == {"external"}
    go = snap.page(s.url + "go")
    assert str(go["error"]).startswith("redirect to another site, not followed"), go["error"]


def test_huge_body_and_gzip_bomb_are_cut_at_the_cap():
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)  # 200 MB inflated, ~200 KB sent

    def huge(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(50 * 1024 * 1024))
        h.end_headers()
        chunk = b"<p>" + b"x" * 65533
        for _ in range(50 * 16):
            h.wfile.write(chunk)

    with FaultServer({"/huge": huge,
                      "/bomb": lambda h: send(h, 200, bomb, headers={"Content-Encoding": "gzip"})}) as s:
        for path in ("huge", "bomb"):
            tracemalloc.start()
            try:
                f = fetcher(max_bytes=1024 * 1024).get(s.url + path)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            assert f.truncated and len(f.body) == 1024 * 1024 and "cap" in f.error, path
            assert peak < 8 * 1024 * 1024, (path, peak)  # memory stays near the 1 MB cap, not 50 or 200 MB


def test_dns_failure_is_recorded(monkeypatch, tmp_path):
    real = socket.getaddrinfo

    def fake(host, *a, **kw):
        if host == "portal.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *a, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    snap = crawl("http://portal.invalid/", out=tmp_path, rate=0, retries=0)
    row = snap.pages.iloc[-1]
    assert row["kind"] == "error" and "DNS failure" in row["error"]


def test_connection_refused_is_recorded(tmp_path):
    snap = crawl(f"http://127.0.0.1:{free_port()}/", out=tmp_path, rate=0, retries=0)
    assert snap.pages["error"].str.contains("connection failed").any()


@pytest.fixture(scope="module")
def self_signed():
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(ctx)
    return ctx


def test_tls_failure_is_a_finding_and_insecure_reads_the_content(self_signed, tmp_path):
    routes = {"/": lambda h: send(h, 200, page("首页", "网站标识码：1200000099"))}
    with FaultServer(routes, tls=self_signed) as s:
        strict = crawl(s.url, out=tmp_path / "strict", rate=0, retries=0)
        loose = crawl(s.url, out=tmp_path / "loose", rate=0, retries=0, insecure_fallback=True)
    home = strict.page(strict.start_url)
    assert home["kind"] == "error" and "TLS error" in home["error"]
    home = loose.page(loose.start_url)
    assert home["status"] == 200 and "TLS error" in home["error"]  # content read, failure still recorded
    assert home["site_code"] == "1200000099"


@pytest.mark.parametrize("fault,reason", [("expired", "expired"), ("wrong_host", "mismatch")])
def test_expired_and_wrong_host_certificates_are_recorded_with_their_reason(fault, reason, tmp_path, monkeypatch):
    """The CA is trusted here (REQUESTS_CA_BUNDLE), so the only fault left is the one planted."""
    import datetime as dt

    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    now = dt.datetime.now(dt.timezone.utc)
    certs = {"valid": ca.issue_cert("127.0.0.1"),
             "expired": ca.issue_cert("127.0.0.1", not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1)),
             "wrong_host": ca.issue_cert("www.other-agency.gov.cn")}
    results = {}
    for name in ("valid", fault):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certs[name].configure_cert(ctx)
        with FaultServer({"/": lambda h: send(h, 200, page("首页"))}, tls=ctx) as s:
            results[name] = fetcher(retries=0).get(s.url)
    assert results["valid"].status == 200 and not results["valid"].error  # the harness itself is trusted
    bad = results[fault]
    assert bad.status is None and bad.error.startswith("TLS error") and reason in bad.error.lower(), bad.error


def test_waf_block_page_is_blocked_not_missing(tmp_path):
    from zwgk_audit.audit import audit
    from zwgk_audit.checklist import parse_checklist

    block = "<html><body><h1>您的访问被阻断</h1><p>网站防火墙检测到异常请求</p></body></html>".encode()
    with FaultServer({"/": lambda h: send(h, 200, page("首页", links=["/zfxxgk/index.html"])),
                      "/zfxxgk/index.html": lambda h: send(h, 403, block)}) as s:
        snap = crawl(s.url, out=tmp_path, rate=0, retries=0)
    row = snap.page(s.url + "zfxxgk/index.html")
    assert row["kind"] == "blocked"
    cl = parse_checklist("""
id: t
title: t
categories: [{id: c, title: c, weight: 1}]
items:
  - {id: I, title: 公开平台, check: column_present, params: {column: "/zfxxgk/index.html"}, category: c, basis: {clause: x}}
  - {id: L, title: 链接, check: links_valid, category: c, basis: {clause: x}}
""")
    a = audit(snap, cl)
    assert not a.findings["status"].eq("fail").any()
    assert a.findings["status"].eq("unverified").any()


def test_calendar_and_query_traps_end(tmp_path):
    def calendar(h):
        n = int(h.path.split("date=")[-1]) if "date=" in h.path else 0
        send(h, 200, page(f"日历{n}", links=[f"/cal?date={n + 1}", f"/search?q={n}&x={n}"]))

    with FaultServer({"/": lambda h: send(h, 200, page("首页", links=["/cal?date=0", "/search?q=a"])),
                      "/cal": calendar, "/search": calendar}) as s:
        snap = crawl(s.url, out=tmp_path, rate=0, retries=0, max_pages=500)
    assert len(snap.pages) < 100 and not snap.truncated
    assert snap.meta["trap_urls_skipped"] >= 1


def test_gbk_sent_as_utf8_and_broken_bytes_do_not_crash(tmp_path):
    gbk = "<html><head><meta charset='utf-8'><title>政务公开</title></head><body><h1>政府信息公开指南</h1></body></html>".encode("gbk")
    broken = b"<html><body><h1>\xff\xfe\xfa \xe4\xb8</h1><table><tr><td><div>unclosed" * 3
    with FaultServer({"/": lambda h: send(h, 200, gbk, headers={}),
                      "/broken": lambda h: send(h, 200, broken)}) as s:
        snap = crawl(s.url, out=tmp_path, rate=0, retries=0)
        f = fetcher().get(s.url + "broken")
    assert snap.page(snap.start_url)["title"] == "政务公开"  # GBK bytes labelled UTF-8, read right
    from zwgk_audit.snapshot import SnapshotBuilder
    b = SnapshotBuilder()
    b.meta["start_url"] = s.url
    b.ingest(f, "page", None)  # never raises
    assert b.pages[0]["encoding"]


def test_external_links_are_head_checked_and_private_addresses_never_touched(tmp_path):
    from zwgk_audit.audit import audit
    from zwgk_audit.checklist import parse_checklist

    with FaultServer({"/ok": lambda h: send(h, 200, b"ok"), "/gone": lambda h: send(h, 404, b"no")},
                     host="127.0.0.2") as other:
        closed = f"http://127.0.0.2:{free_port()}/x"
        links = [other.url + "ok", other.url + "gone", closed, "http://10.255.255.1/intranet", "/local.html"]
        with FaultServer({"/": lambda h: send(h, 200, page("首页", links=links)),
                          "/local.html": lambda h: send(h, 200, page("本站"))}) as s:
            snap = crawl(s.url, out=tmp_path, rate=0, retries=0, connect_timeout=2)
        assert other.hits.get("/ok") == 1 and other.hits.get("/gone") == 1  # one request each (HEAD→501→GET)
    kinds = dict(zip(snap.pages["url"], snap.pages["kind"]))
    assert kinds["http://10.255.255.1/intranet"] == "external_skipped"  # loopback portal: private targets untouched
    cl = parse_checklist("id: t\ntitle: t\ncategories: [{id: c, title: c, weight: 1}]\nitems:\n"
                         "  - {id: L, title: 链接, check: links_valid, category: c, basis: {clause: x}}\n")
    f = audit(snap, cl).findings.set_index("subject")["status"]
    assert f[other.url + "ok"] == "pass" and f[other.url + "gone"] == "fail" and f[closed] == "fail"
    assert f[s.url + "local.html"] == "pass"
    assert f["外部链接（1个）"] == "unverified"


@pytest.mark.parametrize("delay", [0.0, 0.3])
def test_a_portal_slower_than_the_rate_allows_shows_how_far_the_crawl_fell_behind(delay, tmp_path):
    """At 10 requests/s each turn is 0.1 s; a portal answering in 0.3 s puts every next request 0.2 s behind."""
    def chain(h):
        time.sleep(delay)
        n = int(h.path.strip("/p.html") or 0) if h.path.startswith("/p") else 0
        send(h, 200, page(f"第{n}页", links=[f"/p{n + 1}.html"]))

    with FaultServer({"*": chain}) as srv:
        snap = crawl(srv.url, out=tmp_path / "w", rate=10, max_pages=6, check_external=False, retries=0)
    requests = len(snap.pages)
    behind = snap.meta["behind_schedule_s"]
    if delay:
        assert 0.7 * (requests - 1) * (delay - 0.1) <= behind <= (requests - 1) * delay, (requests, behind)
    else:
        assert behind < 0.15, behind


def test_two_crawls_of_one_host_share_its_polite_pace(tmp_path):
    """A batch audits agencies sharing a portal one after another: the second crawl's first request still
    waits its turn after the first crawl's last one (each crawl has its own Fetcher)."""
    hits = []

    def one(h):
        hits.append(time.monotonic())
        send(h, 200, page("页面"))

    rate = 4.0
    with FaultServer({"*": one}) as srv:
        for _ in range(2):
            f = Fetcher(CrawlConfig(rate=rate, retries=0))
            for i in range(3):
                f.get(f"{srv.url}p{i}.html")
            f.close()
    gaps = [b - a for a, b in zip(hits, hits[1:])]
    assert len(hits) == 6 and min(gaps) >= (1 - 0.1) / rate - 0.02, gaps


def test_two_servers_on_one_address_keep_their_own_pace():
    """The pace is per server (host and port, as a batch groups its tasks): portals on other ports of the same
    address, as on loopback or a shared hosting platform's front end, are not slowed by each other."""
    import threading

    rate, hits = 4.0, {"a": [], "b": []}

    def server(name):
        def one(h):
            hits[name].append(time.monotonic())
            send(h, 200, page("页面"))
        return one

    def crawl_one(url):
        f = Fetcher(CrawlConfig(rate=rate, retries=0))
        for i in range(6):
            f.get(f"{url}p{i}.html")
        f.close()

    with FaultServer({"*": server("a")}) as a, FaultServer({"*": server("b")}) as b:
        threads = [threading.Thread(target=crawl_one, args=(s.url,)) for s in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for name, times in hits.items():
        assert (len(times) - 1) / (times[-1] - times[0]) >= 0.8 * rate, (name, times)
