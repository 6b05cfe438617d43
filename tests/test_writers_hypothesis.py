"""Every output writer survives odd values in every field of every finding (property-based, hypothesis).

tests/test_site_model.py puts one fixed odd value in every field; here hypothesis draws a different odd value for
each field of each finding — None, NaN, ±inf, numbers, bools, bytes, lists, dicts, pandas.NA/NaT, timestamps, dates,
control characters, lone surrogates, formula-leading text, markup, very long text, Chinese — and every writer
(findings.csv, score.json, report.html, 整改清单 xlsx/csv/md, batch ranking) must still write its file, keep every
failing item in the 整改清单, neutralise formulas and escape markup.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import os
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from zwgk_audit import rectify
from zwgk_audit.audit import FINDING_COLUMNS, audit
from zwgk_audit.checks import STATUSES, Finding

from .conftest import AS_OF, crawl_portal

SCALE = float(os.environ.get("ZWGK_WRITERS_SCALE", "1"))  # e.g. 10 for a long local hunt; CI runs the default
# A failing example costs up to a second here (a whole audit written). Hypothesis' explain phase then re-ran
# hundreds of them — over 4 minutes for one failing batch-ranking example, and past pytest's 180 s timeout for
# the writers — so it is off, and one bug is shrunk at a time.
SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
            report_multiple_bugs=False)
SETTINGS = settings(max_examples=int(30 * SCALE), **SLOW)


class BadStr:
    """A value whose ``str()`` raises: it must not lose the report either."""

    def __str__(self):
        raise RuntimeError("no text")

    __repr__ = __str__


MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</td></tr></table><script>x</script>",
          "javascript:alert(1)", "{{ 7*7 }}", "{% raw %}", "&lt;script&gt;"]
FORMULAS = ["=1+1", "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"]
CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\ufffe", "\uffff", "\ud800", "\udfff",
           "\u202e", "\ufeff", "\r\n", "\n"]

short_text = st.text(max_size=50)
chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=20)
any_codepoint = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=20)
tricky_text = st.one_of(
    st.just(""),
    short_text,
    chinese,
    any_codepoint,  # includes lone surrogates and every control character
    st.sampled_from(MARKUP),
    st.sampled_from(FORMULAS),
    st.builds(lambda a, b: a + b, st.sampled_from(FORMULAS + MARKUP), short_text),
    st.builds(lambda c, a, b: a + c + b, st.sampled_from(CONTROL), short_text, short_text),
    st.builds(lambda c, f: c + f, st.sampled_from(CONTROL), st.sampled_from(FORMULAS)),  # "\x00=1": strip, then =1
    st.builds(lambda s, n: (s or "长") * n, st.text(min_size=1, max_size=3), st.integers(5_000, 40_000)),
)
scalars = st.one_of(
    st.none(), st.just(float("nan")), st.just(float("inf")), st.just(float("-inf")), st.just(np.nan),
    st.just(pd.NA), st.just(pd.NaT), st.integers(), st.integers(-(10**30), -1), st.floats(allow_nan=True),
    st.booleans(), st.just(np.int64(-3)), st.just(np.float64("nan")), st.just(np.bool_(True)),
    st.just(decimal.Decimal("NaN")), st.just(decimal.Decimal("-1.5")),
    st.binary(max_size=20), st.builds(lambda s: s.encode("utf-8", "surrogatepass"), tricky_text),
    st.just(pd.Timestamp("2024-01-01 12:00", tz="Asia/Shanghai")), st.just(dt.date(2024, 2, 29)),
    st.just(dt.datetime(1900, 1, 1)), st.just(BadStr()),
    tricky_text,
)
odd = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(short_text, scalars, max_size=3),
                st.just(()), st.just(np.array([1, 2])), st.just({1, 2}))
status = st.one_of(st.sampled_from(STATUSES), st.just("fail"), st.just("fail"), odd)  # fail often, odd sometimes

TEXT_FIELDS = [c for c in FINDING_COLUMNS if c not in ("item_id", "status")]


@pytest.fixture(scope="module")
def base_audit(clean_portal, tmp_path_factory, checklist):
    snap, _url = crawl_portal(clean_portal, tmp_path_factory.mktemp("hypo"))
    return audit(snap, checklist, as_of=AS_OF)


@st.composite
def findings_frames(draw, item_ids: list[str]):
    """Findings on distinct checklist items (so one failing finding = one 整改清单 row), every other field odd,
    plus a few findings whose item_id itself is odd."""
    ids = draw(st.lists(st.sampled_from(item_ids), min_size=1, max_size=8, unique=True))
    rows = [{"item_id": i, "status": draw(status), **{f: draw(odd) for f in TEXT_FIELDS}} for i in ids]
    rows += [{"item_id": draw(odd), "status": draw(status), **{f: draw(odd) for f in TEXT_FIELDS}}
             for _ in range(draw(st.integers(0, 2)))]
    order = draw(st.permutations(range(len(rows))))
    return pd.DataFrame([rows[k] for k in order], columns=FINDING_COLUMNS)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed") or (tag == "img" and dict(attrs).get("src", "").startswith("x")):
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on") or (k == "href" and (v or "").strip().lower().startswith("javascript:")):
                self.bad.append(f"{tag} {k}={v}")


def _assert_inert_csv(frame: pd.DataFrame) -> None:
    """No cell starts like a formula, except a number (a negative score is data, not a formula)."""
    def number(cell: str) -> bool:
        try:
            return math.isfinite(float(cell))
        except ValueError:
            return False

    for col in frame.columns:
        for cell in frame[col]:
            assert not cell.startswith(rectify.FORMULA_START) or number(cell), (col, cell)


def _strict_json(text: str):
    def no_constant(name):
        raise ValueError(f"score.json holds {name}: not JSON")

    return json.loads(text, parse_constant=no_constant)


def _assert_inert_workbook(path, header_row: int = 1) -> list[list]:
    """Every cell of every sheet inert and storable; the first sheet's table (header row, then its rows) returned.
    The 整改清单 has its header under a title block (``rectify.HEADER_ROW``), where its numbered rows follow."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    summary = None
    for ws in wb.worksheets:
        rows = [[c for c in r] for r in ws.iter_rows()]
        for row in rows:
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(rectify.FORMULA_START), (ws.title, cell.coordinate, cell.value)
                    assert len(cell.value) <= rectify.XLSX_CELL_MAX, (ws.title, cell.coordinate, len(cell.value))
                elif isinstance(cell.value, float):
                    assert math.isfinite(cell.value), (ws.title, cell.coordinate, cell.value)
        if summary is None:
            table = [[c.value for c in r] for r in rows[header_row - 1:]]
            summary = table[:1] + [r for r in table[1:] if header_row == 1 or isinstance(r[0], int)]
    return summary


@SETTINGS
@given(data=st.data())
def test_every_writer_survives_odd_values_in_every_field(base_audit, tmp_path_factory, data):
    a = base_audit
    item_ids = [i.id for i in a.checklist.items]
    frame = data.draw(findings_frames(item_ids), label="findings")
    fails = {i for i, s in zip(frame["item_id"], frame["status"]) if isinstance(s, str) and s == "fail"
             and isinstance(i, str) and i in item_ids}
    original, original_score = a.findings, a.score
    a.findings = frame
    a.__dict__.pop("_rectification", None)
    out = tmp_path_factory.mktemp("w")
    try:
        a.score = a.rescore()  # score.json, the charts and the report read the score of these findings
        paths = a.write(out)
        rows = a.rectification()
    finally:
        a.findings, a.score = original, original_score
        a.__dict__.pop("_rectification", None)

    for key in ("findings", "score", "quality", "rectification", "report"):
        assert paths[key].stat().st_size > 0, key

    # findings.csv: every finding, every cell inert
    written = pd.read_csv(paths["findings"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(written) == len(frame)
    _assert_inert_csv(written)

    # score.json: strict JSON
    score = _strict_json(paths["score"].read_text(encoding="utf-8"))
    assert {i["item_id"] for i in score["failed"]} == fails

    # 整改清单: one row per failing item — but one defect once: an item whose every failure another failing item of
    # the same check also found on the same subject is cited in that item's row instead — its problem text kept,
    # in every format
    def text_of(item_id, field):
        return rectify.plain_text(frame.loc[frame["item_id"].map(lambda v: v == item_id if isinstance(v, str)
                                                                 else False), field].iloc[0])

    shown = set(rows["item_id"])
    assert shown <= fails and len(rows) == len(shown)
    for gone in fails - shown:
        twin = [i for i in shown if a.checklist.item(i).check == a.checklist.item(gone).check != "manual"
                and text_of(i, "subject") == text_of(gone, "subject") != ""]
        assert twin and any(gone in c for c in rows["检查项"]), gone
    for item_id, problem in zip(rows["item_id"], rows["问题"]):
        message = text_of(item_id, "message")
        assert problem == (message or f"{a.checklist.item(item_id).title}不符合要求"), item_id
    rect = pd.DataFrame(_assert_inert_workbook(paths["rectification"], rectify.HEADER_ROW)[1:])
    assert len(rect) == len(shown)
    csv_rows = pd.read_csv(out / "rectification.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(csv_rows) == len(shown)
    assert set(csv_rows["item_id"]) == shown
    _assert_inert_csv(csv_rows)
    md = (out / "rectification.md").read_text(encoding="utf-8")
    assert md.count("待整改") == len(shown)
    assert paths["notice"].stat().st_size > 0  # the 整改通知 too

    # report.html: written, the 整改清单 in it, nothing from the data became markup
    html = paths["report"].read_text(encoding="utf-8")
    assert html.count("待整改") == len(shown)
    assert "<script" not in html.lower()
    parser = _Tags()
    parser.feed(html)
    assert parser.bad == []


@settings(max_examples=int(200 * SCALE), deadline=None)
@given(subject=odd, measured=odd, expected=odd, evidence_url=odd, warc_record_id=odd, fetched_at=odd,
       message=odd, status=st.sampled_from(STATUSES))
def test_finding_keeps_every_text_field_text(subject, measured, expected, evidence_url, warc_record_id,
                                             fetched_at, message, status):
    """A check handing odd values to Finding gets text fields back (or a clear error for an unverified one)."""
    fields = dict(subject=subject, measured=measured, expected=expected, evidence_url=evidence_url,
                  warc_record_id=warc_record_id, fetched_at=fetched_at, message=message)
    try:
        f = Finding(status=status, **fields)
    except ValueError as exc:
        assert status == "unverified" and "must say why" in str(exc)
        return
    for name in fields:
        assert isinstance(getattr(f, name), str), name
    assert f.message or status != "unverified"


@settings(max_examples=int(300 * SCALE), deadline=None)
@given(value=odd)
def test_plain_text_is_always_encodable_text(value):
    text = rectify.plain_text(value)
    assert isinstance(text, str)
    text.encode("utf-8")  # no lone surrogate reaches a file


@settings(max_examples=int(100 * SCALE), **SLOW)
@given(value=odd)
def test_every_spreadsheet_cell_is_inert_and_storable(value, tmp_path_factory):
    df = pd.DataFrame({"序号": [1], "问题": [value], "责任单位": [value], "item_id": ["X"]})
    path = tmp_path_factory.mktemp("x") / "r.xlsx"
    rectify.to_excel(df, path)
    _assert_inert_workbook(path)


# batch ranking: it reads no findings but each agency's result.json, so odd values there are what JSON holds
json_scalar = st.one_of(st.none(), st.just(float("nan")), st.just(float("inf")), st.just(float("-inf")),
                        st.integers(-(10**20), 10**20), st.floats(allow_nan=True), st.booleans(), tricky_text)
json_odd = st.one_of(json_scalar, st.lists(json_scalar, max_size=3), st.dictionaries(short_text, json_scalar, max_size=3))
RESULT_FIELDS = ["agency", "region", "level", "reason", "score", "coverage", "appraisal_points", "failed_items",
                 "complete", "incomplete_reasons", "pages", "slug"]


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font:UserWarning")  # odd code points in a chart label
@settings(max_examples=int(12 * SCALE), **SLOW)
@given(results=st.lists(st.fixed_dictionaries(
    {"status": st.sampled_from(["ok", "partial", "unreachable", "error"]), "categories": json_odd,
     **{f: json_odd for f in RESULT_FIELDS}}), min_size=1, max_size=4))
def test_batch_ranking_survives_odd_values_in_every_result(results, tmp_path_factory):
    from zwgk_audit.batch import AgencyRow, write_summary

    out = tmp_path_factory.mktemp("batch")
    rows = []
    for n, rec in enumerate(results):
        url = f"http://agency{n}.test/"
        rows.append(AgencyRow(n + 2, f"部门{n}", url))
        folder = out / "agencies" / f"a{n}"
        folder.mkdir(parents=True)
        (folder / "result.json").write_text(json.dumps({**rec, "url": url}), encoding="utf-8")  # \ud800 → "\\ud800"
    summary = write_summary(out, rows)
    assert summary["finished"] == len(results)
    ranking = pd.read_csv(out / "ranking.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(ranking) == len(results)
    _assert_inert_csv(ranking)
    assert len(_assert_inert_workbook(out / "ranking.xlsx")) == len(results) + 1
    parser = _Tags()
    parser.feed((out / "summary.html").read_text(encoding="utf-8"))
    assert parser.bad == []


json_tree = st.recursive(json_scalar, lambda kids: st.one_of(
    st.lists(kids, max_size=3), st.dictionaries(st.one_of(short_text, st.integers(-3, 3)), kids, max_size=3)),
    max_leaves=12)


@settings(max_examples=int(200 * SCALE), deadline=None)
@given(fields=st.lists(st.tuples(short_text, json_tree), min_size=1, max_size=5), again=st.booleans())
def test_checklist_yaml_field_by_field_is_the_whole_dump(fields, again):
    """checklist.yaml is written field by field from a per-process cache: the text must be safe_dump's, byte for
    byte, whatever the values (and on a second write, from the cache)."""
    import yaml

    from zwgk_audit.checklist import dump_mapping

    data = dict(fields)
    whole = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert dump_mapping(data) == whole
    if again:
        assert dump_mapping(data) == whole


@settings(max_examples=int(200 * SCALE), deadline=None)
@given(cells=st.lists(st.one_of(st.none(), tricky_text), max_size=8))
def test_text_columns_cleaned_without_a_call_per_cell_are_cleaned_the_same(cells):
    """clean_findings and the CSV writers skip the per-cell Python call on a text column: the result (values and
    dtype) must be what the per-cell map gave."""
    from pandas.testing import assert_frame_equal, assert_series_equal

    column = pd.Series(cells, dtype=object)
    try:
        column = column.astype("str")  # pandas' default text column (lone surrogates stay object)
    except Exception:
        pass
    assert_series_equal(rectify.plain_column(column), column.map(rectify.plain_text))
    frame = pd.DataFrame({"text": column, "n": range(len(column))})
    slow = frame.copy()
    slow["text"] = slow["text"].map(lambda v: v if rectify._number(v) else rectify.neutralise(rectify.plain_text(v))
                                    ).astype(object)
    assert_frame_equal(rectify.neutralise_frame(frame), slow)
