"""Shared fixtures: sample portals served on loopback, crawled once per session."""
from __future__ import annotations

import datetime as dt
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
