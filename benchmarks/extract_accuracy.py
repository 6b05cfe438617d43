"""Extraction accuracy: article fields read from real pages against labels written by hand.

    .venv/bin/python benchmarks/extract_accuracy.py [--misses]

The labels (tests/fixtures/article_labels/*.yaml) were read by eye from 47 real article pages: the three
portal copies in tests/fixtures/portals (SiteServer, TRS, a 开普云 site cluster) and the saved pages in
tests/fixtures/pages. For each field the script prints how many pages the extractor got right, next to a
baseline measured in the same run: the share of pages where "no value" would have been right (what an
extractor that reads nothing scores). ``--misses`` prints every wrong value beside the label.
"""
from __future__ import annotations

import argparse
import re
import sys
import tarfile
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from zwgk_audit.extract import article_metadata  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "article_labels"
PORTALS = ROOT / "tests" / "fixtures" / "portals"
PAGES = ROOT / "tests" / "fixtures" / "pages"
FIELDS = ("title", "publish_date", "document_date", "index_no", "publisher", "doc_no",
          "interpretation_links", "source_links")
BASE = "http://portal.test"


def labels() -> list[dict]:
    out = []
    for path in sorted(LABELS.glob("*.yaml")):
        out.extend({**label, "set": path.stem} for label in yaml.safe_load(path.read_text(encoding="utf-8")))
    return out


@lru_cache(maxsize=8)
def _archive(portal: str) -> dict[str, bytes]:
    with tarfile.open(PORTALS / f"{portal}.tar.xz") as tar:
        return {m.name.split("/", 1)[1]: tar.extractfile(m).read() for m in tar.getmembers()
                if m.isfile() and "/" in m.name}


def page_bytes(label: dict) -> bytes:
    if label["portal"] == "corpus":
        return (PAGES / label["path"]).read_bytes()
    return _archive(label["portal"])[label["path"].lstrip("/")]


def _norm(field: str, value):
    """Compare what a reader reads, not how it spaces it: whitespace out, no value = None."""
    if field in ("interpretation_links", "source_links"):
        return sorted(re.sub(r"^https?://[^/]+", "", str(u)) for u in (value or []))
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value))
    return text or None


def evaluate() -> list[dict]:
    """One row per (page, field): label, extracted value, right or not."""
    rows = []
    for label in labels():
        url = BASE + ("/" + label["path"] if label["portal"] == "corpus" else label["path"])
        got = article_metadata(page_bytes(label), url)
        for field in FIELDS:
            have = got.get("original_links" if field == "source_links" else field)  # the API's name for 原文 links
            want, have = _norm(field, label.get(field)), _norm(field, have)
            # the page shows no date and the value is its hidden PubDate meta, reported as such: right, counted apart
            hidden = want is None and have is not None and got["sources"].get(field) == "meta"
            rows.append({"page": f"{label['portal']}{'' if label['portal'] == 'corpus' else ':'}{label['path']}",
                         "set": label["set"], "field": field, "label": want, "got": have, "right": want == have or hidden,
                         "hidden_meta": hidden, "blank_right": want in (None, [])})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="print every wrong value beside its label")
    ap.add_argument("--sets", nargs="*", help="label files to score (A B C …; default all). C was labelled after "
                                               "the reader's rules were written: it is the held-out set")
    args = ap.parse_args()
    rows = evaluate()
    if args.sets:
        rows = [r for r in rows if r["set"] in args.sets]
    pages = len({r["page"] for r in rows})
    print(f"{pages} hand-labelled pages\n")
    print(f"{'field':22} {'right':>7} {'accuracy':>9} {'baseline':>9} {'ratio':>6}")
    for field in FIELDS:
        mine = [r for r in rows if r["field"] == field]
        right, blank = sum(r["right"] for r in mine), sum(r["blank_right"] for r in mine)
        ratio = f"{right / blank:5.2f}×" if blank else "   —"
        hidden = sum(r["hidden_meta"] for r in mine)
        note = f"  ({hidden} from hidden meta where the page shows none)" if hidden else ""
        print(f"{field:22} {right:>3}/{len(mine):<3} {100 * right / len(mine):8.1f}% {100 * blank / len(mine):8.1f}% {ratio}{note}")
    if args.misses:
        print("\nmisses")
        for r in rows:
            if not r["right"]:
                print(f"- {r['page']}  {r['field']}: got {r['got']!r}, label {r['label']!r}")


if __name__ == "__main__":
    main()
