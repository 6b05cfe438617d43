"""summary.html for a batch: distribution, ranking and category heat map, all escaped and self-contained."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from jinja2 import Environment, select_autoescape

from .charts import chart_label, cjk_axes, data_uri, figure, label_margin

TEMPLATE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>批量评估汇总</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}
table{border-collapse:collapse;width:100%;font-size:.9em}td,th{border:1px solid #ccd;padding:.3em}</style></head><body>
<h1>政务公开批量评估汇总</h1>
<p>部门 {{ rows|length }} 个{% for k, v in status.items() %}；{{ k }} {{ v }} 个{% endfor %}。</p>
<p style="color:#555;font-size:.9em">状态：已评估 — 网站已读取，测量覆盖率不低于50%；部分评估 — 已读取，但不到一半权重得到测量；
无法评估 — 首页无法访问（域名无法解析、连接被拒绝、超时、返回HTTP错误或被拦截），没有判断任何检查项；出错 — 评估程序出错。
只有评估完整的部门参与排名；评估不完整、无法评估和出错的部门依次列在其后，并写明原因。“—”表示没有测得。</p>
{% for title, uri in charts %}<h2>{{ title }}</h2><img alt="{{ title }}" src="{{ uri }}">{% endfor %}
<h2>排名</h2><table><tr><th>排名</th><th>部门</th><th>地区</th><th>层级</th><th>状态</th><th>评估完整性</th><th>得分</th><th>覆盖率</th><th>绩效折算</th><th>不符合项目</th><th>原因</th></tr>
{% for r in rows %}<tr><td>{{ r.rank }}</td><td>{{ r.agency }}</td><td>{{ r.region }}</td><td>{{ r.level }}</td><td>{{ r.status }}</td><td>{{ r.completeness }}</td>
<td>{{ r.score }}</td><td>{{ r.coverage }}</td><td>{{ r.appraisal_points }}</td><td>{{ r.failed_items }}</td><td>{{ r.reason }}</td></tr>{% endfor %}
</table></body></html>"""


def _charts(ranking: pd.DataFrame, heat: pd.DataFrame | None) -> list[tuple[str, str]]:
    scores = pd.to_numeric(ranking["score"], errors="coerce").dropna()
    out = []
    fig = figure(6, 3)
    ax = fig.subplots()
    ax.hist(scores, bins=range(0, 110, 10), color="#1565c0")
    cjk_axes(ax, xlabel="得分", ylabel="部门数", title="得分分布")
    out.append(("得分分布", data_uri(fig, "png")))
    top = ranking.dropna(subset=["score"]).head(30)
    names = [chart_label(a) for a in top["agency"]]
    fig = figure(7, 0.3 * max(len(top), 1) + 1.2, left=label_margin(names, 7, fontsize=9))
    ax = fig.subplots()
    ax.barh(names, pd.to_numeric(top["score"]), color="#2e7d32")
    ax.invert_yaxis()
    cjk_axes(ax, title="排名（前30）")
    out.append(("排名", data_uri(fig, "png")))
    if heat is not None and not heat.empty:
        h = heat.apply(pd.to_numeric, errors="coerce").head(30)
        names = [chart_label(i) for i in h.index]
        fig = figure(1.2 * len(h.columns) + 2 + 2, 0.3 * len(h) + 2.2, left=label_margin(names, 1.2 * len(h.columns) + 4))
        fig.subplots_adjust(bottom=1.3 / (0.3 * len(h) + 2.2), right=0.9)
        ax = fig.subplots()
        im = ax.imshow(h.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
        ax.set_xticks(range(len(h.columns)), [chart_label(c) for c in h.columns], rotation=30, ha="right")
        ax.set_yticks(range(len(h)), names)
        fig.colorbar(im, ax=ax)
        cjk_axes(ax, title="分类得分热力图")
        out.append(("分类得分热力图", data_uri(fig, "png")))
    return out


def _number(value, fmt: str) -> str:
    """A number as shown, "—" when there is none (None, NaN, text)."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return "—"
    return "—" if f != f or f in (float("inf"), float("-inf")) else fmt.format(f)


def _display_rows(ranking: pd.DataFrame) -> list[dict]:
    """The ranking as text cells: numbers formatted, a missing one "—", never None / nan."""
    from ..rectify import plain_text

    rows = []
    for r in ranking.to_dict("records"):
        rows.append({
            **{k: plain_text(r.get(k)) for k in ("rank", "agency", "region", "level", "status", "completeness",
                                                 "reason")},
            "score": _number(r.get("score"), "{:.1f}"), "coverage": _number(r.get("coverage"), "{:.0%}"),
            "appraisal_points": _number(r.get("appraisal_points"), "{:.2f}"),
            "failed_items": _number(r.get("failed_items"), "{:.0f}"),
        })
    return rows


def write_summary_html(out: Path, ranking: pd.DataFrame, heat: pd.DataFrame | None) -> Path:
    from ..rectify import plain_text

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    charts = _charts(ranking, heat)
    order = ["已评估", "部分评估", "无法评估", "出错"]
    counts = {plain_text(k): v for k, v in ranking["status"].value_counts().to_dict().items()}
    status = dict(sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
    html = env.from_string(TEMPLATE).render(rows=_display_rows(ranking), status=status, charts=charts)
    path = Path(out) / "summary.html"
    path.write_text(html, encoding="utf-8")
    return path
