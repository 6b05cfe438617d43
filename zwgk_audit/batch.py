"""Audit many agencies: resumable, isolated failures, polite per host, ranked; threads or a Dask cluster.

* Input CSV: ``agency, url`` required; ``checklist, region, level, kind, share, scope, monitoring`` optional. ``level``
  (省 / 设区的市 / 县 / 乡镇, or 市级, 区县 …) and ``kind`` (人民政府 / 部门 / 其他) are the agency's, stated: they
  decide the rules that depend on them (条例第四十九条, 第二十一条) instead of the site's name; ``monitoring`` is a
  ``zwgk-audit monitor`` folder for 站点无法访问 / 首页不更新. The CSV is checked before anything is crawled (UTF-8
  or GBK text, the header, each row's fields and URL): problems are reported with their line numbers and stop the
  batch, unless ``skip_bad_rows`` (``--skip-bad-rows``) skips those rows; unknown columns are named on stderr.
* Each agency's report, score.json and 整改清单 name the agency as the CSV does. A site whose home page could not
  be read is ``unreachable`` (无法评估) with the reason in Chinese, in its own outputs and in the ranking, where it
  comes after every scored agency; ``retry_failed`` (``--retry-failed``) audits those, and ``error`` ones, again.
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

from .audit import AUDIT_STATUS
from .crawl.errors import exception_zh, fetch_error_zh
from .extract.urls import check_url

FINAL = {"ok", "partial", "unreachable", "error"}
RETRY = {"unreachable", "error"}  # what --retry-failed audits again
WORKERS_PER_CPU = 50
SWITCH_INTERVAL = 0.001
GC_THRESHOLD = 20_000
_PROCESS_SETUP = threading.Lock()
_worker_prepared = False
AUDIT_NICE = 10  # the audit thread's CPU priority below the crawl threads' (Linux; 0 = the same)
# The local cluster's housekeeping, which costs CPU for as long as the batch runs, whatever it does (issue 19):
# * Dask's statistical profiler walks every thread's stack 100 times a second, holding the GIL: a hundred
#   crawl threads per worker make that a steady tax on every crawl;
# * each scheduler, nanny and worker checks its event loop's health every 20 ms, its memory every 100 ms and
#   the system's CPU, memory, disk and network every 500 ms: an idle two-worker cluster took 6 % of a core
#   (1.2 CPU-s in 20 s), 1 % at these intervals. Memory limits are still enforced, within half a second.
QUIET_CLUSTER = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s",
                 "distributed.worker.memory.monitor-interval": "500ms",
                 "distributed.admin.system-monitor.interval": "2s"}
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


KNOWN_COLUMNS = ("agency", "url", "checklist", "region", "level", "kind", "share", "scope", "monitoring")
REQUIRED_COLUMNS = ("agency", "url")


class AgencyCSVError(ValueError):
    """The agencies CSV cannot be used as it is: every problem found, each naming its line."""

    def __init__(self, problems: list[str], hint: str = ""):
        self.problems = list(problems)
        lines = [f"agencies CSV 有{len(self.problems)}处问题，未开始评估 (nothing was crawled):", *self.problems]
        super().__init__("\n  ".join(lines) + (f"\n{hint}" if hint else ""))


@dataclass
class AgencyTable:
    rows: list[AgencyRow]
    problems: list[str]  # bad rows, each "PATH:LINE: …"
    warnings: list[str]  # unknown columns and the like: the rows are read all the same
    encoding: str = "utf-8"


def _decode(path: str | Path) -> tuple[str, str]:
    """The CSV's text and encoding: UTF-8 (with or without BOM), else GBK/GB18030 (Excel's "CSV" on Chinese Windows);
    anything else is refused with the line of the first byte that is neither."""
    data = Path(path).read_bytes()
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise AgencyCSVError([f"{path}: 这是Excel工作簿，不是CSV文本；请在Excel中“另存为 CSV UTF-8（逗号分隔）” "
                              f"(an Excel workbook, not CSV text)"])
    for bom, enc in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                break
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise AgencyCSVError([f"{path}:{line}: 不是文本文件（含NUL字节）(not a text file)"])
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise AgencyCSVError([f"{path}:{line}: 既不是UTF-8也不是GBK编码的文本（第{line}行字节 "
                              f"0x{data[exc.start]:02x} 无法识别）(not UTF-8 or GBK text)"]) from None


def _records(lines: list[str], path) -> tuple[list[tuple[int, int, list[str]]], list[str]]:
    """CSV records after the header as (first line, last line, fields), and one problem per record that cannot be
    read. An unclosed quote is reported at the line it opens on, and reading goes on from the next line (the
    lines it would have swallowed are rows of their own)."""
    records, problems = [], []
    pos = 1  # index into lines of the first line not yet read (line numbers are index + 1)
    while pos < len(lines):
        reader = csv.reader(lines[pos:], strict=True)
        last = pos  # physical line number of the last line read
        try:
            for fields in reader:
                first, last = last + 1, pos + reader.line_num
                records.append((first, last, fields))
            break
        except csv.Error as exc:
            first = last + 1
            if "unexpected end of data" in str(exc) or "newline inside string" in str(exc):
                why = "引号未闭合：此处开始的引号直到文件末尾都没有结束 (unclosed quote)"
            elif "expected after" in str(exc):
                why = f"引号用法有误：引号内的字段结束后紧跟了其他字符 (bad quoting: {exc})"
            elif "field larger than field limit" in str(exc):
                why = "引号未闭合：此处开始的字段过长 (unclosed quote; field larger than the limit)"
            else:
                why = f"无法按CSV读取 (not CSV: {exc})"
            problems.append(f"{path}:{first}: {why}")
            pos = first  # the next line starts afresh
    return records, problems


def load_agencies(path: str | Path) -> AgencyTable:
    """Read and check the agencies CSV without crawling anything.

    Raises :class:`AgencyCSVError` when the file as a whole cannot be used (not UTF-8/GBK text, no header, a
    required column missing, a column named twice). Rows that cannot be used (wrong number of fields, an unclosed
    quote, a bad URL, an empty agency, a duplicate URL, a bad share/level/kind/monitoring) are listed in
    ``problems``, each as ``PATH:LINE: why``; unknown columns are named in ``warnings``."""
    import difflib
    import io

    text, encoding = _decode(path)
    lines = io.StringIO(text, newline="").readlines()
    if not lines or not lines[0].strip():
        raise AgencyCSVError([f"{path}:1: 第1行应为表头 agency,url[,…]，文件为空或首行为空 (no header line)"])
    try:
        header = next(csv.reader([lines[0]], strict=True))
    except (csv.Error, StopIteration) as exc:
        raise AgencyCSVError([f"{path}:1: 表头无法按CSV读取 (header is not CSV: {exc})"]) from None
    names = [h.strip().lower() for h in header]
    fatal = [f"{path}:1: 列 {n!r} 出现了两次 (column named twice)" for n in sorted({n for n in names if n})
             if names.count(n) > 1]
    unknown = [n for n in names if n and n not in KNOWN_COLUMNS]
    if len(names) == 1 and any(sep in lines[0] for sep in "\t;；|"):
        raise AgencyCSVError([f"{path}:1: 表头只有一列 {header[0]!r}：列之间应以英文逗号分隔 "
                              f"(columns must be separated by commas)"])
    for miss in (c for c in REQUIRED_COLUMNS if c not in names):
        near = difflib.get_close_matches(miss, unknown, n=1)
        hint = f"；是否把 {near[0]!r} 写错了？" if near else ""
        fatal.append(f"{path}:1: 表头缺少必需的列 {miss}（现有列：{', '.join(header)}）{hint} "
                     f"(header needs column {miss})")
    if fatal:
        raise AgencyCSVError(fatal)
    warnings = []
    for n in unknown:
        near = difflib.get_close_matches(n, [c for c in KNOWN_COLUMNS if c not in names], n=1)
        warnings.append(f"{path}:1: 未知的列 {n!r} 已忽略{f'（是否应为 {near[0]}？）' if near else ''} "
                        f"(unknown column ignored; known: {', '.join(KNOWN_COLUMNS)})")
    records, problems = _records(lines, path)
    rows: list[AgencyRow] = []
    seen: dict[str, int] = {}
    from .site.agency import normalize_kind, normalize_level

    for first, last, fields in records:
        where = f"{path}:{first}:"
        if not any(f.strip() for f in fields):
            continue  # a blank line, or one of Excel's trailing ",,,"
        if last > first:  # a quoted field with line breaks: in a list of agencies, a quote left open
            problems.append(f"{where} 引号把第{first}–{last}行连成了一行，引号未闭合？"
                            f"(a quoted field runs over lines {first}-{last}: unclosed quote?)")
            continue
        if len(fields) != len(names):
            extra = "；字段里的逗号须用引号括起" if len(fields) > len(names) else ""
            problems.append(f"{where} 有{len(fields)}个字段，表头有{len(names)}列{extra} "
                            f"(wrong number of fields: {len(fields)}, header has {len(names)})")
            continue
        rec = {n: f.strip() for n, f in zip(names, fields) if n}
        agency = rec.get("agency", "")
        if not agency:
            problems.append(f"{where} agency（部门名称）为空 (agency is empty)")
            continue
        url, why = check_url(rec.get("url", ""))
        if why:
            problems.append(f"{where} {why}")
            continue
        if url in seen:
            problems.append(f"{where} 网址 {url} 与第{seen[url]}行重复，保留第{seen[url]}行 (url appears twice)")
            continue
        share = None
        if rec.get("share"):
            try:
                share = float(rec["share"])
                if not math.isfinite(share):
                    raise ValueError(rec["share"])
            except ValueError:
                problems.append(f"{where} share {rec['share']!r} 不是数字 (share is not a number)")
                continue
        monitoring = _beside(path, rec.get("monitoring", ""))
        if monitoring and not Path(monitoring).exists():
            problems.append(f"{where} monitoring {rec['monitoring']!r} 不存在 (not found; looked at {monitoring})")
            continue
        try:
            level, kind = normalize_level(rec.get("level")) or "", normalize_kind(rec.get("kind")) or ""
        except ValueError as exc:
            problems.append(f"{where} {exc}")
            continue
        seen[url] = first
        rows.append(AgencyRow(first, agency, url, rec.get("checklist", ""), rec.get("region", ""), level, share,
                              rec.get("scope", ""), monitoring, kind))
    problems.sort(key=lambda p: _line_of(p, path))
    return AgencyTable(rows, problems, warnings, encoding)


def _line_of(problem: str, path) -> int:
    """The line a "PATH:LINE: …" problem names (for listing them in file order)."""
    m = re.match(r":(\d+):", problem[len(str(path)):])
    return int(m.group(1)) if m else 0


def read_agencies(path: str | Path) -> tuple[list[AgencyRow], list[str]]:
    """Valid rows, and one message per bad row naming its line (:func:`load_agencies`)."""
    table = load_agencies(path)
    return table.rows, table.problems


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
        # the CSV names the agency: its report, score.json and 整改清单 say so (over the checklist's own agency)
        checklist = checklist.model_copy(update={"agency": row.agency})
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
        s = a.score
        # one rule for the report, score.json and the ranking: the site is unauditable when its home page was not read
        result.update(status=a.status, status_label=AUDIT_STATUS[a.status],
                      reason=a.unauditable or "；".join(a.incomplete), complete=a.complete,
                      incomplete_reasons=a.incomplete, score=s.score, coverage=s.coverage,
                      appraisal_points=s.appraisal_points, appraisal_share=s.appraisal_share,
                      failed_items=len(s.failed), pages=int(len(snap.pages)), agency_profile=a.agency.to_json(),
                      categories={c["title"]: c["score"] for c in s.categories})
    except Exception as exc:  # one hostile agency never stops the batch
        result.update(status="error", status_label=AUDIT_STATUS["error"],
                      reason=exception_zh(type(exc).__name__, str(exc)),  # in Chinese; the raw text in ``detail``
                      detail=f"{type(exc).__name__}: {exc}", score=None, coverage=0.0,
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
              progress: bool = True, audit_options: dict | None = None, skip_bad_rows: bool = False,
              retry_failed: bool = False) -> dict[str, Any]:
    """Audit every agency in the CSV into ``out``; rerunning after an interruption skips finished agencies.

    ``workers``: agencies crawled at once (each host gets one, so politeness holds at any number);
    default ``WORKERS_PER_CPU`` per CPU. More than the CPUs can serve slows every crawl down: on 2 cores,
    500 portals at once crawled at 190 pages/s, 200 at once at 246 (benchmarks/batch.py).
    ``dask_local``: processes of the LocalCluster (default: one per CPU; 0 runs in this process with threads).
    ``scheduler``: address of an existing Dask cluster to run on instead.
    ``audit_options``: ``period`` / ``sample`` / ``sample_seed`` for every agency (:mod:`zwgk_audit.selection`).
    The CSV is checked before anything is crawled: bad rows (each named by its line) raise :class:`AgencyCSVError`
    unless ``skip_bad_rows``, which skips and lists them (``summary["skipped_rows"]``); unknown columns are named on
    stderr. ``retry_failed``: agencies whose last result was ``unreachable`` or ``error`` are audited again (their
    results discarded); finished agencies are skipped as always.
    """
    from .selection import Selection

    Selection.parse(**(audit_options or {}))  # a bad period fails before any crawl
    table = load_agencies(agencies_csv)  # a malformed CSV fails before any crawl, and before OUT is made
    rows, problems = table.rows, table.problems
    for w in table.warnings:
        print(f"zwgk-audit batch: 警告 warning: {w}", file=sys.stderr)
    if problems and not skip_bad_rows:
        raise AgencyCSVError(problems, "改正后重新运行，或加 --skip-bad-rows 跳过这些行、评估其余各行 "
                                       "(fix them, or pass --skip-bad-rows to skip them and run the rest)")
    for p in problems:
        print(f"zwgk-audit batch: 已跳过 skipped {p}", file=sys.stderr)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    done = finished(out)
    _backfill_log(out, done)
    retried = [u for u, r in done.items() if r.get("status") in RETRY] if retry_failed else []
    for u in retried:  # re-audited below: audit_agency replaces the folder atomically when the new result is in
        del done[u]
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
    summary.update(skipped_rows=problems, resumed=len(rows) - len(todo),
                   retried=len({r.url for r in todo} & set(retried)), warnings=table.warnings)
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
        with dask.config.set(QUIET_CLUSTER):
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


STATUS_LABELS = AUDIT_STATUS  # ok 已评估, partial 部分评估, unreachable 无法评估, error 出错
GROUPS = ("完整", "评估不完整", "无法评估", "出错")  # ranking order: ranked, then listed apart in this order
CJK = re.compile(r"[\u4e00-\u9fff]")


def _group(r: dict) -> int:
    status = r.get("status")
    if status == "unreachable":
        return 2
    if status == "error":
        return 3
    return 0 if r.get("complete") is True else 1


def reason_zh(status, reason) -> str:
    """A result's reason as the ranking shows it: Chinese (results written before reasons were translated held
    the fetcher's text, ``HTTP 503`` or ``ValueError: …``)."""
    from .crawl.errors import HTTP_CODE, http_status_zh
    from .rectify import plain_text

    text = plain_text(reason).strip()
    if not text or CJK.search(text) or status not in RETRY:
        return text
    if status == "error":
        kind, _, message = text.partition(": ")
        return exception_zh(kind.strip(), message)
    if (m := HTTP_CODE.match(text)):
        return f"首页返回{http_status_zh(int(m.group(1)))}"
    return f"首页无法访问（{fetch_error_zh(text)}）"


def write_summary(out: Path, rows: list[AgencyRow]) -> dict[str, Any]:
    """ranking.csv/.xlsx, charts and summary.html from the finished agencies' result.json files.

    Statuses and reasons are in Chinese; complete audits are ranked by score, then come incomplete ones, then the
    agencies that could not be audited (无法评估) and those the program failed on (出错), each with its reason."""
    import pandas as pd

    from . import rectify

    done = finished(out)
    recs = [done[r.url] for r in rows if r.url in done]
    cols = ["rank", "agency", "region", "level", "status", "completeness", "score", "coverage", "appraisal_points",
            "failed_items", "reason", "url", "slug"]
    fields = [_ranking_fields(r) for r in recs]
    for f, r in zip(fields, recs):
        f["_group"] = _group({**f, "complete": r.get("complete")})
        f["reason"] = reason_zh(r.get("status"), r.get("reason"))
        f["status"] = STATUS_LABELS.get(r.get("status"), "出错")
        if f["_group"] >= 2:  # nothing judged: no score, no coverage, no category scores to show
            f.update(score=None, coverage=None, appraisal_points=None, failed_items=None, categories={})
    df = pd.DataFrame(fields)
    if df.empty:
        df = pd.DataFrame(columns=[*cols, "_group", "categories"])
    for k in RANKING_NUMBERS:
        df[k] = df[k].astype(float) if k in df.columns else float("nan")
    df["failed_items"] = pd.array([v if isinstance(v, int) and abs(v) < 2 ** 63 else None
                                   for v in (f["failed_items"] for f in fields)], dtype="Int64")  # 3, not 3.0
    df["score"], df["coverage"], df["appraisal_points"] = (df["score"].round(2), df["coverage"].round(3),
                                                          df["appraisal_points"].round(2))
    df = df.sort_values(["_group", "score", "coverage"], ascending=[True, False, False],
                        na_position="last", kind="stable").reset_index(drop=True)
    ranks, n = [], 0
    for g in df["_group"]:
        n += g == 0
        ranks.append(n if g == 0 else f"不参与排名（{GROUPS[g]}）")
    df["rank"] = ranks
    df["completeness"] = [GROUPS[g] if g < 2 else "未评估" for g in df["_group"]]
    ranking = df.reindex(columns=cols)
    rectify.to_csv(ranking, out / "ranking.csv")  # numbers stay numbers (a missing one is an empty cell)
    shown = ranking.astype(object).where(ranking.notna(), "—")  # the workbook a supervisor reads: "—", never blank
    for k in ("region", "level", "reason"):
        shown[k] = ranking[k].fillna("")
    rectify.to_excel(shown.rename(columns={"rank": "排名", "agency": "部门", "region": "地区", "level": "层级",
                                           "status": "状态", "completeness": "评估完整性", "score": "得分",
                                           "coverage": "覆盖率", "appraisal_points": "绩效折算",
                                           "failed_items": "不符合项目", "reason": "原因", "url": "网址",
                                           "slug": "目录"}),
                     out / "ranking.xlsx", title="评估排名")
    heat = None
    if len(df):
        heat = pd.DataFrame([r["categories"] if isinstance(r["categories"], dict) else {}
                             for r in df.to_dict("records")], index=df["agency"])
        heat = heat[heat.notna().any(axis=1)] if len(heat.columns) else heat.iloc[0:0]
    from .report.batch import write_summary_html

    write_summary_html(out, ranking, heat)
    status: dict[str, int] = {}
    for r in recs:  # by code (ok / partial / unreachable / error), for programs; status_labels in Chinese
        code = r["status"] if r.get("status") in STATUS_LABELS else "error"
        status[code] = status.get(code, 0) + 1
    return {"agencies": len(rows), "finished": len(ranking), "status": status,
            "status_labels": {STATUS_LABELS[k]: status[k] for k in STATUS_LABELS if k in status},
            "ranking": str(out / "ranking.csv"), "summary": str(out / "summary.html")}
