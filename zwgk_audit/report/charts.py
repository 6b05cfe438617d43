"""Charts for reports, with a font that renders Chinese on a bare machine.

System CJK fonts are preferred; otherwise the Noto Sans CJK SC shipped by the
``mplfonts`` package is registered with matplotlib directly.
"""
from __future__ import annotations

import base64
import functools
import threading
import io
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

# pyplot keeps global state: batch audits render from many threads, so one chart at a time
CHART_LOCK = threading.RLock()

def _one_at_a_time(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with CHART_LOCK:
            return fn(*args, **kwargs)
    return wrapper


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


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


@_one_at_a_time
def category_chart(categories: list[dict]) -> str:
    """Horizontal bars of category scores (base64 PNG); unmeasured categories shown as such."""
    font = cjk_font()
    plt.rcParams["font.family"] = [font]
    plt.rcParams["axes.unicode_minus"] = False
    labels = [c["title"] for c in categories]
    values = [c["score"] if c["score"] is not None else 0 for c in categories]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(labels) + 1.2))
    colors = ["#9aa5b1" if c["score"] is None else ("#2e7d32" if c["score"] >= 80 else "#f9a825" if c["score"] >= 60 else "#c62828")
              for c in categories]
    ax.barh(labels, values, color=colors)
    for y, c in enumerate(categories):
        text = "未测" if c["score"] is None else f"{c['score']:.1f}（覆盖{(c['coverage'] or 0):.0%}）"
        ax.text(min(values[y], 100) + 1, y, text, va="center", fontsize=9)
    ax.set_xlim(0, 125)
    ax.invert_yaxis()
    ax.set_xlabel("得分（满分100）")
    ax.set_title("分类得分")
    return _png(fig)


@_one_at_a_time
def status_chart(counts: dict[str, int]) -> str:
    """Bar chart of finding counts by status label (base64 PNG)."""
    font = cjk_font()
    plt.rcParams["font.family"] = [font]
    fig, ax = plt.subplots(figsize=(5, 2.6))
    labels = list(counts)
    ax.bar(labels, [counts[k] for k in labels], color=["#2e7d32", "#c62828", "#9aa5b1", "#f9a825"][: len(labels)])
    ax.set_title("检查结果分布")
    ax.set_ylabel("条数")
    return _png(fig)


@_one_at_a_time
def points_lost_chart(points) -> str:
    """Where the points went: the items that lost the most, plus what was not measured (base64 PNG)."""
    font = cjk_font()
    plt.rcParams["font.family"] = [font]
    top = points[points["lost"] > 0].head(10)
    labels = [f"{r.item_id} {r.title[:14]}" for r in top.itertuples()] + ["未测量（无法核验）"]
    values = list(top["lost"]) + [float(points["unmeasured"].sum())]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(labels) + 1.2))
    ax.barh(labels, values, color=["#c62828"] * len(top) + ["#9aa5b1"])
    for y, v in enumerate(values):
        ax.text(v + 0.2, y, f"{v:.2f}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("失分（满分100）")
    ax.set_title("失分构成")
    return _png(fig)

