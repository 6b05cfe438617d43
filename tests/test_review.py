"""复核: ``--review FILE`` overrides single findings with a reason and a name, before scoring.

Two items in one category, each worth half (defect portal, seed 11): R-1 年报栏目 is missing (fail), R-2 judges two
columns, 政策文件 fresh (pass) and 通知公告 stale (fail). Score = 100 × (0 + 1/2) / 2 = 25.
Reviewing R-1 to 符合 gives 100 × (1 + 1/2) / 2 = 75.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from zwgk_audit import cli
from zwgk_audit.audit import audit
from zwgk_audit.checklist import parse_checklist
from zwgk_audit.review import ReviewError

from .conftest import AS_OF

CHECKLIST = """\
id: rv
title: 复核测试
categories: [{id: p, title: 平台与更新, weight: 1}]
items:
  - {id: R-1, title: 设置政府信息公开年报栏目, check: column_present, params: {column: 政府信息公开年报, parent: 政府信息公开},
     category: p, basis: {clause: 国办公开办函〔2019〕61号}}
  - {id: R-2, title: 通知公告、政策文件6个月内有更新, check: column_fresh,
     params: {columns: [通知公告, 政策文件], max_age_days: 183}, category: p, basis: {clause: 国办秘函〔2019〕19号}}
"""
REVIEW = """\
# 复核记录
- item_id: R-1
  subject: 政府信息公开年报
  status: 符合
  reason: 年报栏目设在互动平台，已人工核实
  reviewer: 张三
  date: 2026-07-02
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory, defect_snapshot):
    base = tmp_path_factory.mktemp("review")
    (base / "rv.yaml").write_text(CHECKLIST, encoding="utf-8")
    (base / "review.yaml").write_text(REVIEW, encoding="utf-8")
    return base, defect_snapshot.warc_path


def _audit(base, warc, out, *extra):
    return cli.main(["audit", str(warc), "-c", str(base / "rv.yaml"), "-o", str(base / out),
                     "--as-of", AS_OF.isoformat(), *extra])


def test_a_review_flips_a_finding_and_the_score(files, capsys):
    base, warc = files
    assert _audit(base, warc, "plain") == 0
    assert _audit(base, warc, "reviewed", "--review", str(base / "review.yaml")) == 0
    printed = capsys.readouterr().out
    assert "复核：1条（改判1条，维持0条）" in printed
    plain = json.loads((base / "plain" / "score.json").read_text(encoding="utf-8"))
    data = json.loads((base / "reviewed" / "score.json").read_text(encoding="utf-8"))
    assert plain["score"] == 25.0 and plain["reviews"] == []
    assert data["score"] == 75.0
    assert data["reviews"] == [{"item": "R-1", "subject": "政府信息公开年报", "from": "fail", "to": "pass",
                                "reason": "年报栏目设在互动平台，已人工核实", "reviewer": "张三", "date": "2026-07-02"}]
    f = pd.read_csv(base / "reviewed" / "findings.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = f[f["item_id"] == "R-1"].iloc[0]
    assert (row["status"], row["original_status"]) == ("pass", "fail")
    assert row["review"] == ("复核：原判不符合改为符合；理由：年报栏目设在互动平台，已人工核实；复核人：张三；"
                             "复核日期：2026-07-02")
    others = f[f["item_id"] != "R-1"]
    assert (others["review"] == "").all() and (others["status"] == others["original_status"]).all()
    # the 整改清单 no longer lists the overridden item
    rect = pd.read_csv(base / "reviewed" / "rectification.csv", encoding="utf-8-sig", dtype=str)
    assert not rect["检查项"].str.startswith("R-1").any() and rect["检查项"].str.startswith("R-2").any()


def test_the_report_shows_the_review(files):
    base, warc = files
    if not (base / "reviewed" / "report.html").exists():
        assert _audit(base, warc, "reviewed", "--review", str(base / "review.yaml")) == 0
    soup = BeautifulSoup((base / "reviewed" / "report.html").read_text(encoding="utf-8"), "lxml")
    text = soup.get_text()
    assert "评估人员复核" in text and "年报栏目设在互动平台，已人工核实" in text
    cell = next(td for td in soup.find_all("td") if td.get_text().startswith("符合（复核）"))
    assert "理由：年报栏目设在互动平台，已人工核实" in cell.get_text() and "复核人：张三" in cell.get_text()
    assert soup.find(class_="big").get_text() == "75.0"


def test_a_review_from_python_and_from_csv(files, defect_snapshot):
    base, _warc = files
    cl = parse_checklist(CHECKLIST)
    a = audit(defect_snapshot, cl, as_of=AS_OF, review=[
        {"item_id": "R-2", "subject": "政府信息公开/法定主动公开内容/政策文件", "status": "fail",
         "reason": "最近更新为转载", "reviewer": "李四"}])
    # R-2 now fails both columns: 100 × (0 + 0) / 2 = 0
    assert a.score.score == 0.0
    assert a.reviews[0]["from"] == "pass" and a.reviews[0]["to"] == "fail"
    csv_file = base / "review.csv"
    csv_file.write_text("检查项编号,对象,复核结果,理由,复核人\nR-2,通知公告,符合,\"栏目已更新，\n抓取时缓存\",王五\n",
                        encoding="utf-8-sig")
    b = audit(defect_snapshot, cl, as_of=AS_OF, review=csv_file)
    assert b.score.score == 50.0  # 100 × (0 + 2/2) / 2
    assert b.findings.loc[b.findings["subject"] == "通知公告", "review"].iloc[0].startswith("复核：原判不符合改为符合")


def test_a_bad_review_file_names_the_file_and_line_and_writes_nothing(files, defect_snapshot, capsys):
    base, warc = files
    bad = base / "bad.yaml"
    bad.write_text(REVIEW + """\
- item_id: NO-SUCH
  subject: 政府信息公开年报
  status: 符合
  reason: x
  reviewer: 张三
- item_id: R-2
  subject: 通知公告
  status: 也许
  reviewer: 张三
""", encoding="utf-8")
    assert _audit(base, warc, "bad", "--review", str(bad)) == 2
    err = capsys.readouterr().err
    assert f"{bad}:8: 检查项 NO-SUCH 不在本次评估的检查清单中" in err
    assert f"{bad}:13: 复核结果 '也许' 无效" in err and f"{bad}:13: 缺少复核理由" in err
    assert "Traceback" not in err
    assert not (base / "bad").exists()
    # a subject the item did not judge: found after the checks, still before anything is written
    wrong = base / "wrong.yaml"
    wrong.write_text(REVIEW.replace("subject: 政府信息公开年报", "subject: 政府信息公开年度报告"), encoding="utf-8")
    assert _audit(base, warc, "wrong", "--review", str(wrong)) == 2
    err = capsys.readouterr().err
    assert f"{wrong}:2: 检查项 R-1 没有对象 '政府信息公开年度报告'" in err and "该检查项的对象有：政府信息公开年报" in err
    assert not (base / "wrong").exists()
    twice = base / "twice.csv"
    twice.write_text("item_id,subject,status,reason,reviewer\nR-1,政府信息公开年报,pass,ok,甲\n"
                     "R-1,政府信息公开年报,fail,again,乙\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=r"twice.csv:3: 检查项 R-1 对象 政府信息公开年报 已在 .*twice.csv:2 复核"):
        audit(defect_snapshot, parse_checklist(CHECKLIST), as_of=AS_OF, review=twice)
