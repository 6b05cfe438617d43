"""HTML reports (Jinja2, autoescaped: nothing scraped is trusted) with matplotlib charts."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape
from jinja2 import Environment, PackageLoader, select_autoescape

from ..checks import STATUS_LABELS
from ..rectify import _display, clean_findings
from ..scoring import VETO_CAP
from .charts import category_chart, cjk_font, points_lost_chart

__all__ = ["render_html", "cjk_font"]


def _nl2br(value) -> Markup:
    """Escape first, then keep line breaks: scraped text never becomes markup."""
    return Markup("<br>").join(escape(str(value)).split("\n"))


@lru_cache(maxsize=1)
def _env() -> Environment:
    """One environment per process: it caches the compiled template, and rendering is thread-safe."""
    env = Environment(loader=PackageLoader("zwgk_audit", "report/templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["nl2br"] = _nl2br
    return env


SUMMARY_LABELS = {"start_url": "起始网址", "pages": "抓取页面数", "ok": "正常返回", "errors": "请求失败",
                  "http_errors": "HTTP错误（4xx/5xx）", "robots_blocked": "robots.txt禁止", "waf_blocked": "防护（WAF/验证）拦截",
                  "columns": "识别栏目数", "articles": "读取文件数", "truncated": "达到页面上限"}
TABLE_LABELS = {"pages": "页面", "articles": "文件", "entries": "列表条目", "columns": "栏目", "links": "链接",
                "messages": "留言", "guides": "办事指南"}


def crawl_summary(snapshot) -> list[tuple[str, object]]:
    """抓取概况 in the report's words: Chinese labels, 是/否 for yes/no."""
    return [(SUMMARY_LABELS.get(k, k), ("是" if v else "否") if isinstance(v, bool) else v)
            for k, v in snapshot.summary().items()]


def weights_explained(score, checklist) -> str:
    """How the score follows from the weights: category weights are relative (their sum need not be 100), each
    applicable item's share of 100 points, and 总分 = 得分 ÷ (得分 + 失分) × 100."""
    if score.scheme != "weighted":
        return ""
    cats = [c for c in score.categories if c.get("items")]
    total = sum(c["weight"] for c in cats) or 1
    shares = "、".join(f"{c['title']} {c['weight']:g}（{100 * c['weight'] / total:.1f}分）" for c in cats)
    earned = sum(i.earned for i in score.items)
    lost = sum(i.lost for i in score.items)
    unmeasured = sum(i.unmeasured for i in score.items)
    head = (f"分类权重为相对值：{shares}，合计{total:g}，按比例折算为100分（不适用的分类不参与折算）；"
            "分类内各项目再按项目权重分配该分类的分数。")
    if earned + lost <= 0:
        return head + "本次评估没有可判定的项目，未计总分。"
    return head + (f"总分 = 得分 ÷（得分 + 失分）× 100 = {earned:.2f} ÷ ({earned:.2f} + {lost:.2f}) × 100 = "
                   f"{100 * earned / (earned + lost):.2f}；未测量的{unmeasured:.2f}分不计入总分，只降低覆盖率"
                   f"（覆盖率 = (得分 + 失分) ÷ 100 = {(earned + lost) / 100:.0%}）"
                   + ("；单项否决项不符合时总分封顶59分。" if score.vetoed else "。"))


def template():
    """The compiled report template (compiled once per process)."""
    return _env().get_template("report.html")


def render_html(audit) -> str:
    points = audit.score.points_lost()
    findings = clean_findings(audit.findings)
    counts = {STATUS_LABELS[s]: int((findings["status"] == s).sum()) for s in STATUS_LABELS}
    return template().render(
        checklist=audit.checklist, snapshot=audit.snapshot, score=audit.score, findings=findings,
        rectification=_display(audit.rectification()), as_of=audit.as_of, quality=audit.quality, labels=STATUS_LABELS, veto_cap=f"{VETO_CAP:g}",
        category_chart=category_chart(audit.score.categories), status_counts=counts,
        points=points, points_chart=points_lost_chart(points),
        by_category=_by_category(findings, audit.checklist.categories),
        snapshot_summary=crawl_summary(audit.snapshot), table_labels=TABLE_LABELS,
        weights_note=weights_explained(audit.score, audit.checklist),
        category_titles={c.id: c.title for c in audit.checklist.categories},
        unauditable=getattr(audit, "unauditable", None),
        incomplete=getattr(audit, "incomplete", []), unjudged=getattr(audit, "unjudged", []),
        reposts=getattr(audit, "reposts", []), agency=getattr(audit, "agency", None),
        selection=audit.selection.describe(audit.snapshot.articles) if getattr(audit, "selection", None) else "",
        site_columns=_site_columns(audit.snapshot), column_map=audit.snapshot.column_map,
        unclassified=[p for p, k in zip(audit.snapshot.columns["path"], audit.snapshot.columns["class"])
                      if not isinstance(k, str)],
        warc_name=Path(audit.snapshot.warc_path).name if audit.snapshot.warc_path else "无",
        reviews=getattr(audit, "reviews", []),
        evidence_note=audit.evidence.describe() if getattr(audit, "evidence", None) is not None else "",
    )


def _by_category(findings, categories) -> list[tuple]:
    """Each category with its findings as rows (in order), read from the frame once: the template's loop over a
    frame per category read every column per category."""
    rows: dict[str, list] = {}
    for f in findings.itertuples(index=False):
        rows.setdefault(f.category, []).append(f)
    return [(c, rows.get(c.id, [])) for c in categories]


def _site_columns(snapshot) -> list[dict]:
    """The column table as plain text rows (NaN-free) for the template."""
    from ..rectify import plain_text

    cols = snapshot.columns
    fields = ["path", "class_name", "class_rule", "item_count", "newest_date", "provenance"]
    return [{f: plain_text(v) for f, v in zip(fields, row)} for row in cols[fields].itertuples(index=False)]


def write_html(audit, path: str | Path) -> Path:
    p = Path(path)
    p.write_text(render_html(audit), encoding="utf-8")
    return p
