"""The metadata reader on each form real pages print (forms taken from the labelled pages' notes)."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk_audit.extract import article_metadata, extract
from zwgk_audit.extract.metadata import title_doc_no

URL = "http://www.example.gov.cn/zwgk/zcwj/202401/t20240105_1.html"


def page(body: str, title: str = "关于做好安全生产工作的通知") -> str:
    return (f"<html><head><title>{title}_某某局</title></head><body><div class='nav'><a href='/'>首页</a>"
            f"<a href='/zwgk/zcjd/index.html'>政策解读</a></div><h1>{title}</h1>{body}</body></html>")


LETTER = ("<p>各乡镇人民政府，县直各单位：</p><p>为切实做好今年全县的安全生产工作，确保人民群众生命财产安全，现就有关事项通知如下，"
          "请认真贯彻执行。</p>")


def test_labels_spaced_with_any_unicode_space_and_full_width_colons():
    md = article_metadata(page("<div>索&ensp;引&ensp;号：11330000/2024-00012</div><div>文&emsp;&emsp;号：某政发〔2024〕3号</div>"
                               "<div>发\u3000布\u3000机\u3000构：某某县人民政府</div><div>成文日期:2024-01-03</div>"
                               "<div>发布日期：2024-01-05</div>" + LETTER), URL)
    assert md["index_no"] == "11330000/2024-00012" and md["doc_no"] == "某政发〔2024〕3号"
    assert md["publisher"] == "某某县人民政府" and md["document_date"] == "2024-01-03"
    assert md["publish_date"] == "2024-01-05" and md["sources"]["index_no"] == "block"


def test_synonyms_and_several_labels_in_one_inline_run():
    md = article_metadata(page("<p class='info'>索引号：A1/2024-1 发文机关：某某市教育局 发文字号：某教发〔2024〕7号 "
                               "生成日期：2024-01-02 发布时间：2024-01-05</p>" + LETTER), URL)
    assert (md["index_no"], md["publisher"], md["doc_no"]) == ("A1/2024-1", "某某市教育局", "某教发〔2024〕7号")
    assert (md["document_date"], md["publish_date"]) == ("2024-01-02", "2024-01-05")


def test_label_and_value_in_separate_cells_and_an_empty_cell():
    md = article_metadata(page("<table><tr><td>索引号</td><td>0054/2020-00001</td><td>文号</td><td></td></tr>"
                               "<tr><td>发布日期</td><td>2020-01-29</td></tr></table>" + LETTER), URL)
    assert md["index_no"] == "0054/2020-00001" and md["doc_no"] is None and md["publish_date"] == "2020-01-29"


def test_doc_no_split_across_tags_and_spaced_at_the_head_of_the_text():
    md = article_metadata(page("<div>文号：岚综管办〔2020〕<font>50</font>号</div><div>发布日期：2020-03-02</div>" + LETTER), URL)
    assert md["doc_no"] == "岚综管办〔2020〕50号"
    md = article_metadata(page("<div>发布日期：2018-05-02</div><p style='text-align:center'>柘政〔 2018 〕 16 号</p>" + LETTER), URL)
    assert md["doc_no"] == "柘政〔2018〕16号" and md["sources"]["doc_no"] == "body"


def test_a_doc_no_quoted_in_a_sentence_is_not_the_documents():
    body = ("<div>发布日期：2020-12-04</div><p>现将《关于开展全民健身活动的通知》（豫体群〔2020〕19号）转发给你们，"
            "请结合实际认真贯彻落实，确保各项工作取得实效。</p>")
    assert article_metadata(page(body), URL)["doc_no"] is None


def test_signature_date_in_chinese_numerals_never_the_printed_or_effective_date():
    body = ("<div>发布日期：2024-10-20</div>" + LETTER + "<p>本办法自2025年1月1日起施行。</p>"
            "<p style='text-align:right'>某某县人民政府办公室</p><p style='text-align:right'>二〇二四年十月十五日</p>"
            "<p>某某县人民政府办公室 2024年10月16日印发</p>")
    md = article_metadata(page(body), URL)
    assert md["document_date"] == "2024-10-15" and md["sources"]["document_date"] == "signature"
    assert md["printed_date"] == "2024-10-16"
    assert md["publisher"] == "某某县人民政府办公室" and md["sources"]["publisher"] == "signature"


def test_block_wins_over_signature_and_byline_over_signature():
    body = ("<div>成文日期：2020-02-28</div><div>发布日期：2020-02-28</div><div>来源：某某市教育局</div>" + LETTER +
            "<p>教育部</p><p>2020年2月27日</p>")
    md = article_metadata(page(body), URL)
    assert md["document_date"] == "2020-02-28" and md["sources"]["document_date"] == "block"
    assert md["publisher"] == "某某市教育局" and md["sources"]["publisher"] == "byline"


def test_a_news_credit_date_is_no_signature():
    body = "<div>发布时间：2020-12-14</div>" + LETTER + "<p>文、图/体卫艺科</p><p>2020年12月11日</p>"
    assert article_metadata(page(body), URL)["document_date"] is None


def test_a_date_written_by_script_is_read():
    body = ("<div class='toolbar'>发布时间：<script>var pubdata='2018年04月13日';if(pubdata!=''){document.write(pubdata);}"
            "</script></div>" + LETTER)
    assert article_metadata(page(body), URL)["publish_date"] == "2018-04-13"


def test_doc_no_closing_the_title():
    assert title_doc_no("关于公布评选结果的通知（川教函〔2021〕3号）") == "川教函〔2021〕3号"
    assert title_doc_no("转发《关于加强管理工作的意见》县发[2007]11号") == "县发[2007]11号"
    assert title_doc_no("关于2020年工作情况的报告") is None


def test_interpretation_links_lead_to_articles_not_to_the_column_or_the_menu():
    body = ("<div>发布日期：2024-01-05</div>" + LETTER +
            "<div class='xgjd'>相关解读：<a href='/zwgk/zcjd/202401/t20240106_2.html'>《安全生产工作通知》解读</a>"
            "<a href='/zwgk/zcjd/index.html'>更多解读</a></div>")
    f = extract(URL, page(body))
    assert f.article["interpretation_links"] == ["http://www.example.gov.cn/zwgk/zcjd/202401/t20240106_2.html"]


def test_an_interpretation_page_naming_its_document_only_by_title():
    body = ("<div>发布时间：2020-12-30</div><p><a href='/zcwj/202012/t20201230_9.html'>"
            "关于印发新时代推进基础教育高质量发展实施方案的通知</a></p><p><img src='a.png'></p>")
    f = extract(URL, page(body, title="【图解】新时代推进基础教育高质量发展实施方案"))
    assert f.article["source_links"] == ["http://www.example.gov.cn/zcwj/202012/t20201230_9.html"]


def test_a_script_filled_interpretation_panel_is_flagged():
    body = ("<div>发布日期：2024-01-05</div>" + LETTER + "<div id='xgjd'></div>"
            "<script>$.ajax({url:'/api/related?id=1',success:function(d){$('#xgjd').html(d)}})</script>")
    f = extract(URL, page(body))
    assert f.article["interpretation_links"] == [] and f.article["scripted_interpretation"] is True
    assert extract(URL, page("<div>发布日期：2024-01-05</div>" + LETTER)).article["scripted_interpretation"] is False


html_text = st.text(alphabet=st.sampled_from(list("索引号文发布机构成日期：: 〔〕[]（）<>/pdivspan年月日〇一二十2024-0135号局\n\t\u3000&ensp;")),
                    max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_text, st.text(max_size=60))
def test_no_input_crashes_the_reader(fragment, title):
    md = article_metadata(page(fragment, title=title or "标题"), URL)
    for key in ("publish_date", "document_date", "printed_date"):
        assert md[key] is None or dt.date.fromisoformat(md[key])
    for key in ("index_no", "publisher", "doc_no"):
        assert md[key] is None or isinstance(md[key], str)
