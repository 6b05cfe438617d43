"""The crawl reads the structure first, within its own share of the page cap, and can stay inside a path scope."""
from __future__ import annotations

import pytest

from zwgk_audit.audit import audit
from zwgk_audit.crawl.crawler import crawl
from zwgk_audit.sample import SampleConfig, SampleServer, generate

from .conftest import AS_OF, crawl_portal


def test_a_long_pager_does_not_use_up_the_cap_before_articles(checklist, tmp_path):
    # 政务动态 with 2,000 items: a 200-page createPageHTML pager the old crawl walked before any article
    portal = generate(SampleConfig(seed=3, as_of=AS_OF, news_items=2000))
    snap, _ = crawl_portal(portal, tmp_path, max_pages=80)
    assert snap.truncated and snap.structure_complete
    assert snap.meta["structure_queued"] == 0
    fetched = set(snap.pages["url"])
    first_pages = {c["url"] for c in portal.manifest["columns"]}
    assert {u for u in fetched if u.endswith(tuple(first_pages))}, "column first pages fetched"
    assert all(any(u.endswith(p) for u in fetched) for p in first_pages)
    assert len(snap.articles) >= 10  # articles were read, not only pager pages
    a = audit(snap, checklist, as_of=AS_OF)
    present = a.findings[a.findings["check"] == "column_present"]
    # items of another time's rule (2008 条例) or for other bodies (第二十一条) say so and judge nothing
    present = present[~present["message"].str.startswith(("规定尚未施行", "规定已不适用", "本项适用于"))]
    assert present["status"].eq("pass").all(), present[["subject", "status", "message"]]
    assert a.incomplete and "栏目结构未抓取完整" not in a.incomplete[0]  # capped, but the column tree is whole


def test_a_structure_larger_than_its_share_is_reported_incomplete(checklist, tmp_path):
    portal = generate(SampleConfig(seed=3, as_of=AS_OF))
    snap, _ = crawl_portal(portal, tmp_path, max_pages=20, structure_share=0.5)
    assert snap.meta["structure_fetched"] <= 20 and snap.meta["structure_queued"] > 0
    assert not snap.structure_complete
    a = audit(snap, checklist, as_of=AS_OF)
    assert any("栏目结构未抓取完整" in r for r in a.incomplete)
    assert not (a.findings["check"].eq("column_present") & a.findings["status"].eq("fail")).any()


def test_path_scope_keeps_the_crawl_inside_a_department(tmp_path):
    portal = generate(SampleConfig(seed=3, as_of=AS_OF))
    with SampleServer(portal) as srv:
        snap = crawl(srv.url + "zfxxgk/index.html", out=tmp_path, rate=0, check_external=False,
                     scope=srv.url + "zfxxgk")
    assert snap.meta["scope"] == srv.url + "zfxxgk/"
    fetched = set(snap.pages["url"])
    # pages outside the scope that it links to are read (the footer's 关于我们), but not what they link to:
    # the 专题 page is linked only from the home page
    assert srv.url + "wzgl/gywm/index.html" in fetched
    assert srv.url + "zt/aqscy/index.html" not in fetched
    assert any(u.startswith(srv.url + "zfxxgk/fdzdgknr/zcwj/") for u in snap.articles["url"])
    with pytest.raises(ValueError, match="outside the scope"):
        crawl(srv.url + "zwdt/index.html", out=tmp_path / "x", rate=0, check_external=False, scope=srv.url + "zfxxgk/")
