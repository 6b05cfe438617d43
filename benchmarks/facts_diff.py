"""Page facts before/after an extraction change: every field of every page, not just the findings.

    .venv/bin/python benchmarks/facts_diff.py --save /tmp/facts-before.json   # with the old code
    .venv/bin/python benchmarks/facts_diff.py --against /tmp/facts-before.json  # with the new code

Pages: the real pages in tests/fixtures/pages, every HTML page of the three real portal copies
(tests/fixtures/portals/*.tar.xz) and the sample portal in each dialect (with every defect planted once).
The results-identity tests hold the findings; this holds what extraction reads, page by page, so a rewrite
of the reader (issue 19) shows the first page and field it changes. Prints CPU ms/page of ``extract``.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zwgk_audit.crawl.encoding import decode_html  # noqa: E402
from zwgk_audit.extract.page import extract  # noqa: E402


def pages() -> list[tuple[str, str]]:
    """(url, decoded html) of every page, in a fixed order."""
    out = []
    for p in sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html")):
        out.append((f"https://corpus.example.gov.cn/{p.name}", decode_html(p.read_bytes())[0]))
    for tar in sorted((ROOT / "tests" / "fixtures" / "portals").glob("*.tar.xz")):
        with tarfile.open(tar) as tf:
            for m in sorted(tf.getmembers(), key=lambda m: m.name):
                if m.isfile() and m.name.endswith((".html", ".htm", ".shtml")):
                    body = tf.extractfile(m).read()
                    out.append((f"http://{tar.name.split('.')[0]}.example.gov.cn/{m.name.lstrip('./')}",
                                decode_html(body)[0]))
    from zwgk_audit.sample import SampleConfig, generate
    from zwgk_audit.sample.dialects import DIALECTS
    from zwgk_audit.sample.model import Defects

    planted = Defects(empty_columns=["政策解读"], stale_columns=["政务动态"], late_documents=2,
                      interpretations_missing=1, interpretations_one_way=2, broken_links=2, incomplete_metadata=2,
                      unanswered_messages=2, guide_missing_elements=1)
    for dialect in DIALECTS:
        for variant, defects in (("clean", Defects()), ("planted", planted)):
            portal = generate(SampleConfig(seed=3, as_of=dt.date(2026, 6, 30), dialect=dialect, defects=defects))
            for key, page in sorted(portal.pages.items()):
                if "html" in page.content_type:
                    out.append((f"http://{dialect}-{variant}.example.gov.cn{key}", page.body))
    return out


def plain(value):
    if dataclasses.is_dataclass(value):
        return {k: plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--save", type=Path)
    ap.add_argument("--against", type=Path)
    args = ap.parse_args()
    todo = pages()
    got, cpu = {}, 0.0
    for url, html in todo:
        c = time.process_time()
        facts = extract(url, html)
        cpu += time.process_time() - c
        got[url] = plain(facts)
    print(f"{len(todo)} pages, extract CPU {1000 * cpu / len(todo):.2f} ms/page")
    if args.save:
        args.save.write_text(json.dumps(got, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    if args.against:
        want = json.loads(args.against.read_text(encoding="utf-8"))
        got = json.loads(json.dumps(got, ensure_ascii=False, sort_keys=True))
        differ = [u for u in want if want[u] != got.get(u)]
        for url in differ[:10]:
            fields = [k for k in want[url] if want[url][k] != got[url].get(k)]
            print(f"DIFF {url}: {fields}")
            for k in fields[:3]:
                print(f"   {k}: before {json.dumps(want[url][k], ensure_ascii=False)[:400]}")
                print(f"   {k}: after  {json.dumps(got[url][k], ensure_ascii=False)[:400]}")
        print(f"{len(differ)} of {len(want)} pages differ")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
