"""整改复查 re-judges the previous audit's WARC by the current checklist before comparing.

OLD and NEW audit the same capture of the defect portal (nothing was fixed), NEW with a checklist whose item R-1 is
renamed R-1-2026 and whose R-2 allows 500 days instead of 183. Compared as recorded, the renamed item shows up as
新发现 and the loosened one as 已整改; re-judged, every unchanged defect is 未整改 and nothing else is reported.
"""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from zwgk_audit import cli
from zwgk_audit.checklist import parse_checklist
from zwgk_audit.recheck import NO_WARC

from .conftest import AS_OF

OLD = """\
id: rc
title: 复查测试
categories: [{id: p, title: 平台与时效, weight: 1}]
items:
  - {id: R-1, title: 设置政府信息公开年报栏目, check: column_present, params: {column: 政府信息公开年报, parent: 政府信息公开},
     category: p, basis: {clause: 国办公开办函〔2019〕61号}, responsible_unit: 办公室}
  - {id: R-2, title: 通知公告栏目更新, check: column_fresh, params: {columns: [通知公告], max_age_days: 183},
     category: p, basis: {clause: 国办秘函〔2019〕19号}}
  - {id: T-1, title: 政策文件及时公开, check: publication_timeliness, params: {max_working_days: 20, columns: [政策文件]},
     category: p, basis: {clause: 条例第二十六条}}
"""
NEW = OLD.replace("id: R-1,", "id: R-1-2026,").replace("max_age_days: 183", "max_age_days: 500")


@pytest.fixture(scope="module")
def audits(tmp_path_factory, defect_snapshot):
    base = tmp_path_factory.mktemp("recheck")
    (base / "old.yaml").write_text(OLD, encoding="utf-8")
    (base / "new.yaml").write_text(NEW, encoding="utf-8")
    assert cli.main(["audit", str(defect_snapshot.warc_path), "-c", str(base / "old.yaml"), "-o", str(base / "old"),
                     "--as-of", AS_OF.isoformat()]) == 0
    assert cli.main(["audit", str(base / "old" / "snapshot.warc.gz"), "-c", str(base / "new.yaml"), "-o",
                     str(base / "new"), "--as-of", AS_OF.isoformat()]) == 0
    return base


def _diff(path):
    return pd.read_csv(path / "rectification_diff.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_score_json_records_the_tool_and_the_checklists(audits):
    data = json.loads((audits / "new" / "score.json").read_text(encoding="utf-8"))
    assert data["tool_version"] == __import__("zwgk_audit").__version__ == data["tool"]["version"]
    assert data["checklist_ids"] == ["rc"]
    [f] = data["checklist_files"]
    import hashlib

    assert f["path"] == str((audits / "new.yaml").resolve())
    assert f["sha256"] == hashlib.sha256((audits / "new.yaml").read_bytes()).hexdigest()
    saved = (audits / "new" / "checklist.yaml").read_text(encoding="utf-8")
    assert data["checklist_file"] == "checklist.yaml"
    assert data["checklist_sha256"] == hashlib.sha256(saved.encode("utf-8")).hexdigest()
    assert parse_checklist(saved) == parse_checklist(NEW)  # reloadable even if new.yaml moves


def test_rectify_rejudges_so_a_changed_rule_is_not_a_fix(audits, capsys):
    assert cli.main(["rectify", str(audits / "new"), "--previous", str(audits / "old"), "-o",
                     str(audits / "rejudged")]) == 0
    printed = capsys.readouterr().out
    assert "上次评估已按本次检查清单（rc）" in printed and "重新评判" in printed
    assert "已整改 0 条，未整改 3 条，新发现 0 条" in printed  # 年报栏目 and two late documents
    assert "fixed" not in printed and "persisting" not in printed  # Chinese only
    diff = _diff(audits / "rejudged")
    assert set(diff["状态"]) == {"未整改"}
    assert diff["检查项"].str.startswith(("R-1-2026 ", "T-1 ")).all()
    assert not diff["检查项"].str.startswith("R-2").any()  # 420 days is within the new 500: judged so both times
    # the old score as re-judged (R-1 0, R-2 1, T-1 12/14) is the new one: nothing changed on the portal
    assert "（+0.00）" in printed and "上次记录为" in printed
    ws = load_workbook(audits / "rejudged" / "rectification_diff.xlsx")["说明"]
    assert "重新评判" in ws["B5"].value
    assert (audits / "rejudged" / "previous_rejudged_findings.csv").exists()


def test_as_recorded_shows_what_rejudging_prevents(audits, capsys):
    assert cli.main(["rectify", str(audits / "new"), "--previous", str(audits / "old"), "-o",
                     str(audits / "recorded"), "--as-recorded"]) == 0
    states = _diff(audits / "recorded").set_index("检查项")["状态"]
    assert states["R-1-2026 设置政府信息公开年报栏目"] == "新发现"
    assert states["R-2 通知公告栏目更新"] == "已整改"
    assert states["R-1 设置政府信息公开年报栏目"].startswith("无法确认是否整改")
    assert "规则变更可能影响比较" in capsys.readouterr().out


def test_without_the_old_warc_it_compares_as_recorded_and_says_so(audits, capsys):
    old = audits / "old-no-warc"
    shutil.copytree(audits / "old", old)
    (old / "snapshot.warc.gz").unlink()
    assert cli.main(["rectify", str(audits / "new"), "--previous", str(old), "-o", str(audits / "no-warc")]) == 0
    printed = capsys.readouterr().out
    assert NO_WARC in printed
    assert NO_WARC in (audits / "no-warc" / "rectification_diff.md").read_text(encoding="utf-8")
    assert NO_WARC in load_workbook(audits / "no-warc" / "rectification_diff.xlsx")["说明"]["B5"].value
    assert "已整改" in set(_diff(audits / "no-warc")["状态"])


def test_rectify_on_a_folder_that_is_not_an_audit(tmp_path, capsys):
    assert cli.main(["rectify", str(tmp_path), "--previous", str(tmp_path)]) == 2
    assert "没有 findings.csv" in capsys.readouterr().err


def test_a_current_audit_by_another_tool_version_is_rejudged_too(audits, capsys):
    new = audits / "new-by-older-tool"
    shutil.copytree(audits / "new", new)
    data = json.loads((new / "score.json").read_text(encoding="utf-8"))
    data["tool"] = {"name": "zwgk-audit", "version": "0.0.9", "commit": None}
    (new / "score.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["rectify", str(new), "--previous", str(audits / "old"), "-o", str(audits / "both")]) == 0
    printed = capsys.readouterr().out
    assert "本次评估由 zwgk-audit 0.0.9 生成，也已按当前工具重新评判" in printed
    assert "已整改 0 条，未整改 3 条，新发现 0 条" in printed
    assert (audits / "both" / "current_rejudged_findings.csv").exists()
