"""Audit many agencies: resumable, isolated failures, polite per host, ranked; threads or a Dask cluster.

* Input CSV: ``agency, url`` required; ``checklist, region, level, kind, share, scope, monitoring`` optional. ``level``
  (省 / 设区的市 / 县 / 乡镇, or 市级, 区县 …) and ``kind`` (人民政府 / 部门 / 其他) are the agency's, stated: they
  decide the rules that depend on them (条例第四十九条, 第二十一条) instead of the site's name; ``monitoring`` is a
  ``zwgk-audit monitor`` folder for 站点无法访问 / 首页不更新. Bad rows
  are reported with their line numbers and skipped.
* Each agency is audited into a temporary folder that is renamed into
  ``OUT/agencies/<slug>/`` only when complete (``os.replace``: atomic), then a line is
  appended to ``OUT/progress.jsonl``. A rerun skips every agency whose folder holds a
  ``result.json``; half-written temporary folders are removed, so a ``kill -9`` loses
  nothing that had finished and nothing half-written is ever read.
* Rows on the same host run one after another in one task, so the per-host rate limit
  holds whatever the worker count.
* Locally the batch runs on a Dask LocalCluster with one process per CPU (crawls wait on the
  network, audits need a core; threads alone would leave all but one core idle), each process
  crawling many hosts in threads and auditing one agency at a time in a single lower-priority thread,
  so the memory of the CPU-heavy phase does not grow with the worker count and audits never hold up
  the crawls still running. ``scheduler`` runs the same
  tasks on an existing cluster (``OUT`` must then be a path every worker can write).
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import hashlib
import json
import math
import os
import re
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from urllib.parse import urlsplit

from .extract.urls import canonical

FINAL = {"ok", "partial", "unreachable", "error"}
WORKERS_PER_CPU = 50
SWITCH_INTERVAL = 0.001
GC_THRESHOLD = 20_000
_PROCESS_SETUP = threading.Lock()
_worker_prepared = False
AUDIT_NICE = 10  # the audit thread's CPU priority below the crawl threads' (Linux; 0 = the same)
_auditor: ThreadPoolExecutor | None = None


@dataclass
class AgencyRow:
    line: int
    agency: str
    url: str
    checklist: str = ""
    region: str = ""
    level: str = ""
    share: float | None = None
    scope: str = ""  # a path prefix on a shared (集约化) portal: https://www.example.gov.cn/bm/yjj/
    monitoring: str = ""  # a `zwgk-audit monitor` folder or its probes.csv (relative: to the agencies CSV's folder)
    kind: str = ""  # 机关类型 人民政府 / 部门 / 其他 (blank: read from the site's name)

    @property
    def slug(self) -> str:
        """A folder name from the agency name: no separators, no dots-only names, unique per URL."""
        safe = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", self.agency, flags=re.UNICODE).strip("-_.")[:40] or "agency"
        return f"{safe}-{hashlib.sha1(self.url.encode('utf-8')).hexdigest()[:8]}"


def read_agencies(path: str | Path) -> tuple[list[AgencyRow], list[str]]:
    """Valid rows, and one message per bad row naming its line."""
    rows: list[AgencyRow] = []
    problems: list[str] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"agency", "url"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}:1: header needs columns {', '.join(sorted(missing))} (has {reader.fieldnames})")
        seen: set[str] = set()
        for n, rec in enumerate(reader, start=2):
            agency = (rec.get("agency") or "").strip()
            url = canonical((rec.get("url") or "").strip())
            if not agency:
                problems.append(f"{path}:{n}: agency is empty")
                continue
            if not url:
                problems.append(f"{path}:{n}: url {rec.get('url')!r} is not an http(s) URL")
                continue
            if url in seen:
                problems.append(f"{path}:{n}: url {url} appears twice; kept the first")
                continue
            share = None
            if (rec.get("share") or "").strip():
                try:
                    share = float(rec["share"])
                except ValueError:
                    problems.append(f"{path}:{n}: share {rec['share']!r} is not a number")
                    continue
            monitoring = _beside(path, (rec.get("monitoring") or "").strip())
            if monitoring and not Path(monitoring).exists():
                problems.append(f"{path}:{n}: monitoring {rec['monitoring']!r} not found (looked at {monitoring})")
                continue
            from .site.agency import normalize_kind, normalize_level

            try:
                level, kind = normalize_level(rec.get("level")) or "", normalize_kind(rec.get("kind")) or ""
            except ValueError as exc:
                problems.append(f"{path}:{n}: {exc}")
                continue
            seen.add(url)
            rows.append(AgencyRow(n, agency, url, (rec.get("checklist") or "").strip(), (rec.get("region") or "").strip(),
                                  level, share, (rec.get("scope") or "").strip(), monitoring, kind))
    return rows, problems


def _beside(csv_path: str | Path, value: str) -> str:
    """A relative path in the agencies CSV, read from the CSV's folder."""
    return str(Path(csv_path).parent / value) if value and not Path(value).is_absolute() else value


def audit_agency(row: AgencyRow, out: str, checklists: list[str], crawl_options: dict[str, Any],
                 audit_options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Crawl and audit one agency into OUT/agencies/<slug>/ atomically; never raises. ``audit_options``: the
    assessment period and sample (``period``, ``sample``, ``sample_seed``), the same for every agency."""
    from .crawl.crawler import crawl

    base = Path(out) / "agencies"
    target = base / row.slug
    tmp = base / f".{row.slug}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    result: dict[str, Any] = {"agency": row.agency, "url": row.url, "slug": row.slug, "region": row.region,
                              "level": row.level, "kind": row.kind, "line": row.line}
    try:
        names = [row.checklist] if row.checklist else list(checklists)
        checklist = _checklist(tuple(names))
        if row.share is not None:
            checklist = checklist.model_copy(update={"appraisal_share": row.share})
        if row.kind or row.level:  # stated in the CSV: wins over the checklist's and the site's name
            checklist = checklist.model_copy(update={k: v for k, v in (("agency_kind", row.kind), ("level", row.level))
                                                     if v})
        started = time.monotonic()
        snap = crawl(row.url, out=tmp, **({**crawl_options, "scope": row.scope} if row.scope else crawl_options))
        crawled = time.monotonic()
        a, waited, seconds, cpu = _audit_thread().submit(_audit_into, snap, checklist, tmp,
                                                          row.monitoring or None, audit_options).result()
        result["seconds"] = {"crawl": round(crawled - started, 2), "wait": round(waited - crawled, 2),
                             "audit": round(seconds, 2), "audit_cpu": round(cpu, 2),
                             "behind_schedule": snap.meta.get("behind_schedule_s", 0.0)}
        home = snap.page(snap.start_url)
        reachable = home is not None and home["kind"] not in ("error", "robots_blocked", "blocked") and (
            home["status"] == home["status"] and home["status"] < 400)
        s = a.score
        status = "unreachable" if not reachable else ("partial" if s.coverage < 0.5 else "ok")
        reason = "" if reachable else str(home["error"] if home is not None and home["error"] == home["error"]
                                         else f"HTTP {home['status']}" if home is not None else "not fetched")
        result.update(status=status, reason=reason or "；".join(a.incomplete), complete=a.complete,
                      incomplete_reasons=a.incomplete, score=s.score, coverage=s.coverage,
                      appraisal_points=s.appraisal_points, appraisal_share=s.appraisal_share,
                      failed_items=len(s.failed), pages=int(len(snap.pages)), agency_profile=a.agency.to_json(),
                      categories={c["title"]: c["score"] for c in s.categories})
    except Exception as exc:  # one hostile agency never stops the batch
        result.update(status="error", reason=f"{type(exc).__name__}: {exc}", score=None, coverage=0.0,
                      appraisal_points=None, failed_items=None, pages=0, categories={})
    result["finished_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    (tmp / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)  # the folder appears whole or not at all
    _log(Path(out), result)
    return result


def _audit_into(snap, checklist, folder: Path, monitoring: str | None = None, audit_options: dict | None = None):
    """Audit ``snap`` and write its files; returns the audit, when it started, its wall and CPU seconds."""
    from .audit import audit

    started, cpu = time.monotonic(), time.thread_time()
    a = audit(snap, checklist, monitoring=monitoring, **(audit_options or {}))
    a.write(folder)
    return a, started, time.monotonic() - started, time.thread_time() - cpu


def _audit_thread() -> ThreadPoolExecutor:
    """The process's one audit thread (audits need a core and memory; crawls mostly wait on the network).

    It runs below the crawl threads' CPU priority: an audit started by an early-finishing crawl then takes
    the CPU only when the crawls still running (and, on one machine, anything else) do not need it, instead
    of delaying their next polite request by seconds.
    """
    global _auditor
    with _PROCESS_SETUP:
        if _auditor is None:
            _auditor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zwgk-audit", initializer=lower_priority)
        return _auditor


def lower_priority(nice: int = AUDIT_NICE) -> None:
    """Lower the calling thread's CPU priority (Linux schedules threads on their own; elsewhere a no-op)."""
    if sys.platform.startswith("linux") and nice > 0:
        tid = threading.get_native_id()
        try:
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + nice)
        except OSError:
            pass  # not allowed here: the audit runs at normal priority


@functools.lru_cache(maxsize=64)
def _checklist(names: tuple[str, ...]):
    """Parsed once per process: hundreds of agencies share a few checklists (the model is not mutated)."""
    from .checklist import load_checklists

    return load_checklists(list(names))


def _warm_up() -> None:
    """Import and set up what audits need (Great Expectations alone takes seconds; the CJK font file is 16 MB)
    while the first crawls wait on the network. Otherwise every process pays it on its first audit, when all
    crawls end together."""
    from . import audit  # noqa: F401
    from .quality import prepare
    from .report import charts, template

    lower_priority()  # the first crawls come first
    prepare()
    charts.category_chart([{"title": "预热", "score": 100.0, "coverage": 1.0}])  # loads the font into the renderer
    template()
    gc.freeze()  # the hundreds of thousands of objects just imported live for good: full collections skip them


def _warm_up_summary() -> None:
    """What the summary needs (matplotlib, the CJK font, openpyxl), imported while the batch runs: the main
    process only waits until then, and the summary is written after the last agency."""
    import openpyxl  # noqa: F401

    from .report import batch, charts  # noqa: F401

    charts.cjk_font()


def _prepare_worker_process() -> None:
    """Once per Dask worker process (never in a caller's own interpreter, e.g. a notebook's):

    * switch interval 1 ms: a crawl thread waking for its next request waits for the GIL up to the
      switch interval behind CPU-bound work, many times per page; at the default 5 ms a hundred
      crawls per process drift off their polite schedule;
    * garbage collection every 20,000 allocations instead of 700: extraction makes many short-lived
      objects, and each collection stops every crawl thread;
    * Great Expectations and the CJK font imported in the background while the first crawls wait, then
      frozen out of the garbage collector's sight.
    """
    global _worker_prepared
    with _PROCESS_SETUP:
        if _worker_prepared:
            return
        _worker_prepared = True
        try:
            from distributed import get_worker

            get_worker()
        except (ImportError, ValueError):
            return  # not a Dask worker: leave the interpreter as it is
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
        threading.Thread(target=_warm_up, name="zwgk-audit-warm-up", daemon=True).start()


def audit_group(rows: list[AgencyRow], out: str, checklists: list[str], crawl_options: dict[str, Any],
                audit_options: dict[str, Any] | None = None) -> list[dict]:
    """Agencies on one host, one after another: the per-host rate limit holds across the batch."""
    _prepare_worker_process()
    return [audit_agency(r, out, checklists, crawl_options, audit_options) for r in rows]


def finished(out: Path) -> dict[str, dict]:
    """Results already on disk (the folders are the truth; progress.jsonl is the log)."""
    done = {}
    base = out / "agencies"
    if not base.exists():
        return done
    for d in base.iterdir():
        if d.name.startswith("."):
            shutil.rmtree(d, ignore_errors=True)  # an interrupted agency's temporary folder
            continue
        f = d / "result.json"
        if f.exists():
            try:
                r = json.loads(f.read_text(encoding="utf-8"))
            except ValueError:
                continue
            if r.get("status") in FINAL:
                done[r["url"]] = r
    return done


def _log(out: Path, result: dict) -> None:
    """One line per finished agency, appended by whichever process finished it.

    A single ``write`` on an ``O_APPEND`` descriptor: lines from several processes never interleave. Not
    fsynced: a killed process loses nothing the kernel has, and a line lost with the machine is written
    again from its folder on resume (``_backfill_log``); a journal flush per agency stalls every writer.
    """
    line = (json.dumps(result, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(out / "progress.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _backfill_log(out: Path, done: dict[str, dict]) -> None:
    """Finished folders whose log line was lost to a kill between rename and append get their line now."""
    path = out / "progress.jsonl"
    logged = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                logged.add(json.loads(line)["url"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut by the kill: the folder is the truth
    for url, result in done.items():
        if url not in logged:
            _log(out, result)


def run_batch(agencies_csv: str | Path, out: str | Path, checklists: list[str], workers: int | None = None,
              scheduler: str | None = None, dask_local: int | None = None, crawl_options: dict | None = None,
              progress: bool = True, audit_options: dict | None = None) -> dict[str, Any]:
    """Audit every agency in the CSV into ``out``; rerunning after an interruption skips finished agencies.

    ``workers``: agencies crawled at once (each host gets one, so politeness holds at any number);
    default ``WORKERS_PER_CPU`` per CPU. More than the CPUs can serve slows every crawl down: on 2 cores,
    500 portals at once crawled at 190 pages/s, 200 at once at 246 (benchmarks/batch.py).
    ``dask_local``: processes of the LocalCluster (default: one per CPU; 0 runs in this process with threads).
    ``scheduler``: address of an existing Dask cluster to run on instead.
    ``audit_options``: ``period`` / ``sample`` / ``sample_seed`` for every agency (:mod:`zwgk_audit.selection`).
    """
    from .selection import Selection

    Selection.parse(**(audit_options or {}))  # a bad period fails before any crawl
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows, problems = read_agencies(agencies_csv)
    for p in problems:
        print(f"zwgk-audit batch: skipped {p}", file=sys.stderr)
    done = finished(out)
    _backfill_log(out, done)
    todo = [r for r in rows if r.url not in done]
    groups: dict[str, list[AgencyRow]] = {}
    for r in todo:  # one task per host[:port]: its rows run one after another under one rate limit
        groups.setdefault(urlsplit(r.url).netloc, []).append(r)
    opts = {"max_pages": 500, **(crawl_options or {})}
    workers = max(1, workers or WORKERS_PER_CPU * (os.cpu_count() or 1))
    if dask_local is None:
        dask_local = os.cpu_count() or 1
    processes = min(dask_local, workers, len(groups))
    from tqdm import tqdm

    threading.Thread(target=_warm_up_summary, name="zwgk-audit-summary-warm-up", daemon=True).start()
    bar = tqdm(total=len(rows), initial=len(rows) - len(todo), unit="agency", disable=not progress, file=sys.stderr)
    failed = 0

    def record(results: list[dict]) -> None:
        nonlocal failed
        for r in results:
            failed += r["status"] in ("unreachable", "error")
            bar.update(1)
            bar.set_postfix(failed=failed)

    if scheduler or processes > 1:
        _run_dask(groups, out, checklists, opts, record, scheduler, processes, math.ceil(workers / max(processes, 1)),
                  audit_options)
    elif groups:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(audit_group, g, str(out), checklists, opts, audit_options) for g in groups.values()]
            for fut in as_completed(futures):
                record(fut.result())
    bar.close()
    summary = write_summary(out, rows)
    summary.update(skipped_rows=problems, resumed=len(rows) - len(todo))
    return summary


def _run_dask(groups: dict[str, list[AgencyRow]], out: Path, checklists: list[str], opts: dict, record,
              scheduler: str | None, processes: int, threads: int, audit_options: dict | None = None) -> None:
    """One task per host group on a Dask cluster: an existing one, or a LocalCluster of ``processes``."""
    import logging

    import dask
    from distributed import Client, LocalCluster, as_completed as dask_completed

    cluster = None
    if not scheduler:
        # Many threads per worker: glibc's default of 8 malloc arenas per core only fragments memory.
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        # Dask's statistical profiler walks every thread's stack 100 times a second, holding the GIL:
        # a hundred crawl threads per worker make that a steady tax on every crawl.
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            cluster = LocalCluster(n_workers=processes, threads_per_worker=threads, processes=True,
                                   dashboard_address=None, host="127.0.0.1", silence_logs=logging.ERROR)
    try:
        with Client(scheduler or cluster) as client:
            futures = [client.submit(audit_group, g, str(out), checklists, opts, audit_options, pure=False)
                       for g in groups.values()]
            for fut in dask_completed(futures):
                record(fut.result())
    finally:
        if cluster is not None:
            cluster.close()


RANKING_NUMBERS = ("score", "coverage", "appraisal_points")
RANKING_COUNTS = ("failed_items", "pages")
RANKING_TEXT = ("agency", "region", "level", "status", "reason", "url", "slug")


def _finite(value) -> float | None:
    """A finite real number from a result.json field, else None (text, a list, NaN, ±inf, a bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        f = float(value)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def _ranking_fields(r: dict) -> dict:
    """One result.json as the ranking reads it: numbers numbers, text text, categories a dict of numbers — a
    hand-edited or foreign result.json (a list, text or NaN where a score belongs) never loses the summary."""
    from .rectify import plain_text

    out = dict(r)
    for k in RANKING_NUMBERS:
        out[k] = _finite(r.get(k))
    for k in RANKING_COUNTS:
        v = r.get(k)
        out[k] = v if isinstance(v, int) and not isinstance(v, bool) else None
    for k in RANKING_TEXT:
        out[k] = plain_text(r.get(k))
    if "complete" in r:
        out["complete"] = r["complete"] is True
    cats = r.get("categories")
    out["categories"] = {plain_text(t): _finite(v) for t, v in cats.items()} if isinstance(cats, dict) else {}
    return out


def write_summary(out: Path, rows: list[AgencyRow]) -> dict[str, Any]:
    """ranking.csv/.xlsx, charts and summary.html from the finished agencies' result.json files."""
    import pandas as pd

    from . import rectify

    done = finished(out)
    recs = [done[r.url] for r in rows if r.url in done]
    cols = ["rank", "agency", "region", "level", "status", "completeness", "score", "coverage", "appraisal_points",
            "failed_items", "reason", "url", "slug"]
    df = pd.DataFrame([_ranking_fields(r) for r in recs])
    if df.empty:
        df = pd.DataFrame(columns=cols)
    for k in RANKING_NUMBERS:
        if k in df.columns:
            df[k] = df[k].astype(float)
    # a partial audit never reads like a clean one: complete audits are ranked, incomplete ones listed apart
    complete = df["complete"].map(lambda v: v is True) if "complete" in df.columns else pd.Series(
        df["status"].eq("ok").tolist() if len(df) else [], dtype=bool)
    df = df.assign(_complete=complete.to_numpy(), completeness=["完整" if c else "评估不完整" for c in complete])
    df = df.sort_values(["_complete", "score", "coverage"], ascending=False, na_position="last").reset_index(drop=True)
    ranks, n = [], 0
    for ok in df["_complete"]:
        n += bool(ok)
        ranks.append(n if ok else "不参与排名（评估不完整）")
    df["rank"] = ranks
    ranking = df.reindex(columns=cols)
    rectify.to_csv(ranking, out / "ranking.csv")
    rectify.to_excel(ranking.rename(columns={"rank": "排名", "agency": "部门", "region": "地区", "level": "层级",
                                            "status": "状态", "completeness": "评估完整性", "score": "得分", "coverage": "覆盖率",
                                            "appraisal_points": "绩效折算", "failed_items": "不符合项目",
                                            "reason": "原因", "url": "网址", "slug": "目录"}),
                     out / "ranking.xlsx", title="评估排名")
    heat = pd.DataFrame([r["categories"] for r in df.to_dict("records")], index=df["agency"]) if len(df) else None
    from .report.batch import write_summary_html

    write_summary_html(out, ranking, heat)
    counts = ranking["status"].value_counts().to_dict()
    return {"agencies": len(rows), "finished": len(ranking), "status": counts,
            "ranking": str(out / "ranking.csv"), "summary": str(out / "summary.html")}
