"""Column classes, the evaluator's column map, honest outcomes on a cut crawl, and writers that survive odd values."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from zwgk_audit.audit import audit
from zwgk_audit.site.column_map import ColumnMapError, load_column_map
from zwgk_audit.site.vocabulary import vocabulary

from .conftest import AS_OF, crawl_portal


@pytest.mark.parametrize("name, klass, rule", [
    ("行政规范性文件", "policy_documents", "同义名称"), ("政府文件", "policy_documents", "同义名称"),
    ("川教发文件", "policy_documents", "后缀规则"), ("政策文件解读", "interpretation", "后缀规则"),
    ("解读回应", "interpretation", "同义名称"), ("公示公告", "notice", "同义名称"),
    ("信息公开", "platform", "同义名称"), ("政府信息公开年度报告", "annual_report", "同义名称"),
    ("政府信息公开指南", "guide", "规范名称"), ("鹰城要闻", "news", "后缀规则"),
])
def test_vocabulary_classifies_real_column_names(name, klass, rule):
    m = vocabulary().classify(name)
    assert m is not None and m.cls == klass and m.rule.startswith(rule), m


@pytest.mark.parametrize("name", ["党建信息", "扶贫工作", "市教育体育局", "关于印发某某管理办法的通知文件", ""])
def test_vocabulary_leaves_other_names_unclassified(name):
    assert vocabulary().classify(name) is None


def test_column_map_overrides_and_is_recorded(clean_portal, tmp_path, checklist):
    snap, _url = crawl_portal(clean_portal, tmp_path / "snap")
    policy_url = snap.columns.loc[snap.columns["name"] == "政策文件", "url"].iloc[0]
    a = audit(snap, checklist, as_of=AS_OF, column_map={policy_url: "notice", "政策解读": ""})
    row = snap.columns[snap.columns["url"] == policy_url].iloc[0]
    assert row["class"] == "notice" and "column-map" in row["class_rule"]
    assert snap.columns.loc[snap.columns["name"] == "政策解读", "class"].isna().all()
    f = a.findings
    assert set(f.loc[f["item_id"] == "B-PLAT-05", "status"]) != {"pass"}  # no policy column left
    out = a.write(tmp_path / "out")
    assert json.loads(out["score"].read_text(encoding="utf-8"))["column_map"][policy_url] == "notice"


def test_column_map_errors_name_file_and_line(tmp_path):
    p = tmp_path / "map.yaml"
    p.write_text("公文通知: policy_documents\n工作信息: no_such_class\n", encoding="utf-8")
    with pytest.raises(ColumnMapError, match=r"map.yaml:2: .*no_such_class"):
        load_column_map(p)
    p.write_text("公文通知: policy_documents\n", encoding="utf-8")
    assert load_column_map(p) == {"公文通知": "policy_documents"}


def test_a_cut_crawl_is_an_incomplete_audit_and_never_not_applicable(defect_portal, tmp_path, checklist):
    snap, _url = crawl_portal(defect_portal, tmp_path / "cut", max_pages=12)
    assert snap.truncated
    a = audit(snap, checklist, as_of=AS_OF)
    assert not a.complete and any("页面上限" in r for r in a.incomplete)
    f = a.findings
    for item in ("B-PLAT-04", "B-TIME-01", "B-QUAL-01"):  # missing / no documents read: unknown, not 不适用 or 未开设
        assert "not_applicable" not in set(f.loc[f["item_id"] == item, "status"]), item
    score = json.loads(a.write(tmp_path / "out")["score"].read_text(encoding="utf-8"))
    assert score["complete"] is False and score["completeness"] == "评估不完整"
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "评估不完整" in html


ODD_VALUES = [None, float("nan"), 1e308, -7, [1, 2], True, b"\xff\xfe", "=cmd|' /C calc'!A0", "@SUM(1)",
              "<script>x</script>", "+1", "-1", ""]
FIELDS = ["subject", "status", "measured", "expected", "evidence_url", "warc_record_id", "fetched_at", "message",
          "responsible_unit", "veto", "item_title", "basis"]


@pytest.fixture(scope="module")
def small_audit(clean_portal, tmp_path_factory, checklist):
    snap, _url = crawl_portal(clean_portal, tmp_path_factory.mktemp("odd"))
    return audit(snap, checklist, as_of=AS_OF)


@pytest.mark.parametrize("odd", ODD_VALUES, ids=repr)
def test_writers_survive_odd_values_in_every_field(small_audit, tmp_path, odd):
    """The same odd value in every field of a failing finding: report, findings.csv and 整改清单 are all written."""
    a = small_audit
    records = a.findings.head(3).to_dict("records")
    for rec in records:
        rec.update({f: odd for f in FIELDS})
    records[0]["status"] = "fail"  # at least one row reaches the 整改清单
    original = a.findings
    a.findings = pd.DataFrame(records, columns=original.columns)
    a.__dict__.pop("_rectification", None)
    try:
        paths = a.write(tmp_path)
        for key in ("findings", "report", "rectification"):
            assert paths[key].stat().st_size > 0
        assert "<script>x</script>" not in paths["report"].read_text(encoding="utf-8")
        written = pd.read_csv(paths["findings"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert len(written) == 3
        assert not written["subject"].str.startswith(("=", "@", "+", "-")).any()
        assert (tmp_path / "rectification.csv").read_text(encoding="utf-8-sig").count("待整改") >= 1
    finally:
        a.findings = original
        a.__dict__.pop("_rectification", None)
