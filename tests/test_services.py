"""服务不实用 (19号文 veto): 办事指南 elements read as labels in the layouts portals use, service provided through a
政务服务网, and the outcomes that cannot be decided from the pages. Expected values written by hand from the HTML."""
from __future__ import annotations

import datetime as dt

from zwgk_audit.audit import audit
from zwgk_audit.checklist import parse_checklist
from zwgk_audit.extract import extract
from zwgk_audit.extract.guides import element_of

from .test_checks import START, snapshot_of

BASE = START.rstrip("/")
CRUMB = '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/bszn/">办事指南</a></div>'


def guide(title: str, body: str) -> str:
    return (f'<html><head><meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2026-01-05">'
            f"</head><body>{CRUMB}<h1>{title}</h1><div class='content'>{body}</div></body></html>")


BRACKETS = guide("教师资格认定办事指南", """<p>【事项名称】教师资格认定</p><p>【设定依据】《中华人民共和国教师法》第十条</p>
<p>【申请条件】具有规定学历，普通话水平达标。</p><p>【申请材料】1.身份证；2.学历证书；3.体检合格证明。</p>
<p>【办理流程】网上申报→现场确认→审核→发证</p><p>【法定办结时限】60个工作日</p><p>【收费标准】不收费</p>
<p>【咨询电话】0375-2629911</p>""")

TWO_COLUMNS = guide("民办学校设立审批", """<table border="1">
<tr><td>事项名称</td><td>民办学校设立审批</td></tr><tr><td>法律依据</td><td>《民办教育促进法》第十二条</td></tr>
<tr><td>受理条件</td><td>举办者具备相应条件</td></tr><tr><td>办理材料</td><td>申办报告、资产证明</td></tr>
<tr><td>承诺时限</td><td>20个工作日</td></tr><tr><td>是否收费</td><td></td></tr></table>""")

HEADINGS = guide("学籍转移办事指南", """<h3>一、设定依据</h3><p>《中小学生学籍管理办法》</p>
<h3>二、申请条件</h3><p>因户籍迁移等原因转学。</p><h3>三、办理程序</h3><p>学校受理，教育局审核。</p>
<p>申请材料齐全、符合法定形式的，当场办理。咨询相关事项可拨打电话。</p>""")


def test_guide_with_bracket_headings_shows_every_element():
    g = extract("http://a.gov.cn/bszn/1.html", BRACKETS).guide
    assert sorted(g["elements"]) == sorted(["事项名称", "设定依据", "申请条件", "办理材料", "办理流程", "办理时限",
                                            "收费标准", "咨询方式"])
    assert set(g["elements"].values()) == {"bracket"} and g["blank"] == [] and not g["attachment_only"]


def test_guide_as_a_two_column_table_with_a_blank_cell():
    g = extract("http://a.gov.cn/bszn/2.html", TWO_COLUMNS).guide
    # 是否收费 has an empty cell: blank, not shown; no 办理流程 or 咨询方式 row at all
    assert sorted(g["elements"]) == sorted(["事项名称", "设定依据", "申请条件", "办理材料", "办理时限"])
    assert g["elements"]["事项名称"] == "cell" and g["blank"] == ["收费标准"]


def test_numbered_headings_count_and_words_in_sentences_do_not():
    g = extract("http://a.gov.cn/bszn/3.html", HEADINGS).guide
    # 申请材料 and 咨询 appear only inside a sentence: not labels
    assert g["elements"] == {"设定依据": "heading", "申请条件": "heading", "办理流程": "heading", "事项名称": "title"}


def test_a_guide_that_is_only_an_attached_file():
    page = guide("困难高校毕业生求职补贴发放", '<p>困难高校毕业生求职补贴发放</p><p>附件：<a href="/bszn/W02.doc">'
                                          "困难高校毕业生求职补贴发放.doc</a></p>")
    assert extract("http://a.gov.cn/bszn/4.html", page).guide["attachment_only"]


def test_elements_are_named_by_any_of_their_labels():
    assert element_of("申请材料") == "办理材料" and element_of("法定时限") == "办理时限" and element_of("收费标准") == "收费标准"


def check(params: str = ""):
    return parse_checklist("id: t\ntitle: t\ncategories: [{id: c, title: c, weight: 1}]\nitems:\n"
                           f"  - {{id: S, title: 服务, check: service_practical, category: c, veto: true, basis: {{clause: x}}"
                           f"{', params: ' + params if params else ''}}}\n")


def judged(pages, params: str = ""):
    a = audit(snapshot_of(pages), check(params), as_of=dt.date(2026, 6, 30))
    return {s.replace(BASE, ""): (st, me, msg) for s, st, me, msg in
            zip(a.findings["subject"], a.findings["status"], a.findings["measured"], a.findings["message"])}


LIST = ('<html><body>' + CRUMB + '<ul><li><a href="/bszn/1.html">教师资格认定办事指南</a><span>2026-01-05</span></li>'
        '<li><a href="/bszn/2.html">民办学校设立审批</a><span>2026-01-04</span></li>'
        '<li><a href="/bszn/4.html">困难高校毕业生求职补贴发放</a><span>2026-01-03</span></li></ul></body></html>')


def test_guides_missing_elements_fail_and_max_missing_is_a_parameter():
    pages = {"/bszn/": LIST, "/bszn/1.html": BRACKETS, "/bszn/2.html": TWO_COLUMNS,
             "/bszn/4.html": guide("困难高校毕业生求职补贴发放", '<p><a href="/bszn/W02.doc">困难高校毕业生求职补贴发放.doc</a></p>')}
    s = judged(pages)
    assert s["/bszn/1.html"][0] == "pass"
    assert s["/bszn/2.html"][:2] == ("fail", "缺少3项：办理流程、收费标准、咨询方式（收费标准有标签但内容为空）")
    assert s["/bszn/4.html"][0] == "unverified" and "附件" in s["/bszn/4.html"][2]
    assert judged(pages, "{max_missing: 3}")["/bszn/2.html"][0] == "pass"
    narrow = judged(pages, "{elements: [事项名称, 设定依据, 申请条件, 申请材料]}")  # a synonym names its element
    assert narrow["/bszn/2.html"][:2] == ("pass", "要素齐全")


def test_a_link_to_a_government_service_hall_provides_service():
    home = ('<html><body><h1>首页</h1><a href="http://www.sczwfw.gov.cn/">四川政务服务网</a>'
            "<p>网站标识码：5100000016</p></body></html>")
    (subject, (status, measured, message)), = judged({"/": home}).items()
    assert status == "pass" and "www.sczwfw.gov.cn" in measured and "未评判其要素" in message


def test_no_service_fails_and_entrances_that_cannot_be_followed_are_unverified():
    home = "<html><body><h1>首页</h1><a href='/xwzx/'>新闻中心</a></body></html>"
    assert judged({"/": home})["办事服务"][:2] == ("fail", "未发现办事服务")
    dead = "<html><body><h1>首页</h1><a href='javascript:;'>政务服务</a></body></html>"
    status, _m, message = judged({"/": dead})["办事服务"]
    assert status == "unverified" and "“政务服务”入口" in message
    # a provincial portal copied under the same host (another 网站标识码) links the 政务服务网, not the audited site
    home = ("<html><body><h1>首页</h1><a href='/sc.html'>四川省人民政府</a><p>网站标识码：5100000016</p></body></html>")
    other = ("<html><body><a href='http://zwfw.sc.gov.cn/'>一体化政务服务</a><p>网站标识码：5100000062</p></body></html>")
    assert judged({"/": home, "/sc.html": other})["办事服务"][0] == "fail"
