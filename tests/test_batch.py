"""Batch audits: bad rows, a dead agency, resume after SIGKILL, Dask LocalCluster — all on loopback."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pandas as pd
import pytest

from zwgk_audit.batch import read_agencies, run_batch
from zwgk_audit.sample import DEMO_DEFECTS, Defects, SampleConfig, SampleServer, generate

from .hostile.servers import FaultServer, free_port, page, send

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 30)
SMALL = dict(news_items=4, policy_documents=4)


def portals(stack: ExitStack, n: int) -> list[str]:
    urls = []
    for i in range(n):
        defects = DEMO_DEFECTS if i % 2 else Defects()
        srv = stack.enter_context(SampleServer(generate(SampleConfig(seed=50 + i, as_of=AS_OF, defects=defects, **SMALL))))
        urls.append(srv.url)
    return urls


def write_csv(path: Path, urls: list[str], extra: str = "") -> Path:
    lines = ["agency,url,region,level"] + [f"示范{i}局,{u},示范市,市级" for i, u in enumerate(urls)]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def test_bad_rows_and_a_dead_agency_do_not_stop_the_batch(tmp_path, capsys):
    with ExitStack() as stack:
        urls = portals(stack, 2)
        dead = f"http://127.0.0.1:{free_port()}/"
        csv_path = write_csv(tmp_path / "a.csv", urls + [dead], ",http://127.0.0.1:1/,x,y\n坏行,ftp://nope/,x,y\n")
        rows, problems = read_agencies(csv_path)
        assert len(rows) == 3 and len(problems) == 2 and all(":5:" in p or ":6:" in p for p in problems)
        summary = run_batch(csv_path, tmp_path / "out", ["baseline.yaml"], workers=2, dask_local=0, progress=False,
                            crawl_options={"rate": 0, "check_external": False, "retries": 0}, skip_bad_rows=True)
    assert summary["finished"] == 3 and summary["status"].get("unreachable") == 1 and len(summary["skipped_rows"]) == 2
    ranking = pd.read_csv(tmp_path / "out" / "ranking.csv", encoding="utf-8-sig")
    # an unreachable agency is listed apart, never ranked among complete ones
    assert list(ranking["rank"])[:2] == ["1", "2"] and ranking.iloc[-1]["status"] == "无法评估"
    assert ranking.iloc[-1]["completeness"] == "未评估" and ranking.iloc[-1]["rank"] == "不参与排名（无法评估）"
    assert ranking.iloc[0]["score"] >= ranking.iloc[1]["score"]
    for slug in ranking["slug"]:
        d = tmp_path / "out" / "agencies" / slug
        assert (d / "result.json").exists()
    ok = ranking[ranking["status"] != "无法评估"]["slug"]
    assert all((tmp_path / "out" / "agencies" / s / "report.html").exists() for s in ok)
    html = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "示范0局" in html and "得分分布" in html
    assert (tmp_path / "out" / "ranking.xlsx").exists()
    # rerun: everything is done already, nothing is redone
    lines = (tmp_path / "out" / "progress.jsonl").read_text(encoding="utf-8").splitlines()
    again = run_batch(csv_path, tmp_path / "out", ["baseline.yaml"], workers=2, progress=False,
                      crawl_options={"rate": 0, "check_external": False, "retries": 0}, skip_bad_rows=True)
    assert again["resumed"] == 3
    assert (tmp_path / "out" / "progress.jsonl").read_text(encoding="utf-8").splitlines() == lines


def test_sigkill_mid_batch_then_resume_loses_nothing(tmp_path):
    out = tmp_path / "out"
    with ExitStack() as stack:
        urls = portals(stack, 4)
        csv_path = write_csv(tmp_path / "a.csv", urls)
        cmd = [sys.executable, "-m", "zwgk_audit.cli", "batch", str(csv_path), "-o", str(out), "--workers", "2",
               "--rate", "15", "--no-external", "--quiet", "-c", str(ROOT / "checklists" / "baseline.yaml")]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        progress = out / "progress.jsonl"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (progress.exists() and progress.read_text(encoding="utf-8").strip()):
            time.sleep(0.2)
        time.sleep(0.5)  # let it get into the middle of the next agency
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        before = {p.parent.name: json.loads(p.read_text(encoding="utf-8"))["finished_at"]
                  for p in (out / "agencies").glob("*/result.json")}
        assert 1 <= len(before) < 4  # some finished, some not
        summary = run_batch(csv_path, out, [str(ROOT / "checklists" / "baseline.yaml")], workers=2, progress=False,
                            crawl_options={"rate": 0, "check_external": False})
    assert summary["finished"] == 4 and summary["resumed"] == len(before)
    after = {p.parent.name: json.loads(p.read_text(encoding="utf-8"))["finished_at"]
             for p in (out / "agencies").glob("*/result.json")}
    assert {k: after[k] for k in before} == before  # finished agencies were not redone
    assert not [d for d in (out / "agencies").iterdir() if d.name.startswith(".")]  # no half-written folder left


def test_dask_local_cluster_runs_the_same_batch(tmp_path):
    with ExitStack() as stack:
        urls = portals(stack, 2)
        csv_path = write_csv(tmp_path / "a.csv", urls)
        summary = run_batch(csv_path, tmp_path / "out", [str(ROOT / "checklists" / "baseline.yaml")], dask_local=2,
                            progress=False, crawl_options={"rate": 0, "check_external": False},
                            audit_options={"sample": 2, "sample_seed": 1})
    assert summary["finished"] == 2 and summary["status"].get("ok", 0) + summary["status"].get("partial", 0) == 2
    assert len(list((tmp_path / "out" / "agencies").glob("*/report.html"))) == 2
    for score in (tmp_path / "out" / "agencies").glob("*/score.json"):  # the sample crossed into the workers
        assert "每个栏目随机抽取至多2篇（随机种子1）" in json.loads(score.read_text(encoding="utf-8"))["selection"]


def test_a_bad_period_stops_the_batch_before_any_crawl(tmp_path):
    from zwgk_audit.selection import SelectionError

    csv_path = write_csv(tmp_path / "a.csv", ["http://127.0.0.1:9/"])
    with pytest.raises(SelectionError, match="2024-13-01"):
        run_batch(csv_path, tmp_path / "out", [str(ROOT / "checklists" / "baseline.yaml")], progress=False,
                  audit_options={"period": "2024-13-01:2024-12-31"})
    assert not (tmp_path / "out" / "agencies").exists()


def test_agency_names_cannot_escape_the_output_folder(tmp_path):
    from zwgk_audit.batch import AgencyRow

    for name in ["../../etc/passwd", "..", "/abs/path", "a\\b", "C:\\x", "政务/公开", ".hidden", ""]:
        slug = AgencyRow(2, name, "http://a.test/").slug
        assert "/" not in slug and "\\" not in slug and not slug.startswith(".") and slug.strip(".")
        assert (tmp_path / "agencies" / slug).resolve().parent == (tmp_path / "agencies").resolve()


def _paced(times: list[float], interval: float) -> bool:
    """The requests a server recorded from one host's fetcher are never ahead of one per ``interval``.

    The fetcher starts the k-th request at least k intervals after the first. A request can reach the server late
    (its thread waited for a CPU), so any run of requests may span up to one interval less than its intervals: a
    check on the recorded intervals that a busy machine fails only by delaying one request a whole interval, where
    a fetcher 1.2 times too fast fails within a dozen requests (not a check on wall time, as the loopback gap was)."""
    return all(times[k] - times[j] >= (k - j - 1) * interval for j in range(len(times)) for k in range(j + 1, len(times)))


def test_per_host_rate_limit_holds_at_any_worker_count(tmp_path):
    """Two agencies on one host and one elsewhere, eight workers: host A still sees one request per interval."""
    rate, hits = 4.0, {"a": [], "b": []}

    def site(name):
        def handler(h):
            hits[name].append(time.monotonic())
            n = int(h.path.strip("/p.html") or 0) if h.path.startswith("/p") else 0
            send(h, 200, page(f"第{n}页", links=[f"/p{n + 1}.html", f"/p{n + 2}.html"]))
        return handler

    with FaultServer({"*": site("a")}) as a, FaultServer({"*": site("b")}) as b:
        csv_path = tmp_path / "a.csv"
        csv_path.write_text(f"agency,url\n甲局,{a.url}\n乙局,{a.url}p50.html\n丙局,{b.url}\n", encoding="utf-8")
        summary = run_batch(csv_path, tmp_path / "out", [str(ROOT / "checklists" / "baseline.yaml")], workers=8,
                            dask_local=2, progress=False,
                            crawl_options={"rate": rate, "max_pages": 10, "check_external": False, "retries": 0})
    assert summary["finished"] == 3
    interval = 1 / rate
    for name, times in hits.items():
        assert _paced(times, interval), name
    assert len(hits["a"]) >= 2 * 10  # both agencies on host A were crawled, one after the other
    assert hits["b"][0] < hits["a"][-1] and hits["a"][0] < hits["b"][-1]  # hosts A and B were crawled at once
    # ... each at its own pace: while both were crawled, A and B together went faster than one host may
    start, end = max(hits["a"][0], hits["b"][0]), min(hits["a"][-1], hits["b"][-1])
    assert not _paced(sorted(t for t in hits["a"] + hits["b"] if start <= t <= end), interval)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread CPU priority is a Linux feature")
def test_audits_run_below_the_crawls_cpu_priority():
    """An audit must not delay the next polite request of crawls still running in the same process."""
    import threading

    from zwgk_audit import batch

    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    audit_thread = batch._audit_thread().submit(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    assert audit_thread.result() == min(19, here + batch.AUDIT_NICE)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == here  # the caller's thread is untouched
