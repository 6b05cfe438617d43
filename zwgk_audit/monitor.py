"""站点可用性监测: probe a portal's home page at spread times for days, keeping every probe as evidence.

国办秘函〔2019〕19号 judges 站点无法访问 from monitoring ("监测1周,每天间隔性访问20次以上,超过(含)15秒仍打不开的
次数累计占比超过(含)5%") and 首页不更新 from two weeks of it. One snapshot cannot show either, so::

    zwgk-audit monitor https://www.example.gov.cn/ --days 7 --per-day 20 -o monitoring/example

probes the URL ``days × per_day`` times: the day is cut into ``per_day`` equal slots and each probe falls at a
seeded random moment inside its slot, so probes are spread over the whole day (night and day), never in bursts.
Every probe is kept twice under the output folder, each written and fsynced before the next probe:

* ``probes.warc.gz`` — the request and response (or, for a probe that got no response, only the outcome), and a
  ``metadata`` record with the probe's row; appended one gzip member per record;
* ``probes.csv`` — one row per probe: ``slot, day, scheduled_utc, time_utc, time_local`` (北京时间, UTC+8),
  ``url, final_url, status, elapsed_s, bytes, outcome`` (ok | slow | timeout | http_error | error),
  ``error, timeout_s, sha1`` (of the body), ``text_sha1`` (of the visible text with scripts, dates, times and
  counters taken out: changes only when the page's content changes), ``newest_date`` (the newest dated list entry
  on the page, when it shows full dates) and ``warc_record_id``;
* ``monitor.json`` — the URL, days, per-day count, timeout, seed and schedule start: what a re-run resumes from.

A probe fails when it does not complete within ``slow_seconds`` (the request's timeout, default 15): no connection,
an HTTP status ≥ 400, a body cut short, or all of it taking ``slow_seconds`` or more.

A monitor killed at any moment (``kill -9``, a reboot) resumes when run again with the same folder: the probes
recorded stay, a half-written last CSV line or WARC record is cut off with a note, and only the slots not yet
probed are run. Slots whose time passed while it was down are not fired in a burst: the rest of the schedule is
moved later by the time lost.

The clock is injectable (``clock``/``sleep``) or compressible (``clock_scale``), so tests run a week of
monitoring in seconds; times recorded are the monitor clock's.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

CSV_NAME = "probes.csv"
WARC_NAME = "probes.warc.gz"
META_NAME = "monitor.json"
FIELDS = ["slot", "day", "scheduled_utc", "time_utc", "time_local", "url", "final_url", "status", "elapsed_s", "bytes",
          "outcome", "error", "timeout_s", "sha1", "text_sha1", "newest_date", "warc_record_id"]
OUTCOMES = {"ok": "正常", "slow": "超时打开", "timeout": "未能打开（超时）", "http_error": "HTTP错误", "error": "无法连接"}
CST = dt.timezone(dt.timedelta(hours=8))
DAY = 86400.0
SLOT_HEADER = "WARC-Zwgk-Slot"
PROBE_KIND = "monitor_probe"


# --------------------------------------------------------------------------- clock and schedule
class ScaledClock:
    """A clock running ``scale`` times faster than the wall clock from ``anchor`` (epoch seconds) on."""

    def __init__(self, scale: float, anchor: float):
        if scale <= 0:
            raise ValueError(f"clock scale must be positive, got {scale}")
        self.scale, self.anchor = float(scale), float(anchor)

    def __call__(self) -> float:
        return self.anchor + (time.time() - self.anchor) * self.scale

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.scale)


@dataclass(frozen=True)
class Schedule:
    """Slot ``i`` of ``days × per_day``: day ``i // per_day``, at a seeded random moment inside its slot."""

    start: float
    days: int
    per_day: int
    seed: int

    @property
    def total(self) -> int:
        return self.days * self.per_day

    @property
    def slot_seconds(self) -> float:
        return DAY / self.per_day

    def time(self, i: int) -> float:
        offset = random.Random(f"{self.seed}|{i}").uniform(0.0, self.slot_seconds)
        return self.start + i * self.slot_seconds + offset


def _iso(ts: float, tz: dt.timezone = dt.timezone.utc) -> str:
    return dt.datetime.fromtimestamp(ts, tz).isoformat(timespec="seconds")


def _local(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, CST).strftime("%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------------------- page content
_VOLATILE = [
    re.compile(r"-?\d+(?:\.\d+)?\s*(?:℃|°C?)(?:\s*[~～至-]\s*-?\d+(?:\.\d+)?\s*(?:℃|°C?))?"),  # today's weather
    re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"),
    re.compile(r"(?<!\d)\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?!\d)"),  # 06-30, 6月30日 on the home page's lists
    re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)"),
    re.compile(r"星期[一二三四五六日天]|周[一二三四五六日天]"),
    re.compile(r"((?:访问|浏览|点击|阅读|在线)[^\s：:]{0,6}[：:]?\s*)\d[\d,]*"),
]


def page_text(body: bytes, content_type: str = "") -> str:
    """The visible text of a page with what changes on every visit taken out: scripts and styles, dates and
    times (today's date, list dates), weekdays and visit counters. Two probes of an unchanged page give the
    same text; a new entry on the page changes it."""
    from lxml import etree

    from .crawl.encoding import decode_html
    from .extract.page import parse_html

    html, _enc, _how = decode_html(body, content_type)
    doc = parse_html(html)
    etree.strip_elements(doc, "script", "style", "noscript", etree.Comment, with_tail=False)
    text = " ".join(doc.itertext())
    for pattern in _VOLATILE:
        text = pattern.sub(lambda m: m.group(1) if m.groups() else " ", text)
    return " ".join(text.split())


def _newest_entry(url: str, body: bytes, content_type: str) -> str:
    """The newest full date among the page's dated list entries ("" when it shows none)."""
    from .crawl.encoding import decode_html
    from .extract import extract

    try:
        html, _e, _h = decode_html(body, content_type)
        dates = [d for _u, _t, d in extract(url, html).entries if d]
    except Exception:  # evidence first: a page the extractor cannot read is still a recorded probe
        return ""
    return max(dates).isoformat() if dates else ""


# --------------------------------------------------------------------------- files
def _fsync(fh) -> None:
    fh.flush()
    os.fsync(fh.fileno())


def _csv_line(row: dict[str, Any]) -> bytes:
    buf = io.StringIO()
    values = ["" if row.get(k) is None else " ".join(str(row[k]).split()) if isinstance(row.get(k), str) else row[k]
              for k in FIELDS]  # one probe, one physical line: an error text's line breaks become spaces
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue().encode("utf-8")


def _read_csv(path: Path, repair: bool = False) -> tuple[list[dict[str, str]], list[str]]:
    """The complete rows of a probe CSV and notes on what was skipped.

    A last line without its newline is what a killed monitor leaves: it is ignored (and, with ``repair``, cut off
    so the next row starts on a line of its own). A line that does not parse is skipped with a note; a slot
    recorded twice keeps its first row."""
    notes: list[str] = []
    if not path.exists():
        return [], notes
    raw = path.read_bytes()
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    data = raw[bom:]
    if data and not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
        tail = data[keep:].decode("utf-8", errors="replace")
        notes.append(f"{path.name}最后一行不完整（监测进程中断时未写完），已忽略：{tail[:60]!r}")
        if repair:
            with open(path, "r+b") as fh:
                fh.truncate(bom + keep)
        data = data[:keep]
    lines = [line.decode("utf-8", errors="replace").rstrip("\r") for line in data.split(b"\n")[:-1]]
    if not lines:
        return [], notes
    header = next(csv.reader([lines[0]]))
    if not header or header[0] != "slot" or "status" not in header:
        notes.append(f"{path.name}没有表头，无法读取")
        return [], notes
    rows: list[dict[str, str]] = []
    seen: set[int] = set()
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            values = next(csv.reader([line]))
            if len(values) != len(header):
                raise ValueError(f"{len(values)}列，应为{len(header)}列")
            row = dict(zip(header, values))
            slot = int(row["slot"])
            float(row["elapsed_s"] or 0)
        except (ValueError, StopIteration, csv.Error) as exc:
            notes.append(f"{path.name}第{n}行无法读取，已忽略（{exc}）")
            continue
        if slot in seen:
            notes.append(f"{path.name}第{n}行：第{slot}次探测重复记录，保留第一条")
            continue
        seen.add(slot)
        rows.append(row)
    return rows, notes


class _ProbeWarc:
    """The probes' WARC, appended one record (one gzip member) at a time and fsynced after each probe."""

    def __init__(self, path: Path, info: dict[str, Any], keep_slots: set[int]):
        from warcio.warcwriter import WARCWriter

        self.path = path
        self.notes: list[str] = []
        if keep_slots and path.exists():
            self._cut_after(keep_slots)
        else:
            path.write_bytes(b"")  # nothing recorded yet: start the file afresh
        self._fh = open(path, "ab")
        self._w = WARCWriter(self._fh, gzip=True)
        if self._fh.tell() == 0:
            rec = self._w.create_warcinfo_record(path.name, {
                "software": "zwgk-audit monitor", "format": "WARC File Format 1.1",
                "zwgk": json.dumps(info, ensure_ascii=False)})
            self._w.write_record(rec)
            _fsync(self._fh)

    def _cut_after(self, keep_slots: set[int]) -> None:
        """Cut the file after the last record of a slot the CSV holds: what follows belongs to a probe that was
        being written when the monitor died (its CSV row never written), and the slot will be probed again."""
        from warcio.archiveiterator import ArchiveIterator

        size = self.path.stat().st_size
        good = 0
        try:
            with open(self.path, "rb") as fh:
                it = ArchiveIterator(fh)
                for rec in it:
                    slot = rec.rec_headers.get_header(SLOT_HEADER)
                    it.read_to_end(rec)
                    end = it.get_record_offset() + it.get_record_length()
                    if rec.rec_type == "warcinfo" or (slot is not None and int(slot) in keep_slots):
                        good = end
        except Exception as exc:  # a record cut mid-gzip: everything before it stands
            self.notes.append(f"{self.path.name}末尾记录不完整（{type(exc).__name__}）")
        if good < size:
            with open(self.path, "r+b") as fh:
                fh.truncate(good)
            self.notes.append(f"{self.path.name}末尾有{size - good}字节属于未写完的探测，已截去（该次探测将重新进行）")

    def probe(self, slot: int, f, row: dict[str, Any], when: str) -> str:
        """Write one probe: its request and response when there was one, then its row; returns the row's record."""
        from warcio.statusandheaders import StatusAndHeaders
        from urllib.parse import urlsplit

        from .crawl.warc import EVENT_TYPE, KIND, REQUESTED

        w = self._w
        extra = {SLOT_HEADER: str(slot), "WARC-Date": when}
        response_id = ""
        for hop in [*f.hops, f] if f.status is not None else f.hops:
            # the URL this request went to: a hop's own, the last Location for the final answer
            parts = urlsplit(hop.url if hop is not f else (f.hops[-1].final_url if f.hops else f.url))
            target = f"{parts.path or '/'}{'?' + parts.query if parts.query else ''}"
            req = w.create_warc_record(
                parts.geturl(), "request", payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True),
                warc_headers_dict=dict(extra))
            headers = {**extra, KIND: "probe" if hop is f else "redirect", REQUESTED: f.url}
            if hop is f and f.truncated:
                headers["WARC-Truncated"] = "time" if "length" not in (f.error or "") else "length"
            resp = w.create_warc_record(
                parts.geturl(), "response", payload=io.BytesIO(hop.body),
                http_headers=StatusAndHeaders(f"{hop.status} {'OK' if hop.status == 200 else ''}".strip(), hop.headers,
                                              protocol="HTTP/1.1"),
                warc_headers_dict=headers)
            w.write_request_response_pair(req, resp)
            response_id = resp.rec_headers.get_header("WARC-Record-ID")
        payload = {k: row.get(k) for k in FIELDS if k != "warc_record_id"}
        payload["response_record"] = response_id
        meta = w.create_warc_record(
            f.url, "metadata", payload=io.BytesIO(json.dumps(payload, ensure_ascii=False).encode("utf-8")),
            warc_content_type=EVENT_TYPE, warc_headers_dict={**extra, KIND: PROBE_KIND})
        w.write_record(meta)
        _fsync(self._fh)
        return response_id or meta.rec_headers.get_header("WARC-Record-ID")

    def close(self) -> None:
        self._fh.close()


# --------------------------------------------------------------------------- reading a monitoring
@dataclass
class Monitoring:
    """A monitoring folder (or its CSV) as read back: the probes table and what the monitor was asked to do."""

    path: Path
    url: str
    probes: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def planned_days(self) -> int | None:
        return self.meta.get("days")

    @property
    def planned_per_day(self) -> int | None:
        return self.meta.get("per_day")

    @property
    def timeout(self) -> float | None:
        """The probes' own timeout (seconds): a probe cut at it is known only not to have opened by then."""
        t = self.probes["timeout_s"].dropna()
        return float(t.min()) if len(t) else self.meta.get("slow_seconds")

    def failing(self, slow_seconds: float) -> pd.Series:
        """Per probe: True when it did not open within ``slow_seconds`` (no answer, HTTP ≥ 400, cut, or slow)."""
        p = self.probes
        return (p["outcome"].isin(["error", "http_error", "timeout"]) | (p["elapsed_s"] >= slow_seconds)
                | p["status"].isna() | (p["status"].fillna(0) >= 400))

    @property
    def span_days(self) -> float:
        times = self.probes["time"].dropna()
        return (times.max() - times.min()).total_seconds() / DAY if len(times) > 1 else 0.0

    def window(self) -> str:
        times = self.probes["time"].dropna()
        if not len(times):
            return "无探测"
        a, b = times.min().tz_convert(CST), times.max().tz_convert(CST)
        return f"{a:%Y-%m-%d %H:%M}至{b:%Y-%m-%d %H:%M}（北京时间）"

    def evidence(self) -> str:
        """Where the probes are kept (the CSV and, beside it, the WARC)."""
        folder = self.path if self.path.is_dir() else self.path.parent
        return "、".join(str(folder / n) for n in (CSV_NAME, WARC_NAME) if (folder / n).exists()) or str(self.path)

    def describe(self) -> dict[str, Any]:
        return {"path": str(self.path), "url": self.url, "probes": int(len(self.probes)), "window": self.window(),
                "days": self.planned_days, "per_day": self.planned_per_day, "notes": list(self.notes)}

    def __repr__(self) -> str:
        return f"<Monitoring {self.url} {len(self.probes)} probes {self.window()}>"


def load_monitoring(path: str | Path) -> Monitoring:
    """Read a monitoring folder written by :func:`run_monitor` (or its ``probes.csv``), tolerating a half-written
    last line (noted in ``notes``)."""
    p = Path(path)
    csv_path = p / CSV_NAME if p.is_dir() else p
    if not csv_path.exists():
        raise FileNotFoundError(f"no monitoring CSV at {csv_path}")
    meta_path = csv_path.parent / META_NAME
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    rows, notes = _read_csv(csv_path)
    df = pd.DataFrame(rows, columns=FIELDS)
    for col in ("slot", "day"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    for col in ("status", "elapsed_s", "bytes", "timeout_s"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    df["time"] = pd.to_datetime(df["time_utc"], utc=True, errors="coerce", format="ISO8601")
    for col in ("outcome", "error", "sha1", "text_sha1", "newest_date", "url", "final_url"):
        df[col] = df[col].fillna("").astype(str)
    df = df.sort_values("slot", kind="stable").reset_index(drop=True)
    url = meta.get("url") or (df["url"].iloc[0] if len(df) else "")
    return Monitoring(csv_path.parent if p.is_dir() or meta else csv_path, url, df, meta, notes)


# --------------------------------------------------------------------------- judging (shared with the check)
def _reaches(k: int, total: int, share: float) -> bool:
    """k / total ≥ share, exactly (0.05 × 140 is 7.000000000000001 in floating point)."""
    from fractions import Fraction

    return total > 0 and Fraction(k, total) >= Fraction(str(share))


def _needed(total: int, share: float) -> int:
    from fractions import Fraction
    import math

    return math.ceil(Fraction(str(share)) * total)


@dataclass
class AvailabilityVerdict:
    status: str  # pass | fail | unverified
    probes: int
    failing: int
    share: float
    required: int
    full_days: int
    measured: str
    message: str


def judge_availability(mon: Monitoring, slow_seconds: float = 15, max_share: float = 0.05, min_days: int = 7,
                       min_per_day: int = 20) -> AvailabilityVerdict:
    """站点无法访问 by 国办秘函〔2019〕19号: ≥ ``max_share`` of the probes failing to open within ``slow_seconds``,
    over ``min_days`` days of ≥ ``min_per_day`` probes each.

    Shorter monitoring still fails when its failures alone already reach ``max_share`` of the required total
    (``min_days × min_per_day``): more probes could not bring the share back under the line. Otherwise it says
    what is missing. Probes the monitor cut at a timeout shorter than ``slow_seconds`` are counted both ways; the
    verdict stands only when both agree."""
    p = mon.probes
    n = int(len(p))
    required = min_days * min_per_day
    failing = mon.failing(slow_seconds)
    cut_short = (p["outcome"] == "timeout") & (p["timeout_s"] < slow_seconds) & (p["elapsed_s"] < slow_seconds)
    k_max = int(failing.sum())
    k_min = int((failing & ~cut_short).sum())
    per_day = p.groupby("day").size() if n else pd.Series(dtype=int)
    full_days = int((per_day >= min_per_day).sum())
    complete = full_days >= min_days
    share = k_max / n if n else 0.0
    line = f"{max_share:.0%}"
    measured = (f"探测{n}次，超过(含){slow_seconds:g}秒仍打不开{k_max}次，占比{share:.1%}；"
                f"每天≥{min_per_day}次的监测天数{full_days}天；监测时段{mon.window()}")
    if n == 0:
        return AvailabilityVerdict("unverified", 0, 0, 0.0, required, 0, measured, "监测文件中没有探测记录")

    def verdict(k: int) -> str:
        if _reaches(k, required, max_share) and _reaches(k, n, max_share):
            return "fail"  # already ≥ the share of the whole required monitoring
        if complete:
            return "fail" if _reaches(k, n, max_share) else "pass"
        return "unverified"

    a, b = verdict(k_min), verdict(k_max)
    if a != b:
        return AvailabilityVerdict(
            "unverified", n, k_max, share, required, full_days, measured,
            f"{int(cut_short.sum())}次探测在监测超时{mon.timeout:g}秒时中止，短于判定阈值{slow_seconds:g}秒，"
            f"无法确定其是否超过{slow_seconds:g}秒仍打不开，结论取决于这些探测")
    if b == "fail":
        return AvailabilityVerdict("fail", n, k_max, share, required, full_days, measured,
                                   f"超过(含){slow_seconds:g}秒仍打不开的次数占比{share:.1%}，达到(含){line}，"
                                   f"按国办秘函〔2019〕19号判定为“站点无法访问”（单项否决）"
                                   + ("" if complete else f"（监测虽未满{min_days}天，失败{k_max}次已达"
                                                         f"{min_days}天×{min_per_day}次={required}次的{line}）"))
    if b == "pass":
        return AvailabilityVerdict("pass", n, k_max, share, required, full_days, measured,
                                   f"超过(含){slow_seconds:g}秒仍打不开的次数占比{share:.1%}，低于{line}")
    missing_days = max(0, min_days - full_days)
    return AvailabilityVerdict(
        "unverified", n, k_max, share, required, full_days, measured,
        f"监测不足：国办秘函〔2019〕19号要求监测{min_days}天、每天间隔性访问{min_per_day}次以上，"
        f"现有每天≥{min_per_day}次的监测{full_days}天（还差{missing_days}天），共{n}次探测（要求至少{required}次）；"
        f"目前失败{k_max}次，不足以判定（需≥{_needed(required, max_share)}次）。请继续运行 zwgk-audit monitor 补足监测")


# --------------------------------------------------------------------------- running a monitor
@dataclass
class MonitorRun:
    monitoring: Monitoring
    probed_now: int
    verdict: AvailabilityVerdict


def _probe(url: str, timeout: float, user_agent: str):
    from .crawl.fetcher import CrawlConfig, Fetcher

    cfg = CrawlConfig(rate=0, retries=0, connect_timeout=timeout, read_timeout=timeout, total_timeout=timeout,
                      check_external=False, internet_probe=None, respect_robots=False)
    if user_agent:
        cfg.user_agent = user_agent
    fetcher = Fetcher(cfg)  # one fresh connection per probe: a visitor's first visit, not a kept-alive socket
    try:
        started = time.monotonic()
        f = fetcher.get(url)
        return f, time.monotonic() - started
    finally:
        fetcher.close()


def _outcome(f, elapsed: float, slow_seconds: float) -> tuple[str, str]:
    if f.status is None:
        timeout = "timeout" in (f.error or "").lower()
        return ("timeout" if timeout else "error"), f.error or "无响应"
    if f.truncated:
        return "timeout", f.error or "响应未完整"
    if f.status >= 400:
        return "http_error", f"HTTP {f.status}"
    if f.error:  # a redirect loop, a redirect off the site
        return "error", f.error
    if elapsed >= slow_seconds:
        return "slow", f"用时{elapsed:.1f}秒，超过(含){slow_seconds:g}秒"
    return "ok", ""


def run_monitor(url: str, days: int = 7, per_day: int = 20, out_dir: str | Path = "monitoring", *,
                slow_seconds: float = 15.0, seed: int | None = None, clock: Callable[[], float] | None = None,
                sleep: Callable[[float], None] | None = None, clock_scale: float | None = None,
                contact: str | None = None, progress: Callable[[str], None] | None = print) -> MonitorRun:
    """Probe ``url`` ``days × per_day`` times at spread moments, recording every probe under ``out_dir``.

    ``clock`` (epoch seconds) and ``sleep`` replace the wall clock, e.g. a simulated clock in tests;
    ``clock_scale`` runs the wall clock that many times faster instead (kept in ``monitor.json``, so a resumed
    run keeps the same compressed time). Re-running with the same ``out_dir`` resumes: the same URL, days,
    per-day count and timeout are required (a different folder starts another monitoring)."""
    from .crawl.fetcher import DEFAULT_USER_AGENT

    if days < 1 or per_day < 1:
        raise ValueError("days and per_day must be at least 1")
    if slow_seconds <= 0:
        raise ValueError("slow_seconds must be positive")
    say = progress or (lambda _m: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta_path, csv_path, warc_path = out / META_NAME, out / CSV_NAME, out / WARC_NAME
    meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    asked = {"url": url, "days": days, "per_day": per_day, "slow_seconds": float(slow_seconds)}
    if meta:
        differs = {k: (meta.get(k), v) for k, v in asked.items() if meta.get(k) != v}
        if seed is not None and meta.get("seed") != seed:
            differs["seed"] = (meta.get("seed"), seed)
        scale_now = float(clock_scale or 1.0) if clock is None else None
        if scale_now is not None and float(meta.get("clock_scale") or 1.0) != scale_now:
            differs["clock_scale"] = (meta.get("clock_scale"), scale_now)
        if differs:
            what = "，".join(f"{k}: 原为{a!r}，本次{b!r}" for k, (a, b) in differs.items())
            raise ValueError(f"{out} 已有另一项监测（{what}）：续跑须使用相同参数，新的监测请换一个输出目录")
    else:
        real_now = time.time()
        scale = float(clock_scale or 1.0) if clock is None else None
        start = clock() if clock is not None else real_now
        meta = {**asked, "seed": seed if seed is not None else random.SystemRandom().randrange(2**31),
                "start": start, "start_utc": _iso(start), "clock_scale": scale, "anchor": real_now,
                "rule": "国办秘函〔2019〕19号：监测1周,每天间隔性访问20次以上,超过(含)15秒仍打不开的次数累计占比超过(含)5%"}
        tmp = meta_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, meta_path)
    if clock is None:
        scaled = ScaledClock(float(meta.get("clock_scale") or 1.0), float(meta["anchor"]))
        clock, sleep = scaled, sleep or scaled.sleep
    sleep = sleep or time.sleep

    rows, notes = _read_csv(csv_path, repair=True)
    for n in notes:
        say(f"注意：{n}")
    done = {int(r["slot"]) for r in rows}
    if not rows:
        content = csv_path.read_bytes().strip() if csv_path.exists() else b""
        if content and content != _csv_line(dict(zip(FIELDS, FIELDS))).strip():
            raise ValueError(f"{csv_path} is not a probe CSV this monitor wrote; use another output folder")
        csv_path.write_bytes(_csv_line(dict(zip(FIELDS, FIELDS))))
    warc = _ProbeWarc(warc_path, {**meta, "kind": "monitor"}, done)
    for n in warc.notes:
        say(f"注意：{n}")
    schedule = Schedule(float(meta["start"]), days, per_day, int(meta["seed"]))
    pending = [i for i in range(schedule.total) if i not in done]
    ua = DEFAULT_USER_AGENT + (f" contact:{contact}" if contact else "") + " (monitor)"
    say(f"站点可用性监测 {url}：{days}天×每天{per_day}次＝{schedule.total}次，超时阈值{slow_seconds:g}秒"
        f"{'；已记录' + str(len(done)) + '次，续跑剩余' + str(len(pending)) + '次' if done else ''}；输出 {out}")
    shift = 0.0
    if pending:
        late = clock() - schedule.time(pending[0])
        if late > 0 and done:
            shift = late
            say(f"监测中断期间错过的探测不集中补测：其余探测时间整体顺延{late / 3600:.1f}小时")
    probed = 0
    try:
        with open(csv_path, "ab") as fh:
            for i in pending:
                due = schedule.time(i) + shift
                wait = due - clock()
                if wait > 60 and not probed:
                    say(f"下一次探测（第{i + 1}次）约在{_local(due)}（北京时间）")
                if wait > 0:
                    sleep(wait)
                now = clock()
                f, elapsed = _probe(url, slow_seconds, ua)
                outcome, error = _outcome(f, elapsed, slow_seconds)
                body = f.body if f.status is not None else b""
                ok_body = f.status is not None and f.status < 400 and not f.truncated
                row = {"slot": i, "day": i // per_day, "scheduled_utc": _iso(due), "time_utc": _iso(now),
                       "time_local": _local(now), "url": url, "final_url": f.final_url, "status": f.status,
                       "elapsed_s": round(elapsed, 3), "bytes": len(body), "outcome": outcome, "error": error,
                       "timeout_s": slow_seconds, "sha1": hashlib.sha1(body).hexdigest() if ok_body else "",
                       "text_sha1": hashlib.sha1(page_text(body, f.content_type).encode("utf-8")).hexdigest()
                       if ok_body else "",
                       "newest_date": _newest_entry(f.final_url or url, body, f.content_type) if ok_body else ""}
                row["warc_record_id"] = warc.probe(i, f, row, _iso(now).replace("+00:00", "Z"))
                fh.write(_csv_line(row))
                _fsync(fh)
                probed += 1
                status = f"HTTP {f.status}" if f.status is not None else "无响应"
                say(f"[{len(done) + probed}/{schedule.total}] {_local(now)} {status} {elapsed:.2f}秒 "
                    f"{OUTCOMES[outcome]}{'：' + error if error and outcome != 'ok' else ''}")
    finally:
        warc.close()
    mon = load_monitoring(out)
    verdict = judge_availability(mon, slow_seconds, 0.05, 7, 20)  # the notice's week of ≥ 20 a day, whatever was run
    share = f"{verdict.share:.1%}" if verdict.probes else "—"
    say(f"探测次数：{verdict.probes}（计划{schedule.total}）")
    say(f"≥{slow_seconds:g}秒或失败次数：{verdict.failing}")
    say(f"占比：{share}")
    label = {"fail": "站点无法访问（单项否决）", "pass": "未达到“站点无法访问”否决线", "unverified": "尚不能判定"}[verdict.status]
    say(f"判定：{label}——{verdict.message}")
    return MonitorRun(mon, probed, verdict)
