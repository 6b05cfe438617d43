"""Evidence a unit can open: the page behind a failing finding, as captured, written beside the report.

The user's command (``zwgk-audit audit URL …``) runs against a GBK sample portal whose stale 通知公告 list carries
hostile markup; the test reads what a unit would open: ``evidence/<n>.html`` (banner, Chinese text decoded from GBK
and declared UTF-8, nothing that runs, links made absolute), the report's 页面副本 link and ``findings.csv``.
"""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from zwgk_audit import cli
from zwgk_audit.page_copies import NOTICE, Captured, chromium_binary, render
from zwgk_audit.sample import Defects, SampleConfig, SampleServer, generate

from .conftest import AS_OF

CHECKLIST = """\
id: ev
title: 证据副本测试
categories: [{id: p, title: 平台与更新, weight: 1}]
items:
  - {id: E-1, title: 设置政府信息公开年报栏目, check: column_present, params: {column: 政府信息公开年报, parent: 政府信息公开},
     category: p, basis: {clause: 国办公开办函〔2019〕61号}}
  - {id: E-2, title: 通知公告6个月内有更新, check: column_fresh, params: {columns: [通知公告], max_age_days: 183},
     category: p, basis: {clause: 国办秘函〔2019〕19号}}
"""
HOSTILE = ("<script>document.title='pwned'</script><img src=\"../images/logo.png\" onerror=\"alert(1)\">"
           "<a href=\"javascript:alert(2)\" id=\"js\">点我</a><a href=\"../zwdt/index.html\" id=\"rel\">政务动态</a>"
           "<iframe src=\"/inner.html\"></iframe><meta http-equiv=\"refresh\" content=\"0;url=http://evil.test/\">"
           "<svg onload=\"alert(3)\"></svg><p id=\"marker\">本栏目最近更新见上表</p>")


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """One audit of a live GBK portal through the CLI, as a user runs it."""
    portal = generate(SampleConfig(seed=5, as_of=AS_OF, encoding="gbk",
                                   defects=Defects(missing_columns=["政府信息公开年报"], stale_columns=["通知公告"])))
    page = portal.pages["/tzgg/index.html"]
    page.body = page.body.replace("</body>", HOSTILE + "</body>")
    base = tmp_path_factory.mktemp("evidence")
    (base / "ev.yaml").write_text(CHECKLIST, encoding="utf-8")
    out = base / "out"
    with SampleServer(portal) as srv:
        code = cli.main(["audit", srv.url, "-c", str(base / "ev.yaml"), "-o", str(out), "--rate", "0",
                         "--no-external", "--as-of", AS_OF.isoformat()])
        url = srv.url
    assert code == 0
    return base, out, url


def _findings(out):
    return pd.read_csv(out / "findings.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_each_failing_finding_has_a_copy_with_the_banner(audited):
    _base, out, url = audited
    f = _findings(out)
    failed = f[f["status"] == "fail"]
    assert set(failed["item_id"]) == {"E-1", "E-2"}
    assert failed["evidence_copy"].str.fullmatch(r"evidence/\d+\.html").all()
    assert (f.loc[f["status"] != "fail", "evidence_copy"] == "").all()  # only failing findings get copies
    stale = failed[failed["item_id"] == "E-2"].iloc[0]
    copy = (out / stale["evidence_copy"]).read_bytes().decode("utf-8")  # UTF-8, whatever the page was sent in
    soup = BeautifulSoup(copy, "lxml")
    banner = soup.find(id="zwgk-evidence-banner").get_text()
    assert NOTICE in banner
    assert f"原始网址：{stale['evidence_url']}" in banner
    assert f"WARC记录编号：{stale['warc_record_id']}" in banner
    assert "抓取时间：" in banner and "（北京时间）" in banner and "HTTP状态：200" in banner
    assert "原网页编码：gb18030" in banner and "E-2 通知公告6个月内有更新" in banner
    # decoded from GBK: the page's own Chinese reads right, and the copy declares UTF-8 (and nothing else)
    assert soup.find(id="marker").get_text() == "本栏目最近更新见上表"
    charsets = [m.get("charset") for m in soup.find_all("meta") if m.get("charset")]
    assert charsets == ["utf-8"] and "gbk" not in copy.lower().replace("gb18030", "")


def test_the_copy_is_inert_and_links_point_at_the_original_site(audited):
    _base, out, url = audited
    f = _findings(out)
    stale = f[(f["item_id"] == "E-2") & (f["status"] == "fail")].iloc[0]
    copy = (out / stale["evidence_copy"]).read_text(encoding="utf-8")
    soup = BeautifulSoup(copy, "lxml")
    assert "<script" not in copy.lower() and "pwned" not in copy
    assert not soup.find_all(["iframe", "frame", "object", "embed", "base"])
    assert not [a for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")]
    assert "javascript:" not in copy.lower() and "http://evil.test" not in copy
    assert soup.find(id="js").get("href") is None  # the javascript: link is dead, its text stays
    assert soup.find(id="rel")["href"] == url + "zwdt/index.html"  # relative → the original absolute URL
    assert soup.find("img", src=True)["src"] == url + "images/logo.png"
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "script-src 'none'" in csp
    assert "嵌入页面未包含在副本中" in soup.get_text()


def test_the_report_links_the_copy_beside_the_live_url(audited):
    _base, out, _url = audited
    f = _findings(out)
    html = (out / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "lxml")
    for row in f[f["status"] == "fail"].itertuples():
        link = soup.find("a", href=row.evidence_copy)
        assert link is not None and link.get_text() == "页面副本", row.evidence_copy
        cell = link.find_parent("td")
        assert cell.find("a", href=row.evidence_url) is not None  # the live URL in the same cell
    assert "已生成页面副本2份" in soup.get_text()
    data = json.loads((out / "score.json").read_text(encoding="utf-8"))
    assert data["evidence_copies"]["copies"] == 2 and not data["evidence_copies"]["capped"]


def test_copies_are_capped_and_say_so(audited, capsys):
    base, out, _url = audited
    capped = base / "capped"
    assert cli.main(["audit", str(out / "snapshot.warc.gz"), "-c", str(base / "ev.yaml"), "-o", str(capped),
                     "--as-of", AS_OF.isoformat(), "--evidence-copies", "1"]) == 0
    printed = capsys.readouterr().out
    assert "页面副本已达上限1份，另有1个页面未生成副本" in printed
    assert sorted(p.name for p in (capped / "evidence").iterdir()) == ["1.html"]
    f = _findings(capped)
    assert (f.loc[f["status"] == "fail", "evidence_copy"] != "").sum() == 1
    data = json.loads((capped / "score.json").read_text(encoding="utf-8"))
    assert data["evidence_copies"]["capped"] and data["evidence_copies"]["limit"] == 1
    assert "页面副本已达上限1份" in (capped / "report.html").read_text(encoding="utf-8")


def test_a_failed_fetch_and_a_non_page_get_a_banner_only_copy():
    refused = render(Captured("<urn:uuid:1>", "http://a.test/x.html", fetched_at="2026-06-30T02:00:00+00:00",
                              error="ConnectionRefusedError", kind="error"))
    assert NOTICE in refused and "评估时未能取得该页面：ConnectionRefusedError" in refused
    assert "2026-06-30 10:00:00（北京时间）" in refused
    pdf = render(Captured("<urn:uuid:2>", "http://a.test/a.pdf", status=200, content_type="application/pdf",
                          body=b"%PDF-1.4 <script>"))
    assert "该记录不是网页（application/pdf" in pdf and "<script" not in pdf
    evil_url = 'http://a.test/"><script>alert(1)</script>'
    page = render(Captured("<urn:uuid:3>", evil_url, status=200, content_type="text/html",
                           body="<html><head><base href='http://b.test/d/'></head><body><a href='x.html'>x</a>"
                                "<!--[if IE]><script>alert(1)</script><![endif]--></body></html>".encode()))
    assert "<script" not in page and 'href="http://b.test/d/x.html"' in page  # <base> honoured, then removed


@pytest.mark.skipif(chromium_binary() is None, reason="Chromium not installed: screenshots are optional")
def test_screenshots_when_chromium_is_there(audited, capsys):
    base, out, _url = audited
    shots = base / "shots"
    assert cli.main(["audit", str(out / "snapshot.warc.gz"), "-c", str(base / "ev.yaml"), "-o", str(shots),
                     "--as-of", AS_OF.isoformat(), "--evidence-copies", "1", "--screenshots"]) == 0
    png = shots / "evidence" / "1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    f = _findings(shots)
    assert "evidence/1.png" in set(f["evidence_screenshot"])
    assert re.search(r'<a href="evidence/1.png"[^>]*>截图</a>', (shots / "report.html").read_text(encoding="utf-8"))


@pytest.mark.skipif(chromium_binary() is None, reason="Chromium not installed (apt-get install chromium; .ci/run "
                                                      "installs it): browser test not run")
def test_hostile_page_copy_does_not_run_in_a_browser(tmp_path):
    """The payloads of the report's browser test, captured on a page: its copy opened in Chromium runs none."""
    import subprocess

    from .hostile.test_inert_in_browser import EVIL, PAYLOADS, injected_elements, pwned

    body = (f"<html><head><title>t</title>{PAYLOADS[0]}</head><body onload=\"{PAYLOADS[0][8:-9]}\">{EVIL}"
            f"<a href='javascript:{PAYLOADS[0][8:-9]}' id='go'>x</a></body></html>").encode("gbk")
    copy = tmp_path / "1.html"
    copy.write_text(render(Captured("<urn:uuid:9>", "http://a.test/p.html", status=200,
                                    content_type="text/html; charset=gbk", body=body)), encoding="utf-8")
    cmd = [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", f"--user-data-dir={tmp_path / 'profile'}",
           "--virtual-time-budget=2000", "--dump-dom", copy.resolve().as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    assert NOTICE in dom
    assert pwned(dom) == []
    # the page's own <img> and <svg> stay (pictures); no script, frame, object or handler does
    assert [e for e in injected_elements(dom) if not e.startswith("img[") and e != "svg"] == []
