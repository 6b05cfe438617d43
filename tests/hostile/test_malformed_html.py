"""Malformed HTML, framesets and arbitrary bytes: extracted as well as possible, never a crash."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk_audit.crawl.crawler import crawl
from zwgk_audit.crawl.encoding import decode_html
from zwgk_audit.extract import extract

from .servers import FaultServer, send

ARTICLE_URL = "http://www.example.gov.cn/zcwj/t20260508_123.html"

# Unclosed navigation div, tables nested three deep and never closed, unclosed inline tags,
# an iframe holding the 信息公开 list, and content after an early </html>.
BROKEN_ARTICLE = """<html><head><title>关于印发某某办法的通知_某某市司法局</title>
<body><div class="nav"><a href="/zwgk/">政务公开</a><a href="/zcwj/">政策文件
<table><tr><td><table><tr><td><table class="xxgk"><tr><th>索引号：<td>11211100-2026-00012<th>发布机构：<td>某某市司法局
<tr><th>成文日期：<td>2026年05月06日<th>发布日期：<td>2026-05-08
<tr><td colspan=4><h1>关于印发某某办法的通知</td></tr></table></td></tr></table>
<p>正文<b>加粗<i>斜体</p><div>未闭合<span>
<p>相关解读：<a href="/jd/t20260508_1.html">《某某办法》政策解读</a>
<iframe src="/xxgk/list.html" title="信息公开目录"></iframe>
</html><p>页面结束之后的内容</p><a href="/after.html">after</a>
"""


def test_unclosed_tags_and_nested_tables_still_give_the_article():
    facts = extract(ARTICLE_URL, BROKEN_ARTICLE)
    assert facts.kind == "article" and facts.title == "关于印发某某办法的通知"
    a = facts.article
    assert a["index_no"] == "11211100-2026-00012" and a["publisher"] == "某某市司法局"
    assert (str(a["document_date"]), str(a["publish_date"])) == ("2026-05-06", "2026-05-08")
    assert "http://www.example.gov.cn/jd/t20260508_1.html" in a["interpretation_links"]
    kinds = {l.url: l.kind for l in facts.links}
    assert kinds["http://www.example.gov.cn/xxgk/list.html"] == "frame"
    assert "http://www.example.gov.cn/after.html" in kinds  # content after </html> is not dropped


def test_a_frameset_portal_is_crawled_through_its_frames(tmp_path):
    frameset = ('<html><head><title>某某局</title></head><frameset cols="200,*">'
                '<frame src="/left.html" name="left"><frame src="/main.html" name="main"></frameset></html>')
    main = '<html><body><iframe src="/xxgk/index.html" title="政府信息公开"></iframe></body></html>'
    column = ('<html><body><div class="position">当前位置：首页 &gt; 政府信息公开</div><ul>'
              '<li><a href="/xxgk/t20260501_1.html">某某通知</a><span>2026-05-01</span></li>'
              '<li><a href="/xxgk/t20260502_2.html">某某公告</a><span>2026-05-02</span></li>'
              '<li><a href="/xxgk/t20260503_3.html">某某办法</a><span>2026-05-03</span></li></ul></body></html>')
    routes = {"/": lambda h: send(h, 200, frameset.encode()), "/left.html": lambda h: send(h, 200, b"<p>menu</p>"),
              "/main.html": lambda h: send(h, 200, main.encode()),
              "/xxgk/index.html": lambda h: send(h, 200, column.encode("utf-8")),
              "*": lambda h: send(h, 200, "<html><body><h1>文章</h1><p>发布日期：2026-05-01</p></body></html>".encode())}
    with FaultServer(routes) as s:
        snap = crawl(s.url, out=tmp_path, rate=0, retries=0, check_external=False)
    fetched = set(snap.pages.loc[snap.pages["status"] == 200, "url"])
    assert {s.url + "main.html", s.url + "left.html", s.url + "xxgk/index.html", s.url + "xxgk/t20260503_3.html"} <= fetched
    assert set(snap.links.loc[snap.links["kind"] == "frame", "to_url"]) == {s.url + "left.html", s.url + "main.html",
                                                                          s.url + "xxgk/index.html"}
    assert len(snap.entries) == 3


TOKENS = st.sampled_from(["<html>", "</html>", "<body>", "</body>", "<table>", "<tr>", "<td>", "</td>", "<div class='nav'>",
                          "</div>", "<a href='", "'>", "</a>", "<frame src='", "<iframe src=\"", "\">", "<!--", "-->",
                          "<script>", "</script>", "<meta name='ArticleTitle' content='", "索引号：", "发布日期：",
                          "2026-05-08", "相关解读", "javascript:alert(1)", "http://[::1", "/a/../../b", "&#0;", "&bogus;",
                          "\x00", "\ufeff", "<?xml version='1.0'?>", "<![CDATA[", "下一页", "createPageHTML(3,0,'index','html')"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(TOKENS, st.text(max_size=12)), max_size=60))
def test_any_token_soup_extracts_without_error(parts):
    facts = extract(ARTICLE_URL, "".join(parts))
    assert facts.kind in {"article", "list", "other"}
    for link in facts.links:  # whatever the soup, links come out absolute http(s) URLs
        assert link.url.startswith(("http://", "https://")), link


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([None, "", "text/html", "text/html; charset=utf-8",
                                                 "text/html; charset=gbk", "text/html; charset=bogus-enc"]))
def test_any_bytes_decode_to_text(body, content_type):
    text, encoding, how = decode_html(body, content_type)
    assert isinstance(text, str) and encoding and how
