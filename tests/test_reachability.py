"""The crawl's internet probe: an offline auditing machine leaves external links unverified, never failed.

Everything here stays on loopback: "online" is a listener started by the test (or the session's, see
conftest), "offline" an unresolvable ``.invalid`` name or a loopback port nobody listens on.
"""
from __future__ import annotations

import importlib
import json
import socket
import time

import pytest

from zwgk_audit import cli
from zwgk_audit.audit import audit, incompleteness
from zwgk_audit.crawl.reachability import (DEFAULT_PROBE, default_probe, is_offline, offline_reason, parse_target,
                                           probe_internet)
from zwgk_audit.sample import Defects, SampleConfig, SampleServer, generate
from zwgk_audit.snapshot import Snapshot

from .conftest import AS_OF, Listener, crawl_portal
from .hostile.servers import FaultServer, free_port, page, send

external = importlib.import_module("zwgk_audit.crawl.external")
OFFLINE = "评估机器无法访问互联网，外部链接未检测"
SAMPLE_EXTERNAL = {"https://www.gov.cn/", "https://www.mem.gov.cn/"}


@pytest.fixture
def no_lookups_off_loopback(monkeypatch):
    """The sample links real sites: fail the test if the link checks so much as resolve one of them."""
    real = external.address_class

    def guarded(host):
        assert host in ("127.0.0.1", "localhost", "::1"), f"tried to look up {host}"
        return real(host)

    monkeypatch.setattr(external, "address_class", guarded)


@pytest.fixture
def external_links_private(monkeypatch):
    """The sample's links to real sites classed as reserved addresses: skipped as before, never requested."""
    real = external.address_class
    monkeypatch.setattr(external, "address_class",
                        lambda host: real(host) if host in ("127.0.0.1", "localhost") else "reserved")


# ------------------------------------------------------------------ the probe itself
def test_probe_reaches_a_loopback_listener():
    listener = Listener()
    try:
        r = probe_internet("127.0.0.1", listener.port, timeout=2)
    finally:
        listener.close()
    assert r["resolved"] and r["connected"] and r["online"]
    assert r["addresses"] == ["127.0.0.1"] and r["error"] is None
    assert r["host"] == "127.0.0.1" and r["port"] == listener.port and r["checked_at"]
    assert json.loads(json.dumps(r)) == r
    assert not is_offline(r) and offline_reason(r) is None


def test_probe_of_an_unresolvable_name_is_offline():
    r = probe_internet("nothing.invalid", 443, timeout=2)
    assert r["resolved"] is False and r["connected"] is False and r["online"] is False
    assert r["addresses"] == [] and r["error"]
    assert json.loads(json.dumps(r)) == r
    assert offline_reason(r).startswith("探测 nothing.invalid:443 失败：域名无法解析")


def test_probe_of_a_closed_port_resolves_but_does_not_connect():
    port = free_port()
    r = probe_internet("127.0.0.1", port, timeout=2)
    assert r["resolved"] is True and r["connected"] is False and r["online"] is False
    assert r["addresses"] == ["127.0.0.1"] and "refused" in r["error"].lower()
    assert offline_reason(r).startswith(f"探测 127.0.0.1:{port} 失败：无法建立TCP连接")


def test_probe_never_raises_and_bounds_a_hanging_resolver(monkeypatch):
    def hang(*a, **k):
        time.sleep(3)
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    t0 = time.monotonic()
    r = probe_internet("www.gov.cn", 443, timeout=0.2)
    assert time.monotonic() - t0 < 2
    assert not r["online"] and not r["resolved"] and "timed out" in r["error"]
    assert "超时" in offline_reason(r)

    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: 1 / 0)  # a bug, not a network error
    r = probe_internet("www.gov.cn", 443, timeout=0.2)
    assert not r["online"] and "ZeroDivisionError" in r["error"]


@pytest.mark.parametrize("value, expected", [
    ("www.gov.cn:443", ("www.gov.cn", 443)), ("www.gov.cn", ("www.gov.cn", 443)), ("[::1]:8443", ("::1", 8443)),
    ("127.0.0.1:80", ("127.0.0.1", 80)), (None, None), ("", None), ("none", None), ("None", None),
])
def test_parse_target(value, expected):
    assert parse_target(value) == expected


@pytest.mark.parametrize("value", ["www.gov.cn:https", "www.gov.cn:0", "www.gov.cn:70000", ":443", "http://www.gov.cn/"])
def test_parse_target_refuses_malformed(value):
    with pytest.raises(ValueError):
        parse_target(value)


def test_default_probe_is_www_gov_cn_unless_the_environment_says_otherwise(monkeypatch):
    monkeypatch.delenv("ZWGK_AUDIT_INTERNET_PROBE", raising=False)
    assert default_probe() == DEFAULT_PROBE == "www.gov.cn:443"
    monkeypatch.setenv("ZWGK_AUDIT_INTERNET_PROBE", "none")
    assert default_probe() is None
    monkeypatch.setenv("ZWGK_AUDIT_INTERNET_PROBE", "127.0.0.1:9")
    assert default_probe() == "127.0.0.1:9"


def test_test_session_never_probes_www_gov_cn(internet_probe_on_loopback):
    from zwgk_audit.crawl.fetcher import CrawlConfig

    assert CrawlConfig().internet_probe == internet_probe_on_loopback.target


# ------------------------------------------------------------------ the sample portal, offline and online
@pytest.fixture(scope="module")
def broken_link_portal():
    return generate(SampleConfig(seed=5, as_of=AS_OF, defects=Defects(broken_links=1)))


def _links_valid(a):
    return a.findings[a.findings["check"] == "links_valid"]


def test_offline_auditor_leaves_external_links_unverified(broken_link_portal, checklist, tmp_path,
                                                         no_lookups_off_loopback):
    snap, base = crawl_portal(broken_link_portal, tmp_path, check_external=True, internet_probe="nothing.invalid:443")
    internet = snap.meta["internet"]
    assert internet["host"] == "nothing.invalid" and internet["online"] is False and internet["resolved"] is False
    # nothing was requested: every external link on the home page is a recorded skip, none a fetch or an error
    skipped = snap.pages[snap.pages["kind"] == "external_skipped"]
    assert SAMPLE_EXTERNAL <= set(skipped["url"])
    assert skipped["error"].str.contains("cannot reach the internet").all()
    assert not (snap.pages["kind"] == "external").any()
    assert snap.meta["external_checked"] == 0

    a = audit(snap, checklist, as_of=AS_OF)
    lv = _links_valid(a)
    ext = lv[lv["subject"].str.startswith("外部链接")]
    assert len(ext) == 1 and ext.iloc[0]["status"] == "unverified"
    message = ext.iloc[0]["message"]
    assert message.startswith(OFFLINE) and "探测 nothing.invalid:443 失败：域名无法解析" in message
    n = len(skipped)
    assert ext.iloc[0]["subject"] == f"外部链接（{n}个）" and message.endswith(f"共{n}个")
    failed = lv[lv["status"] == "fail"]
    # same-site broken links are still judged, and they are the only failures
    assert failed["subject"].tolist() == [base + "zt/zt2019/index.html"]
    # no external link reaches the 整改清单
    rect = a.rectification()
    cells = " ".join(rect.astype(str).to_numpy().ravel())
    assert not any(u.rstrip("/").split("//")[1] in cells for u in skipped["url"])
    assert "zt/zt2019/index.html" in cells
    # the audit says it is incomplete, and why
    assert not a.complete
    reason = [r for r in a.incomplete if r.startswith("评估机器无法访问互联网")]
    assert len(reason) == 1 and "探测 nothing.invalid:443 失败" in reason[0] and reason[0].endswith("外部链接未检测")

    # a re-score from the WARC knows what the crawl knew
    again = Snapshot.load(tmp_path / "snapshot.warc.gz")
    assert again.meta["internet"] == internet
    b = audit(again, checklist, as_of=AS_OF)
    assert b.incomplete == a.incomplete
    pd_cols = ["subject", "status", "message"]
    assert _links_valid(b)[pd_cols].reset_index(drop=True).equals(lv[pd_cols].reset_index(drop=True))


def test_online_auditor_checks_as_before(broken_link_portal, checklist, tmp_path, internet_probe_on_loopback,
                                         external_links_private):
    listener = Listener()
    try:
        snap, url = crawl_portal(broken_link_portal, tmp_path / "online", check_external=True,
                                 internet_probe=listener.target)
    finally:
        listener.close()
    before, url_before = crawl_portal(broken_link_portal, tmp_path / "before", check_external=True, internet_probe=None)
    assert snap.meta["internet"]["online"] is True and listener.accepted >= 1
    assert "internet" not in before.meta  # no probe asked for: none recorded, as in old WARCs
    a, b = audit(snap, checklist, as_of=AS_OF), audit(before, checklist, as_of=AS_OF)

    def rows(audit_, base):  # each crawl had its own port
        lv = _links_valid(audit_)
        return [(s.replace(base, "/"), st, m.replace(base, "/")) for s, st, m in zip(lv["subject"], lv["status"], lv["message"])]

    assert rows(a, url) == rows(b, url_before)
    assert rows(a, url)[-1] == ("外部链接（4个）", "unverified", "4个外部链接未检测")  # skipped as reserved, as before
    assert a.incomplete == b.incomplete == incompleteness(before)
    assert not any("互联网" in r for r in a.incomplete)
    assert Snapshot.load(tmp_path / "online" / "snapshot.warc.gz").meta["internet"] == snap.meta["internet"]


def test_no_probe_without_external_checks(broken_link_portal, tmp_path):
    snap, _ = crawl_portal(broken_link_portal, tmp_path, check_external=False, internet_probe="nothing.invalid:443")
    assert "internet" not in snap.meta


def test_offline_probe_requests_no_external_link_and_online_does(checklist, tmp_path):
    """A portal on 127.0.0.1 linking to a second server on localhost (another host, same address class)."""
    other = FaultServer({"/ok": lambda h: send(h, 200, page("ok")), "/gone": lambda h: send(h, 404, b"gone")})
    with other:
        links = [f"http://localhost:{other.port}/ok", f"http://localhost:{other.port}/gone"]
        home = page("某某市人民政府", links=links)
        with FaultServer({"/": lambda h: send(h, 200, home), "/robots.txt": lambda h: send(h, 404, b"")}) as portal:
            offline = crawl_portal_url(portal.url, tmp_path / "off", internet_probe=f"127.0.0.1:{free_port()}")
            assert other.hits == {}
            listener = Listener()
            try:
                online = crawl_portal_url(portal.url, tmp_path / "on", internet_probe=listener.target)
            finally:
                listener.close()
            assert set(other.hits) == {"/ok", "/gone"}  # HEAD refused (501) by the stub, then GET
    off = _links_valid(audit(offline, checklist, as_of=AS_OF))
    assert (off["status"] != "fail").all()
    assert off[off["status"] == "unverified"]["message"].str.startswith(OFFLINE).any()
    on = _links_valid(audit(online, checklist, as_of=AS_OF))
    assert on.set_index("subject").loc[links[0], "status"] == "pass"
    assert on.set_index("subject").loc[links[1], "status"] == "fail"


def crawl_portal_url(url, out, **options):
    from zwgk_audit.crawl.crawler import crawl

    return crawl(url, out=out, rate=0, retries=0, check_external=True, **options)


def test_old_snapshots_without_a_probe_behave_as_before(clean_snapshot):
    assert "internet" not in clean_snapshot.meta
    assert offline_reason(clean_snapshot.meta.get("internet")) is None
    assert not any("互联网" in r for r in incompleteness(clean_snapshot))


# ------------------------------------------------------------------ command line
def test_cli_internet_probe(broken_link_portal, tmp_path, monkeypatch):
    real = external.address_class
    looked_up = []
    monkeypatch.setattr(external, "address_class",  # the sample's real sites: never resolved, taken as reserved
                        lambda host: real(host) if host == "127.0.0.1" else looked_up.append(host) or "reserved")
    with SampleServer(broken_link_portal) as srv:
        out = tmp_path / "off"
        assert cli.main(["audit", srv.url, "-c", "baseline.yaml", "-o", str(out), "--rate", "0",
                         "--internet-probe", "nothing.invalid:443", "--as-of", AS_OF.isoformat()]) == 0
        assert looked_up == []  # offline: the link checks did not even resolve the external hosts
        score = json.loads((out / "score.json").read_text(encoding="utf-8"))
        assert score["complete"] is False
        assert any(r.startswith("评估机器无法访问互联网（探测 nothing.invalid:443 失败") for r in score["incomplete_reasons"])
        assert Snapshot.load(out).meta["internet"]["online"] is False
        # "none": no probe, the external link checks run as before
        out = tmp_path / "none"
        assert cli.main(["audit", srv.url, "-c", "baseline.yaml", "-o", str(out), "--rate", "0",
                         "--internet-probe", "none"]) == 0
        assert {"www.gov.cn", "www.mem.gov.cn"} <= set(looked_up)
        assert "internet" not in Snapshot.load(out).meta


def test_cli_refuses_a_malformed_probe(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.build_parser().parse_args(["audit", "http://127.0.0.1:9/", "-c", "x", "-o", "y", "--internet-probe", "a:b"])
    assert exc.value.code == 2
    assert "port must be a number" in capsys.readouterr().err
    args = cli.build_parser().parse_args(["batch", "a.csv", "-o", "y", "--internet-probe", "none"])
    assert cli._probe_option(args) == {"internet_probe": None}
    args = cli.build_parser().parse_args(["batch", "a.csv", "-o", "y"])
    assert cli._probe_option(args) == {}
