"""IPv6 sub-tests against a loopback DNS stub and dual-stack loopback servers: no public address is touched."""
from __future__ import annotations

import pytest

from zwgk_audit.ipv6 import make_resolver, probe, similarity
from zwgk_audit.sample import ipv6_loopback_available

from .stubs import DNSStub, DualStack

pytestmark = pytest.mark.skipif(not ipv6_loopback_available(), reason="this machine has no ::1 to serve IPv6 tests on")

PAGE = "<html><body><h1>示范市应急管理局</h1><p>政务公开</p><span>访问量：{n}</span><p>2026-11-22 10:00:00</p></body></html>"
NS = {"ns1.test": {"AAAA": ["::1"], "A": ["127.0.0.1"]}, "ns2.test": {"AAAA": ["::1"], "A": ["127.0.0.1"]},
      "ns3.test": {"A": ["127.0.0.1"]}}


def zone(**hosts):
    z = dict(NS)
    z.update(hosts)
    return z


def run(zone_data, url, depth=()):
    with DNSStub(zone_data) as dns_stub:
        return probe(url, list(depth), resolver=make_resolver(["127.0.0.1"], port=dns_stub.port), timeout=2)


def test_volatile_markup_is_ignored_in_parity():
    assert similarity(PAGE.format(n=1), PAGE.format(n=99999)) == 1.0
    assert similarity(PAGE.format(n=1), "<html><body>It works!</body></html>") < 0.9


def test_full_support():
    with DualStack(PAGE.format(n=1), PAGE.format(n=2)) as srv:
        r = run(zone(**{"full.test": {"A": ["127.0.0.1"], "AAAA": ["::1"], "NS": ["ns1.test", "ns2.test"]}}),
                f"http://full.test:{srv.port}/", [f"http://full.test:{srv.port}/a.html"])
    assert [(t.name, t.status) for t in r.tests] == [("dns", "pass"), ("reachability", "pass"), ("parity", "pass"),
                                                      ("depth", "pass")]
    assert r.test("dns").data["aaaa"] == ["::1"]


def test_no_aaaa():
    with DualStack(PAGE.format(n=1), None) as srv:
        r = run(zone(**{"v4only.test": {"A": ["127.0.0.1"], "NS": ["ns1.test", "ns2.test"]}}), f"http://v4only.test:{srv.port}/")
    assert r.test("dns").status == "fail" and "没有AAAA" in r.test("dns").detail
    assert r.test("reachability").status == "not_applicable" and r.status == "fail"


def test_one_ipv6_name_server_is_not_enough():
    with DualStack(PAGE.format(n=1), PAGE.format(n=1)) as srv:
        r = run(zone(**{"onens.test": {"A": ["127.0.0.1"], "AAAA": ["::1"], "NS": ["ns1.test", "ns3.test"]}}),
                f"http://onens.test:{srv.port}/")
    assert r.test("dns").status == "fail" and "1台" in r.test("dns").detail
    assert r.test("reachability").status == "pass"  # still measured and reported


def test_aaaa_but_nothing_listening():
    with DualStack(PAGE.format(n=1), None) as srv:
        r = run(zone(**{"dead.test": {"A": ["127.0.0.1"], "AAAA": ["::1"], "NS": ["ns1.test", "ns2.test"]}}),
                f"http://dead.test:{srv.port}/")
    assert r.test("dns").status == "pass"
    assert r.test("reachability").status == "fail" and "TCP" in r.test("reachability").detail


def test_listening_but_different_content():
    with DualStack(PAGE.format(n=1), "<html><body><h1>It works!</h1>Apache default page</body></html>") as srv:
        r = run(zone(**{"diff.test": {"A": ["127.0.0.1"], "AAAA": ["::1"], "NS": ["ns1.test", "ns2.test"]}}),
                f"http://diff.test:{srv.port}/")
    assert r.test("reachability").status == "pass"
    assert r.test("parity").status == "fail" and r.test("parity").data["similarity"]["::1"] < 0.9


def test_partial_depth_coverage():
    with DualStack(PAGE.format(n=1), PAGE.format(n=1)) as srv:
        z = zone(**{"full.test": {"A": ["127.0.0.1"], "AAAA": ["::1"], "NS": ["ns1.test", "ns2.test"]},
                    "old.test": {"A": ["127.0.0.1"]}})
        links = [f"http://full.test:{srv.port}/a.html", f"http://old.test:{srv.port}/b.html", f"http://old.test:{srv.port}/c.html"]
        r = run(z, f"http://full.test:{srv.port}/", links)
    depth = r.test("depth")
    assert depth.status == "fail" and depth.data["passed"] == 1 and depth.data["links"] == 3
    assert r.test("dns").status == "pass" and r.test("parity").status == "pass"


def test_auditor_without_ipv6_is_unverified_not_fail(monkeypatch):
    import zwgk_audit.ipv6 as v6

    monkeypatch.setattr(v6, "has_route", lambda address: False)
    with DualStack(PAGE.format(n=1), PAGE.format(n=1)) as srv:
        r = run(zone(**{"full.test": {"A": ["127.0.0.1"], "AAAA": ["::1"], "NS": ["ns1.test", "ns2.test"]}}),
                f"http://full.test:{srv.port}/")
    assert not r.auditor_has_ipv6
    assert r.test("dns").status == "pass"
    assert r.test("reachability").status == "unverified" and "auditor has no IPv6" in r.test("reachability").detail
    assert r.status == "unverified"


def test_ipv6_through_cli_and_through_an_audit(tmp_path, capsys):
    import datetime as dt

    from zwgk_audit import cli
    from zwgk_audit.audit import audit
    from zwgk_audit.checklist import parse_checklist
    from zwgk_audit.crawl.crawler import crawl
    from zwgk_audit.sample import SampleConfig, SampleServer, generate

    portal = generate(SampleConfig(seed=3, as_of=dt.date(2026, 6, 30)))
    with SampleServer(portal) as srv:
        z = zone(**{"portal.test": {"A": ["127.0.0.1"], "AAAA": ["::1"], "NS": ["ns1.test", "ns2.test"]},
                    "v4only.test": {"A": ["127.0.0.1"], "NS": ["ns1.test", "ns2.test"]}})
        with DNSStub(z) as dns_stub:
            url = f"http://portal.test:{srv.port}/"
            assert cli.main(["ipv6", url, "--nameserver", f"127.0.0.1:{dns_stub.port}", "--link", url + "zwdt/index.html"]) == 0
            out = capsys.readouterr().out
            assert out.count("[符合]") == 4 and "域名解析" in out and "二、三级页面" in out
            # 不符合 exits 1, so a script can tell (the audit's own exit says whether the site was audited)
            assert cli.main(["ipv6", f"http://v4only.test:{srv.port}/", "--nameserver", f"127.0.0.1:{dns_stub.port}"]) == 1
            out = capsys.readouterr().out
            assert "[不符合] 域名解析（AAAA）" in out and "整改" in out
            snap = crawl(srv.url, out=tmp_path, rate=0, check_external=False, probe_ipv6=True, ipv6_url=url,
                         dns_nameservers=("127.0.0.1",), dns_port=dns_stub.port)
    item = "  - {{id: V6, title: IPv6, check: ipv6_support, params: {{deadline: '{d}'}}, category: c, basis: {{clause: x}}}}\n"
    head = "id: t\ntitle: t\ncategories: [{id: c, title: c, weight: 1}]\nitems:\n"
    after = audit(snap, parse_checklist(head + item.format(d="2022-12-31")), as_of=dt.date(2026, 6, 30))
    assert list(after.findings["status"]) == ["pass"] * 4  # dns, reachability, parity, depth
    assert after.findings["subject"].str.contains("IPv4/IPv6内容一致").any()
    before = audit(snap, parse_checklist(head + item.format(d="2026-12-31")), as_of=dt.date(2026, 6, 30))
    assert set(before.findings["status"]) == {"not_applicable"}  # informational before the deadline
    assert before.findings["message"].str.contains("仅供参考").all()
    # the probe is evidence: replaying the WARC gives the same findings
    from zwgk_audit.snapshot import Snapshot

    again = audit(Snapshot.load(snap.warc_path), parse_checklist(head + item.format(d="2022-12-31")), as_of=dt.date(2026, 6, 30))
    assert list(again.findings["status"]) == ["pass"] * 4


SCENARIOS = {
    # name: (IPv6 page or None, has AAAA, expected dns / reachability / parity / depth)
    "no_aaaa": (None, False, ["fail", "not_applicable", "not_applicable", "fail"]),
    "aaaa_nothing_listening": (None, True, ["pass", "fail", "not_applicable", "fail"]),
    "different_content": ("<html><body><h1>It works!</h1></body></html>", True, ["pass", "pass", "fail", "fail"]),
    "full_support": ("same", True, ["pass", "pass", "pass", "pass"]),
    "partial_depth": ("same", True, ["pass", "pass", "pass", "fail"]),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_through_cli_and_audit(name, tmp_path, capsys):
    import datetime as dt
    import json

    from zwgk_audit import cli
    from zwgk_audit.audit import audit
    from zwgk_audit.checklist import parse_checklist
    from zwgk_audit.crawl.crawler import crawl

    v6_body, has_aaaa, expected = SCENARIOS[name]
    host = f"{name.replace('_', '-')}.test"
    entry = {"A": ["127.0.0.1"], "NS": ["ns1.test", "ns2.test"], **({"AAAA": ["::1"]} if has_aaaa else {})}
    z = zone(**{host: entry, "old.test": {"A": ["127.0.0.1"]}})
    # the home page links a page on its own host and one on a second host of the site (IPv4-only for partial depth)
    second_host = "old.test" if name == "partial_depth" else host
    with DualStack.reserve() as port:
        page4 = PAGE.format(n=1).replace("</body>", f'<a href="/a.html">a</a><a href="http://{second_host}:{port}/b.html">b</a></body>')
        page6 = None if v6_body is None else (page4 if v6_body == "same" else v6_body)
        with DualStack(page4, page6, port=port) as srv, DNSStub(z) as dns_stub:
            url = f"http://{host}:{port}/"
            report = tmp_path / "v6.json"
            args = ["ipv6", url, "--nameserver", f"127.0.0.1:{dns_stub.port}", "--json", str(report),
                    "--link", url + "a.html", "--link", f"http://{second_host}:{port}/b.html"]
            assert cli.main(args) == (0 if name == "full_support" else 1)
            data = json.loads(report.read_text(encoding="utf-8"))
            assert [t["status"] for t in data["tests"]] == expected, (name, data["tests"])
            capsys.readouterr()
            snap = crawl(f"http://127.0.0.1:{port}/", out=tmp_path / "snap", rate=0, check_external=False,
                         probe_ipv6=True, ipv6_url=url, dns_nameservers=("127.0.0.1",), dns_port=dns_stub.port,
                         extra_hosts=("old.test", host))
    cl = parse_checklist("id: t\ntitle: t\ncategories: [{id: c, title: c, weight: 1}]\nitems:\n"
                         "  - {id: V6, title: IPv6, check: ipv6_support, params: {deadline: '2022-12-31'}, category: c, "
                         "basis: {clause: x}}\n")
    a = audit(snap, cl, as_of=dt.date(2026, 6, 30))
    assert list(a.findings["status"]) == expected
    assert len(a.findings) == 4 and a.findings["subject"].str.contains("二、三级页面").any()
