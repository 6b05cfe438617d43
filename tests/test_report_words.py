"""What an evaluator reads is in Chinese and explains itself: the demo report, the 抓取概况, notebook views."""
from __future__ import annotations

import re

from zwgk_audit import cli
from zwgk_audit.audit import audit


def _text(html: str) -> str:
    html = re.sub(r"<style.*?</style>|data:image[^\"]+", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_demo_report_names_the_sample_agency_and_explains_the_weights(tmp_path, capsys):
    assert cli.main(["demo", "--out", str(tmp_path), "--max-pages", "400"]) == 0
    text = _text((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert "评估对象：示范市应急管理局" in text
    # baseline 35 + 30 + 15 + 20 and the plan's 30: relative weights, summing to 130, scaled to 100
    assert "合计130，按比例折算为100分" in text and "政府信息公开平台 35（26.9分）" in text
    m = re.search(r"总分 = 得分 ÷（得分 \+ 失分）× 100 = ([\d.]+) ÷ \(([\d.]+) \+ ([\d.]+)\) × 100 = ([\d.]+)", text)
    assert m and abs(100 * float(m[1]) / (float(m[1]) + float(m[3])) - float(m[4])) < 0.01
    section = text[text.index("抓取概况"):]
    assert "起始网址" in section and "达到页面上限 否" in section
    for english in ("start_url", "robots_blocked", "waf_blocked", "http_errors", "truncated", " False"):
        assert english not in section, english


def test_notebook_views_have_chinese_headers(clean_snapshot, checklist):
    a = audit(clean_snapshot, checklist)
    html = a._repr_html_()
    assert "<th>分类</th>" in html and "<th>覆盖率</th>" in html and "<th>检查项</th>" in html
    assert "item_title" not in html and "failed_items" not in html
    score_html = a.score._repr_html_()
    assert "<th>失分</th>" in score_html and "加权计分" in score_html and "<th>lost</th>" not in score_html
