"""Charts for reports, with a font that renders Chinese on a bare machine.

System CJK fonts are preferred; otherwise the Noto Sans CJK SC shipped by the
``mplfonts`` package is registered with matplotlib directly.
"""
from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Figures are built with the object API (no pyplot): no global state, so batch audits render
# from many threads at once without a lock.

SYSTEM_CJK = ["Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei"]


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Name of a font family that has Chinese glyphs, registering the bundled one if needed."""
    have = {f.name for f in font_manager.fontManager.ttflist}
    for name in SYSTEM_CJK:
        if name in have:
            return name
    try:
        import mplfonts

        font_dir = Path(mplfonts.__file__).parent / "fonts"
        for fname in ("NotoSansCJKsc-Regular.otf", "SimHei.ttf"):
            path = font_dir / fname
            if path.exists():
                font_manager.fontManager.addfont(str(path))
                return font_manager.FontProperties(fname=str(path)).get_name()
    except ImportError:
        pass
    raise RuntimeError("no font with Chinese glyphs found: install mplfonts or a Noto CJK font")


def figure(width: float, height: float, left: float = 0.1) -> Figure:
    """A figure in the CJK font with fixed margins (``left`` leaves room for long Chinese labels).

    Fixed margins instead of ``bbox_inches="tight"``: the tight box draws every chart twice.
    """
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.45 / height, bottom=0.55 / height)
    return fig


def label_margin(labels: list[str], width: float, fontsize: float = 10) -> float:
    """Share of the figure width the longest y label needs (CJK glyphs are about one em wide)."""
    longest = max((sum(1.0 if ord(ch) > 0x2e80 else 0.55 for ch in str(t)) for t in labels), default=4)
    return min(0.6, 0.04 + longest * fontsize / 72 / width)


def png_base64(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _text_props() -> dict:
    return {"family": cjk_font()}


def category_chart(categories: list[dict]) -> str:
    """Horizontal bars of category scores (base64 PNG); unmeasured categories shown as such."""
    labels = [c["title"] for c in categories]
    values = [c["score"] if c["score"] is not None else 0 for c in categories]
    fig = figure(7, 0.5 * len(labels) + 1.2, left=label_margin(labels, 7))
    ax = fig.subplots()
    colors = ["#9aa5b1" if c["score"] is None else ("#2e7d32" if c["score"] >= 80 else "#f9a825" if c["score"] >= 60 else "#c62828")
              for c in categories]
    ax.barh(labels, values, color=colors)
    for y, c in enumerate(categories):
        text = "未测" if c["score"] is None else f"{c['score']:.1f}（覆盖{(c['coverage'] or 0):.0%}）"
        ax.text(min(values[y], 100) + 1, y, text, va="center", fontsize=9, **_text_props())
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 60, 80, 100])  # the colour thresholds; fewer ticks, less text to lay out
    ax.invert_yaxis()
    cjk_axes(ax, xlabel="得分（满分100）", title="分类得分")
    return png_base64(fig)


def points_lost_chart(points) -> str:
    """Where the points went: the items that lost the most, plus what was not measured (base64 PNG)."""
    top = points[points["lost"] > 0].head(10)
    labels = [f"{r.item_id} {r.title[:14]}" for r in top.itertuples()] + ["未测量（无法核验）"]
    values = list(top["lost"]) + [float(points["unmeasured"].sum())]
    fig = figure(7, 0.45 * len(labels) + 1.2, left=label_margin(labels, 7))
    ax = fig.subplots()
    ax.barh(labels, values, color=["#c62828"] * len(top) + ["#9aa5b1"])
    for y, v in enumerate(values):
        ax.text(v + 0.2, y, f"{v:.2f}", va="center", fontsize=9)
    ax.set_xlim(0, max(values + [1]) * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.invert_yaxis()
    cjk_axes(ax, xlabel="失分（满分100）", title="失分构成")
    return png_base64(fig)


def cjk_axes(ax, xlabel: str = "", ylabel: str = "", title: str = "") -> None:
    """Titles, axis labels and tick labels in the CJK font (set per text: no global rcParams)."""
    props = _text_props()
    if title:
        ax.set_title(title, **props)
    if xlabel:
        ax.set_xlabel(xlabel, **props)
    if ylabel:
        ax.set_ylabel(ylabel, **props)
    ax.tick_params(labelfontfamily=props["family"])
