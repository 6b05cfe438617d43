"""Scores an agency can recompute by hand. Two schemes; a checklist chooses (``scheme:``).

``weighted`` (default, Lighthouse-like)
    * An item's score is the share of its decided subjects (pass + fail) that pass;
      ``unverified`` subjects are left out.
    * An item with no decided subject is *unmeasured* (some unverified) or *not applicable*
      (all n/a). Not-applicable items — and categories with nothing applicable — drop out.
    * Every applicable item holds an absolute share of 100 points: its category's weight
      share times its weight share within the category. Measured items split their share
      into **earned** (share × item score) and **lost**; unmeasured items' shares are
      **unmeasured**. earned + lost + unmeasured = 100 exactly (the points-lost table).
    * score = 100 × earned / (earned + lost): the score over what was measured;
      coverage = (earned + lost) / 100, shown beside it, so an unreachable portal never
      looks like a good one.
    * 单项否决: a failed veto item caps the score at 59 (不合格).

``gb19`` (国办秘函〔2019〕19号 as inspectors apply it)
    * Any failed veto item → 不合格, nothing else scored.
    * Otherwise deductions from 100: each item (an indicator) loses ``deduct`` points per
      failing subject (or its points × failing share when no ``deduct`` is set), never
      more than its ``points``.
    * A department without public-service duties (``public_service: false``) skips the
      ``service`` indicators: its deduction part is out of 75 and multiplied by 4/3.
    * < 60 → 不合格. Above 80 (strictly: "高于80分") → the 加分 items (``bonus: true``, earned
      when they pass) are added, at most ``bonus_cap`` points (30 in the notice; 20 is the
      separate 年度考核指标's figure, and some provinces use 20 or 25).
    * A veto item that could not be judged withholds the grade (待核实), never passes it.
    * ``details["steps"]`` holds the notice's rule and the result of each step.

Appraisal points = ``appraisal_share`` × score / 100 (4 points at a score of 85 → 3.4).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from .checklist import Checklist
from .checks.base import STATUSES

VETO_CAP = 59.0
POINTS_LABELS = {"item_id": "编号", "title": "检查项", "category": "分类", "share": "占分", "earned": "得分", "lost": "失分",
                 "unmeasured": "未测量", "failed_subjects": "不符合对象数", "state": "状态"}
STATE_LABELS = {"pass": "符合", "fail": "不符合", "partial": "部分符合", "unmeasured": "未测量", "not_applicable": "不适用"}


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
    share: float = 0.0  # points of 100 this item holds
    earned: float = 0.0
    lost: float = 0.0
    unmeasured: float = 0.0


@dataclass
class Score:
    score: float | None
    coverage: float
    appraisal_share: float | None
    appraisal_points: float | None
    vetoed: list[str]
    categories: list[dict[str, Any]]
    items: list[ItemScore] = field(default_factory=list)
    scheme: str = "weighted"
    grade: str | None = None  # 合格 / 不合格 (gb19, or any veto)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        return [i.item_id for i in self.items if i.state in ("fail", "partial")]

    def points_lost(self) -> pd.DataFrame:
        """Every point not earned, item by item, largest first; earned + lost + unmeasured = 100."""
        rows = [{"item_id": i.item_id, "title": i.title, "category": i.category, "share": i.share, "earned": i.earned,
                 "lost": i.lost, "unmeasured": i.unmeasured, "failed_subjects": i.failed, "state": i.state}
                for i in self.items if i.state != "not_applicable"]
        df = pd.DataFrame(rows, columns=["item_id", "title", "category", "share", "earned", "lost", "unmeasured",
                                         "failed_subjects", "state"])
        return df.sort_values(["lost", "unmeasured"], ascending=False, kind="stable").reset_index(drop=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "score": self.score,
            "grade": self.grade,
            "coverage": self.coverage,
            "appraisal_share": self.appraisal_share,
            "appraisal_points": self.appraisal_points,
            "vetoed": self.vetoed,
            "veto_rule": f"单项否决项不符合时总分封顶{VETO_CAP:g}分（不合格）" if self.scheme == "weighted"
            else "单项否决项不符合即不合格，不再计分",
            "categories": self.categories,
            "failed": [
                {"item_id": i.item_id, "title": i.title, "category": i.category, "score": i.score,
                 "failed_subjects": i.failed, "veto": i.veto, "points_lost": round(i.lost, 4)}
                for i in self.items if i.state in ("fail", "partial")
            ],
            "points": {"earned": round(sum(i.earned for i in self.items), 4),
                       "lost": round(sum(i.lost for i in self.items), 4),
                       "unmeasured": round(sum(i.unmeasured for i in self.items), 4)},
            "details": self.details,
            "items": [asdict(i) for i in self.items],
        }

    def _repr_html_(self) -> str:
        scheme = "国办秘函〔2019〕19号计分" if self.scheme == "gb19" else "加权计分"
        head = (f"<p><b>{'未测' if self.score is None else f'{self.score:.1f}'}</b> 分（{scheme}）"
                f"{'，' + self.grade if self.grade else ''}，覆盖率 {self.coverage:.0%}</p>")
        shown = self.points_lost().head(20).rename(columns=POINTS_LABELS)
        shown["状态"] = shown["状态"].map(lambda v: STATE_LABELS.get(v, v))
        return head + shown.to_html(index=False, escape=True)


def _item_states(findings: pd.DataFrame, checklist: Checklist) -> list[ItemScore]:
    items: list[ItemScore] = []
    # one pass, not one per item; an id or status that is no text (NaN, a list…) counts as nothing / unverified
    counts = Counter((i if isinstance(i, str) else "", s if isinstance(s, str) and s in STATUSES else "unverified")
                     for i, s in zip(findings["item_id"], findings["status"])) if len(findings) else {}
    for it in checklist.items:
        p, fl, u, na = (int(counts.get((it.id, s), 0)) for s in ("pass", "fail", "unverified", "not_applicable"))
        if p + fl:
            s = p / (p + fl)
            state = "pass" if fl == 0 else ("fail" if p == 0 else "partial")
        else:
            s = None
            state = "unmeasured" if u or not na else "not_applicable"
        items.append(ItemScore(it.id, it.title, it.category, it.weight, it.veto, state, s, p, fl, u, na))
    return items


def score(findings: pd.DataFrame, checklist: Checklist) -> Score:
    if checklist.scheme == "gb19":
        return score_gb19(findings, checklist)
    items = _item_states(findings, checklist)
    applicable_cats = {}
    for c in checklist.categories:
        mine = [i for i in items if i.category == c.id and i.state != "not_applicable" and i.weight > 0]
        if mine:
            applicable_cats[c.id] = (c, mine)
    total_w = sum(c.weight for c, _ in applicable_cats.values())
    cats: list[dict[str, Any]] = []
    for c in checklist.categories:
        c_obj, mine = applicable_cats.get(c.id, (c, []))
        item_w = sum(i.weight for i in mine)
        for i in mine:
            i.share = 100.0 * (c.weight / total_w) * (i.weight / item_w)
            if i.score is None:
                i.unmeasured = i.share
            else:
                i.earned = i.share * i.score
                i.lost = i.share - i.earned
        measured = [i for i in mine if i.score is not None]
        measured_w = sum(i.weight for i in measured)
        cat_score = 100 * sum(i.weight * i.score for i in measured) / measured_w if measured_w else None
        cats.append({
            "id": c.id, "title": c.title, "weight": c.weight,
            "score": None if cat_score is None else round(cat_score, 2),
            "coverage": round(measured_w / item_w, 4) if item_w else None,
            "items": len([i for i in items if i.category == c.id and i.state != "not_applicable"]),
            "failed_items": sum(1 for i in measured if i.state in ("fail", "partial")),
            "points_lost": round(sum(i.lost for i in mine), 4),
        })
    earned = sum(i.earned for i in items)
    lost = sum(i.lost for i in items)
    total = 100 * earned / (earned + lost) if earned + lost > 0 else None
    vetoed = [i.item_id for i in items if i.veto and i.failed > 0]
    grade = None
    if total is not None and vetoed:
        total = min(total, VETO_CAP)
        grade = "不合格（单项否决）"
    total = None if total is None else round(total, 2)
    share = checklist.appraisal_share
    points = round(share * total / 100, 3) if share is not None and total is not None else None
    return Score(total, round((earned + lost) / 100, 4), share, points, vetoed, cats, items, "weighted", grade)


GB19_RULES = {  # the notice's words for each step (国办秘函〔2019〕19号, 评分方法, as republished "全文如下")
    "veto": "如网站出现单项否决指标中的任意一种情形，即判定为不合格网站，不再对其他指标进行评分",
    "deduct": "扣分指标分值为100分……各指标扣分不超过该指标分值",
    "fail": "如评分结果低于60分，判定为不合格网站",
    "bonus": "高于80分，则进入加分指标评分环节，最后得分为第二、三部分得分之和；加分指标分值为30分",
    "service": "不具有对外服务职能的部门网站不检查办事服务指标，扣分部分按75分计并乘以4/3"
               "（据该通知英译本转述，未见中文原文，作为选项使用）",
}


def score_gb19(findings: pd.DataFrame, checklist: Checklist) -> Score:
    """The notice's order: 单项否决 first; then deductions from 100 (each indicator capped at its points); below 60
    不合格; above 80 (strictly) the 加分 items, capped at ``bonus_cap`` (30 in the notice). A veto indicator that could
    not be judged withholds the grade (待核实): the score is shown, the grade is not given. ``details["steps"]``
    records the rule that decided each step, for the report."""
    items = _item_states(findings, checklist)
    by_id = {it.id: it for it in checklist.items}
    vetoed = [i.item_id for i in items if i.veto and i.failed > 0]
    unjudged_vetoes = [i for i in items if i.veto and not vetoed and i.state == "unmeasured"]
    share = checklist.appraisal_share
    measured = [i for i in items if i.score is not None]
    applicable = [i for i in items if i.state != "not_applicable"]
    coverage = round(len(measured) / len(applicable), 4) if applicable else 0.0
    cats = [{"id": c.id, "title": c.title, "weight": c.weight, "score": None, "coverage": None,
             "items": sum(1 for i in items if i.category == c.id), "failed_items": sum(
                 1 for i in items if i.category == c.id and i.state in ("fail", "partial"))} for c in checklist.categories]
    steps: list[dict[str, str]] = []
    veto_items = [i for i in items if i.veto and i.state != "not_applicable"]
    if not applicable:  # every indicator not applicable (a rule not yet in force on the audit day…): nothing scored
        steps.append({"step": "适用范围", "rule": "指标不适用（如规定尚未施行）时不评分",
                      "result": f"{len(items)}项指标均不适用，未评分"})
        return Score(None, 0.0, share, None, [], cats, items, "gb19", None, {"steps": steps})
    if vetoed:
        names = "、".join(f"{i.item_id} {i.title}" for i in items if i.item_id in vetoed)
        steps.append({"step": "单项否决", "rule": GB19_RULES["veto"], "result": f"不合格：{names}"})
        return Score(None, coverage, share, 0.0 if share is not None else None, vetoed, cats, items, "gb19",
                     "不合格（单项否决）", {"rule": "单项否决，不再计分", "steps": steps})
    steps.append({"step": "单项否决", "rule": GB19_RULES["veto"], "result": (
        f"{len(veto_items)}项单项否决指标均未触发" if not unjudged_vetoes else
        f"未能核验{len(unjudged_vetoes)}项：{'、'.join(f'{i.item_id} {i.title}' for i in unjudged_vetoes)}，等级待核实")
        if veto_items else "无适用的单项否决指标"})
    deductions: dict[str, float] = {}
    bonus = 0.0
    for i in items:
        it = by_id[i.item_id]
        if it.service and not checklist.public_service:
            i.state, i.score = "not_applicable", None
            continue
        if i.veto:  # judged above; holds no points
            continue
        points = it.points if it.points is not None else it.weight
        i.share = points
        if it.bonus:
            if i.state == "pass":
                bonus += points
                i.earned = points
            continue
        if i.score is None:
            i.unmeasured = points if i.state == "unmeasured" else 0.0
            continue
        lost = min(points, it.deduct * i.failed) if it.deduct is not None else points * (1 - i.score)
        deductions[i.item_id] = lost
        i.lost = lost
        i.earned = points - lost
    lost_total = sum(deductions.values())
    base = 100.0 - lost_total if checklist.public_service else (75.0 - lost_total) * 4 / 3
    steps.append({"step": "扣分指标", "rule": GB19_RULES["deduct"] if checklist.public_service else GB19_RULES["service"],
                  "result": (f"100 − {lost_total:g} = {base:g}" if checklist.public_service
                             else f"(75 − {lost_total:g}) × 4/3 = {base:.2f}")})
    earned_bonus = min(bonus, checklist.bonus_cap)
    bonus_part = earned_bonus if base > 80 else 0.0
    if base < 60:
        grade = "不合格"
        steps.append({"step": "合格线", "rule": GB19_RULES["fail"], "result": f"{base:g} < 60，不合格"})
    else:
        grade = "合格"
        steps.append({"step": "合格线", "rule": GB19_RULES["fail"], "result": f"{base:g} ≥ 60，合格"})
    steps.append({"step": "加分指标", "rule": GB19_RULES["bonus"], "result": (
        f"{base:g} > 80，加分 {bonus:g}" + (f"（封顶{checklist.bonus_cap:g}分，计{earned_bonus:g}）" if bonus > earned_bonus else "")
        if base > 80 else f"{base:g} 未高于80，不计加分（加分项可得{bonus:g}分）")})
    if unjudged_vetoes and grade == "合格":
        grade = "待核实（单项否决指标未能核验）"
    final = base + bonus_part
    details = {"deduction_part": round(base, 4), "bonus_part": round(bonus_part, 4), "bonus_cap": checklist.bonus_cap,
               "deductions": {k: round(v, 4) for k, v in deductions.items()},
               "public_service": checklist.public_service, "steps": steps,
               "unjudged_vetoes": [i.item_id for i in unjudged_vetoes]}
    points = round(share * min(final, 100) / 100, 3) if share is not None else None
    return Score(round(final, 2), coverage, share, points, [], cats, items, "gb19", grade, details)
