"""Outputs: the files the demo promises, scraped text kept inert, scores computable by hand."""
from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from zwgk_audit import cli
from zwgk_audit.audit import audit
from zwgk_audit.checklist import parse_checklist
from zwgk_audit.rectify import neutralise
from zwgk_audit.sample import Defects, SampleConfig, generate
from zwgk_audit.scoring import score

from .conftest import AS_OF, crawl_portal

AS_OF_2026 = __import__("datetime").date(2026, 6, 30)
EVIL = '<script>alert(1)</script>=HYPERLINK("http://evil","x")'


def test_demo_writes_every_promised_file(tmp_path, capsys):
    out = tmp_path / "demo"
    assert cli.main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "总分 score" in printed and "appraisal points" in printed and "failed items" in printed
    for name in ("report.html", "findings.csv", "score.json", "rectification.xlsx", "snapshot.warc.gz"):
        assert (out / name).stat().st_size > 0, name
    data = json.loads((out / "score.json").read_text(encoding="utf-8"))
    assert {"score", "appraisal_share", "appraisal_points", "categories", "failed"} <= set(data)
    assert data["appraisal_share"] == 4 and data["failed"]
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {"item_id", "check", "status", "measured", "expected", "evidence_url", "basis", "responsible_unit",
            "message"} <= set(rows[0])
    assert {r["status"] for r in rows} <= {"pass", "fail", "not_applicable", "unverified"}
    # the audit can be redone offline from the saved snapshot, with the same result
    again = tmp_path / "again"
    assert cli.main(["audit", str(out / "snapshot.warc.gz"), "-c", "baseline.yaml", "-c", "panjin-sfj-2019.yaml",
                     "-o", str(again), "--as-of", data["as_of"]]) == 0
    assert json.loads((again / "score.json").read_text(encoding="utf-8"))["score"] == data["score"]


def test_help_for_every_command(capsys):
    for argv in ([], ["demo"], ["audit"], ["serve-sample"]):
        with pytest.raises(SystemExit) as e:
            cli.main([*argv, "--help"])
        assert e.value.code == 0
        assert "usage: zwgk-audit" in capsys.readouterr().out


def test_bad_checklist_on_cli_is_one_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: y\ncategories: []\nitems: []\n", encoding="utf-8")
    assert cli.main(["audit", "http://127.0.0.1:9/", "-c", str(bad), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3: categories" in err and "Traceback" not in err


def test_scraped_text_is_inert_in_html_xlsx_csv(tmp_path, checklist):
    portal = generate(SampleConfig(seed=9, as_of=AS_OF, defects=Defects(late_documents=1)))
    late = next(d for d in portal.manifest["defects"] if d["type"] == "late_document")
    page = portal.pages[late["subject"]]
    page.body = page.body.replace('<meta name="ArticleTitle" content="',
                                  '<meta name="ArticleTitle" content="' + EVIL.replace("<", "&lt;").replace('"', "&quot;"))
    snap, _ = crawl_portal(portal, tmp_path / "snap")
    a = audit(snap, checklist, as_of=AS_OF)
    assert a.findings["message"].str.contains("<script>", regex=False).any()  # the hostile title reached a finding
    a.write(tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    wb = load_workbook(tmp_path / "out" / "rectification.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@"))
    text = (tmp_path / "out" / "findings.csv").read_text(encoding="utf-8-sig")
    for row in csv.reader(text.splitlines()):
        assert not any(c.startswith(("=", "+", "-", "@")) for c in row)


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM", "'@SUM"),
                                            ("\tx", "'\tx"), ("政策", "政策"), (3, 3)])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


SCORING = """\
id: s
title: 评分
appraisal_share: 4
categories:
  - {id: a, title: A, weight: 3}
  - {id: b, title: B, weight: 1}
items:
  - {id: A1, title: a1, check: manual, weight: 2, category: a, basis: {clause: x}}
  - {id: A2, title: a2, check: manual, weight: 1, category: a, basis: {clause: x}}
  - {id: A3, title: a3, check: manual, weight: 1, category: a, basis: {clause: x}}
  - {id: B1, title: b1, check: manual, weight: 1, category: b, veto: VETO, basis: {clause: x}}
"""


def _findings(rows):
    return pd.DataFrame(rows, columns=["item_id", "status"])


def test_scoring_by_hand():
    cl = parse_checklist(SCORING.replace("VETO", "false"))
    f = _findings([("A1", "pass"), ("A1", "pass"), ("A1", "fail"), ("A1", "unverified"),  # 2/3
                   ("A2", "unverified"),                                                   # unmeasured
                   ("A3", "not_applicable"),                                               # drops out
                   ("B1", "pass")])
    s = score(f, cl)
    # category a: only A1 measured → 66.67; coverage 2/(2+1) (A3 n/a drops out)
    a = s.categories[0]
    assert a["score"] == pytest.approx(66.67, abs=0.01) and a["coverage"] == pytest.approx(2 / 3, abs=1e-4)
    # shares of 100: A1 = 3/4 × 2/3 = 50, A2 = 3/4 × 1/3 = 25, B1 = 25 (A3 n/a holds none)
    # earned = 50 × 2/3 + 25 = 58.33, lost = 16.67, unmeasured = 25 → score = 58.33 / 75 = 77.78
    assert s.score == pytest.approx(77.78, abs=0.01)
    assert s.coverage == pytest.approx(0.75, abs=1e-4)
    assert s.appraisal_points == pytest.approx(4 * 77.78 / 100, abs=1e-3)
    assert [i.state for i in s.items] == ["partial", "unmeasured", "not_applicable", "pass"]
    pts = s.points_lost()
    assert pts[["earned", "lost", "unmeasured"]].to_numpy().sum() == pytest.approx(100.0, abs=1e-9)
    assert list(pts["item_id"])[:1] == ["A1"]  # A1 lost 16.67, the only points lost


GB19 = """\
id: g
title: 19号文
scheme: gb19
appraisal_share: 4
categories: [{id: x, title: 扣分指标, weight: 1}]
items:
  - {id: V, title: 站点无法访问, check: manual, category: x, veto: true, basis: {clause: x}}
  - {id: D1, title: 栏目不更新, check: manual, category: x, points: 10, deduct: 2, basis: {clause: x}}
  - {id: D2, title: 错链, check: manual, category: x, points: 5, deduct: 0.5, basis: {clause: x}}
  - {id: S1, title: 办事服务, check: manual, category: x, points: 25, deduct: 5, service: true, basis: {clause: x}}
  - {id: B1, title: 加分：创新, check: manual, category: x, points: 20, bonus: true, basis: {clause: x}}
"""


def test_gb19_scheme_by_hand():
    cl = parse_checklist(GB19)
    f = _findings([("V", "pass"), *[("D1", "fail")] * 7, ("D2", "fail"), ("D2", "fail"), ("D2", "pass"),
                   ("S1", "fail"), ("B1", "pass")])
    s = score(f, cl)
    # D1: 7 × 2 = 14 capped at 10; D2: 2 × 0.5 = 1; S1: 1 × 5 = 5 → 100 − 16 = 84 > 80 → + 20 bonus = 104
    assert s.details["deduction_part"] == 84 and s.details["bonus_part"] == 20 and s.score == 104
    assert s.grade == "合格" and s.appraisal_points == 4.0
    # a department without public-service duties: S1 drops, (75 − 11) × 4/3 = 85.33
    s2 = score(f, parse_checklist(GB19.replace("scheme: gb19", "scheme: gb19\npublic_service: false")))
    assert s2.details["deduction_part"] == pytest.approx(85.3333, abs=1e-3)
    # below 80 no bonus; below 60 不合格
    f3 = _findings([("V", "pass"), *[("D1", "fail")] * 5, ("D2", "fail"), *[("S1", "fail")] * 6, ("B1", "pass")])
    s3 = score(f3, cl)  # 100 − 10 − 0.5 − 25 = 64.5: no bonus, 合格
    assert s3.score == 64.5 and s3.details["bonus_part"] == 0 and s3.grade == "合格"
    f4 = _findings([("V", "fail"), ("D1", "pass")])
    s4 = score(f4, cl)
    assert s4.grade.startswith("不合格") and s4.score is None and s4.appraisal_points == 0.0
    assert s4.details["steps"][0]["step"] == "单项否决" and "V 站点无法访问" in s4.details["steps"][0]["result"]


def test_gb19_bonus_only_above_80_and_capped_at_30():
    cl = parse_checklist(GB19.replace("points: 20, bonus: true", "points: 25, bonus: true") + (
        "  - {id: B2, title: 加分：特色, check: manual, category: x, points: 15, bonus: true, basis: {clause: x}}\n"))
    # exactly 80: D1 10 (5 fails × 2) + D2 5 (cap) + S1 5 → 100 − 20 = 80, not above 80: no bonus
    f = _findings([("V", "pass"), *[("D1", "fail")] * 5, *[("D2", "fail")] * 12, ("S1", "fail"), ("B1", "pass"),
                   ("B2", "pass")])
    s = score(f, cl)
    assert s.details["deduction_part"] == 80 and s.details["bonus_part"] == 0 and s.score == 80
    assert "未高于80" in s.details["steps"][-1]["result"]
    # 81: bonus 25 + 15 = 40, capped at the notice's 30 → 111
    f2 = _findings([("V", "pass"), *[("D1", "fail")] * 5, *[("D2", "fail")] * 8, ("S1", "fail"), ("B1", "pass"),
                    ("B2", "pass")])
    s2 = score(f2, cl)  # 100 − 10 − 4 − 5 = 81
    assert s2.details["deduction_part"] == 81 and s2.details["bonus_part"] == 30 and s2.score == 111
    # a province's own cap (bonus_cap: 20) → 101
    s3 = score(f2, parse_checklist(GB19.replace("scheme: gb19", "scheme: gb19\nbonus_cap: 20").replace(
        "points: 20, bonus: true", "points: 25, bonus: true")))
    assert s3.details["bonus_part"] == 20 and s3.score == 101


def test_gb19_unjudged_veto_withholds_the_grade():
    cl = parse_checklist(GB19)
    s = score(_findings([("V", "unverified"), ("D1", "pass"), ("B1", "pass")]), cl)
    assert s.grade == "待核实（单项否决指标未能核验）" and s.details["unjudged_vetoes"] == ["V"]
    assert s.score == 100 + 20  # the score is shown; only the grade waits
    assert "未能核验1项" in s.details["steps"][0]["result"]
    # an unjudged veto never rescues a failing score: 100 − 10 − 5 − 25 = 60 holds the line (grade withheld),
    # with D1 worth 20: 100 − 16 − 5 − 25 = 54 < 60 is 不合格 whatever the veto would say
    s2 = score(_findings([("V", "unverified"), *[("D1", "fail")] * 5, *[("D2", "fail")] * 10, *[("S1", "fail")] * 6]),
               cl)
    assert s2.details["deduction_part"] == 60 and s2.grade.startswith("待核实")
    cl20 = parse_checklist(GB19.replace("points: 10, deduct: 2", "points: 20, deduct: 2"))
    s3 = score(_findings([("V", "unverified"), *[("D1", "fail")] * 8, *[("D2", "fail")] * 10, *[("S1", "fail")] * 6]),
               cl20)
    assert s3.details["deduction_part"] == 54 and s3.grade == "不合格"


def test_failed_veto_caps_total():
    cl = parse_checklist(SCORING.replace("VETO", "true"))
    f = _findings([("A1", "pass"), ("A2", "pass"), ("A3", "pass"), ("B1", "fail")])
    s = score(f, cl)
    assert s.vetoed == ["B1"]
    assert s.score == 59.0  # uncapped it would be (3*100 + 0)/4 = 75


def test_checks_doc_is_generated_from_metadata():
    from pathlib import Path

    from zwgk_audit.checks import registry
    from zwgk_audit.checks.docs import render_markdown

    doc = Path(__file__).resolve().parent.parent / "docs" / "checks.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(), \
        "docs/checks.md is stale: run python -m zwgk_audit.checks.docs > docs/checks.md"
    for spec in registry.values():  # every check says what it enforces and how to fix it
        assert spec.title and spec.basis and spec.remediation


def test_rescore_and_reaudit_diff(tmp_path, checklist, capsys):
    from zwgk_audit.sample import DEMO_DEFECTS

    from .conftest import AS_OF, crawl_portal

    before = generate(SampleConfig(seed=31, as_of=AS_OF, defects=DEMO_DEFECTS))
    after = generate(SampleConfig(seed=31, as_of=AS_OF, defects=Defects(late_documents=2, broken_links=3)))
    from zwgk_audit.crawl.crawler import crawl
    from zwgk_audit.sample import SampleServer

    from .hostile.servers import free_port

    port = free_port()  # the same portal address both times, as in a real re-audit
    snaps = []
    for portal, name in ((before, "s1"), (after, "s2")):
        with SampleServer(portal, port=port) as srv:
            snaps.append(crawl(srv.url, out=tmp_path / name, rate=0, check_external=False))
    a_old, a_new = (audit(s, checklist, as_of=AS_OF) for s in snaps)
    a_old.write(tmp_path / "old")
    a_new.write(tmp_path / "new")
    # what-if without re-crawling: double the share, zero a failing item's weight
    assert a_new.rescore(share=8).appraisal_points == pytest.approx(2 * a_new.score.appraisal_points, abs=2e-3)
    failing = a_new.score.failed[0]
    assert a_new.rescore(weights={failing: 0}).score > a_new.score.score
    assert a_new.score.score == a_new.rescore().score  # same findings, same checklist: same score
    assert cli.main(["rectify", str(tmp_path / "new"), "--previous", str(tmp_path / "old")]) == 0
    printed = capsys.readouterr().out
    assert "已整改" in printed and "新发现" in printed
    diff = pd.read_csv(tmp_path / "new" / "rectification_diff.csv", encoding="utf-8-sig")
    states = diff["状态"].value_counts().to_dict()
    assert states.get("已整改", 0) >= 5  # missing/empty/stale columns, interpretations, metadata fixed
    assert not any(k.startswith("无法确认") for k in states)
    assert states.get("新发现", 0) >= 1 and states.get("未整改", 0) >= 1  # a third broken link; the rest persist
    ws = load_workbook(tmp_path / "new" / "rectification_diff.xlsx").active
    assert [c.value for c in ws[1]][:3] == ["状态", "检查项", "对象"] and ws.freeze_panes == "A2"


def test_rectification_xlsx_columns_and_deadlines(tmp_path, defect_snapshot, checklist):
    a = audit(defect_snapshot, checklist, as_of=AS_OF_2026)
    a.write(tmp_path)
    wb = load_workbook(tmp_path / "rectification.xlsx")
    # the header row sits under the title block (row 7), the unit's fill-in columns after the tool's
    head = [c.value for c in wb["汇总"][7]]
    assert head == ["序号", "检查项", "问题", "依据", "证据", "责任单位", "整改要求", "整改时限", "状态", "备注",
                    "整改措施", "责任人", "计划完成时间", "完成情况", "佐证材料"]
    assert len(wb.sheetnames) > 2  # one sheet per responsible unit, and the evidence appendix
    deadlines = {r[7].value for r in wb["汇总"].iter_rows(min_row=8)}
    assert deadlines == {__import__("datetime").datetime(2026, 7, 28)}  # 20 working days after 2026-06-30, a date


@pytest.mark.parametrize("name", ["baseline", "gb19-2019", "dongtou-2020", "tianjin-yjglj-2022"])
def test_checklist_yaml_is_the_safe_dump_for_every_agency(name):
    """checklist.yaml (kept field by field per process, for a batch's hundreds of agencies) is exactly the
    safe_dump of the checklist, for each agency name, share and level a batch sets."""
    import yaml

    from zwgk_audit.checklist import load_checklist

    base = load_checklist(f"checklists/{name}.yaml")
    for update in ({}, {"agency": "某某区应急管理局"}, {"agency": "某某县人民政府", "appraisal_share": 7.5, "level": "县"},
                   {"agency": "某某区应急管理局"}, {}):
        cl = base.model_copy(update=update)
        expected = yaml.safe_dump(cl.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False)
        assert cl.to_yaml() == expected
        assert parse_checklist(cl.to_yaml(), "again.yaml").to_yaml() == expected
