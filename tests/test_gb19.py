"""The national checklist in the 19号文 scheme (checklists/gb19-2019.yaml), end to end on the sample portal.

What is expected comes from the notice's rules and the sample's planted defects: six veto indicators; the
quoted deductions 5 / 2 / 3; a clean portal with a week of clean monitoring and the evaluator's 安全 record is
合格; without them the grade waits (待核实); a planted stale home page is 不合格 with nothing else scored; before
the notice existed nothing of it applies.
"""
from __future__ import annotations

import datetime as dt

import pytest

from zwgk_audit.audit import audit
from zwgk_audit.checklist import load_checklist
from zwgk_audit.monitor import run_monitor
from zwgk_audit.sample import Defects, SampleConfig, SampleServer, generate

from .conftest import AS_OF, ROOT, crawl_portal
from .test_monitor import FakeClock

GB19 = ROOT / "checklists" / "gb19-2019.yaml"


@pytest.fixture(scope="module")
def gb19():
    return load_checklist(GB19)


def test_the_checklist_holds_the_notices_indicators(gb19):
    vetoes = {i.title: i.check for i in gb19.items if i.veto}
    assert vetoes == {"安全、泄密事故等严重问题": "manual", "站点无法访问": "site_accessible", "首页不更新": "home_updated",
                      "栏目不更新": "columns_not_updated", "互动回应差": "interaction_responsive",
                      "服务不实用": "service_practical"}
    quoted = {i.title: i.deduct for i in gb19.items if i.title.endswith("未更新")}
    assert quoted == {"政策文件类一级栏目6个月内未更新": 5, "办事统计数据3个月内未更新": 2, "留言答复2个月内未更新": 3}
    assert gb19.scheme == "gb19" and gb19.bonus_cap == 30 and sum(i.points for i in gb19.items if i.bonus) == 30
    assert all(i.effective_from == dt.date(2019, 4, 1) and "19号" in i.basis.clause for i in gb19.items)
    # an indicator whose points the recovered texts do not give says so
    for i in gb19.items:
        if not i.veto and "扣" not in i.basis.text:
            assert "未见原文" in (i.basis.note or "") or "未找到原文" in (i.basis.note or ""), i.id


@pytest.fixture(scope="module")
def week_of_clean_monitoring(clean_portal, tmp_path_factory):
    folder = tmp_path_factory.mktemp("monitoring")
    clock = FakeClock()
    with SampleServer(clean_portal) as srv:
        run_monitor(srv.url, 7, 20, folder, seed=2, clock=clock, sleep=clock.sleep, progress=None)
    return folder


def test_clean_portal_with_monitoring_and_the_evaluators_record_is_qualified(clean_snapshot, gb19,
                                                                             week_of_clean_monitoring, tmp_path):
    manual = tmp_path / "manual.yaml"
    manual.write_text("G-V1:\n  status: pass\n  note: 六种情形逐项核查，均未发现\n  evaluator: 评估员甲\n", encoding="utf-8")
    a = audit(clean_snapshot, gb19, as_of=AS_OF, manual_results=manual, monitoring=week_of_clean_monitoring)
    s = a.score
    veto_states = {i.item_id: i.state for i in s.items if i.veto}
    assert veto_states == dict.fromkeys(["G-V1", "G-V2", "G-V3", "G-V4", "G-V5", "G-V6"], "pass"), veto_states
    assert s.grade == "合格" and s.details["deduction_part"] >= 60
    assert [st["step"] for st in s.details["steps"]] == ["单项否决", "扣分指标", "合格线", "加分指标"]
    assert s.details["bonus_part"] == 0  # the 加分 item is the evaluator's to record; unrecorded, it adds nothing
    paths = a.write(tmp_path / "out")
    report = paths["report"].read_text(encoding="utf-8")
    assert "评分步骤（国办秘函〔2019〕19号）" in report and "不再对其他指标进行评分" in report


def test_without_monitoring_or_the_evaluators_record_the_grade_waits(clean_snapshot, gb19):
    s = audit(clean_snapshot, gb19, as_of=AS_OF).score
    assert s.grade == "待核实（单项否决指标未能核验）"
    assert s.details["unjudged_vetoes"] == ["G-V1", "G-V2"]


def test_a_stale_home_page_vetoes_and_nothing_else_is_scored(gb19, tmp_path):
    portal = generate(SampleConfig(seed=9, as_of=AS_OF, defects=Defects(stale_home=True)))
    snap, _ = crawl_portal(portal, tmp_path)
    s = audit(snap, gb19, as_of=AS_OF).score
    assert s.vetoed == ["G-V3"] and s.grade == "不合格（单项否决）" and s.score is None
    assert s.details["steps"][0]["result"].startswith("不合格：G-V3 首页不更新")


def test_before_the_notice_nothing_of_it_applies(clean_snapshot, gb19):
    a = audit(clean_snapshot, gb19, as_of=dt.date(2019, 3, 31))
    assert set(a.findings["status"]) == {"not_applicable"}
    assert all("规定尚未施行" in m for m in a.findings["message"])
    assert a.score.score is None and a.score.grade is None


def test_the_indicator_table_is_generated_and_lists_every_veto_and_quoted_deduction():
    from zwgk_audit.indicators import render_markdown, rows

    doc = ROOT / "docs" / "indicators.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(), \
        "docs/indicators.md is stale: run python -m zwgk_audit.indicators > docs/indicators.md"
    table = {r.name: r for r in rows()}
    for veto in ("安全、泄密事故等严重问题", "站点无法访问", "首页不更新", "栏目不更新", "互动回应差", "服务不实用"):
        assert table[veto].status in ("自动判断", "人工核查")
    assert table["安全、泄密事故等严重问题"].status == "人工核查"
    assert all(r.reason for r in rows() if r.status == "未覆盖")  # nothing uncovered without saying why


def test_an_indicator_naming_a_missing_item_is_an_error(tmp_path, monkeypatch):
    from zwgk_audit import indicators

    (tmp_path / "gb19-2019.yaml").write_text(GB19.read_text(encoding="utf-8").replace("id: G-V2", "id: G-V2x"),
                                             encoding="utf-8")
    (tmp_path / "baseline.yaml").write_text((ROOT / "checklists" / "baseline.yaml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    with pytest.raises(ValueError, match="G-V2"):
        indicators.rows(tmp_path)
