"""Replay benchmark: re-extract a WARC of real-sized portal pages; ratio to a naive bs4 baseline.

    .venv/bin/python benchmarks/bench_replay.py [--pages 2100] [--warc PATH]

The WARC is built from the real pages in tests/fixtures/pages (22–200 KB each, copied from
shared/corpus/pages), each stored under many URLs, unless ``--warc`` names an existing one.
Both sides read the same WARC in the same run:

* baseline: BeautifulSoup(html, "html.parser"), find_all("a") and get_text() per page;
* library:  Snapshot.load(warc) — decoding, extraction, tables, everything an offline re-audit does.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warcio.archiveiterator import ArchiveIterator  # noqa: E402

from zwgk_audit.crawl.encoding import decode_html  # noqa: E402
from zwgk_audit.crawl.fetcher import Fetched  # noqa: E402
from zwgk_audit.crawl.warc import WarcRecorder  # noqa: E402
from zwgk_audit.snapshot import Snapshot  # noqa: E402


def build_warc(path: Path, n: int) -> int:
    pages = sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html"))
    bodies = [p.read_bytes() for p in pages]
    rec = WarcRecorder(path, {"start_url": "https://bench.example.gov.cn/", "started_at": "2026-11-22T00:00:00+00:00"})
    total = 0
    for i in range(n):
        body = bodies[i % len(bodies)]
        total += len(body)
        url = f"https://bench.example.gov.cn/col{i % 40}/202301/t20230101_{i}.html"
        rec.fetched(Fetched(url, url, 200, [("Content-Type", "text/html; charset=utf-8")], body,
                            "2026-11-22T00:00:00+00:00"))
    rec.close({"finished_at": "2026-11-22T00:10:00+00:00", "truncated": False})
    return total


def baseline(path: Path) -> int:
    from bs4 import BeautifulSoup

    n = 0
    with open(path, "rb") as fh:
        for r in ArchiveIterator(fh):
            if r.rec_type != "response":
                continue
            ctype = r.http_headers.get_header("Content-Type") if r.http_headers else None
            html = decode_html(r.content_stream().read(), ctype)[0]
            soup = BeautifulSoup(html, "html.parser")
            [(a.get("href"), a.get_text()) for a in soup.find_all("a")]
            soup.get_text()
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2100)
    ap.add_argument("--warc", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warc = args.warc
        if warc is None:
            warc = Path(tmp) / "bench.warc.gz"
            size = build_warc(warc, args.pages)
            print(f"built {warc.name}: {args.pages} pages, mean {size / args.pages / 1024:.0f} KB")
        t = time.perf_counter()
        n_base = baseline(warc)
        base = time.perf_counter() - t
        t = time.perf_counter()
        snap = Snapshot.load(warc, workers=1)
        one = time.perf_counter() - t
        t = time.perf_counter()
        Snapshot.load(warc)  # default: worker processes on a large WARC
        lib = time.perf_counter() - t
    n = int((snap.pages["kind"] != "robots").sum())
    print(f"baseline bs4 html.parser        : {n_base / base:8.1f} pages/s ({n_base} pages, {base:.1f}s, 1 process)")
    print(f"zwgk_audit Snapshot.load 1 proc : {n / one:8.1f} pages/s ({one:.1f}s)  ratio {(n / one) / (n_base / base):.1f}x")
    print(f"zwgk_audit Snapshot.load default: {n / lib:8.1f} pages/s ({lib:.1f}s)  ratio {(n / lib) / (n_base / base):.1f}x"
          f"  (up to 4 worker processes; this machine has {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
