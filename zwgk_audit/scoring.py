"""Score findings the way Lighthouse does: item weights within categories, category weights overall.

Rules (documented so an agency can recompute its score by hand):

* An item's score is the share of its subjects that pass, over the subjects
  that were decided (pass + fail). ``unverified`` subjects are left out.
* An item with no decided subject is *unmeasured* (all unverified) or *not
  applicable* (all n/a). Not-applicable items drop out and weights
  renormalise; unmeasured items count toward **coverage**, never toward the
  score, so an unreachable portal shows a low coverage, not a good score.
* A category's score is the weighted mean of its measured items; the total is
  the category-weighted mean of measured categories.
* 单项否决: a failed veto item caps the total at 59 (不合格) whatever else passed.
* Appraisal points = ``appraisal_share`` × total / 100 (e.g. 4 points of a
  100-point 绩效考核 at a score of 85 → 3.4 points).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from .checklist import Checklist

VETO_CAP = 59.0


@dataclass
class ItemScore:
    item_id: str
    title: str
    category: str
    weight: float
    veto: bool
    state: str  # pass | fail | partial | unmeasured | not_applicable
    score: float | None  # 0..1 over decided subjects
    passed: int
    failed: int
    unverified: int
    not_applicable: int


@dataclass
class Score:
    score: float | None
    coverage: float
    appraisal_share: float | None
    appraisal_points: float | None
    vetoed: list[str]
    categories: list[dict[str, Any]]
    items: list[ItemScore] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [i.item_id for i in self.items if i.state in ("fail", "partial")]

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "coverage": self.coverage,
            "appraisal_share": self.appraisal_share,
            "appraisal_points": self.appraisal_points,
            "vetoed": self.vetoed,
            "veto_rule": f"单项否决项不符合时总分封顶{VETO_CAP:g}分（不合格）",
            "categories": self.categories,
            "failed": [
                {"item_id": i.item_id, "title": i.title, "category": i.category, "score": i.score,
                 "failed_subjects": i.failed, "veto": i.veto}
                for i in self.items if i.state in ("fail", "partial")
            ],
            "items": [asdict(i) for i in self.items],
        }


def score(findings: pd.DataFrame, checklist: Checklist) -> Score:
    items: list[ItemScore] = []
    for it in checklist.items:
        f = findings[findings["item_id"] == it.id]["status"] if len(findings) else pd.Series(dtype=str)
        p, fl, u, na = (int((f == s).sum()) for s in ("pass", "fail", "unverified", "not_applicable"))
        if p + fl:
            s = p / (p + fl)
            state = "pass" if fl == 0 else ("fail" if p == 0 else "partial")
        else:
            s = None
            state = "unmeasured" if u or not na else "not_applicable"
        items.append(ItemScore(it.id, it.title, it.category, it.weight, it.veto, state, s, p, fl, u, na))

    cats: list[dict[str, Any]] = []
    for c in checklist.categories:
        mine = [i for i in items if i.category == c.id and i.state != "not_applicable"]
        applicable_w = sum(i.weight for i in mine)
        measured = [i for i in mine if i.score is not None]
        measured_w = sum(i.weight for i in measured)
        cat_score = (100 * sum(i.weight * i.score for i in measured) / measured_w) if measured_w else None
        cats.append({
            "id": c.id, "title": c.title, "weight": c.weight,
            "score": None if cat_score is None else round(cat_score, 2),
            "coverage": round(measured_w / applicable_w, 4) if applicable_w else None,
            "items": len(mine), "failed_items": sum(1 for i in measured if i.state in ("fail", "partial")),
        })
    scored = [c for c in cats if c["score"] is not None]
    applicable = [c for c in cats if c["coverage"] is not None]
    total = sum(c["weight"] * c["score"] for c in scored) / sum(c["weight"] for c in scored) if scored else None
    coverage = (sum(c["weight"] * c["coverage"] for c in applicable) / sum(c["weight"] for c in applicable)
                if applicable else 0.0)
    vetoed = [i.item_id for i in items if i.veto and i.failed > 0]
    if total is not None and vetoed:
        total = min(total, VETO_CAP)
    total = None if total is None else round(total, 2)
    share = checklist.appraisal_share
    points = round(share * total / 100, 3) if share is not None and total is not None else None
    return Score(total, round(coverage, 4), share, points, vetoed, cats, items)
