"""Report charts draw Chinese with real glyphs (no tofu boxes), whatever fonts the reader's machine has."""
from __future__ import annotations

import base64
import re
import warnings

import pandas as pd
from matplotlib.figure import Figure

from zwgk_audit.report.charts import category_chart, data_uri, points_lost_chart

CATEGORIES = [{"title": "政府信息公开平台", "score": 75.8, "coverage": 1.0},
              {"title": "政策解读", "score": None, "coverage": 0.0}]
POINTS = pd.DataFrame({"item_id": ["B-PLAT-04", "B-TIME-01"], "title": ["设置政府信息公开年报栏目", "按时发布政策文件"],
                       "lost": [3.17, 0.0], "unmeasured": [0.0, 12.2]})


def tofu(uri: str) -> list[str]:
    """Glyph outlines in an SVG chart that are placeholders: .notdef (glyph 0) or matplotlib's LastResort font."""
    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    glyphs = set(re.findall(r'<path id="([^"]+-[0-9a-f]+)"', svg))
    assert glyphs, "no glyph outlines: text was not drawn"
    return sorted(g for g in glyphs if g.endswith("-0") or g.startswith("LastResort"))


def test_report_charts_draw_chinese_with_real_glyphs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" before drawing a box
        charts = [category_chart(CATEGORIES), points_lost_chart(POINTS)]
    for uri in charts:
        assert tofu(uri) == []


def test_the_tofu_detector_sees_a_font_without_chinese():
    fig = Figure()
    fig.subplots().set_title("政务公开", family="DejaVu Sans")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert tofu(data_uri(fig)) != []
    assert data_uri(fig, "png").startswith("data:image/png;base64,iVBOR")  # PNG signature
