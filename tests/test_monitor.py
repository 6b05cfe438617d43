"""zwgk-audit monitor: spread probes on a compressed clock, every probe in the WARC and the CSV, kill -9 and resume.

Loopback servers only; expectations come from the planted defect (which requests the server holds), never from the
monitor's own output. No assertion depends on how fast the machine is: held requests are held longer than the
probe timeout, and the clean controls keep the 15 s default.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from warcio.archiveiterator import ArchiveIterator

from zwgk_audit.checks import Context, registry
from zwgk_audit.monitor import (CSV_NAME, DAY, FIELDS, WARC_NAME, Monitoring, ScaledClock, Schedule,
                                judge_availability, load_monitoring, run_monitor)
from zwgk_audit.sample import Defects, SampleConfig, SampleServer, generate

AS_OF = dt.date(2026, 6, 30)
START = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc).timestamp()


class FakeClock:
    """Simulated time: sleeping advances it at once, so a week of monitoring takes as long as its requests."""

    def __init__(self, start: float = START):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


def warc_records(path: Path) -> list[tuple[str, str | None, str | None]]:
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Zwgk-Slot"), r.rec_headers.get_header("WARC-Record-ID"))
                for r in ArchiveIterator(fh)]


@pytest.fixture(scope="module")
def portal():
    return generate(SampleConfig(seed=3, as_of=AS_OF, defects=Defects()))


def test_compressed_clock_records_every_slot_spread_over_each_day(portal, tmp_path):
    clock, said = FakeClock(), []
    with SampleServer(portal) as srv:
        run = run_monitor(srv.url, 7, 20, tmp_path, seed=5, clock=clock, sleep=clock.sleep, progress=said.append)
    probes = pd.read_csv(tmp_path / CSV_NAME)
    assert list(probes.columns) == FIELDS
    assert sorted(probes["slot"]) == list(range(140))
    assert probes.groupby("day").size().tolist() == [20] * 7
    # one probe inside each of the day's 20 slots, at the seeded moment: spread, not a burst
    schedule = Schedule(START, 7, 20, 5)
    times = pd.to_datetime(probes["time_utc"], format="ISO8601")
    for slot, when in zip(probes["slot"], times):
        begin = START + slot * DAY / 20
        assert begin - 1 <= when.timestamp() <= begin + DAY / 20 + 1
        assert abs(when.timestamp() - schedule.time(slot)) <= 1
    assert (probes["status"] == 200).all() and (probes["outcome"] == "ok").all()
    assert probes["sha1"].nunique() == 1 and probes["text_sha1"].nunique() == 1
    local = pd.to_datetime(probes["time_local"])
    assert ((local - times.dt.tz_convert(None)) == pd.Timedelta(hours=8)).all()  # 北京时间
    records = warc_records(tmp_path / WARC_NAME)
    kinds = Counter(kind for kind, _slot, _id in records)
    assert kinds == {"warcinfo": 1, "request": 140, "response": 140, "metadata": 140}
    metadata_slots = [int(s) for kind, s, _id in records if kind == "metadata"]
    assert sorted(metadata_slots) == list(range(140))
    responses = {rid for kind, _s, rid in records if kind == "response"}
    assert set(probes["warc_record_id"]) == responses
    # the Chinese summary, and the clean control: nothing held, nothing fails
    text = "\n".join(said)
    assert "探测次数：140" in text and "≥15秒或失败次数：0" in text and "占比：0.0%" in text and "判定：" in text
    assert run.verdict.status == "pass" and run.verdict.failing == 0
    ctx = Context(as_of=AS_OF, monitoring=load_monitoring(tmp_path))
    snap = SimpleNamespace(start_url=run.monitoring.url)  # the check reads the monitoring, not the snapshot
    (finding,) = registry["site_accessible"].run(snap, {}, ctx)
    assert finding.status == "pass" and "140" in finding.subject and finding.evidence_url == run.monitoring.url


def test_slow_home_page_triggers_the_veto_even_before_the_week_is_over(tmp_path):
    defects = Defects(slow_home=1.0, slow_home_every=5)  # every 5th home request held 1 s; probes give up at 0.3 s
    portal = generate(SampleConfig(seed=3, as_of=AS_OF, defects=defects))
    (planted,) = [d for d in portal.manifest["defects"] if d["type"] == "slow_home"]
    every = planted["detail"]["every"]
    clock = FakeClock()
    with SampleServer(portal) as srv:
        run_monitor(srv.url, 2, 20, tmp_path, slow_seconds=0.3, seed=1, clock=clock, sleep=clock.sleep, progress=None)
    mon = load_monitoring(tmp_path)
    held = [s for s in range(40) if (s + 1) % every == 0]  # the monitor's n-th request is slot n-1
    assert len(held) == 8
    by_slot = mon.probes.set_index("slot")
    assert (by_slot.loc[held, "outcome"] == "timeout").all() and by_slot.loc[held, "status"].isna().all()
    # failed probes are in the WARC as outcome records with no response
    records = warc_records(tmp_path / WARC_NAME)
    answered = {int(s) for kind, s, _ in records if kind == "response"}
    assert not answered & set(held)
    # 8 failures already reach 5 % of the 7 × 20 = 140 the rule asks for (7): the veto, with 2 days of monitoring
    ctx = Context(as_of=AS_OF, monitoring=mon)
    snap = SimpleNamespace(start_url=mon.url)
    (finding,) = registry["site_accessible"].run(snap, {"slow_seconds": 0.3}, ctx)
    assert finding.status == "fail"
    assert "监测虽未满7天" in finding.message and "站点无法访问" in finding.message
    # judged at the notice's 15 s instead, the probes cut at 0.3 s cannot be told apart: not judged either way
    (strict,) = registry["site_accessible"].run(snap, {}, ctx)
    assert strict.status == "unverified" and "短于判定阈值15秒" in strict.message


def fake_monitoring(failing_per_day: list[int], per_day: int = 20) -> Monitoring:
    rows = []
    for day, bad in enumerate(failing_per_day):
        for k in range(per_day):
            slot = day * per_day + k
            when = dt.datetime.fromtimestamp(START + slot * DAY / per_day, dt.timezone.utc)
            fail = k < bad
            rows.append({"slot": slot, "day": day, "time": when, "status": None if fail else 200,
                         "elapsed_s": 15.0 if fail else 0.2, "outcome": "timeout" if fail else "ok", "timeout_s": 15.0,
                         "text_sha1": "" if fail else "x"})
    return Monitoring(Path("m"), "http://127.0.0.1/", pd.DataFrame(rows), {"days": len(failing_per_day),
                                                                           "per_day": per_day})


@pytest.mark.parametrize("failing, days, expected", [
    ([1, 1, 1, 1, 1, 1, 1], 7, "fail"),        # 7 / 140 = 5 %: 超过(含)5%
    ([1, 1, 1, 1, 1, 1, 0], 7, "pass"),        # 6 / 140 = 4.3 %
    ([0, 0, 7], 3, "fail"),                    # 3 days, but 7 failures are 5 % of the 140 a week needs
    ([0, 0, 6], 3, "unverified"),              # 6 of 60: more monitoring could still bring it under 5 %
])
def test_share_threshold_is_inclusive_and_short_monitoring_is_judged_only_when_decided(failing, days, expected):
    v = judge_availability(fake_monitoring(failing), 15, 0.05, 7, 20)
    assert v.status == expected
    if expected == "unverified":
        assert f"还差{7 - days}天" in v.message and "zwgk-audit monitor" in v.message


def test_truncated_last_csv_line_is_noted_and_resumed(portal, tmp_path):
    clock = FakeClock()
    with SampleServer(portal) as srv:
        run_monitor(srv.url, 1, 5, tmp_path, seed=2, clock=clock, sleep=clock.sleep, progress=None)
        csv_path = tmp_path / CSV_NAME
        lines = csv_path.read_bytes().splitlines(keepends=True)
        assert len(lines) == 6
        # a monitor killed while writing its 4th row: rows 1-3 whole, the 4th half-written
        csv_path.write_bytes(b"".join(lines[:4]) + lines[4][:25])
        mon = load_monitoring(tmp_path)
        assert len(mon.probes) == 3 and any("最后一行不完整" in n for n in mon.notes)
        said: list[str] = []
        run = run_monitor(srv.url, 1, 5, tmp_path, seed=2, clock=clock, sleep=clock.sleep, progress=said.append)
    assert any("最后一行不完整" in s for s in said)
    assert run.probed_now == 2
    after = csv_path.read_bytes().splitlines(keepends=True)
    assert after[:4] == lines[:4] and len(after) == 6 and all(line.endswith(b"\n") for line in after)
    assert sorted(pd.read_csv(csv_path)["slot"]) == list(range(5))
    # the WARC kept the probes the CSV holds and dropped the 4th's, probed again: one outcome record per slot
    slots = [int(s) for kind, s, _ in warc_records(tmp_path / WARC_NAME) if kind == "metadata"]
    assert sorted(slots) == list(range(5))


def test_resume_refuses_other_parameters(portal, tmp_path):
    clock = FakeClock()
    with SampleServer(portal) as srv:
        run_monitor(srv.url, 1, 2, tmp_path, seed=2, clock=clock, sleep=clock.sleep, progress=None)
        with pytest.raises(ValueError, match="续跑须使用相同参数"):
            run_monitor(srv.url, 1, 3, tmp_path, clock=clock, sleep=clock.sleep, progress=None)


def test_killed_monitor_resumes_keeping_every_probe(portal, tmp_path):
    """A real process killed with SIGKILL mid-run; the same command again completes the remaining slots."""
    out = tmp_path / "mon"
    scale = 200_000  # a 4320 s slot lasts about 20 ms
    with SampleServer(portal) as srv:
        cmd = [sys.executable, "-m", "zwgk_audit.cli", "monitor", srv.url, "--days", "7", "--per-day", "20",
               "-o", str(out), "--clock-scale", str(scale), "--seed", "9"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        csv_path = out / CSV_NAME
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if csv_path.exists() and csv_path.read_bytes().count(b"\n") > 12:
                break
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        before = csv_path.read_bytes()
        kept = before[: before.rfind(b"\n") + 1].splitlines(keepends=True)[1:]  # whole rows the kill left
        assert 0 < len(kept) < 140, "the monitor was killed mid-run"
        # resume on a simulated clock from the monitor's own compressed time: no waiting
        meta_anchor = json.loads((out / "monitor.json").read_text())["anchor"]
        clock = FakeClock(ScaledClock(scale, meta_anchor)())
        run = run_monitor(srv.url, 7, 20, out, clock=clock, sleep=clock.sleep, progress=None)
    after = csv_path.read_bytes().splitlines(keepends=True)[1:]
    assert after[: len(kept)] == kept  # every probe recorded before the kill is still there, unchanged
    probes = pd.read_csv(csv_path)
    assert len(probes) == 140 and sorted(probes["slot"]) == list(range(140))  # no slot twice, none missing
    assert run.probed_now == 140 - len(kept)
    slots = Counter(int(s) for kind, s, _ in warc_records(out / WARC_NAME) if kind == "metadata")
    assert sorted(slots) == list(range(140)) and set(slots.values()) == {1}
    # the resumed probes come after the kill, in slot order, not before their schedule
    times = pd.to_datetime(probes.sort_values("slot")["time_utc"], format="ISO8601")
    assert times.is_monotonic_increasing


def test_cli_monitor_prints_the_summary_in_chinese(portal, tmp_path, capsys):
    from zwgk_audit.cli import main

    with SampleServer(portal) as srv:
        assert main(["monitor", srv.url, "--days", "1", "--per-day", "3", "-o", str(tmp_path),
                     "--clock-scale", "2000000", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    for label in ("探测次数：3", "≥15秒或失败次数：0", "占比：0.0%", "判定：尚不能判定"):
        assert label in out
    assert len(load_monitoring(tmp_path / CSV_NAME).probes) == 3
