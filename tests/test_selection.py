"""Assessment period and sample: which documents are judged, stated in the report, reproducible by seed."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from zwgk_audit.audit import audit
from zwgk_audit.selection import Selection, SelectionError


def _docs():
    rows = []
    for col, n in (("政策文件", 7), ("通知公告", 3)):
        for i in range(n):
            rows.append({"url": f"http://x/{col}/{i}.html", "column_path": col,
                         "publish_date": dt.date(2023, 12, 20) + dt.timedelta(days=10 * i), "document_date": None})
    rows.append({"url": "http://x/undated.html", "column_path": "政策文件", "publish_date": None,
                 "document_date": None})
    return pd.DataFrame(rows)


def test_period_keeps_documents_dated_inside_it_and_the_undated():
    docs = _docs()
    kept = Selection.parse("2024-01-01:2024-01-31").apply(docs)
    # 政策文件 dated 12-20, 12-30, 01-09, 01-19, 01-29, 02-08, 02-18; 通知公告 12-20, 12-30, 01-09
    assert sorted(kept["url"]) == sorted(["http://x/政策文件/2.html", "http://x/政策文件/3.html",
                                          "http://x/政策文件/4.html", "http://x/通知公告/2.html",
                                          "http://x/undated.html"])
    assert "11篇文件中5篇在期内（含1篇无日期文件" in Selection.parse("2024-01-01:2024-01-31").describe(docs)


def test_sample_is_per_column_seeded_and_reproducible():
    docs = _docs()
    a = Selection.parse(sample=2, sample_seed=1).apply(docs)
    assert a.groupby("column_path").size().to_dict() == {"政策文件": 2, "通知公告": 2}
    assert set(a["url"]) == set(Selection.parse(sample=2, sample_seed=1).apply(docs.iloc[::-1])["url"])  # order-free
    seeds = {frozenset(Selection.parse(sample=2, sample_seed=s).apply(docs)["url"]) for s in range(6)}
    assert len(seeds) > 1  # another seed draws other documents
    assert "2个栏目共抽取4篇（总体11篇）" in Selection.parse(sample=2, sample_seed=1).describe(docs)


@pytest.mark.parametrize("bad", ["2024-01-01", "2024-13-01:2024-12-31", "2024-12-31:2024-01-01"])
def test_bad_periods_say_which_value(bad, capsys):
    with pytest.raises(SelectionError, match="--period"):
        Selection.parse(bad)
    from zwgk_audit.cli import main

    # the CLI refuses before crawling anything (the target is never contacted)
    baseline = str(Path(__file__).resolve().parent.parent / "checklists" / "baseline.yaml")
    assert main(["audit", "http://127.0.0.1:9/", "-c", baseline, "-o", "/tmp/never",
                 "--period", bad]) != 0
    assert bad in capsys.readouterr().err


def test_period_narrows_the_document_checks_only(defect_snapshot, checklist, tmp_path):
    full = audit(defect_snapshot, checklist)
    docs = full.findings[full.findings["check"] == "publication_timeliness"]
    dated = defect_snapshot.articles.dropna(subset=["publish_date"])
    newest = max(dated["publish_date"])
    start = newest - dt.timedelta(days=60)
    narrowed = audit(defect_snapshot, checklist, period=f"{start.isoformat()}:")
    few = narrowed.findings[narrowed.findings["check"] == "publication_timeliness"]
    assert 0 < len(few) < len(docs)
    judged = set(few["subject"])
    for url, day in zip(dated["url"], dated["publish_date"]):
        if url in judged:
            assert day >= start
    # columns are judged whole, as of the audit day
    cols = lambda a: a.findings[a.findings["check"] == "column_present"][["subject", "status"]].values.tolist()  # noqa
    assert cols(full) == cols(narrowed)
    paths = narrowed.write(tmp_path)
    assert "在期内" in json.loads(paths["score"].read_text(encoding="utf-8"))["selection"]
    assert "评判范围：评估期" in paths["report"].read_text(encoding="utf-8")
