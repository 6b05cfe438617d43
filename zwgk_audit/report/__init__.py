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
        by_category=[(c, findings[findings["category"] == c.id]) for c in audit.checklist.categories],
        snapshot_summary=audit.snapshot.summary(),
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
