"""Replay benchmark: re-extract a WARC of real-sized portal pages; ratio to a naive bs4 baseline.

    .venv/bin/python benchmarks/bench_replay.py [--pages 2100] [--warc PATH] [--no-workers] [--profile OUT.prof]
    taskset -c 0 .venv/bin/python benchmarks/bench_replay.py   # the CPU gate (issue 19): pinned to one core

The WARC is built from the real pages in tests/fixtures/pages (22–200 KB each, copied from
shared/corpus/pages), each stored under many URLs, unless ``--warc`` names an existing one.
Both sides read the same WARC in the same run:

* baseline: BeautifulSoup(html, "html.parser"), find_all("a") and get_text() per page;
* library:  Snapshot.load(warc) — decoding, extraction, tables, everything an offline re-audit does;
  then audit() of that snapshot against the baseline checklist.

Printed next to wall time: CPU milliseconds per page (time.process_time) for the baseline, the
replay (decode + extract + tables, one process) and the audit, separately. ``--profile`` writes a
cProfile of the one-process replay and the audit and prints their top cumulative costs.
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


def _top(prof, title: str, n: int = 25) -> None:
    import io
    import pstats

    out = io.StringIO()
    st = pstats.Stats(prof, stream=out)
    total = max(st.total_tt, 1e-9)
    print(f"--- {title}: top {n} by cumulative time (total {total:.2f}s)")
    rows = sorted(st.stats.items(), key=lambda kv: -kv[1][3])[:n]
    for (file, line, fn), (_cc, nc, _tt, ct, _callers) in rows:
        print(f"{100 * ct / total:6.1f}%  {ct:7.2f}s  {nc:>9}  {Path(file).name}:{line}({fn})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2100)
    ap.add_argument("--warc", type=Path)
    ap.add_argument("--no-workers", action="store_true", help="skip the default (worker processes) replay")
    ap.add_argument("--profile", type=Path, help="cProfile the one-process replay and the audit into this file")
    args = ap.parse_args()
    from zwgk_audit.audit import audit
    from zwgk_audit.checklist import load_checklist

    checklist = load_checklist(ROOT / "checklists" / "baseline.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        warc = args.warc
        if warc is None:
            warc = Path(tmp) / "bench.warc.gz"
            size = build_warc(warc, args.pages)
            print(f"built {warc.name}: {args.pages} pages, mean {size / args.pages / 1024:.0f} KB")
        t, c = time.perf_counter(), time.process_time()
        n_base = baseline(warc)
        base, base_cpu = time.perf_counter() - t, time.process_time() - c
        prof = None
        if args.profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        t, c = time.perf_counter(), time.process_time()
        snap = Snapshot.load(warc, workers=1)
        one, one_cpu = time.perf_counter() - t, time.process_time() - c
        if prof:
            prof.disable()
            prof.dump_stats(str(args.profile))
            _top(str(args.profile), "Snapshot.load, one process")
        from zwgk_audit.quality import import_gx

        t, c = time.perf_counter(), time.process_time()
        import_gx()  # once per process (seconds): printed apart from the per-page audit cost
        gx_import = time.process_time() - c
        if prof:  # the audit's profile starts after the import, as its CPU figure does
            prof = cProfile.Profile()
            prof.enable()
        t, c = time.perf_counter(), time.process_time()
        audit(snap, checklist, as_of=snap.as_of)
        aud, aud_cpu = time.perf_counter() - t, time.process_time() - c
        if prof:
            prof.disable()
            audit_prof = args.profile.with_suffix(".audit.prof")
            prof.dump_stats(str(audit_prof))
            _top(str(audit_prof), "audit of the replayed snapshot")
        lib = None
        if not args.no_workers:
            t = time.perf_counter()
            Snapshot.load(warc)  # default: worker processes on a large WARC
            lib = time.perf_counter() - t
    n = int((snap.pages["kind"] != "robots").sum())
    print(f"baseline bs4 html.parser        : {n_base / base:8.1f} pages/s ({n_base} pages, {base:.1f}s, 1 process)"
          f"  CPU {1000 * base_cpu / n_base:6.2f} ms/page")
    print(f"zwgk_audit Snapshot.load 1 proc : {n / one:8.1f} pages/s ({one:.1f}s)  ratio {(n / one) / (n_base / base):.1f}x"
          f"  CPU {1000 * one_cpu / n:6.2f} ms/page (decode + extract + tables)")
    print(f"zwgk_audit audit of the replay  : {n / aud:8.1f} pages/s ({aud:.1f}s)"
          f"  CPU {1000 * aud_cpu / n:6.2f} ms/page (checks + score; Great Expectations import before it, once per"
          f" process: {gx_import:.1f}s CPU)")
    if lib is not None:
        print(f"zwgk_audit Snapshot.load default: {n / lib:8.1f} pages/s ({lib:.1f}s)  ratio {(n / lib) / (n_base / base):.1f}x"
              f"  (up to 4 worker processes; this machine has {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
