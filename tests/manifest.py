"""Hold an audit to a sample portal's manifest: every planted defect found, nothing else failing."""
from __future__ import annotations


def declared_subjects(manifest: dict, check: str) -> list[str]:
    """Subjects the dialect fails on purpose for ``check`` (a plain CMS prints no 索引号)."""
    return [s for d in manifest.get("declared", []) if d["check"] == check for s in d["subjects"]]


def assert_matches_manifest(a, manifest):
    failed = a.findings[a.findings["status"] == "fail"]
    planted = manifest["defects"]
    # found when planted
    for d in planted:
        mine = failed[failed["check"] == d["check"]]
        if d["type"] == "no_footer_identity":  # one failure per missing identity, subjects are their names
            assert len(mine) == len(d["detail"]["missing"]), mine
            continue
        hit = mine["subject"].map(lambda s: s.endswith(d["subject"]) or s == d["subject"])
        assert hit.any(), f"planted {d['type']} {d['subject']} not found by {d['check']}"
    # silent when not planted: each failing subject belongs to a planted defect of that check, or a declared one
    for _, f in failed.iterrows():
        own = [d["subject"] for d in planted if d["check"] == f["check"]] + declared_subjects(manifest, f["check"])
        if f["check"] == "site_identity":
            assert own, f"unexpected site_identity failure: {f['message']}"
            continue
        assert any(f["subject"].endswith(s) for s in own), f"false positive: {f['check']} {f['subject']} {f['message']}"
