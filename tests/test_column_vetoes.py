"""19号文 单项否决 “栏目不更新”: its three counts, each against a planted defect and a clean control.

The hand-built portal below is laid out so the first count can be read off by eye: on 2026-06-30 the 动态/要闻
columns older than 2 weeks and the 通知公告/政策文件 columns older than 6 months *at the first level* (top of the
site, or directly under 信息公开) are 工作动态, 部门动态, 通知公告, 政策文件, 信息公开/规范性文件 — five, the veto's
threshold. 信息公开/法定主动公开内容/政府文件 is just as stale but third-level, so it does not count; 要闻 is fresh.
"""
from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from pathlib import Path

import pytest

from zwgk_audit.checks import Context, registry
from zwgk_audit.crawl.crawler import crawl
from zwgk_audit.sample import Defects, SampleConfig, generate

from .conftest import AS_OF, crawl_portal

# (path under the site, name, newest entry date)
COLUMNS = [
    ("gzdt", "工作动态", "2026-06-01"),
    ("bmdt", "部门动态", "2026-05-20"),
    ("yw", "要闻", "2026-06-25"),
    ("tzgg", "通知公告", "2025-11-30"),
    ("zcwj", "政策文件", "2025-10-01"),
    ("xxgk/gfxwj", "规范性文件", "2025-09-01"),
    ("xxgk/fdzdgknr/zfwj", "政府文件", "2024-03-01"),
]


def _page(title: str, body: str) -> str:
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def build_site(root: Path, fresh_news: bool = False) -> None:
    root.mkdir(parents=True, exist_ok=True)
    nav = "".join(f"<li><a href='/{slug}/index.html'>{name}</a></li>" for slug, name, _ in COLUMNS if "/" not in slug)
    nav += "<li><a href='/xxgk/index.html'>信息公开</a></li>"
    (root / "index.html").write_text(_page("示例县水务局", f"<ul class='nav'>{nav}</ul><p>示例县水务局</p>"), "utf-8")
    (root / "xxgk" / "fdzdgknr").mkdir(parents=True)
    (root / "xxgk" / "index.html").write_text(_page("信息公开", "<div class='position'>当前位置：首页 > 信息公开</div>"
                                                    "<ul><li><a href='/xxgk/gfxwj/index.html'>规范性文件</a></li>"
                                                    "<li><a href='/xxgk/fdzdgknr/index.html'>法定主动公开内容</a></li></ul>"),
                                          "utf-8")
    (root / "xxgk" / "fdzdgknr" / "index.html").write_text(_page("法定主动公开内容", (
        "<div class='position'>当前位置：首页 > 信息公开 > 法定主动公开内容</div>"
        "<ul><li><a href='/xxgk/fdzdgknr/zfwj/index.html'>政府文件</a></li></ul>")), "utf-8")
    for slug, name, newest in COLUMNS:
        day = dt.date.fromisoformat(newest)
        if fresh_news and slug == "gzdt":
            day = dt.date(2026, 6, 28)
        d = root / slug
        d.mkdir(parents=True, exist_ok=True)
        crumbs = {"xxgk/gfxwj": "信息公开 > 规范性文件", "xxgk/fdzdgknr/zfwj": "信息公开 > 法定主动公开内容 > 政府文件"}
        crumb = crumbs.get(slug, name)
        rows = []
        for i in range(3):
            when = day - dt.timedelta(days=10 * i)
            (d / f"t{i}.html").write_text(_page(f"{name}第{i + 1}篇", (
                f"<div class='position'>当前位置：首页 > {crumb}</div><h1>{name}第{i + 1}篇</h1>"
                f"<p>发布日期：{when:%Y-%m-%d}</p><div class='content'><p>正文内容。</p></div>")), "utf-8")
            rows.append(f"<li><a href='t{i}.html'>{name}第{i + 1}篇</a><span>{when:%Y-%m-%d}</span></li>")
        (d / "index.html").write_text(_page(name, f"<div class='position'>当前位置：首页 > {crumb}</div>"
                                                  f"<ul class='list'>{''.join(rows)}</ul>"), "utf-8")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def crawl_site(root: Path, out: Path):
    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        return crawl(f"http://127.0.0.1:{server.server_address[1]}/index.html", out=out, rate=0, check_external=False)
    finally:
        server.shutdown()
        server.server_close()


def run(snapshot, **params):
    return {f.subject: f for f in registry["columns_not_updated"].run(snapshot, params, Context(as_of=AS_OF))}


@pytest.mark.parametrize("fresh_news, status", [(False, "fail"), (True, "pass")])
def test_five_stale_news_and_first_level_notice_columns_veto(tmp_path, fresh_news, status):
    build_site(tmp_path / "site", fresh_news)
    snap = crawl_site(tmp_path / "site", tmp_path / "out")
    f = run(snap)["动态要闻类及通知公告、政策文件类一级栏目"]
    assert f.status == status, f
    for name in ("部门动态", "通知公告", "政策文件", "规范性文件"):
        assert name in f.measured
    assert ("工作动态" in f.measured) is (not fresh_news)
    assert "政府文件" not in f.measured and "要闻（" not in f.measured  # third-level; fresh
    assert f.measured.startswith("4个" if fresh_news else "5个")


@pytest.fixture(scope="module")
def ten_stale(tmp_path_factory):
    stale = ["政务动态", "通知公告", "政策文件", "政策解读", "规划计划", "财政预决算", "行政执法公示", "人事信息",
             "建议提案办理", "双随机一公开"]
    portal = generate(SampleConfig(seed=5, as_of=AS_OF, defects=Defects(stale_columns=stale)))
    snap, _ = crawl_portal(portal, tmp_path_factory.mktemp("stale10"))
    return snap


def test_ten_long_stale_columns_veto_but_only_two_first_level_ones(ten_stale):
    found = run(ten_stale)
    long = found["应更新而长期未更新的栏目"]
    assert long.status == "fail" and long.measured.startswith("10个"), long
    # 政务动态 and 通知公告 sit at the top of the sample; 政策文件 is under 法定主动公开内容 (third level)
    first = found["动态要闻类及通知公告、政策文件类一级栏目"]
    assert first.status == "pass" and first.measured.startswith("2个"), first
    assert found["空白栏目"].status == "pass"


def test_five_blank_columns_veto(tmp_path):
    blank = ["规划计划", "财政预决算", "人事信息", "建议提案办理", "双随机一公开"]
    portal = generate(SampleConfig(seed=6, as_of=AS_OF, defects=Defects(empty_columns=blank)))
    snap, _ = crawl_portal(portal, tmp_path)
    f = run(snap)["空白栏目"]
    assert f.status == "fail" and f.measured.startswith("5个"), f
    # four blank columns stay under the threshold
    g = run(snap, blank_count=6)["空白栏目"]
    assert g.status == "pass"


def test_clean_sample_passes_all_three(clean_snapshot):
    found = run(clean_snapshot)
    assert {k: f.status for k, f in found.items()} == {
        "动态要闻类及通知公告、政策文件类一级栏目": "pass", "应更新而长期未更新的栏目": "pass", "空白栏目": "pass"}


def test_policy_columns_six_months_first_level_deduction(tmp_path):
    """The deduction "政策文件类一级栏目6个月内未更新": the two first-level policy columns, not the third-level one."""
    build_site(tmp_path / "site")
    snap = crawl_site(tmp_path / "site", tmp_path / "out")
    params = {"columns": ["policy_documents"], "max_age_months": 6, "first_level": True}
    found = registry["column_fresh"].run(snap, params, Context(as_of=AS_OF))
    assert sorted((f.subject, f.status) for f in found) == [("信息公开/规范性文件", "fail"), ("政策文件", "fail")]
    # on 2026-04-01, six calendar months back is 2025-10-01: 政策文件, last updated that very day, is in time
    earlier = registry["column_fresh"].run(snap, params, Context(as_of=dt.date(2026, 4, 1)))
    assert {f.subject: f.status for f in earlier} == {"信息公开/规范性文件": "fail", "政策文件": "pass"}


def test_dead_link_entries_still_date_a_column(tmp_path):
    """四川省教育厅's 川教发文件 list shows dated rows whose links are javascript:;: a visitor sees when it was last
    updated, so freshness is judged from those dates (and says so), not left unverified."""
    build_site(tmp_path / "site")
    page = tmp_path / "site" / "tzgg" / "index.html"
    page.write_text(page.read_text("utf-8").replace("href='t0.html'", "href='javascript:;'")
                    .replace("href='t1.html'", "href='javascript:;'").replace("href='t2.html'", "href='javascript:;'"),
                    "utf-8")
    snap = crawl_site(tmp_path / "site", tmp_path / "out")
    (f,) = registry["column_fresh"].run(snap, {"columns": ["notice"], "max_age_months": 6}, Context(as_of=AS_OF))
    assert (f.subject, f.status) == ("通知公告", "fail") and "2025-11-30" in f.measured
    assert "链接无效" in f.message
