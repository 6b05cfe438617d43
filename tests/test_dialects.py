"""The sample portal in five CMS dialects: every planted defect is found in each, clean controls stay clean.

The dialects differ where real portals differ — column names (行政规范性文件, 政府文件, 文件资料, 解读回应,
公示公告, 信息公开 as the hub), breadcrumbs on or off, list mechanics (createPageHTML, Hanweb datastore with
POST pages, gkmlpt JSON API, plain index_N.html) and metadata blocks — so a check that only reads one of
them fails here.
"""
from __future__ import annotations

import gzip

import pytest

from zwgk_audit.audit import audit
from zwgk_audit.extract.cms import gkmlpt, hanweb
from zwgk_audit.extract.urls import post_key, split_key
from zwgk_audit.sample import DEMO_DEFECTS, Defects, SampleConfig, generate
from zwgk_audit.sample.dialects import DIALECTS
from zwgk_audit.snapshot import Snapshot

from .conftest import AS_OF, crawl_portal
from .identity import assert_identical
from .manifest import assert_matches_manifest, declared_subjects

CORE = ("column_present", "publication_timeliness", "interpretation_linked", "column_nonempty")


@pytest.fixture(scope="module", params=sorted(DIALECTS))
def dialect(request):
    return request.param


@pytest.fixture(scope="module")
def clean(dialect, tmp_path_factory):
    portal = generate(SampleConfig(seed=7, as_of=AS_OF, dialect=dialect))
    snap, _ = crawl_portal(portal, tmp_path_factory.mktemp(f"clean-{dialect}"))
    return portal, snap


@pytest.fixture(scope="module")
def demo(dialect, tmp_path_factory):
    portal = generate(SampleConfig(seed=11, as_of=AS_OF, dialect=dialect, defects=DEMO_DEFECTS))
    snap, _ = crawl_portal(portal, tmp_path_factory.mktemp(f"demo-{dialect}"))
    return portal, snap


def test_clean_control_fails_only_what_the_dialect_declares(clean, checklist):
    portal, snap = clean
    a = audit(snap, checklist, as_of=AS_OF)
    assert_matches_manifest(a, portal.manifest)
    assert not a.incomplete, a.incomplete
    f = a.findings
    # items of another time's rule (the 2008 条例) or for other bodies (第二十一条, 人民政府 only) say so and judge nothing
    f = f[~f["message"].str.startswith(("规定尚未施行", "规定已不适用", "本项适用于"))]
    for check in CORE:
        st = f[f["check"] == check]["status"]
        assert (st == "pass").sum() >= 1 and not st.isin(["unverified", "not_applicable"]).any(), (check, st.tolist())
    # every document the generator wrote was read and placed in its column
    docs = {d["url"] for d in portal.manifest["documents"]}
    placed = {u.split("/", 3)[-1] for u in snap.memberships["doc_url"]}
    assert {u.lstrip("/") for u in docs} <= placed


def test_every_planted_defect_is_found(demo, checklist):
    portal, snap = demo
    a = audit(snap, checklist, as_of=AS_OF)
    assert_matches_manifest(a, portal.manifest)
    planted_checks = {d["check"] for d in portal.manifest["defects"]}
    assert {"column_present", "column_nonempty", "column_fresh", "publication_timeliness", "interpretation_linked",
            "metadata_complete", "links_valid", "annual_report_timely"} <= planted_checks


@pytest.mark.parametrize("which", ["clean", "demo"])
def test_results_identical_to_the_pre_optimisation_baseline(which, clean, demo, dialect, checklist):
    """Issue 19: findings and score as the code gave them before any optimisation (tests/identity.py)."""
    _portal, snap = clean if which == "clean" else demo
    assert_identical(audit(snap, checklist, as_of=AS_OF), f"dialect-{dialect}-{which}")


def test_column_names_are_the_dialects_own(clean, dialect):
    portal, snap = clean
    shown = set(snap.columns["name"])
    for sample_name, name in DIALECTS[dialect].names.items():
        assert name in shown and (sample_name == name or sample_name not in shown), (sample_name, name)


def test_plain_cms_declares_its_missing_index_numbers():
    portal = generate(SampleConfig(seed=7, as_of=AS_OF, dialect="plain"))
    docs = declared_subjects(portal.manifest, "metadata_complete")
    assert len(docs) == len(portal.manifest["documents"]) + sum(
        1 for d in portal.manifest["documents"] if d["interpretation_url"])
    assert "索引号" not in next(p.body for k, p in portal.pages.items() if k == docs[0])


def test_hanweb_gbk_posts_pages_and_replays_from_the_warc(checklist, tmp_path):
    defects = Defects(empty_columns=["政策解读"], stale_columns=["政务动态"], late_documents=3)
    portal = generate(SampleConfig(seed=21, as_of=AS_OF, encoding="gbk", dialect="hanweb", defects=defects))
    snap, _ = crawl_portal(portal, tmp_path)
    posts = snap.pages[snap.pages["url"].str.contains("#POST:", regex=False)]
    assert len(posts) >= 2 and posts["status"].eq(200).all() and posts["kind"].eq("list").all()
    a = audit(snap, checklist, as_of=AS_OF)
    assert_matches_manifest(a, portal.manifest)
    # the WARC holds each POST with its form, and a re-score from it gives the same findings
    raw = gzip.open(snap.warc_path).read().decode("utf-8", "replace")
    assert "POST /module/web/jpage/dataproxy.jsp?startrecord=" in raw and "columnid=" in raw
    again = Snapshot.load(snap.warc_path)
    assert sorted(again.pages["url"]) == sorted(snap.pages["url"])
    assert audit(again, checklist, as_of=AS_OF).findings.equals(a.findings)


def test_request_keys_carry_method_and_body():
    key = post_key("http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=11", "columnid=5&unitid=9")
    assert split_key(key) == ("http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=11", "POST", "columnid=5&unitid=9")
    assert split_key("http://a.gov.cn/x.html") == ("http://a.gov.cn/x.html", "GET", None)


HANWEB_PAGE = """<html><body><div id="77"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=2&columnid=55&unitid=77"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/2024/3/1/art_55_1.html">关于开展安全检查的通知</a><span>2024-03-01</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2024/2/1/art_55_2.html">关于做好防汛工作的通知</a><span>2024-02-01</span></li>]]></record>
</recordset></datastore></script></div>
<script>$('#77').jpage({perPage:1, totalRecord:5, groupSize:2, proxyUrl:'/module/web/jpage/dataproxy.jsp',
ajaxParam:{col:1,webid:'2',path:'/',columnid:55,unitid:"77",webname:'某某局'}});</script></body></html>"""


def test_hanweb_adapter_inlines_records_and_posts_the_rest():
    shown, links = hanweb.expand("http://a.gov.cn/col/col55/index.html", HANWEB_PAGE)
    assert '<a href="/art/2024/3/1/art_55_1.html">' in shown and "<datastore>" not in shown
    # 2 records in the page, 5 in all, 2 a request: records 3-4 and 5 by POST, the form from ajaxParam
    assert [split_key(l.url)[0].split("?")[1] for l in links] == [
        "startrecord=3&endrecord=4&perpage=1", "startrecord=5&endrecord=5&perpage=1"]
    assert all(l.kind == "pager" and "columnid=55" in split_key(l.url)[2] for l in links)


GKMLPT_INDEX = """<html><body><div id="app"></div><script>
window._CONFIG = {SID: '757', TREE: [{"id": 1, "name": "政府信息公开指南", "children": []},
 {"id": 2, "name": "法定主动公开内容", "children": [{"id": 21, "name": "规范性文件", "children": []}]},
 {"id": 3, "name": "依申请公开", "jump_url": "/ysqgk/index.html", "children": []}], SERVICE_AREA_ID: 0};
</script></body></html>"""


def test_gkmlpt_adapter_draws_the_tree_lists_and_detail():
    shown, _ = gkmlpt.expand("http://a.gov.cn/gkmlpt/index", GKMLPT_INDEX)
    assert 'href="http://a.gov.cn/gkmlpt/api/all/21?page=1&amp;sid=757">规范性文件' in shown
    assert '<span>法定主动公开内容</span>' in shown and 'href="http://a.gov.cn/ysqgk/index.html"' in shown
    data = '{"total": 25, "articles": [{"title": "关于印发某办法的通知", "url": "/gkmlpt/content/0/1/post_1.html", "created_at": "2024-05-06 10:00:00"}]}'
    shown, links = gkmlpt.expand("http://a.gov.cn/gkmlpt/api/all/21?page=1&sid=757", data)
    assert "关于印发某办法的通知</a><span>2024-05-06</span>" in shown
    assert len(links) == 24 and links[-1].url.endswith("/gkmlpt/api/all/21?page=25&sid=757")
    detail = ('<html><body><script>window._CONFIG = {SID: "757", DETAIL: {"title": "某办法", "identifier": "007/2024-1",'
              ' "document_number": "粤某规〔2024〕1号", "date": 1704067200, "display_publish_time": 1704326400,'
              ' "content": "<p>正文<a href=\\"/jd/1.html\\">相关解读</a></p>"}};</script></body></html>')
    shown, _ = gkmlpt.expand("http://a.gov.cn/gkmlpt/content/0/1/post_1.html", detail)
    assert "<th>索引号：</th><td>007/2024-1</td>" in shown and "<th>成文日期：</th><td>2024-01-01</td>" in shown
    assert "<th>发布日期：</th><td>2024-01-04</td>" in shown and '<a href="/jd/1.html">相关解读</a>' in shown
