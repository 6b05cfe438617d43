"""Checks on hand-built and real-page snapshots: boundaries, calendars, corpus pages, manual results."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from zwgk_audit import calendar as wd
from zwgk_audit.audit import audit
from zwgk_audit.checklist import parse_checklist
from zwgk_audit.crawl.fetcher import Fetched
from zwgk_audit.manual import ManualResultsError, load_manual_results
from zwgk_audit.snapshot import SnapshotBuilder

PAGES = Path(__file__).parent / "fixtures" / "pages"
START = "http://portal.test/"
WHEN = "2026-06-30T02:00:00+00:00"


def snapshot_of(pages: dict[str, str | bytes], when: str = WHEN):
    b = SnapshotBuilder()
    b.meta.update(start_url=START, started_at=when, finished_at=when, truncated=False)
    for path, html in {"/": "<html><body><h1>首页</h1></body></html>", **pages}.items():
        url = START.rstrip("/") + path
        body = html.encode("utf-8") if isinstance(html, str) else html
        b.ingest(Fetched(url, url, 200, [("Content-Type", "text/html; charset=utf-8")], body, when), "page", None)
    return b.build(None)


def doc_page(title: str, formed: dt.date | None, published: dt.date, doc_no: str = "某发〔2024〕1号",
             column: str = "政策文件", extra: str = "") -> str:
    formed_cell = formed.isoformat() if formed else ""
    return (f'<html><head><meta name="ArticleTitle" content="{title}"></head><body>'
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zcwj/">{column}</a></div>'
            f"<table><tr><th>索 引 号：</th><td>000/2024-001</td><th>发布机构：</th><td>某局</td></tr>"
            f"<tr><th>文　　号：</th><td>{doc_no}</td><th>成文日期：</th><td>{formed_cell}</td></tr>"
            f"<tr><th>发布日期：</th><td>{published.isoformat()}</td></tr></table>"
            f"<h1>{title}</h1><div class='content'>正文。{extra}</div></body></html>")


def checklist(items: str):
    return parse_checklist("id: t\ntitle: t\ncategories: [{id: c, title: c, weight: 1}]\nitems:\n" + items)


TIMELY = checklist("  - {id: T, title: 时限, check: publication_timeliness, category: c, basis: {clause: x}}\n")


def statuses(a, item="T"):
    f = a.findings[a.findings["item_id"] == item]
    return dict(zip(f["subject"].str.replace(START.rstrip("/"), "", regex=False), f["status"]))


@pytest.mark.parametrize("formed", [dt.date(2024, 9, 20), dt.date(2026, 1, 30), dt.date(2025, 6, 3)])
def test_exactly_twenty_working_days_passes_and_one_more_fails(formed):
    """Spans over 国庆 2024 (调休 9-29, 10-12) and 春节 2026 (调休 2-14, 2-28) count make-up days as workdays."""
    on_time = wd.add_working_days(formed, 20)
    late = wd.add_working_days(formed, 21)
    snap = snapshot_of({"/zcwj/a.html": doc_page("按时文件", formed, on_time),
                        "/zcwj/b.html": doc_page("超时文件", formed, late)})
    s = statuses(audit(snap, TIMELY, as_of=dt.date(2026, 6, 30)))
    assert s == {"/zcwj/a.html": "pass", "/zcwj/b.html": "fail"}


def test_tiaoxiu_saturday_counts():
    # 2024-09-27 (Fri) → 2024-10-12 (Sat, 调休 workday): 9-29, 9-30, 10-8..10-11, 10-12 = 7 working days
    assert wd.working_days_between(dt.date(2024, 9, 27), dt.date(2024, 10, 12)) == 7
    limit7 = checklist("  - {id: T, title: 时限, check: publication_timeliness, params: {max_working_days: 7}, "
                       "category: c, basis: {clause: x}}\n")
    snap = snapshot_of({"/zcwj/a.html": doc_page("国庆文件", dt.date(2024, 9, 27), dt.date(2024, 10, 12))})
    assert statuses(audit(snap, limit7, as_of=dt.date(2026, 6, 30))) == {"/zcwj/a.html": "pass"}


def test_doc_no_required_only_where_the_page_has_the_field():
    cl = checklist("  - {id: M, title: 元数据, check: metadata_complete, category: c, basis: {clause: x}}\n")
    with_empty = doc_page("有文号栏但为空", dt.date(2024, 5, 6), dt.date(2024, 5, 8), doc_no="")
    without = with_empty.replace("<th>文　　号：</th><td></td>", "")
    snap = snapshot_of({"/zcwj/a.html": with_empty, "/zcwj/b.html": without})
    s = statuses(audit(snap, cl, as_of=dt.date(2026, 6, 30)), "M")
    assert s == {"/zcwj/a.html": "fail", "/zcwj/b.html": "pass"}


def test_missing_document_date_is_unverified_with_reason():
    snap = snapshot_of({"/zcwj/a.html": doc_page("无成文日期", None, dt.date(2024, 5, 6))})
    a = audit(snap, TIMELY, as_of=dt.date(2026, 6, 30))
    f = a.findings.iloc[0]
    assert f["status"] == "unverified" and "成文日期" in f["message"]


def test_annual_report_before_and_after_the_due_day():
    cl = checklist("  - {id: T, title: 年报, check: annual_report_timely, category: c, basis: {clause: x}}\n")
    report = ('<html><head><meta name="ArticleTitle" content="某局{y}年政府信息公开工作年度报告"></head><body>'
              '<div class="position">当前位置：首页 &gt; 政府信息公开年报</div><p>发布日期：{d}</p></body></html>')
    snap = snapshot_of({"/ndbg/2025.html": report.format(y=2025, d="2026-02-03"),
                        "/ndbg/2024.html": report.format(y=2024, d="2025-01-20")})
    dept = cl.model_copy(update={"agency_kind": "部门"})  # 条例第四十九条: a 部门's report is due 31 January
    assert list(audit(snap, dept, as_of=dt.date(2026, 6, 30)).findings["status"]) == ["fail"]  # 2025 report late
    assert list(audit(snap, dept, as_of=dt.date(2026, 1, 20)).findings["status"]) == ["pass"]  # 2024 report judged
    # nothing says whose site it is: 3 February is late for a 部门, on time for a county government
    assert list(audit(snap, cl, as_of=dt.date(2026, 6, 30)).findings["status"]) == ["unverified"]


def test_corpus_pages_drive_timeliness_interpretation_and_metadata():
    real = {f"/tjgb/{name}": (PAGES / name).read_bytes() for name in
            ("yichun_2022_bulletin.html", "yichun_2022_jiangxi_bulletin.html", "wanzai_2022_bulletin.html",
             "zj_fgw_2016_article.html")}
    snap = snapshot_of(real)
    cl = checklist(
        "  - {id: T, title: 时限, check: publication_timeliness, params: {columns: [统计公报, 统计数据]}, category: c, basis: {clause: x}}\n"
        "  - {id: I, title: 解读, check: interpretation_linked, params: {document_columns: [统计公报, 统计数据], "
        "require_doc_no: false}, category: c, basis: {clause: x}}\n"
        "  - {id: M, title: 元数据, check: metadata_complete, params: {columns: [统计公报, 统计数据, 投资运行]}, category: c, basis: {clause: x}}\n")
    a = audit(snap, cl, as_of=dt.date(2026, 6, 30))
    t = statuses(a, "T")
    # 发文日期 2023-03-31 → 发布 2023-05-16: more than 20 working days
    assert t["/tjgb/yichun_2022_jiangxi_bulletin.html"] == "fail"
    assert t["/tjgb/wanzai_2022_bulletin.html"] == "fail"  # 生成日期 2023-05-11 → 2023-08-16
    i = statuses(a, "I")
    assert i["/tjgb/yichun_2022_bulletin.html"] == "fail"  # no 解读 linked
    assert i["/tjgb/yichun_2022_jiangxi_bulletin.html"] == "unverified"  # links a 解读 the snapshot does not hold
    assert i["/tjgb/wanzai_2022_bulletin.html"] == "unverified"
    m = statuses(a, "M")
    # the page shows 索引号, 生成日期 and 责任部门 but no 发布日期 anywhere: the date is only in the hidden PubDate meta
    assert m["/tjgb/wanzai_2022_bulletin.html"] == "fail"
    msg = a.findings[(a.findings["item_id"] == "M") & a.findings["subject"].str.endswith("wanzai_2022_bulletin.html")]
    assert "未标注发布日期" in msg["message"].iloc[0] and "页面隐藏元数据" in msg["message"].iloc[0]
    assert m["/tjgb/zj_fgw_2016_article.html"] == "fail"  # shows no 索引号 / 发布机构 / 成文日期


def test_manual_results_are_merged_and_validated(tmp_path):
    cl = checklist("  - {id: P9, title: IPv6, check: manual, params: {how: 核查IPv6}, category: c, basis: {clause: x}}\n"
                   "  - {id: P10, title: 培训, check: manual, category: c, basis: {clause: x}}\n")
    results = tmp_path / "manual.yaml"
    results.write_text("P9: {status: fail, note: 无AAAA记录, evidence: 'http://portal.test/', evaluator: 张三}\n",
                       encoding="utf-8")
    a = audit(snapshot_of({}), cl, as_of=dt.date(2026, 6, 30), manual_results=results)
    f = a.findings.set_index("item_id")
    assert f.loc["P9", "status"] == "fail" and f.loc["P9", "message"] == "无AAAA记录"
    assert f.loc["P10", "status"] == "unverified"  # not recorded: still needs a person
    assert a.score.failed == ["P9"]
    csv_file = tmp_path / "manual.csv"
    csv_file.write_text("item_id,status,note\nP10,passed,ok\n", encoding="utf-8-sig")
    with pytest.raises(ManualResultsError, match=r"manual.csv:2: status 'passed'"):
        load_manual_results(csv_file, {"P9", "P10"})
    results.write_text("P99: pass\n", encoding="utf-8")
    with pytest.raises(ManualResultsError, match="P99"):
        load_manual_results(results, {"P9", "P10"})


def test_unknown_year_is_decided_when_holidays_cannot_change_the_answer():
    """2099 has no schedule: 2 days late-or-not is decided, 5 months is decided, 20-odd days stays unverified."""
    formed = dt.date(2099, 3, 1)
    snap = snapshot_of({"/zcwj/a.html": doc_page("两天", formed, dt.date(2099, 3, 3)),
                        "/zcwj/b.html": doc_page("五个月", formed, dt.date(2099, 8, 2)),
                        "/zcwj/c.html": doc_page("边界", formed, dt.date(2099, 3, 29))}, when="2099-09-01T02:00:00+00:00")
    a = audit(snap, TIMELY, as_of=dt.date(2099, 9, 1))
    s = statuses(a)
    assert s == {"/zcwj/a.html": "pass", "/zcwj/b.html": "fail", "/zcwj/c.html": "unverified"}
    assert "calendar unknown" in a.findings.set_index("subject").loc[START.rstrip("/") + "/zcwj/c.html", "message"]


def test_holiday_override_file_extends_the_calendar(tmp_path, monkeypatch):
    extra = tmp_path / "holidays.yaml"
    extra.write_text("2100:\n  holidays: [2100-01-01, 2100-02-01..2100-02-05]\n  workdays: [2100-01-30]\n",
                     encoding="utf-8")
    monkeypatch.setenv("ZWGK_AUDIT_HOLIDAYS", str(extra))
    wd.load_overrides.cache_clear()
    try:
        assert not wd.is_workday(dt.date(2100, 2, 3))  # a Wednesday in the listed holiday range
        assert wd.is_workday(dt.date(2100, 1, 30))  # a Saturday make-up day
        assert wd.working_days_between(dt.date(2100, 1, 29), dt.date(2100, 2, 8)) == 2  # Sat 1-30 and Mon 2-8
    finally:
        monkeypatch.delenv("ZWGK_AUDIT_HOLIDAYS")
        wd.load_overrides.cache_clear()
