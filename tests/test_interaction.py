"""互动回应差 (19号文 veto): 留言 read as portals show them, the three-month rule at its boundaries, honest outcomes
when a channel's replies cannot be read, and the sample portal's planted defects.

Expected values are written by hand from the HTML below (shapes taken from the real copies in tests/fixtures/portals:
the 局长信箱 letter page of pingdingshan-edu, its city 投诉平台's 信件办理列表) — never from the tool's output.
"""
from __future__ import annotations

import datetime as dt

import pytest

from zwgk_audit.audit import audit
from zwgk_audit.checklist import load_checklist, parse_checklist
from zwgk_audit.checks.interaction import add_months
from zwgk_audit.extract import extract
from zwgk_audit.sample import Defects, SampleConfig, generate

from .conftest import AS_OF, ROOT, crawl_portal
from .manifest import assert_matches_manifest
from .test_checks import START, snapshot_of

D = dt.date
BASE = START.rstrip("/")

# a letter page as pingdingshan-edu's 局长信箱 prints it: labels in their own cells, values in the next ones
LETTER = """<html><head><meta name="ColumnName" content="局长信箱"></head><body>
<div class="navigation">当前位置：<a href="/">首页</a>&gt;<a href="/jzxx/">局长信箱</a></div>
<table border="1"><tr><td colspan="4">信件信息</td></tr>
<tr><td>受理编号：</td><td>20507</td><td>查询编号：</td><td>304B54E418F5A9C0</td></tr>
<tr><td>信件名称：</td><td colspan="3">{title}</td></tr>
<tr><td>信件分类：</td><td>咨询</td><td>提交时间：</td><td>{asked}</td></tr>
<tr><td>信件内容：</td><td colspan="3">请问证书在职称评审中能不能作为优质课证书使用？</td></tr></table>
<table border="1"><tr><td colspan="4">回复信息</td></tr>
<tr><td>回复部门：</td><td>{replier}</td><td>回复时间：</td><td>{answered}</td></tr>
<tr><td>回复内容：</td><td colspan="3">{answer}</td></tr></table></body></html>"""

# a 信件办理列表: a header row naming the columns, letters' links, 受理时间 and 信件状态 per row
LETTER_LIST = """<html><body><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/jzxx/">局长信箱</a></div>
<table><tr><td>编号</td><td>信件标题</td><td>受理时间</td><td>信件状态</td></tr>
<tr><td>20076</td><td><a href="/jzxx/20076.html" title="小区违建问题">小区违建问题</a></td><td>2020-11-23</td><td>拒绝受理</td></tr>
<tr><td>19789</td><td><a href="/jzxx/19789.html">关于小区商户及住户用水问题</a></td><td>2020-10-30</td><td>处理完毕</td></tr>
<tr><td>19022</td><td><a href="/jzxx/19022.html">物业经理不作为</a></td><td>2020-09-05</td><td>办理中</td></tr>
</table></body></html>"""


def letter(title="职称", asked="2020-12-21", answered="2020-12-23", replier="市教育体育局", answer="您好，可以使用。"):
    return LETTER.format(title=title, asked=asked, answered=answered, replier=replier, answer=answer)


def test_a_letter_page_labelled_in_table_cells():
    f = extract("http://a.gov.cn/jzxx/20507.html", letter())
    assert len(f.messages) == 1
    m = f.messages[0]
    assert (m["title"], m["asked"], m["answered"], m["replier"], m["category"]) == (
        "职称", D(2020, 12, 21), D(2020, 12, 23), "市教育体育局", "咨询")
    assert m["answer_shown"] and m["reply_shown"] and m["source"] == "page" and m["url"].endswith("/jzxx/20507.html")
    unanswered = extract("http://a.gov.cn/jzxx/1.html", letter(answered="", replier="", answer="")).messages[0]
    assert unanswered["answered"] is None and not unanswered["answer_shown"] and unanswered["reply_shown"]


def test_a_list_with_a_header_row_of_columns():
    f = extract("http://a.gov.cn/jzxx/", LETTER_LIST)
    got = [(m["url"].rsplit("/", 1)[-1], m["title"], m["asked"], m["status"], m["state"]) for m in f.messages]
    assert got == [("20076.html", "小区违建问题", D(2020, 11, 23), "拒绝受理", "invalid"),
                   ("19789.html", "关于小区商户及住户用水问题", D(2020, 10, 30), "处理完毕", "replied"),
                   ("19022.html", "物业经理不作为", D(2020, 9, 5), "办理中", "pending")]


def test_list_rows_as_cells_and_rows_labelling_their_own_cells():
    ul = """<html><body><ul class="head"><li>留言标题</li><li>留言时间</li><li>回复时间</li></ul>
    <ul class="row"><li><a href="/ly/1.html">关于社保卡补办</a></li><li>2021-03-01</li><li>2021-03-05</li></ul>
    <ul class="row"><li><a href="/ly/2.html">关于公积金提取</a></li><li>2021-04-02</li><li></li></ul></body></html>"""
    got = [(m["title"], m["asked"], m["answered"]) for m in extract("http://a.gov.cn/ly/", ul).messages]
    assert got == [("关于社保卡补办", D(2021, 3, 1), D(2021, 3, 5)), ("关于公积金提取", D(2021, 4, 2), None)]
    rows = """<html><body><ul>
    <li><a href="/ly/3.html">咨询职称评审</a><span>留言时间：2021-05-06</span><span>状态：已回复</span></li>
    <li><a href="/ly/4.html">咨询教师资格</a><span>留言时间：2021-05-08</span><span>状态：待回复</span></li>
    </ul></body></html>"""
    got = [(m["title"], m["asked"], m["state"]) for m in extract("http://a.gov.cn/ly/", rows).messages]
    assert got == [("咨询职称评审", D(2021, 5, 6), "replied"), ("咨询教师资格", D(2021, 5, 8), "pending")]
    status = """<html><body><ul><li><a href="/ly/5.html">咨询学籍转移</a><span>2021-06-01</span><span>已办结</span></li>
    </ul></body></html>"""
    m = extract("http://a.gov.cn/ly/", status).messages[0]
    assert (m["title"], m["asked"], m["listed"], m["state"]) == ("咨询学籍转移", None, D(2021, 6, 1), "replied")


def test_words_in_a_notice_are_no_message():
    notice = """<html><head><meta name="ArticleTitle" content="关于申报职称的通知"></head><body>
    <h1>关于申报职称的通知</h1><p>请各单位于规定时间内提交材料，提交时间截至2021年3月1日，逾期不予受理。</p>
    <p>联系电话：0375-2629911</p><p>发布时间：2021-02-01</p></body></html>"""
    assert extract("http://a.gov.cn/tzgg/1.html", notice).messages == []


def test_add_months_clamps_to_the_month_end():
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2026, 3, 30), 3) == D(2026, 6, 30)
    assert add_months(D(2026, 6, 30), -12) == D(2025, 6, 30)


ITEM = parse_checklist("id: t\ntitle: t\ncategories: [{id: c, title: c, weight: 1}]\nitems:\n"
                       "  - {id: I, title: 互动, check: interaction_responsive, category: c, veto: true, basis: {clause: x}}\n")


def judged(pages, as_of=D(2026, 6, 30)):
    a = audit(snapshot_of(pages), ITEM, as_of=as_of)
    return {s.replace(BASE, ""): (st, m) for s, st, m in zip(a.findings["subject"], a.findings["status"],
                                                             a.findings["message"])}


def mailbox(*letters: tuple[str, str]) -> dict[str, str]:
    """A 局长信箱 list linking the letter pages, plus the pages: (path, html)."""
    rows = "".join(f'<li><a href="{path}">信件{k}</a><span>2026-01-0{k + 1}</span></li>' for k, (path, _) in enumerate(letters))
    listing = ('<html><body><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/jzxx/">局长信箱</a></div>'
               f"<ul>{rows}</ul></body></html>")
    return {"/jzxx/": listing, **dict(letters)}


def test_three_months_to_the_day_passes_and_one_more_fails():
    s = judged(mailbox(("/jzxx/a.html", letter("刚好三个月未答复", "2026-03-30", "", "", "")),
                       ("/jzxx/b.html", letter("三个月零一天未答复", "2026-03-29", "", "", "")),
                       ("/jzxx/c.html", letter("三个月当天答复", "2025-10-10", "2026-01-10")),
                       ("/jzxx/d.html", letter("晚一天答复", "2025-10-10", "2026-01-11"))))
    assert s["/jzxx/b.html"][0] == "fail" and "超过3个月未答复" in s["/jzxx/b.html"][1]
    assert s["/jzxx/d.html"][0] == "fail" and "93天后才答复" in s["/jzxx/d.html"][1]
    assert "/jzxx/a.html" not in s and "/jzxx/c.html" not in s  # within the months: counted in the channel's pass
    assert not any(st == "pass" for st, _ in s.values())  # a failing message leaves no passing summary


def test_all_answered_in_time_passes_with_counts_and_old_ones_are_not_judged():
    s = judged(mailbox(("/jzxx/a.html", letter("按时", "2026-02-01", "2026-02-10")),
                       ("/jzxx/b.html", letter("一年多前未答复", "2025-05-01", "", "", ""))))
    (subject, (status, message)), = s.items()
    assert status == "pass" and subject == "局长信箱"


def test_a_message_without_a_date_is_unverified_not_passed():
    s = judged(mailbox(("/jzxx/a.html", letter("无日期", "", "", "", ""))))
    assert s == {"/jzxx/a.html": ("unverified", "留言《无日期》未标注留言时间，无法判断答复是否超过期限")}


def test_excluded_columns_do_not_count_as_a_channel():
    interview = ('<html><body><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zxft/">在线访谈</a></div>'
                 "<ul><li><a href='/zxft/1.html'>局长谈教育</a><span>2026-01-01</span></li></ul></body></html>")
    s = judged({"/zxft/": interview, "/zxft/1.html": "<html><body><h1>局长谈教育</h1></body></html>"})
    assert s["咨询建言渠道"][0] == "fail" and "在线访谈" in s["咨询建言渠道"][1]
    # a 纪检监察信箱 with a letter left unanswered: 纪检举报 is not this indicator's, and no other channel exists
    jj = {"/jjxx/": mailbox(("/jjxx/a.html", letter("举报", "2026-01-01", "", "", "")))["/jzxx/"].replace(
        "局长信箱", "纪检监察信箱").replace("/jzxx/", "/jjxx/"), "/jjxx/a.html": letter("举报", "2026-01-01", "", "", "").replace(
        "局长信箱", "纪检监察信箱").replace("/jzxx/", "/jjxx/")}
    s = judged(jj)
    assert list(s) == ["咨询建言渠道"] and s["咨询建言渠道"][0] == "fail" and "1条留言位于" in s["咨询建言渠道"][1]


def test_a_channel_whose_replies_cannot_be_read_is_unverified():
    form = ('<html><body><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xx/">局长信箱</a></div>'
            '<form action="/submit"><textarea name="c"></textarea><input type="submit" value="提交"></form>'
            '<div id="list"></div><script>$.ajax({url:"/api/letters"})</script></body></html>')
    home = '<html><body><h1>首页</h1><a href="/xx/">局长信箱</a><a href="/xx/">局长信箱</a></body></html>'
    s = judged({"/": home, "/xx/": form})
    (subject, (status, message)), = s.items()
    assert status == "unverified" and "未读取到公开的留言及答复" in message and "局长信箱" in message
    dead = '<html><body><h1>首页</h1><a href="javascript:;">领导信箱</a></body></html>'
    s = judged({"/": dead})
    assert s["咨询建言渠道"][0] == "unverified" and "“领导信箱”入口" in s["咨询建言渠道"][1]


def test_pages_of_another_site_under_the_same_host_are_not_judged():
    home = "<html><body><h1>首页</h1><a href='/jzxx/'>局长信箱</a><p>网站标识码：4104000017</p></body></html>"
    other = letter("外站信件", "2025-12-01", "", "", "").replace("</body>", "<p>网站标识码：4104000031</p></body>")
    pages = {"/": home, **mailbox(("/jzxx/a.html", letter("本站信件", "2026-05-01", "2026-05-03")),
                                  ("/jzxx/x.html", other))}
    s = judged(pages)
    assert [st for st, _ in s.values()] == ["pass"], s


# ------------------------------------------------------------------ the sample portal
@pytest.fixture(scope="module")
def veto_items():
    return (load_checklist(ROOT / "checklists" / "baseline.yaml").merge(
        load_checklist(ROOT / "checklists" / "panjin-sfj-2019.yaml")).merge(parse_checklist(
            "id: v\ntitle: 19号文单项否决\ncategories: [{id: veto, title: 单项否决, weight: 1}]\nitems:\n"
            "  - {id: V-HD, title: 互动回应差, check: interaction_responsive, category: veto, veto: true, basis: {clause: x}}\n"
            "  - {id: V-FW, title: 服务不实用, check: service_practical, category: veto, veto: true, basis: {clause: x}}\n")))


def test_clean_sample_passes_both_vetoes(clean_snapshot, clean_portal, veto_items):
    a = audit(clean_snapshot, veto_items, as_of=AS_OF)
    assert_matches_manifest(a, clean_portal.manifest)
    f = a.findings[a.findings["item_id"].isin(["V-HD", "V-FW"])]
    assert set(f["status"]) == {"pass"} and not a.score.vetoed
    hd = f[f["item_id"] == "V-HD"].iloc[0]
    # 13 messages, one every ~30 days back from the audit day; the 13th is over a year old, the newest still within
    # its three months: 12 judged in time
    assert hd["measured"].startswith("前12个月（2025-06-30至2026-06-30）12条留言") and "1条早于评估期" in hd["measured"]
    assert (f["item_id"] == "V-FW").sum() == 3  # the three guides of 办事指南


@pytest.mark.parametrize("dialect", ["trs", "plain"])
def test_planted_unanswered_messages_and_incomplete_guides_veto(dialect, veto_items, tmp_path):
    portal = generate(SampleConfig(seed=11, as_of=AS_OF, dialect=dialect,
                                   defects=Defects(unanswered_messages=3, guide_missing_elements=2)))
    snap, _ = crawl_portal(portal, tmp_path)
    a = audit(snap, veto_items, as_of=AS_OF)
    assert_matches_manifest(a, portal.manifest)
    failed = a.findings[a.findings["status"] == "fail"]
    planted = {d["subject"]: d for d in portal.manifest["defects"]}
    hd = failed[failed["item_id"] == "V-HD"]
    assert sorted(s.split("/", 3)[-1] for s in hd["subject"]) == sorted(
        s.lstrip("/") for s, d in planted.items() if d["type"] == "unanswered_message")
    late = [d for d in planted.values() if d["type"] == "unanswered_message" and d["detail"]["kind"] == "late_reply"]
    assert len(late) == 1 and hd["measured"].str.contains(f"答复{late[0]['detail']['answered']}").any()
    fw = failed[failed["item_id"] == "V-FW"]
    assert len(fw) == 2 and fw["measured"].eq("缺少2项：设定依据、收费标准").all()
    assert {"V-HD", "V-FW"} <= set(a.score.vetoed)


def test_no_channel_and_no_service_veto(veto_items, tmp_path):
    portal = generate(SampleConfig(seed=11, as_of=AS_OF, dialect="plain",
                                   defects=Defects(no_interaction=True, no_services=True)))
    snap, _ = crawl_portal(portal, tmp_path)
    a = audit(snap, veto_items, as_of=AS_OF)
    assert_matches_manifest(a, portal.manifest)
    f = a.findings.set_index("item_id")
    assert f.loc["V-HD", "status"] == "fail" and f.loc["V-HD", "subject"] == "咨询建言渠道"
    assert f.loc["V-FW", "status"] == "fail" and f.loc["V-FW", "measured"] == "未发现办事服务"


def test_defect_limits_are_checked():
    with pytest.raises(ValueError, match="unanswered_messages"):
        Defects(unanswered_messages=9).validate()
    with pytest.raises(ValueError, match="guide_missing_elements"):
        Defects.from_pairs(["guide_missing_elements=4"])


def test_rows_without_links_and_the_same_title_are_two_letters():
    # the 企业投诉平台 list of pingdingshan-edu's copy: links emptied to javascript:;, one title sent twice
    page = LETTER_LIST.replace('href="/jzxx/20076.html" title="小区违建问题">小区违建问题', 'href="javascript:;">停产申请').replace(
        'href="/jzxx/19789.html">关于小区商户及住户用水问题', 'href="javascript:;">停产申请')
    got = [(m["url"], m["title"], m["asked"], m["state"]) for m in extract("http://a.gov.cn/jzxx/", page).messages]
    assert got[:2] == [(None, "停产申请", D(2020, 11, 23), "invalid"), (None, "停产申请", D(2020, 10, 30), "replied")]
