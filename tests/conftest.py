"""Shared fixtures: sample portals served on loopback, crawled once per session."""
from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from pathlib import Path

import pytest

from zwgk_audit.checklist import load_checklist
from zwgk_audit.crawl.crawler import crawl
from zwgk_audit.sample import DEMO_DEFECTS, Defects, SampleConfig, SampleServer, generate

ROOT = Path(__file__).resolve().parent.parent
# a fixed day inside chinesecalendar's coverage keeps working-day results stable whatever today is
AS_OF = dt.date(2026, 6, 30)


def crawl_portal(portal, out: Path, **options):
    with SampleServer(portal) as srv:
        options.setdefault("check_external", False)  # the sample links real government sites: never contact them
        return crawl(srv.url, out=out, rate=0, **options), srv.url


class Listener:
    """A loopback TCP port that accepts and closes: an "internet" the reachability probe can reach offline."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.target = f"127.0.0.1:{self.port}"
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
        except OSError:
            pass
        self.sock.close()


@pytest.fixture(scope="session", autouse=True)
def internet_probe_on_loopback():
    """Crawls with external checks on probe this loopback listener, never www.gov.cn (tests stay offline).

    Set in the environment, so the batch's worker processes and the CLI get it too.
    """
    listener = Listener()
    before = os.environ.get("ZWGK_AUDIT_INTERNET_PROBE")
    os.environ["ZWGK_AUDIT_INTERNET_PROBE"] = listener.target
    yield listener
    if before is None:
        os.environ.pop("ZWGK_AUDIT_INTERNET_PROBE", None)
    else:
        os.environ["ZWGK_AUDIT_INTERNET_PROBE"] = before
    listener.close()


@pytest.fixture(scope="session")
def checklist():
    base = load_checklist(ROOT / "checklists" / "baseline.yaml")
    plan = load_checklist(ROOT / "checklists" / "panjin-sfj-2019.yaml")
    return base.merge(plan)


@pytest.fixture(scope="session")
def clean_portal():
    return generate(SampleConfig(seed=7, as_of=AS_OF, defects=Defects()))


@pytest.fixture(scope="session")
def defect_portal():
    return generate(SampleConfig(seed=11, as_of=AS_OF, defects=DEMO_DEFECTS))


@pytest.fixture(scope="session")
def clean_snapshot(clean_portal, tmp_path_factory):
    snap, _ = crawl_portal(clean_portal, tmp_path_factory.mktemp("clean"))
    return snap


@pytest.fixture(scope="session")
def defect_snapshot(defect_portal, tmp_path_factory):
    snap, _ = crawl_portal(defect_portal, tmp_path_factory.mktemp("defects"))
    return snap
