"""Results identity (issue 19): the golden files exist for every dialect and real portal copy, and the
normalisation removes only what varies between runs. The comparisons themselves run where the crawls already
are (test_dialects.py, test_real_portals.py), so nothing is crawled twice."""
from __future__ import annotations

from zwgk_audit.sample.dialects import DIALECTS

from .identity import GOLDEN, normalise

REAL = ("daozhen-hrss", "pingdingshan-edu", "sichuan-edu")


def test_a_golden_file_for_every_dialect_and_real_portal():
    want = {f"dialect-{d}-{w}" for d in DIALECTS for w in ("clean", "demo")} | {f"real-{n}" for n in REAL}
    have = {p.stem for p in GOLDEN.glob("*.json")}
    assert want <= have, sorted(want - have)


def test_normalisation_removes_ports_stamps_and_record_ids_only():
    assert normalise("http://127.0.0.1:43817/a/b.html") == "http://127.0.0.1:PORT/a/b.html"
    assert normalise("http://[::1]:8080/x") == "http://[::1]:PORT/x"
    assert normalise("抓取于 2026-11-23T16:49:02.123456+00:00") == "抓取于 TIMESTAMP"
    assert normalise("<urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e>") == "<UUID>"
    assert normalise("发布于 2026-06-30，超过 20 个工作日") == "发布于 2026-06-30，超过 20 个工作日"  # dates stay
    assert normalise({"b": 2, "a": [1, "http://localhost:9/x"]}) == '{"a": [1, "http://localhost:PORT/x"], "b": 2}'
    assert normalise(float("nan")) == "" and normalise(None) == ""
