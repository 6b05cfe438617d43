"""summary.html for a batch: distribution, ranking and category heat map, all escaped and self-contained."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from jinja2 import Environment, select_autoescape

from .charts import CHART_LOCK, _png, cjk_font, plt

TEMPLATE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>批量评估汇总</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}
table{border-collapse:collapse;width:100%;font-size:.9em}td,th{border:1px solid #ccd;padding:.3em}</style></head><body>
<h1>政务公开批量评估汇总</h1>
<p>部门 {{ ranking|length }} 个；{% for k, v in status.items() %}{{ k }} {{ v }}；{% endfor %}</p>
{% for title, png in charts %}<h2>{{ title }}</h2><img alt="{{ title }}" src="data:image/png;base64,{{ png }}">{% endfor %}
<h2>排名</h2><table><tr><th>排名</th><th>部门</th><th>地区</th><th>层级</th><th>状态</th><th>得分</th><th>覆盖率</th><th>绩效折算</th><th>不符合项目</th><th>原因</th></tr>
{% for r in ranking.itertuples() %}<tr><td>{{ r.rank }}</td><td>{{ r.agency }}</td><td>{{ r.region }}</td><td>{{ r.level }}</td><td>{{ r.status }}</td>
<td>{{ r.score }}</td><td>{{ r.coverage }}</td><td>{{ r.appraisal_points }}</td><td>{{ r.failed_items }}</td><td>{{ r.reason }}</td></tr>{% endfor %}
</table></body></html>"""


def _charts(ranking: pd.DataFrame, heat: pd.DataFrame | None) -> list[tuple[str, str]]:
    plt.rcParams["font.family"] = [cjk_font()]
    scores = pd.to_numeric(ranking["score"], errors="coerce").dropna()
    out = []
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(scores, bins=range(0, 110, 10), color="#1565c0")
    ax.set_xlabel("得分")
    ax.set_ylabel("部门数")
    ax.set_title("得分分布")
    out.append(("得分分布", _png(fig)))
    top = ranking.dropna(subset=["score"]).head(30)
    fig, ax = plt.subplots(figsize=(7, 0.3 * max(len(top), 1) + 1))
    ax.barh([str(a) for a in top["agency"]], pd.to_numeric(top["score"]), color="#2e7d32")
    ax.invert_yaxis()
    ax.set_title("排名（前30）")
    out.append(("排名", _png(fig)))
    if heat is not None and not heat.empty:
        h = heat.apply(pd.to_numeric, errors="coerce").head(30)
        fig, ax = plt.subplots(figsize=(1.2 * len(h.columns) + 2, 0.3 * len(h) + 1.5))
        im = ax.imshow(h.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
        ax.set_xticks(range(len(h.columns)), [str(c) for c in h.columns], rotation=30, ha="right")
        ax.set_yticks(range(len(h)), [str(i) for i in h.index])
        fig.colorbar(im, ax=ax)
        ax.set_title("分类得分热力图")
        out.append(("分类得分热力图", _png(fig)))
    return out


def write_summary_html(out: Path, ranking: pd.DataFrame, heat: pd.DataFrame | None) -> Path:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    with CHART_LOCK:
        charts = _charts(ranking, heat)
    html = env.from_string(TEMPLATE).render(ranking=ranking, status=ranking["status"].value_counts().to_dict(),
                                            charts=charts)
    path = Path(out) / "summary.html"
    path.write_text(html, encoding="utf-8")
    return path
