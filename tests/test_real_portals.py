"""Audits of three real portal copies (TRS, SiteServer, 开普云 site cluster), served on loopback, held to facts
read from their pages by hand (tests/real_portals.py) — never to the tool's own output."""
from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import tarfile
import threading
from pathlib import Path

import pytest

from zwgk_audit.audit import audit
from zwgk_audit.checklist import load_checklist
from zwgk_audit.crawl.crawler import crawl

from . import real_portals as facts
from .identity import assert_identical

ROOT = Path(__file__).resolve().parent.parent
PORTALS = ROOT / "tests" / "fixtures" / "portals"
AS_OF = dt.date(2021, 6, 30)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401
        pass


@functools.lru_cache(maxsize=None)
def _unpacked(name: str, where: str) -> Path:
    with tarfile.open(PORTALS / f"{name}.tar.xz") as tar:
        tar.extractall(where, filter="data")
    return Path(where) / name


@pytest.fixture(scope="module", params=["daozhen-hrss", "pingdingshan-edu", "sichuan-edu"])
def portal(request, tmp_path_factory):
    name = request.param
    root = _unpacked(name, str(tmp_path_factory.mktemp(name)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        out = tmp_path_factory.mktemp(f"{name}-out")
        snap = crawl(base + "/index.html", out=out, rate=0, check_external=False, max_pages=3000)
    finally:
        server.shutdown()
        server.server_close()
    a = audit(snap, load_checklist(ROOT / "checklists" / "baseline.yaml"), as_of=AS_OF)
    paths = a.write(out)
    return name, base, snap, a, paths


def _column_at(snap, url):
    cols = snap.columns
    rows = cols[cols["url"] == url]
    if rows.empty:  # a column whose landing page is a later list page of the same column
        rows = cols[cols["list_urls"].map(lambda us: url in us)]
    return rows


def test_every_output_is_written_and_the_audit_is_complete(portal):
    name, _base, snap, a, paths = portal
    for key in ("findings", "score", "rectification", "report", "warc"):
        assert paths[key].exists() and paths[key].stat().st_size > 0, key
    score = json.loads(paths["score"].read_text(encoding="utf-8"))
    assert score["complete"] is True and score["incomplete_reasons"] == []  # the whole copy was crawled
    assert not snap.truncated


def test_results_identical_to_the_pre_optimisation_baseline(portal):
    """Issue 19: findings and score as the code gave them before any optimisation (tests/identity.py)."""
    name, _base, _snap, a, _paths = portal
    assert_identical(a, f"real-{name}")


def test_columns_exist_with_their_classes(portal):
    name, base, snap, _a, _paths = portal
    for col_name, path, klass in facts.COLUMNS[name]:
        rows = _column_at(snap, base + path)
        assert len(rows), f"{name}: column {col_name} ({path}) not in the site model"
        row = rows.iloc[0]
        assert row["name"].replace(" ", "") == col_name, (path, row["name"])
        assert (row["class"] if isinstance(row["class"], str) else None) == klass, (col_name, row["class"])


def test_documents_belong_to_their_columns(portal):
    name, base, snap, _a, _paths = portal
    for doc, col_name in facts.DOCUMENTS[name]:
        held = snap.memberships[snap.memberships["doc_url"] == base + doc]["column_path"]
        assert any(p.split("/")[-1] == col_name for p in held), (doc, list(held))


def test_blank_columns_are_found_and_no_other(portal):
    name, base, _snap, a, _paths = portal
    f = a.findings[a.findings["item_id"] == "B-PLAT-07"]
    failed = {u.removeprefix(base) for u in f.loc[f["status"] == "fail", "evidence_url"]}
    expected = facts.BLANK[name]
    missed = expected - failed
    assert not missed, f"blank columns not found: {missed}"
    if name == "daozhen-hrss":  # every list page of this copy was read by hand: nothing else is blank
        assert failed == expected
    for path in facts.DEAD_LINK_LISTS.get(name, ()):
        row = f[f["evidence_url"] == base + path]
        assert list(row["status"]) == ["unverified"], path  # dated rows with javascript:; links are not blank


def test_classes_absent_from_the_site_are_missing_not_unverified(portal):
    name, _base, snap, a, _paths = portal
    item_of = {"guide": "B-PLAT-01", "system": "B-PLAT-02", "statutory": "B-PLAT-03", "annual_report": "B-PLAT-04"}
    for klass in facts.NO_CLASS[name]:
        assert klass not in set(snap.columns["class"].dropna()), klass
        if klass in item_of:
            status = a.findings.loc[a.findings["item_id"] == item_of[klass], "status"].tolist()
            assert status == ["fail"], (klass, status)


def test_platform_columns_present_under_a_non_standard_name(portal):
    name, _base, _snap, a, _paths = portal
    if name not in facts.PLATFORM:
        pytest.skip("this copy's platform is reached through a city portal's tree (not asserted)")
    f = a.findings
    if name == "sichuan-edu":
        for item in ("B-PLAT-01", "B-PLAT-02", "B-PLAT-04"):
            row = f[f["item_id"] == item].iloc[0]
            assert row["status"] == "pass", (item, row["message"])
            assert "同义名称" in row["measured"]  # 信息公开指南 → 政府信息公开指南, said in the finding
        names = f[(f["item_id"] == "B-PLAT-09") & (f["status"] == "fail")]["message"]
        assert any("“信息公开年报”应为“政府信息公开年报”" in m for m in names)
    platform = f[(f["item_id"] == "B-PLAT-09") & f["subject"].str.endswith(facts.PLATFORM[name])]
    expected = "pass" if facts.PLATFORM[name] == "政府信息公开" else "fail"
    assert expected in set(platform["status"]) or (expected == "pass" and platform.empty), platform


def test_policy_document_checks_judge_the_real_policy_columns(portal):
    """行政规范性文件 / 政策法规 / 部门文件 are policy columns: the document checks never say 不适用."""
    name, _base, _snap, a, _paths = portal
    judged = 0
    # B-TIME-01 (条例2019) and B-2008-03 (条例2008) judge the documents of their own time: together, one rule
    for items in (("B-TIME-01", "B-2008-03"), ("B-INTP-01",), ("B-QUAL-01",)):
        mine = a.findings[a.findings["item_id"].isin(items)]
        na = mine[mine["status"] == "not_applicable"]
        # only reposts, and documents dated outside a rule's time in force, are set aside
        assert na["message"].str.contains("转载文件|规定尚未施行|规定已不适用|施行期之外").all(), (items, na["message"].tolist())
        judged += int((mine["status"] != "not_applicable").sum())
    # sichuan's policy column (c101518) holds only 教育部 and 四川省人民政府办公厅 documents in this copy (titles and
    # 落款 read by hand): every one is set aside, each with its reason
    assert judged > 0 or name == "sichuan-edu"


def test_reposted_documents_are_set_aside_and_own_ones_judged(portal):
    """Documents read by hand as reposts (a national or higher government's) are not judged as the agency's."""
    import yaml

    name, base, _snap, a, _paths = portal
    labels = [label for f in sorted((ROOT / "tests" / "fixtures" / "article_labels").glob("*.yaml"))
              for label in yaml.safe_load(f.read_text(encoding="utf-8")) if label["portal"] == name]
    f = a.findings[a.findings["item_id"].isin(["B-TIME-01", "B-2008-03"])]
    # each document's finding from the rule in force on its date (条例2019 from 2019-05-15, 条例2008 before)
    timely = f[~f["message"].str.startswith(("规定尚未施行", "规定已不适用"))].set_index("subject")
    twice = timely.index.duplicated(keep=False)  # a repost is set aside by both, before its date is asked
    assert timely.loc[twice, "message"].str.startswith("转载文件").all()
    timely = timely[~timely.index.duplicated()]
    for label in labels:
        url = base + label["path"]
        if url not in timely.index or label.get("own") is None:
            continue
        status, message = timely.loc[url, "status"], timely.loc[url, "message"]
        if label["own"] is True:
            assert status != "not_applicable", (label["path"], message)
        elif status == "not_applicable":
            assert "转载文件" in message, (label["path"], message)
    for path in facts.REPOSTS[name]:
        row = timely.loc[base + path]
        assert row["status"] == "not_applicable" and "转载文件" in row["message"], (path, row["message"])


def test_footer_identity(portal):
    name, base, snap, _a, _paths = portal
    home = snap.page(base + "/index.html")
    for field, value in facts.FOOTER[name].items():
        got = home[field] if isinstance(home[field], str) else None
        assert got == value, (field, got)


def test_document_fields_in_the_snapshot_are_the_hand_read_ones(portal):
    """文号, 成文日期, 发布机构 of the crawled documents, as read by hand (tests/fixtures/article_labels), with a source."""
    import re

    import yaml

    name, base, snap, _a, _paths = portal
    labels = [label for f in sorted((ROOT / "tests" / "fixtures" / "article_labels").glob("*.yaml"))
              for label in yaml.safe_load(f.read_text(encoding="utf-8")) if label["portal"] == name]
    arts = snap.articles.set_index("url")
    checked = 0
    for label in labels:
        if base + label["path"] not in arts.index:
            continue  # a page the crawl does not reach from the home page (a copy's orphan)
        row = arts.loc[base + label["path"]]
        got_date = row["document_date"].isoformat() if isinstance(row["document_date"], dt.date) else None
        want_date = label["document_date"].isoformat() if label["document_date"] else None
        assert got_date == want_date, (label["path"], got_date, want_date)
        squeeze = lambda v: re.sub(r"\s+", "", v) if isinstance(v, str) and v.strip() else None  # noqa: E731
        assert squeeze(row["doc_no"]) == squeeze(label["doc_no"]), (label["path"], row["doc_no"])
        assert squeeze(row["publisher"]) == squeeze(label["publisher"]), (label["path"], row["publisher"])
        if want_date:
            assert row["field_sources"]["document_date"] == label["document_date_source"], label["path"]
        checked += 1
    assert checked >= 10, f"only {checked} labelled documents reached by the crawl of {name}"


def test_agency_kind_and_level_are_what_the_pages_say(portal):
    """The kind and level read from the site's own name are the ones read by hand; a kind no page states stays
    unknown, and the annual report's deadline then never rests on a guess."""
    name, _base, _snap, a, paths = portal
    kind, levels = facts.AGENCY[name]
    assert (a.agency.kind, a.agency.levels) == (kind, levels)
    profile = json.loads(paths["score"].read_text(encoding="utf-8"))["agency_profile"]
    assert profile["kind"] == kind and profile["description"] == a.agency.describe()
    report = a.findings[a.findings["item_id"] == "B-PLAT-08"].iloc[0]
    assert ("机关类型未能确定" if kind is None else f"推断为{kind}") in report["message"]


def test_interaction_and_service_vetoes_as_read_by_hand(portal):
    from zwgk_audit.checklist import parse_checklist

    name, base, snap, _a, _paths = portal
    items = parse_checklist("id: v\ntitle: v\ncategories: [{id: c, title: c, weight: 1}]\nitems:\n"
                            "  - {id: HD, title: 互动回应差, check: interaction_responsive, category: c, veto: true, basis: {clause: x}}\n"
                            "  - {id: FW, title: 服务不实用, check: service_practical, category: c, veto: true, basis: {clause: x}}\n")
    f = audit(snap, items, as_of=AS_OF).findings
    hd, fw = f[f["item_id"] == "HD"], f[f["item_id"] == "FW"]
    assert hd["status"].tolist() == [facts.VETO_INTERACTION[name]], hd[["subject", "message"]]
    msgs = snap.messages.dropna(subset=["url"])
    for path, asked, answered, replier in facts.LETTERS.get(name, []):
        row = msgs[msgs["url"] == base + path].iloc[0]
        assert (row["asked"].isoformat(), row["answered"].isoformat(), row["replier"]) == (asked, answered, replier)
    guides = facts.GUIDES_MISSING[name]
    got = {s.replace(base, ""): (st, me) for s, st, me in zip(fw["subject"], fw["status"], fw["measured"])}
    if guides:
        assert set(got) == set(guides)
        for path, missing in guides.items():
            if missing is None:
                assert got[path][0] == "unverified"
            else:
                assert got[path] == ("fail", f"缺少{len(missing)}项：{'、'.join(missing)}")
    else:
        (status, _m), = got.values()
        message = fw["message"].iloc[0]
        assert status == "unverified" and f"“{facts.SERVICE_ENTRANCE[name]}”入口" in message
