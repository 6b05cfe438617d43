"""Crawl throughput on the sample portal, as a ratio to plain fetching measured in the same run.

    .venv/bin/python benchmarks/bench_crawl.py [--repeat 3]

Baseline: the same URLs fetched with one requests.Session, no parsing, no WARC.
Measured: zwgk_audit.crawl (robots, frontier, decode, extract, WARC), and Snapshot.load (replay).
Next to wall time: CPU milliseconds per page (time.process_time; the crawl's includes the sample server's
threads, which run in this process). Pin to one core to compare runs (issue 19):
``taskset -c 0 .venv/bin/python benchmarks/bench_crawl.py``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from zwgk_audit.crawl.crawler import crawl  # noqa: E402
from zwgk_audit.sample import DEMO_DEFECTS, SampleConfig, SampleServer, generate  # noqa: E402
from zwgk_audit.snapshot import Snapshot  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--news", type=int, default=200, help="news items in the sample portal (size of the site)")
    args = ap.parse_args()
    portal = generate(SampleConfig(seed=1, as_of=dt.date(2026, 6, 30), news_items=args.news, defects=DEMO_DEFECTS))
    base_t, crawl_t, load_t = [], [], []
    crawl_c, load_c = [], []
    with SampleServer(portal) as srv, tempfile.TemporaryDirectory() as tmp:
        snap = crawl(srv.url, out=Path(tmp) / "warm", rate=0, max_pages=5000, check_external=False)
        urls = [u for u in snap.pages["url"] if isinstance(u, str) and snap.page(u)["kind"] != "robots_blocked"]
        for i in range(args.repeat):
            with requests.Session() as s:
                t = time.perf_counter()
                for u in urls:
                    s.get(u, timeout=10).content
                base_t.append(time.perf_counter() - t)
            t, c = time.perf_counter(), time.process_time()
            snap = crawl(srv.url, out=Path(tmp) / f"r{i}", rate=0, max_pages=5000, check_external=False)
            crawl_t.append(time.perf_counter() - t)
            crawl_c.append(time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()
            Snapshot.load(Path(tmp) / f"r{i}", workers=1)
            load_t.append(time.perf_counter() - t)
            load_c.append(time.process_time() - c)
    n = len(urls)
    b, c, l = statistics.median(base_t), statistics.median(crawl_t), statistics.median(load_t)
    print(f"pages: {n}  (median of {args.repeat} runs)")
    print(f"baseline plain fetch : {n / b:8.1f} pages/s  ({b:.2f}s)")
    cc, lc = statistics.median(crawl_c), statistics.median(load_c)
    print(f"crawl (full)         : {n / c:8.1f} pages/s  ({c:.2f}s)  ratio to baseline: {c / b:.2f}x time"
          f"  CPU {1000 * cc / n:6.2f} ms/page (fetch + decode + extract + WARC + server)")
    print(f"Snapshot.load replay : {n / l:8.1f} pages/s  ({l:.2f}s)  ratio to baseline: {l / b:.2f}x time"
          f"  CPU {1000 * lc / n:6.2f} ms/page (decode + extract + tables, one process)")


if __name__ == "__main__":
    main()
