"""Extraction on real saved portal pages (tests/fixtures/pages, copied from shared/corpus/pages)."""
import datetime as dt
from pathlib import Path

import pytest

from zwgk_audit.crawl.encoding import decode_html
from zwgk_audit.extract import canonical, extract, parse_date

PAGES = Path(__file__).parent / "fixtures" / "pages"


def read(name):
    return (PAGES / name).read_text(encoding="utf-8")


def test_kaipuyun_metadata_block_and_interpretation_link():
    f = extract("https://www.yichun.gov.cn/ycsrmzf/tjgb/202305/x.shtml", read("yichun_2022_jiangxi_bulletin.html"))
    assert f.kind == "article"
    assert f.article["index_no"] == "014717475N/2023-0032866"
    assert f.article["publisher"] == "宜春市统计局"
    assert f.article["document_date"] == dt.date(2023, 3, 31)
    assert f.article["publish_date"] == dt.date(2023, 5, 16)
    assert any("jdhy" in u for u in f.article["interpretation_links"])
    assert f.identity == {"host": "宜春市人民政府",  # 主办：宜春市人民政府　承办：…
                          "site_code": "3609000002", "icp": "赣ICP备06000141号", "psb": "赣公网安备 36090202000004号"}


@pytest.mark.parametrize("name,code", [("shanxi_gov_2019_article.html", "1400000045"),
                                       ("wanzai_2022_bulletin.html", "3609220011")])
def test_footer_identity_on_trs_and_ucap_pages(name, code):
    f = extract("https://example.gov.cn/", read(name))
    assert f.identity["site_code"] == code
    assert f.identity["icp"] and f.identity["psb"]


def test_dates_and_urls():
    assert parse_date("发布时间：2018年6月29日") == dt.date(2018, 6, 29)
    assert parse_date("2023/5/16 12:34") == dt.date(2023, 5, 16)
    assert parse_date("2023-02-30") is None
    assert canonical("HTTP://Example.gov.cn:80/a/./b/../c.html#x") == "http://example.gov.cn/a/c.html"
    assert canonical("javascript:void(0)") is None


def test_gbk_sent_as_utf8_still_decodes():
    body = "<html><head><meta charset='utf-8'></head><body>政府信息公开指南</body></html>".encode("gbk")
    text, enc, how = decode_html(body, "text/html; charset=utf-8")
    assert "政府信息公开指南" in text and enc == "gb18030"
    text, enc, how = decode_html(body, None)
    assert "政府信息公开指南" in text
    assert decode_html(b"\xef\xbb\xbf<p>\xe4\xb8\xad</p>", "text/html; charset=gbk")[1] == "utf-8"  # BOM wins


def test_entries_with_an_image_link_before_the_title_link():
    """四川省教育厅's 在线访谈 list: <li><a class="fl"><img></a><span><a>标题</a><p>…</p></span><span>日期</span></li>.
    The title link is the entry; when every link is javascript:; the entries are dead, not a blank column."""
    row = ('<li><a href="{h}" class="fl"><img src="x.png"></a><span><a href="{h}" class="zxftTitle">{t}</a>'
           '<p>{t}</p></span><span class="zxftDate">{d}</span></li>')
    live = "".join(row.format(h=f"/ft/{i}.html", t=f"负责人做客访谈第{i}期", d=f"2020-09-2{i}") for i in range(3))
    dead = "".join(row.format(h="javascript:;", t=f"负责人做客访谈第{i}期", d=f"2020-09-2{i}") for i in range(3))
    page = "<html><body><div class='title'><span>在线访谈</span></div><ul>{}</ul></body></html>"
    facts = extract("http://x.gov.cn/ft/index.html", page.format(live))
    assert [(u, t, d) for u, t, d in facts.entries] == [
        (f"http://x.gov.cn/ft/{i}.html", f"负责人做客访谈第{i}期", dt.date(2020, 9, 20 + i)) for i in range(3)]
    facts = extract("http://x.gov.cn/ft/index.html", page.format(dead))
    assert facts.entries == [] and facts.dead_entries == 3
