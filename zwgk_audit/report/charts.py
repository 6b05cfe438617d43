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


LABEL_MAX = 40  # characters of a label a chart shows (a 30,000-character name took seconds to lay out)


def chart_label(text, limit: int = LABEL_MAX) -> str:
    """Any value as a chart label: plain text, shortened, ``$`` escaped (matplotlib reads ``$…$`` as mathtext:
    an agency named ``$\\frac{$`` raised a ParseSyntaxException and lost the whole summary)."""
    from ..rectify import plain_text

    s = " ".join(plain_text(text).split())
    if len(s) > limit:
        s = s[:limit - 1] + "…"
    return s.replace("$", r"\$")


def label_margin(labels: list[str], width: float, fontsize: float = 10) -> float:
    """Share of the figure width the longest y label needs (CJK glyphs are about one em wide)."""
    longest = max((sum(1.0 if ord(ch) > 0x2e80 else 0.55 for ch in str(t)) for t in labels), default=4)
    return min(0.6, 0.04 + longest * fontsize / 72 / width)


def data_uri(fig: Figure, fmt: str = "svg") -> str:
    """The figure as a ``data:`` URI for a self-contained page.

    SVG (the default) keeps glyphs as outlines, so Chinese renders without any font on the reader's machine
    and prints sharp; it also costs about half of a PNG to make. PNG suits raster content (heat maps).
    """
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})
        return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    fig.savefig(buf, format="png", dpi=110)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _text_props() -> dict:
    return {"family": cjk_font()}


def bar_chart(title: str, xlabel: str, labels: list[str], values: list[float], colors: list[str],
              notes: list[str], xmax: float) -> str:
    """Labelled horizontal bars, each with its value written beside it (so no axis ticks to lay out)."""
    labels = [chart_label(t) for t in labels]
    fig = figure(7, 0.5 * len(labels) + 1.2, left=label_margin(labels, 7))
    ax = fig.subplots()
    ax.barh(range(len(labels)), values, color=colors)
    props = _text_props()
    at_left = ax.get_yaxis_transform()  # x in axes units, y in bar units
    for y, (label, value, note) in enumerate(zip(labels, values, notes)):
        ax.text(-0.01, y, label, transform=at_left, ha="right", va="center", fontsize=10, **props)
        ax.text(min(value, xmax) + xmax * 0.01, y, note, va="center", fontsize=9, **props)
    ax.set_xlim(0, xmax)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first label on top
    ax.set_xticks([])
    ax.set_yticks([])
    cjk_axes(ax, xlabel=xlabel, title=title)
    return data_uri(fig)


def category_chart(categories: list[dict]) -> str:
    """Category scores (SVG data URI); unmeasured categories shown as such."""
    colors = ["#9aa5b1" if c["score"] is None else ("#2e7d32" if c["score"] >= 80 else "#f9a825" if c["score"] >= 60 else "#c62828")
              for c in categories]
    notes = ["未测" if c["score"] is None else f"{c['score']:.1f}（覆盖{(c['coverage'] or 0):.0%}）" for c in categories]
    return bar_chart("分类得分", "得分（满分100）", [c["title"] for c in categories],
                     [c["score"] if c["score"] is not None else 0 for c in categories], colors, notes, 125)


def points_lost_chart(points) -> str:
    """Where the points went: the items that lost the most, plus what was not measured (SVG data URI)."""
    top = points[points["lost"] > 0].head(10)
    labels = [f"{r.item_id} {r.title[:14]}" for r in top.itertuples()] + ["未测量（无法核验）"]
    values = list(top["lost"]) + [float(points["unmeasured"].sum())]
    return bar_chart("失分构成", "失分（满分100）", labels, values, ["#c62828"] * len(top) + ["#9aa5b1"],
                     [f"{v:.2f}" for v in values], max(values + [1]) * 1.15)


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
