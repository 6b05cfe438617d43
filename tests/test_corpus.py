"""Extraction on every real page in the corpus (tests/fixtures/pages = shared/corpus/pages).

Each expectation states what the page visibly shows (or, where the page shows no date
label, what its PubDate meta says and the page's list entry shows).
"""
from pathlib import Path

import pytest

from zwgk_audit.extract import article_metadata, extract

PAGES = Path(__file__).parent / "fixtures" / "pages"
URL = "https://www.example.gov.cn/col/202301/t20230101_1.html"

EXPECTED = {
    "gov_cn_2007_gazette.html": dict(
        title="全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议",
        publish_date=None, site_code="bm01000001"),  # the gazette page prints no 发布日期
    "shanxi_gov_2019_article.html": dict(title="山西品牌丝路行（南美站）正式启动", publish_date="2019-09-18",
                                         publisher="山西日报",  # <i>来源：</i> 山西日报 (the 来源 byline)
                                         site_code="1400000045"),  # <i>时间：</i>2019-09-18 06:23
    "wanzai_2015_bulletin.html": dict(title="万载县2015年国民经济和社会发展统计公报", publish_date="2017-05-15",
                                      publisher="万载县统计局",  # 来源： is empty; the text ends "（万载县统计局）"
                                      site_code="3609220011"),  # visible 发布日期 beats the republished PubDate meta
    "wanzai_2022_bulletin.html": dict(
        title="万载县2022年国民经济和社会发展统计公报", publish_date="2023-08-16", document_date="2023-05-11",
        index_no="014742224A/2023-0043406", publisher="万载县统计局", site_code="3609220011",
        interpretation="tjjjdhy/202307/bb8049063e11403994c3d01d8813a11a"),  # 关联稿件: 图文解读
    "yichun_2022_bulletin.html": dict(
        title="宜春市2022年国民经济和社会发展统计公报", publish_date="2023-05-16", document_date="2023-04-18",
        index_no="014717475N/2023-0040295", publisher="宜春市统计局", site_code="3609000002"),
    "yichun_2022_jiangxi_bulletin.html": dict(
        title="江西省2022年国民经济和社会发展统计公报", publish_date="2023-05-16", document_date="2023-03-31",
        index_no="014717475N/2023-0032866", publisher="宜春市统计局", site_code="3609000002",
        interpretation="yctjj/jdhy/202304/e23e625ebadd49c18afe73a4caffbaeb"),  # 相关解读：
    "zj_fgw_2016_article.html": dict(title="1-10月德清县固定资产投资结构趋稳趋优", publish_date="2016-11-22",
                                     publisher="省发改委"),  # 信息来源：<!--…-->省发改委<!--…-->
}


def test_every_corpus_page_has_expectations():
    assert {p.name for p in PAGES.glob("*.html")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_page(name):
    html = (PAGES / name).read_text(encoding="utf-8")
    exp = EXPECTED[name]
    md = article_metadata(html, URL)
    assert md["title"] == exp["title"]
    assert md["publish_date"] == exp["publish_date"]
    for key in ("document_date", "index_no", "publisher", "doc_no"):
        assert md[key] == exp.get(key), key
    if "interpretation" in exp:
        assert any(exp["interpretation"] in u for u in md["interpretation_links"])
    else:
        assert md["interpretation_links"] == []
    if "site_code" in exp:
        assert extract(URL, html).identity["site_code"] == exp["site_code"]
    # the same page as bytes (as fetched) gives the same answer
    assert article_metadata(html.encode("utf-8"), URL) == md


DATE_FORMS = [
    ('<span>发布时间：2020-07-20 17:03:52</span>', "2020-07-20"),
    ('<p>发布日期：2020年7月20日</p>', "2020-07-20"),
    ('<td>发布日期</td><td>2020/07/20</td>', "2020-07-20"),
    ('<div class="info">日期:[2020-07-20]　来源：本局</div>', "2020-07-20"),
    ('<span><i>时间：</i>2020.7.20</span>', "2020-07-20"),
    ('<div class="info"><span>2020-07-20 10:00</span><span>来源：市应急管理局</span></div>', "2020-07-20"),
]


@pytest.mark.parametrize("snippet,expected", DATE_FORMS)
def test_publish_date_forms(snippet, expected):
    html = f"<html><head><title>关于做好防汛工作的通知_示范市</title></head><body><h1>关于做好防汛工作的通知</h1>{snippet}<div>正文</div></body></html>"
    md = article_metadata(html, URL)
    assert md["publish_date"] == expected
    assert md["title"] == "关于做好防汛工作的通知"


def test_metadata_table_with_empty_values_stays_empty():
    html = ("<html><body><table><tr><th>索 引 号：</th><td></td><th>发布机构：</th><td></td></tr>"
            "<tr><th>文　　号：</th><td>津政发〔2020〕3号</td><th>成文日期：</th><td>2020-07-01</td></tr></table>"
            "<h1>关于印发某办法的通知</h1><p>发布日期：2020-07-03</p></body></html>")
    md = article_metadata(html, URL)
    assert md["index_no"] is None and md["publisher"] is None
    assert md["doc_no"] == "津政发〔2020〕3号"
    assert (md["document_date"], md["publish_date"]) == ("2020-07-01", "2020-07-03")
