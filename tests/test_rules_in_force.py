"""Rules in force by the date of what is judged: a document by its 成文日期, an annual report by its due day, a column
by the audit day. A 2018 snapshot is judged by the 2008 条例, never by the 2019 revision, 19号文 or 61号文. Loopback
only; every expected value is worked out by hand in the comments."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zwgk_audit.audit import audit
from zwgk_audit.checklist import ChecklistError, load_checklist, parse_checklist
from zwgk_audit.sample import Defects, SampleConfig, generate

from .conftest import crawl_portal
from .test_checks import doc_page, snapshot_of

ROOT = Path(__file__).resolve().parent.parent
BASELINE = load_checklist(ROOT / "checklists" / "baseline.yaml")
RULES_2019 = ("2019年修订", "〔2019〕61号", "〔2019〕19号")


def baseline_items(*ids: str, **update):
    return BASELINE.model_copy(update={"items": [BASELINE.item(i) for i in ids], **update})


# ---------------------------------------------------------------- a 2018 audit of the sample portal

@pytest.fixture(scope="module")
def audit_2018(tmp_path_factory):
    # the latest 年报 (2017's) planted "late": published 2018-02-20, after 31 January but before the 2008 条例's
    # 31 March; one policy document planted 32–45 working days late
    portal = generate(SampleConfig(seed=5, as_of=dt.date(2018, 6, 30),
                                   defects=Defects(late_annual_report=True, late_documents=1)))
    snap, _url = crawl_portal(portal, tmp_path_factory.mktemp("sample-2018"))
    return portal, audit(snap, BASELINE, as_of=dt.date(2018, 6, 30))


def test_a_2018_audit_applies_no_2019_rule(audit_2018):
    _portal, a = audit_2018
    f = a.findings
    cites_2019 = f["basis"].str.contains("|".join(RULES_2019), regex=True)
    assert cites_2019.sum() >= 20  # the 2019 条例, 19号文 and 61号文 items are all there…
    assert (f.loc[cites_2019, "status"] == "not_applicable").all()  # …and judge nothing
    assert f.loc[cites_2019, "message"].str.startswith("规定尚未施行").all()
    assert f.loc[f["item_id"] == "B-TIME-01", "message"].iloc[0] == (
        "规定尚未施行：《中华人民共和国政府信息公开条例》（2019年修订）第二十六条自2019-05-15起施行（评估日2018-06-30）")
    assert f.loc[f["item_id"] == "B-PLAT-01", "message"].iloc[0].endswith("自2019-12-20起施行（评估日2018-06-30）")
    judged = f[f["status"].isin(["pass", "fail"])]
    assert set(judged["item_id"]) <= {"B-2008-01", "B-2008-02", "B-2008-03", "B-2008-04", "B-QUAL-01", "B-QUAL-03"}


def test_a_2018_audit_applies_the_2008_rules(audit_2018):
    portal, a = audit_2018
    f = a.findings.set_index("item_id")
    assert f.loc["B-2008-01", "status"] == "pass" and f.loc["B-2008-02", "status"] == "pass"  # 指南、目录 (第十九条)
    # 第三十一条: every body by 3月31日 — 2018-02-20 is on time (the 2019 rule's 1月31日 for a 部门 is not yet law)
    report = a.findings[a.findings["item_id"] == "B-2008-04"].iloc[0]
    assert (report["subject"], report["status"], report["measured"]) == ("2017年度报告", "pass", "2018-02-20发布")
    assert "第三十一条" in report["basis"]
    # 第十八条: 20 working days — the planted late document fails, the others pass
    late = {d["subject"] for d in portal.manifest["defects"] if d["type"] == "late_document"}
    timely = a.findings[a.findings["item_id"] == "B-2008-03"]
    failed = {s for s, st in zip(timely["subject"], timely["status"]) if st == "fail"}
    assert len(late) == 1 and {u.split("/", 3)[-1] for u in failed} == {u.lstrip("/") for u in late}
    assert (timely["status"] == "pass").sum() == len(portal.manifest["documents"]) - 1
    assert timely["basis"].str.contains("第十八条").all()


# ---------------------------------------------------------------- documents: the rule in force on the 成文日期

def test_documents_are_judged_by_the_rule_of_their_date():
    cl = baseline_items("B-TIME-01", "B-2008-03")
    snap = snapshot_of({
        "/zcwj/a.html": doc_page("三月文件", dt.date(2019, 3, 4), dt.date(2019, 3, 8)),    # 4 working days: on time
        "/zcwj/b.html": doc_page("三月迟发", dt.date(2019, 3, 1), dt.date(2019, 4, 30)),   # March alone has 20 more
        "/zcwj/c.html": doc_page("六月文件", dt.date(2019, 6, 10), dt.date(2019, 6, 12)),  # 2 working days
        "/zcwj/d.html": doc_page("六月迟发", dt.date(2019, 6, 3), dt.date(2019, 8, 30)),   # about 60 working days
        "/zcwj/e.html": doc_page("无成文日期", None, dt.date(2019, 4, 22)),
    })
    f = audit(snap, cl, as_of=dt.date(2019, 12, 31)).findings
    got = {(i, s.rsplit("/", 1)[-1]): (st, m) for i, s, st, m in zip(f["item_id"], f["subject"], f["status"], f["message"])}
    # 2019-03 documents: the 2008 条例 (第十八条) judges them; the 2019 revision was not yet in force
    assert got["B-2008-03", "a.html"][0] == "pass" and got["B-2008-03", "b.html"][0] == "fail"
    assert got["B-TIME-01", "a.html"] == ("not_applicable", "规定尚未施行：《中华人民共和国政府信息公开条例》（2019年修订）"
                                                          "第二十六条自2019-05-15起施行（文件成文日期2019-03-04）")
    # 2019-06 documents: the 2019 revision (第二十六条) judges them; the 2008 text no longer applied
    assert got["B-TIME-01", "c.html"][0] == "pass" and got["B-TIME-01", "d.html"][0] == "fail"
    assert got["B-2008-03", "c.html"] == ("not_applicable", "规定已不适用：《中华人民共和国政府信息公开条例》"
                                                          "（2007年国务院令第492号）第十八条适用至2019-05-14"
                                                          "（文件成文日期2019-06-10），此后由B-TIME-01判定")
    # no 成文日期: its 发布日期 (2019-04-22) picks the 2008 rule, and every finding about it says so
    status, message = got["B-2008-03", "e.html"]
    assert status == "unverified" and "文件未标注成文日期，按发布日期确定适用的规定" in message
    status, message = got["B-TIME-01", "e.html"]
    assert status == "not_applicable" and "文件发布日期2019-04-22" in message and "按发布日期" in message


# ---------------------------------------------------------------- annual reports: the rule in force on the due day

def report_site(year: int, day: str):
    page = ('<html><head><meta name="ArticleTitle" content="某局{y}年政府信息公开工作年度报告"></head><body>'
            '<div class="position">当前位置：首页 &gt; 政府信息公开年报</div><p>发布日期：{d}</p></body></html>')
    return snapshot_of({f"/ndbg/{year}.html": page.format(y=year, d=day)})


def test_annual_reports_are_judged_by_the_rule_of_their_due_day():
    cl = baseline_items("B-PLAT-08", "B-2008-04", agency_kind="部门")
    # 2018's report, published 2019-03-20: due 2019-01-31 under the 2019 rule (not yet in force that day),
    # 2019-03-31 under the 2008 rule (in force): on time
    f = audit(report_site(2018, "2019-03-20"), cl, as_of=dt.date(2019, 6, 30)).findings.set_index("item_id")
    assert f.loc["B-2008-04", "status"] == "pass"
    assert f.loc["B-PLAT-08", "status"] == "not_applicable"
    assert f.loc["B-PLAT-08", "message"].endswith("自2019-05-15起施行（年度报告应公布日2019-01-31）")
    # 2019's report, published 2020-03-20: due 2020-01-31 for a 部门 under the 2019 rule: late
    f = audit(report_site(2019, "2020-03-20"), cl, as_of=dt.date(2020, 6, 30)).findings.set_index("item_id")
    assert f.loc["B-PLAT-08", "status"] == "fail"
    assert f.loc["B-2008-04", "status"] == "not_applicable"
    assert f.loc["B-2008-04", "message"].endswith("适用至2019-05-14（年度报告应公布日2020-03-31），此后由B-PLAT-08判定")


# ---------------------------------------------------------------- columns: the rule in force on the audit day

def test_columns_are_judged_by_the_rule_of_the_audit_day():
    cl = baseline_items("B-PLAT-01", "B-2019-01", "B-2008-01")
    page = ('<html><head><meta name="ArticleTitle" content="某局政府信息公开指南"></head><body>'
            '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/gkzn/">政府信息公开指南</a></div>'
            "<p>发布日期：2018-03-01</p></body></html>")
    listing = ('<html><head><title>政府信息公开指南</title></head><body>'
               '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/gkzn/">政府信息公开指南</a></div>'
               '<ul><li><a href="/gkzn/a.html">某局政府信息公开指南</a><span>2018-03-01</span></li></ul></body></html>')
    snap = snapshot_of({"/gkzn/": listing, "/gkzn/a.html": page})
    statuses = lambda day: audit(snap, cl, as_of=day).findings.set_index("item_id")["status"].to_dict()  # noqa: E731
    assert statuses(dt.date(2018, 6, 30)) == {"B-PLAT-01": "not_applicable", "B-2019-01": "not_applicable",
                                              "B-2008-01": "pass"}
    assert statuses(dt.date(2019, 9, 30)) == {"B-PLAT-01": "not_applicable", "B-2019-01": "pass",
                                              "B-2008-01": "not_applicable"}
    # from 2019-12-20 the 61号文 item judges the 指南, under the 政府信息公开 platform (none here: fail)
    later = audit(snap, cl, as_of=dt.date(2020, 6, 30)).findings.set_index("item_id")
    assert later["status"].to_dict() == {"B-PLAT-01": "fail", "B-2019-01": "not_applicable", "B-2008-01": "not_applicable"}
    assert later.loc["B-2019-01", "message"].endswith("适用至2019-12-19（评估日2020-06-30），此后由B-PLAT-01判定")


# ---------------------------------------------------------------- the merge rule with dates

def checklist_of(items: str, cid: str = "t"):
    return parse_checklist(f"id: {cid}\ntitle: t\ncategories: [{{id: c, title: c, weight: 1}}]\nitems:\n" + items)


OLD = "  - {id: OLD, title: 旧, check: publication_timeliness, category: c, basis: {clause: 旧条例}, " \
      "effective_from: 2008-05-01, effective_until: 2019-05-14}\n"
NEW = "  - {id: NEW, title: 新, check: publication_timeliness, category: c, basis: {clause: 新条例}, " \
      "effective_from: 2019-05-15}\n"
PLAN = "  - {id: P9, title: 三日, check: publication_timeliness, params: {max_working_days: 3}, category: c, " \
       "basis: {clause: 方案9}}\n"


def test_same_check_and_subject_with_other_dates_are_two_items():
    both = checklist_of(OLD + NEW)
    assert [i.id for i in both.items] == ["OLD", "NEW"]
    same = checklist_of(NEW, "a").merge(checklist_of(NEW.replace("NEW", "NEW2").replace("新条例", "另一依据"), "b"))
    assert [i.id for i in same.items] == ["NEW"] and "另一依据" in same.items[0].basis.clause  # same dates: one item


@pytest.mark.parametrize("order", ["baseline first", "plan first"])
def test_an_undated_plan_item_binds_under_every_dated_rule(order):
    base, plan = checklist_of(OLD + NEW, "base"), checklist_of(PLAN, "plan")
    merged = base.merge(plan) if order == "baseline first" else plan.merge(base)
    items = {i.id: i for i in merged.items}
    assert set(items) == {"OLD", "NEW"}  # the plan's item folds into both, each keeping its own dates
    assert items["OLD"].params["max_working_days"] == 3 and items["NEW"].params["max_working_days"] == 3
    assert "方案9" in items["OLD"].basis.clause and "方案9" in items["NEW"].basis.clause
    assert items["OLD"].effective_until == dt.date(2019, 5, 14) and items["NEW"].effective_from == dt.date(2019, 5, 15)


def test_bad_dates_are_checklist_errors():
    with pytest.raises(ChecklistError, match="effective_until 2019-05-14 is before effective_from 2019-05-15"):
        checklist_of("  - {id: X, title: x, check: publication_timeliness, category: c, basis: {clause: x}, "
                     "effective_from: 2019-05-15, effective_until: 2019-05-14}\n")
    with pytest.raises(ChecklistError, match="superseded_by: 本清单没有条目 'NOPE'"):
        checklist_of(OLD.replace("effective_until: 2019-05-14}", "effective_until: 2019-05-14, superseded_by: NOPE}"))
