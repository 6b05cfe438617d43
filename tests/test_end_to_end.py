"""The sample portal's manifest is the ground truth: every planted defect is found, nothing else fails."""
from __future__ import annotations

import pandas as pd
import pytest

from zwgk_audit.audit import audit
from zwgk_audit.sample import Defects, SampleConfig, generate
from zwgk_audit.snapshot import Snapshot

from .conftest import AS_OF, crawl_portal
from .manifest import assert_matches_manifest


def test_clean_portal_has_no_failed_finding(clean_snapshot, checklist):
    a = audit(clean_snapshot, checklist, as_of=AS_OF)
    failed = a.findings[a.findings["status"] == "fail"]
    assert failed.empty, failed[["item_id", "subject", "message"]].to_string()
    # the three core checks really measured something (not all unverified / n/a)
    for check in ("column_present", "publication_timeliness", "interpretation_linked"):
        st = a.findings[a.findings["check"] == check]["status"]
        assert (st == "pass").sum() >= 1 and (st == "unverified").sum() == 0, check
    assert a.score.score == 100.0
    assert a.score.coverage < 1.0  # the manual IPv6 item is unmeasured, and says so
    assert a.findings[a.findings["check"] == "manual"]["status"].eq("unverified").all()


def test_every_planted_defect_is_found(defect_snapshot, defect_portal, checklist):
    a = audit(defect_snapshot, checklist, as_of=AS_OF)
    assert_matches_manifest(a, defect_portal.manifest)
    late = a.findings[(a.findings["check"] == "publication_timeliness") & (a.findings["status"] == "fail")]
    assert late["item_id"].unique().tolist() == ["B-TIME-01"]
    assert late["measured"].str.contains("工作日").all()
    assert 0 < a.score.score < 100
    assert a.score.appraisal_points == pytest.approx(4 * a.score.score / 100, abs=1e-3)


@pytest.mark.parametrize("defects", [
    Defects(missing_columns=["政策解读", "政府信息公开指南"], no_footer_identity=True),
    Defects(empty_columns=["政策解读"], stale_columns=["政务动态"], late_documents=4),
    Defects(interpretations_one_way=5, broken_links=1, incomplete_metadata=3, late_annual_report=True),
])
def test_other_defect_mixes_gbk(defects, checklist, tmp_path):
    portal = generate(SampleConfig(seed=21, as_of=AS_OF, encoding="gbk", defects=defects))
    snap, _ = crawl_portal(portal, tmp_path)
    ok = snap.pages[snap.pages["status"] == 200]
    assert ok["encoding"].dropna().eq("gb18030").all()
    a = audit(snap, checklist, as_of=AS_OF)
    assert_matches_manifest(a, portal.manifest)
    if "政策解读" in defects.missing_columns + defects.empty_columns:
        # with no interpretations at all, every policy document lacks one, and the manifest says so
        failed = a.findings[(a.findings["item_id"] == "B-INTP-01") & (a.findings["status"] == "fail")]
        assert len(failed) == len(portal.manifest["documents"])


def test_replayed_snapshot_gives_identical_tables_and_findings(defect_snapshot, checklist):
    again = Snapshot.load(defect_snapshot.warc_path)
    parallel = Snapshot.load(defect_snapshot.warc_path, workers=2)
    for name in ("pages", "columns", "entries", "articles", "links"):
        pd.testing.assert_frame_equal(getattr(again, name).astype(str), getattr(parallel, name).astype(str))
    for name in ("pages", "columns", "entries", "articles", "links"):
        pd.testing.assert_frame_equal(getattr(defect_snapshot, name).astype(str), getattr(again, name).astype(str))
    a1 = audit(defect_snapshot, checklist, as_of=AS_OF)
    a2 = audit(again, checklist, as_of=AS_OF)
    pd.testing.assert_frame_equal(a1.findings, a2.findings)
    assert a1.score.to_json() == a2.score.to_json()
    # every finding that names evidence points at a WARC record
    ev = a1.findings[(a1.findings["evidence_url"] != "") & (a1.findings["status"] == "fail")]
    assert ev["warc_record_id"].str.startswith("<urn:uuid:").all()


def test_robots_blocked_column_is_unverified_not_missing(checklist, tmp_path):
    portal = generate(SampleConfig(seed=3, as_of=AS_OF))
    portal.pages["/robots.txt"].body += "Disallow: /zfxxgk/ndbg/\n"
    snap, _ = crawl_portal(portal, tmp_path)
    a = audit(snap, checklist, as_of=AS_OF)
    f = a.findings[a.findings["item_id"] == "B-PLAT-04"].iloc[0]
    assert f["status"] == "unverified"
    assert "robots.txt" in f["message"]


def test_page_cap_makes_absence_unverified(checklist, tmp_path):
    portal = generate(SampleConfig(seed=3, as_of=AS_OF))
    snap, _ = crawl_portal(portal, tmp_path, max_pages=3)
    assert snap.truncated
    a = audit(snap, checklist, as_of=AS_OF)
    assert not (a.findings["check"].eq("column_present") & a.findings["status"].eq("fail")).any()


def test_unreachable_portal_is_unverified_with_zero_coverage(checklist, tmp_path):
    from zwgk_audit.crawl.crawler import crawl
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    snap = crawl(f"http://127.0.0.1:{port}/", out=tmp_path, rate=0, retries=0, connect_timeout=1)
    assert snap.pages["kind"].eq("error").all()
    a = audit(snap, checklist, as_of=AS_OF)
    f = a.findings
    assert set(f["status"]) == {"unverified", "not_applicable"}
    # only the rules not in force on the audit day (the 2008 条例's items) are not applicable, site or no site
    assert f.loc[f["status"] == "not_applicable", "message"].str.startswith("规定已不适用").all()
    assert a.score.score is None and a.score.coverage == 0.0


def test_gbk_and_utf8_portals_give_identical_tables(tmp_path):
    from zwgk_audit.crawl.crawler import crawl
    from zwgk_audit.sample import SampleServer

    from .hostile.servers import free_port

    port = free_port()
    snaps = {}
    for enc in ("utf-8", "gbk"):
        portal = generate(SampleConfig(seed=13, as_of=AS_OF, encoding=enc))
        with SampleServer(portal, port=port) as srv:
            snaps[enc] = crawl(srv.url, out=tmp_path / enc, rate=0, check_external=False)
    volatile = ["fetched_at", "warc_record_id", "encoding", "encoding_source", "bytes", "content_type"]
    u, g = snaps["utf-8"], snaps["gbk"]
    pd.testing.assert_frame_equal(u.pages.drop(columns=volatile).astype(str), g.pages.drop(columns=volatile).astype(str))
    for name in ("columns", "entries", "links"):
        pd.testing.assert_frame_equal(getattr(u, name).astype(str), getattr(g, name).astype(str))
    pd.testing.assert_frame_equal(u.articles.drop(columns=["warc_record_id"]).astype(str),
                                  g.articles.drop(columns=["warc_record_id"]).astype(str))
    assert set(g.pages["encoding"].dropna()) == {"gb18030"}
