"""Scraped text in a report never runs: the HTML is loaded in headless Chromium and checked for script effects.

Every payload, if it ran, would set ``data-pwned`` on <html>. Chromium's ``--dump-dom`` prints the DOM
after the page's scripts had their time, so the attribute's absence means nothing ran. Two controls keep
the test honest: the same harness does see a script that runs, and the report's Content-Security-Policy
alone blocks one. The report is also checked with that policy removed, so escaping is tested on its own.
"""
from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from zwgk_audit.audit import audit
from zwgk_audit.page_copies import chromium_binary
from zwgk_audit.report.batch import write_summary_html
from zwgk_audit.sample import Defects, SampleConfig, generate

from ..conftest import crawl_portal

AS_OF = dt.date(2026, 6, 30)
MARK = "document.documentElement.setAttribute('data-pwned','{}')"
PAYLOADS = [
    "<script>" + MARK.format("script") + "</script>",
    "<img src=x onerror=\"" + MARK.format("onerror") + "\">",
    "<svg onload=\"" + MARK.format("svg") + "\"></svg>",
    "</title></textarea><script>" + MARK.format("breakout") + "</script>",
    "<iframe srcdoc=\"<script>parent." + MARK.format("iframe") + "</script>\"></iframe>",
    "\"><body onload=\"" + MARK.format("attr") + "\">",
]
EVIL = "".join(PAYLOADS)
CSP = re.compile(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>")


@pytest.fixture(scope="module")
def dump_dom(tmp_path_factory):
    binary = chromium_binary()
    if binary is None:
        pytest.skip("Chromium not installed (apt-get install chromium; .ci/run installs it): browser test not run")
    profile = tmp_path_factory.mktemp("chromium-profile")

    def dump(path: Path) -> str:
        cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--virtual-time-budget=2000", "--dump-dom", path.resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert "<html" in done.stdout, done.stderr[-2000:]
        return done.stdout

    return dump


def pwned(dom: str) -> list[str]:
    return re.findall(r"data-pwned=\"([^\"]*)\"", dom)


def injected_elements(dom: str) -> list[str]:
    """Elements in the rendered DOM that scraped text could only have made by becoming markup."""
    soup = BeautifulSoup(dom, "lxml")
    bad = [t.name for t in soup.find_all(["script", "iframe", "svg", "object", "embed", "frame"])]
    bad += [f"{t.name}[{a}]" for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")]
    bad += [f"img[{t.get('src', '')[:20]}]" for t in soup.find_all("img") if not t.get("src", "").startswith(("data:image/png;", "data:image/svg+xml;"))]
    return bad


def test_the_harness_sees_a_script_that_runs_and_the_policy_blocks_it(tmp_path, dump_dom):
    page = tmp_path / "control.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{PAYLOADS[0]}</body></html>",
                    encoding="utf-8")
    assert pwned(dump_dom(page)) == ["script"]
    assert {"script", "img[onerror]", "svg"} <= set(injected_elements(f"<html><body>{EVIL}</body></html>"))
    report_csp = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'">'
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'>{report_csp}</head><body>{PAYLOADS[0]}</body></html>",
                    encoding="utf-8")
    assert pwned(dump_dom(page)) == []


def test_hostile_scraped_text_does_not_run_in_the_report(tmp_path, dump_dom, checklist):
    portal = generate(SampleConfig(seed=9, as_of=AS_OF, defects=Defects(late_documents=1)))
    late = next(d for d in portal.manifest["defects"] if d["type"] == "late_document")
    page = portal.pages[late["subject"]]
    quoted = EVIL.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    page.body = page.body.replace('<meta name="ArticleTitle" content="', '<meta name="ArticleTitle" content="' + quoted)
    snap, _ = crawl_portal(portal, tmp_path / "snap")
    hostile = checklist.model_copy(update={"agency": EVIL})
    a = audit(snap, hostile, as_of=AS_OF)
    assert a.findings["message"].str.contains(PAYLOADS[0], regex=False).any()  # the payload reached the findings
    a.write(tmp_path / "out")
    report = tmp_path / "out" / "report.html"
    html = report.read_text(encoding="utf-8")
    assert CSP.search(html)
    assert pwned(dump_dom(report)) == []
    bare = tmp_path / "out" / "report-without-csp.html"  # escaping alone must hold
    bare.write_text(CSP.sub("", html), encoding="utf-8")
    dom = dump_dom(bare)
    assert pwned(dom) == [] and injected_elements(dom) == []


def test_hostile_agency_names_do_not_run_in_the_batch_summary(tmp_path, dump_dom):
    ranking = pd.DataFrame({"rank": [1, 2], "agency": [EVIL, "示范局"], "region": [EVIL, "示范市"], "level": ["市级", "市级"],
                            "status": ["ok", "ok"], "score": [90.0, 80.0], "coverage": [1.0, 1.0],
                            "appraisal_points": [3.6, 3.2], "failed_items": [1, 2], "reason": [EVIL, ""],
                            "url": ["http://a.test/", "http://b.test/"], "slug": ["a", "b"]})
    heat = pd.DataFrame({"政策文件": [90.0, 80.0]}, index=ranking["agency"])
    path = write_summary_html(tmp_path, ranking, heat)
    html = path.read_text(encoding="utf-8")
    assert CSP.search(html)
    assert pwned(dump_dom(path)) == []
    bare = tmp_path / "summary-without-csp.html"
    bare.write_text(CSP.sub("", html), encoding="utf-8")
    dom = dump_dom(bare)
    assert pwned(dom) == [] and injected_elements(dom) == []
