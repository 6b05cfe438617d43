"""Batch benchmark: N sample portals on loopback, politely crawled at once.

    .venv/bin/python benchmarks/batch.py [--n 50 200 500] [--pages 200] [--rate 2] [--latency 0.05]

For each N: a separate process serves N portals (~PAGES pages each, LATENCY added per response);
`zwgk-audit batch` audits them with one worker per portal (at most --workers) at RATE
requests/s/host, on its default local Dask cluster (one process per CPU). Printed: wall time, the
politeness bound (pages per host ÷ rate), their ratio, the peak memory of the whole batch (the
batch process and every process it starts, sampled every 0.5 s: summed RSS, and summed PSS,
which splits shared pages between processes instead of counting them once per process), pages/s,
and the batch's CPU milliseconds per page crawled and audited (issue 19's gate: crawl + extract + audit, all
processes; compare runs pinned: ``taskset -c 0 .venv/bin/python benchmarks/batch.py --n 50``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def serve(n: int, pages: int, latency: float) -> None:
    from zwgk_audit.sample import SampleConfig, SampleServer, generate

    news = max(1, pages - 110)  # the portal's other columns hold about 110 pages
    servers = [SampleServer(generate(SampleConfig(seed=i, as_of=dt.date(2026, 6, 30), news_items=news)),
                            latency=latency).start() for i in range(n)]
    sizes = [len([k for k in s.portal.pages if not k.startswith(("/robots", "/images"))]) for s in servers]
    print(json.dumps({"urls": [s.url for s in servers], "pages": sizes}), flush=True)
    sys.stdin.read()  # serve until the parent closes stdin


def tree_memory(pid: int, peak: dict, stop: threading.Event) -> None:
    """Peak summed RSS and PSS (MB) of a process and all its descendants until ``stop``."""
    import psutil

    root = psutil.Process(pid)
    while not stop.is_set():
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        rss = pss = 0
        for proc in procs:
            try:
                info = proc.memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        peak["rss"] = max(peak.get("rss", 0), rss / 2**20)
        peak["pss"] = max(peak.get("pss", 0), pss / 2**20)
        stop.wait(0.5)


def cpu_since(before: resource.struct_rusage) -> float:
    """User + system CPU seconds of the children reaped since ``before``."""
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    return now.ru_utime + now.ru_stime - before.ru_utime - before.ru_stime


def run(n: int, pages: int, rate: float, latency: float, workers: int | None, keep: str | None = None) -> dict:
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(n), "--pages", str(pages), "--latency", str(latency)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    info = json.loads(server.stdout.readline())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = f"{keep}/n{n}" if keep else tmp
        Path(tmp).mkdir(parents=True, exist_ok=True)
        csv_path = Path(tmp) / "agencies.csv"
        csv_path.write_text("agency,url\n" + "".join(f"portal{i},{u}\n" for i, u in enumerate(info["urls"])), encoding="utf-8")
        cmd = [sys.executable, "-m", "zwgk_audit.cli", "batch", str(csv_path), "-o", str(Path(tmp) / "out"),
               "--workers", str(workers or n), "--rate", str(rate), "--max-pages", str(pages * 2), "--no-external", "--quiet",
               "-c", str(ROOT / "checklists" / "baseline.yaml")]
        t = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        peak: dict = {}
        stop = threading.Event()
        sampler = threading.Thread(target=tree_memory, args=(proc.pid, peak, stop), daemon=True)
        sampler.start()
        status = proc.wait()
        wall = time.monotonic() - t
        batch_cpu = cpu_since(before)  # the batch and every process it started and reaped
        stop.set()
        sampler.join()
        fetched = sum(json.loads(l)["pages"] for l in (Path(tmp) / "out" / "progress.jsonl").read_text().splitlines())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server.stdin.close()
    server.wait(timeout=30)
    server_cpu = cpu_since(before)
    bound = max(info["pages"]) / rate
    return {"n": n, "wall_s": round(wall, 1), "bound_s": round(bound, 1), "ratio": round(wall / bound, 2),
            "workers": workers or n, "peak_rss_mb": round(peak.get("rss", 0), 1),
            "peak_pss_mb": round(peak.get("pss", 0), 1), "batch_cpu_s": round(batch_cpu, 1), "server_cpu_s": round(server_cpu, 1), "pages": fetched, "pages_per_s": round(fetched / wall, 1),
            "cpu_ms_per_page": round(1000 * batch_cpu / max(fetched, 1), 2),
            "exit": status}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="+", default=[50, 200, 500])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--rate", type=float, default=2.0)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--workers", type=int, help="agencies at once (default: N, every portal at once)")
    ap.add_argument("--keep", metavar="DIR", help="keep each run's batch output in DIR/nN (per-agency timings)")
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.pages, args.latency)
        return
    print(f"{'N':>5} {'workers':>8} {'wall s':>8} {'bound s':>8} {'ratio':>6} {'peak RSS MB':>12} {'peak PSS MB':>12} "
          f"{'pages':>8} {'pages/s':>8} {'batch CPU s':>12} {'CPU ms/page':>12} {'server CPU s':>12}", flush=True)
    results = []
    for n in args.n:  # printed as each N finishes: a long run still reports what it measured
        r = run(n, args.pages, args.rate, args.latency, args.workers, args.keep)
        results.append(r)
        print(f"{r['n']:>5} {r['workers']:>8} {r['wall_s']:>8} {r['bound_s']:>8} {r['ratio']:>6} {r['peak_rss_mb']:>12} "
              f"{r['peak_pss_mb']:>12} {r['pages']:>8} {r['pages_per_s']:>8} {r['batch_cpu_s']:>12} {r['cpu_ms_per_page']:>12} {r['server_cpu_s']:>12}", flush=True)
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"peak memory growth N={first['n']} → N={last['n']}: RSS {last['peak_rss_mb'] / first['peak_rss_mb']:.2f}x, "
              f"PSS {last['peak_pss_mb'] / first['peak_pss_mb']:.2f}x")


if __name__ == "__main__":
    main()
