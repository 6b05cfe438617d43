"""Validity benchmark: recall and precision of the checks on the sample portal, per dialect and per defect kind.

    .venv/bin/python benchmarks/validity.py [--seeds 3] [--dialects trs ucap hanweb gkmlpt plain]

For each dialect and seed, the sample portal is generated with a rotating mix of planted defects (every kind
appears in every dialect), served on loopback, crawled and audited against checklists/baseline.yaml. The
manifest is the ground truth:

* recall    = planted defects that a failing finding of their check names / planted defects;
* precision = failing findings that name a planted defect or a property the dialect declares (a plain CMS
  prints no 索引号) / failing findings.

The baseline, measured in the same run, is the trs dialect (the markup the checks were first written for):
each dialect's numbers are printed next to it as ratios.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zwgk_audit.audit import audit  # noqa: E402
from zwgk_audit.checklist import load_checklist  # noqa: E402
from zwgk_audit.crawl.crawler import crawl  # noqa: E402
from zwgk_audit.sample import Defects, SampleConfig, SampleServer, generate  # noqa: E402
from zwgk_audit.sample.dialects import DIALECTS  # noqa: E402

AS_OF = dt.date(2026, 6, 30)
MIXES = [
    Defects(missing_columns=["政府信息公开年报"], empty_columns=["建议提案办理"], stale_columns=["通知公告"],
            late_documents=2, interpretations_missing=1, interpretations_one_way=2, broken_links=2, incomplete_metadata=1),
    Defects(missing_columns=["政策解读", "政府信息公开指南"], no_footer_identity=True, late_documents=1),
    Defects(empty_columns=["人事信息"], stale_columns=["政务动态"], late_documents=4, interpretations_one_way=3,
            incomplete_metadata=2, late_annual_report=True),
]


def run(dialect: str, seed: int, checklist) -> tuple[Counter, Counter, Counter, Counter]:
    """(planted, found) per defect type and (failing, right) per check for one audited portal."""
    defects = MIXES[seed % len(MIXES)]
    portal = generate(SampleConfig(seed=seed, as_of=AS_OF, dialect=dialect, defects=defects))
    with SampleServer(portal) as srv, tempfile.TemporaryDirectory() as tmp:
        snap = crawl(srv.url, out=tmp, rate=0, check_external=False)
        findings = audit(snap, checklist, as_of=AS_OF).findings
    failed = findings[findings["status"] == "fail"]
    manifest = portal.manifest
    planted, found = Counter(), Counter()
    for d in manifest["defects"]:
        planted[d["type"]] += 1
        mine = failed[failed["check"] == d["check"]]
        if d["type"] == "no_footer_identity":
            found[d["type"]] += len(mine) == len(d["detail"]["missing"])
        else:
            found[d["type"]] += bool(mine["subject"].map(lambda s: s.endswith(d["subject"])).any())
    failing, right = Counter(), Counter()
    for check, subject in zip(failed["check"], failed["subject"]):
        failing[check] += 1
        own = [d["subject"] for d in manifest["defects"] if d["check"] == check]
        own += [s for d in manifest.get("declared", []) if d["check"] == check for s in d["subjects"]]
        if check == "site_identity":
            right[check] += bool(own)
        else:
            right[check] += any(subject.endswith(s) for s in own)
    return planted, found, failing, right


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def fmt(x: float | None) -> str:
    return "   —  " if x is None else f"{100 * x:5.1f}%"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="portals per dialect (each seed plants another defect mix)")
    ap.add_argument("--dialects", nargs="*", default=sorted(DIALECTS, key=lambda d: d != "trs"))
    args = ap.parse_args()
    checklist = load_checklist(ROOT / "checklists" / "baseline.yaml")
    totals: dict[str, list[Counter]] = {}
    by_kind: dict[str, list[Counter]] = defaultdict(lambda: [Counter(), Counter()])
    by_check: dict[str, list[Counter]] = defaultdict(lambda: [Counter(), Counter()])
    for dialect in args.dialects:
        acc = [Counter(), Counter(), Counter(), Counter()]
        for seed in range(args.seeds):
            for a, b in zip(acc, run(dialect, seed, checklist)):
                a.update(b)
        totals[dialect] = acc
        for kind in acc[0]:
            by_kind[kind][0][dialect] += acc[0][kind]
            by_kind[kind][1][dialect] += acc[1][kind]
        for check in acc[2]:
            by_check[check][0][dialect] += acc[2][check]
            by_check[check][1][dialect] += acc[3][check]

    base = totals.get("trs")
    print(f"{'dialect':8} {'planted':>7} {'recall':>7} {'failing':>7} {'precision':>9}   vs trs (recall, precision)")
    for dialect, (planted, found, failing, right) in totals.items():
        r = ratio(sum(found.values()), sum(planted.values()))
        p = ratio(sum(right.values()), sum(failing.values()))
        vs = ""
        if base and dialect != "trs":
            br, bp = ratio(sum(base[1].values()), sum(base[0].values())), ratio(sum(base[3].values()), sum(base[2].values()))
            vs = f"{(r or 0) / br:5.2f}×, {(p or 0) / bp:5.2f}×" if br and bp else ""
        print(f"{dialect:8} {sum(planted.values()):7d} {fmt(r):>7} {sum(failing.values()):7d} {fmt(p):>9}   {vs}")
    print("\nrecall per defect kind (found/planted)")
    print(f"{'kind':24}" + "".join(f"{d:>12}" for d in totals))
    for kind, (planted, found) in sorted(by_kind.items()):
        print(f"{kind:24}" + "".join(f"{found[d]:>6}/{planted[d]:<5}" for d in totals))
    print("\nprecision per check (right/failing findings)")
    print(f"{'check':24}" + "".join(f"{d:>12}" for d in totals))
    for check, (failing, right) in sorted(by_check.items()):
        print(f"{check:24}" + "".join(f"{right[d]:>6}/{failing[d]:<5}" for d in totals))


if __name__ == "__main__":
    main()
