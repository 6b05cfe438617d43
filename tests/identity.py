"""Results identity (issue 19): an audit's findings and score, held to a golden file taken from the code before
any optimisation (tests/fixtures/results_identity/, the pre-optimisation baseline).

What legitimately varies between runs is normalised away: loopback ports in URLs, fetch timestamps, WARC record
ids. Regenerate a golden file only on purpose: ``ZWGK_UPDATE_GOLDEN=1 pytest ...`` — and say why in the commit.
"""
from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "results_identity"
FIELDS = ("item_id", "subject", "status", "measured", "message")

_PORT = re.compile(r"(?P<host>(?:127\.0\.0\.1|localhost|\[::1\])):\d+")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_UUID = re.compile(r"urn:uuid:[0-9a-fA-F-]{36}|\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")


def normalise(value) -> str:
    """A cell as stable text: ports, timestamps and record ids replaced by placeholders."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, float):
        text = repr(round(value, 9))
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        except (TypeError, ValueError):
            text = str(value)
    text = _PORT.sub(r"\g<host>:PORT", text)
    text = _STAMP.sub("TIMESTAMP", text)
    return _UUID.sub("UUID", text)


def results(a) -> dict:
    """The audit's findings (item_id, subject, status, measured, message; sorted) and score, normalised."""
    f = a.findings
    rows = sorted([normalise(v) for v in row] for row in zip(*(f[c].tolist() for c in FIELDS)))
    s = a.score.score
    return {"score": None if s is None else round(float(s), 6), "findings": [dict(zip(FIELDS, r)) for r in rows]}


def assert_identical(a, key: str) -> None:
    got = results(a)
    path = GOLDEN / f"{key}.json"
    if os.environ.get("ZWGK_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}: generate it from the baseline code with ZWGK_UPDATE_GOLDEN=1"
    want = json.loads(path.read_text(encoding="utf-8"))
    assert got["score"] == want["score"], (key, got["score"], want["score"])
    missing = [r for r in want["findings"] if r not in got["findings"]]
    extra = [r for r in got["findings"] if r not in want["findings"]]
    assert not missing and not extra, (key, {"missing": missing[:5], "extra": extra[:5]})
    assert got["findings"] == want["findings"], key  # same rows, same multiplicity
