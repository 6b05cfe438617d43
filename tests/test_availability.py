"""The 19号文 vetoes 站点无法访问 and 首页不更新 as checks: planted triggers, clean controls, a navigation-only home
page judged by its second-level pages, monitoring passed through audit(), the CLI and the batch CSV.

Expected dates come from the sample portal's manifest (what was planted), never from the tool's output.
"""
from __future__ import annotations

import datetime as dt
import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from zwgk_audit.audit import audit
from zwgk_audit.batch import read_agencies
from zwgk_audit.checklist import parse_checklist
from zwgk_audit.checks import Context, registry
from zwgk_audit.monitor import load_monitoring, run_monitor
from zwgk_audit.sample import Defects, SampleConfig, generate
from zwgk_audit.sample.generator import Page

from .conftest import AS_OF, crawl_portal
from .test_monitor import FakeClock

CHECKLIST = """
id: gb19-vetoes-test
title: 19号文单项否决（站点无法访问、首页不更新）
categories:
  - {id: veto, title: 单项否决, weight: 100}
items:
  - id: V-ACCESS
    title: 站点无法访问
    check: site_accessible
    category: veto
    veto: true
    basis:
      clause: 国办秘函〔2019〕19号 单项否决指标 站点无法访问
      text: "监测1周,每天间隔性访问20次以上,超过(含)15秒仍打不开的次数累计占比超过(含)5%"
  - id: V-HOME
    title: 首页不更新
    check: home_updated
    category: veto
    veto: true
    basis:
      clause: 国办秘函〔2019〕19号 单项否决指标 首页不更新
      text: "监测2周,首页无信息更新(首页仅为导航入口时:所有二级页面无更新)"
"""


@pytest.fixture(scope="module")
def vetoes():
    return parse_checklist(CHECKLIST)


def findings(a, item: str) -> pd.DataFrame:
    return a.findings[a.findings["item_id"] == item]


def newest_of(portal, *columns: str) -> dt.date:
    """The newest entry of sample columns, as the generator's manifest records it."""
    return max(dt.date.fromisoformat(c["newest"]) for c in portal.manifest["columns"] if c["sample_name"] in columns)


HOME_COLUMNS = ("政务动态", "通知公告", "政策文件", "政策解读")  # the blocks the sample home page lists


def test_checks_carry_their_basis_and_remediation_as_data():
    for name, words in (("site_accessible", "超过(含)15秒仍打不开"), ("home_updated", "首页仅为导航入口时")):
        spec = registry[name]
        assert "国办秘函〔2019〕19号" in spec.basis and words in spec.basis and spec.remediation
    assert registry["site_accessible"].params == {"slow_seconds": 15, "max_share": 0.05, "min_days": 7,
                                                  "min_per_day": 20}
    assert registry["home_updated"].params == {"max_days": 14}


def test_site_accessible_is_unverified_without_monitoring(clean_snapshot, vetoes):
    a = audit(clean_snapshot, vetoes, as_of=AS_OF)
    (f,) = findings(a, "V-ACCESS").itertuples()
    assert f.status == "unverified"
    assert "1周" in f.message and "zwgk-audit monitor" in f.message and f.evidence_url == clean_snapshot.start_url


def test_home_updated_passes_on_the_clean_portal(clean_portal, clean_snapshot, vetoes):
    a = audit(clean_snapshot, vetoes, as_of=AS_OF)
    (f,) = findings(a, "V-HOME").itertuples()
    newest = newest_of(clean_portal, *HOME_COLUMNS)
    assert (AS_OF - newest).days <= 14  # the control really is current
    assert f.status == "pass" and f"首页最新信息{newest:%Y-%m-%d}" in f.measured
    assert f.evidence_url == clean_snapshot.start_url


def test_home_updated_fails_on_a_stale_home_page(tmp_path, vetoes):
    portal = generate(SampleConfig(seed=7, as_of=AS_OF, defects=Defects(stale_home=True)))
    (planted,) = [d for d in portal.manifest["defects"] if d["type"] == "stale_home"]
    newest = dt.date.fromisoformat(planted["detail"]["newest_on_home"])
    assert (AS_OF - newest).days > 14
    snap, _ = crawl_portal(portal, tmp_path)
    a = audit(snap, vetoes, as_of=AS_OF)
    (f,) = findings(a, "V-HOME").itertuples()
    assert f.status == "fail" and f"{newest:%Y-%m-%d}" in f.measured and f"已{(AS_OF - newest).days}天未更新" in f.message
    assert "V-HOME" in a.score.vetoed


def navigation_home(portal, columns: tuple[str, ...]) -> None:
    """Replace the sample home page by a navigation-only one: links to columns, no dated item."""
    cols = {c["sample_name"]: c for c in portal.manifest["columns"]}
    links = "".join(f'<li><a href="{cols[n]["url"]}">{html.escape(cols[n]["name"])}</a></li>' for n in columns)
    page = Page(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>导航首页</title></head><body>'
                f'<div class="nav"><ul>{links}</ul></div><p>网站标识码：1200000099</p></body></html>')
    portal.pages["/"] = portal.pages["/index.html"] = page


@pytest.mark.parametrize("stale", [False, True])
def test_navigation_only_home_page_is_judged_by_its_second_level_pages(tmp_path, vetoes, stale):
    columns = ("政务动态", "通知公告")
    defects = Defects(stale_columns=list(columns)) if stale else Defects()
    portal = generate(SampleConfig(seed=7, as_of=AS_OF, defects=defects))
    navigation_home(portal, columns)
    newest = newest_of(portal, *columns)
    snap, _ = crawl_portal(portal, tmp_path)
    a = audit(snap, vetoes, as_of=AS_OF)
    (f,) = findings(a, "V-HOME").itertuples()
    assert "二级页面" in f.measured and f"{newest:%Y-%m-%d}" in f.measured
    assert f.status == ("fail" if stale else "pass")
    assert (AS_OF - newest).days > 14 if stale else (AS_OF - newest).days <= 14


class ChangingHome:
    """A loopback portal whose home page shows a visit counter, today's time and a script that change on every
    request (volatile), and, after ``change_after`` requests when set, one new entry (a real update)."""

    def __init__(self, change_after: int | None):
        self.requests, self.change_after = 0, change_after
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if self.path not in ("/", "/index.html"):
                    self.send_error(404)
                    return
                owner.requests += 1
                n = owner.requests
                extra = ('<li><a href="/a2.html">关于做好汛期安全工作的通知</a><span>06-29</span></li>'
                         if owner.change_after is not None and n > owner.change_after else "")
                body = (f'<html><head><meta charset="utf-8"><script>var r={n * 7919};</script></head><body>'
                        f"<p>今天是2026年6月{n % 28 + 1}日 星期{'一二三四五六日'[n % 7]} {n % 24:02d}:{n % 60:02d}:07</p>"
                        f'<ul>{extra}<li><a href="/a1.html">关于开展安全生产检查的通知</a><span>06-{n % 28 + 1:02d}</span></li></ul>'
                        f"<p>访问量：{100000 + n}</p></body></html>").encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("change_after, expected", [(None, "fail"), (10, "pass")])
def test_home_updated_judges_two_weeks_of_monitoring(tmp_path, change_after, expected):
    clock = FakeClock()
    with ChangingHome(change_after) as site:
        run_monitor(site.url, 14, 2, tmp_path, seed=1, clock=clock, sleep=clock.sleep, progress=None)
    mon = load_monitoring(tmp_path)
    assert mon.probes["sha1"].nunique() == 28  # every body differs byte for byte…
    snap = SimpleNamespace(start_url=site.url, page=lambda url: None, page_row=lambda url: None)  # home page not crawled
    by_dates, by_monitoring = registry["home_updated"].run(snap, {}, Context(as_of=AS_OF, monitoring=mon))
    assert by_dates.status == "unverified"  # only the monitoring decides
    assert by_monitoring.status == expected and by_monitoring.evidence_url == site.url
    assert ("没有任何变化" if expected == "fail" else "首次变化于") in by_monitoring.message


def test_short_monitoring_leaves_the_home_page_to_its_dates(clean_snapshot, tmp_path):
    clock = FakeClock()
    with ChangingHome(None) as site:
        run_monitor(site.url, 3, 2, tmp_path, seed=1, clock=clock, sleep=clock.sleep, progress=None)
    ctx = Context(as_of=AS_OF, monitoring=load_monitoring(tmp_path))
    by_dates, by_monitoring = registry["home_updated"].run(clean_snapshot, {}, ctx)
    assert by_dates.status == "pass" and by_monitoring.status == "unverified" and "不足14天" in by_monitoring.message


def test_monitoring_reaches_the_checks_through_audit_cli_and_batch(clean_portal, clean_snapshot, tmp_path, vetoes):
    """audit(monitoring=DIR), zwgk-audit audit --monitoring DIR and the batch CSV's monitoring column."""
    from zwgk_audit.cli import main
    from zwgk_audit.sample import SampleServer

    mon_dir = tmp_path / "mon"
    clock = FakeClock()
    with SampleServer(clean_portal) as srv:
        run_monitor(srv.url, 7, 20, mon_dir, seed=3, clock=clock, sleep=clock.sleep, progress=None)
    a = audit(clean_snapshot, vetoes, as_of=AS_OF, monitoring=mon_dir)
    (f,) = findings(a, "V-ACCESS").itertuples()
    assert f.status == "pass" and "探测140次" in f.measured and "probes.csv" in f.message
    checklist = tmp_path / "vetoes.yaml"
    checklist.write_text(CHECKLIST, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(clean_snapshot.warc_path), "-c", str(checklist), "-o", str(out), "--as-of",
                 AS_OF.isoformat(), "--monitoring", str(mon_dir / "probes.csv")]) == 0
    written = pd.read_csv(out / "findings.csv")
    assert written.loc[written["item_id"] == "V-ACCESS", "status"].tolist() == ["pass"]
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("agency,url,monitoring\n示范局,http://127.0.0.1:1/,mon\n另一局,http://127.0.0.1:2/,nowhere\n",
                        encoding="utf-8")
    rows, problems = read_agencies(agencies)
    assert [Path(r.monitoring) for r in rows] == [mon_dir]
    assert len(problems) == 1 and "nowhere" in problems[0] and ":3:" in problems[0]
