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
    # total = (3*66.667 + 1*100) / 4 = 75.0; coverage = (3*2/3 + 1*1)/4 = 0.75
    assert s.score == pytest.approx(75.0, abs=0.01)
    assert s.coverage == pytest.approx(0.75, abs=1e-4)
    assert s.appraisal_points == pytest.approx(3.0, abs=1e-3)
    assert [i.state for i in s.items] == ["partial", "unmeasured", "not_applicable", "pass"]


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
