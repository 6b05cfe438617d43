"""Plan → draft checklist, by mapping rules kept as data (``rules.yaml``).

Every task clause yields at least one item: automated where a rule matches,
``manual`` otherwise, so a person reviewing the draft sees every task. Each
item cites the plan, the clause number and the quoted clause, and carries
the unit the clause makes responsible.
"""
from __future__ import annotations

import re
from importlib import resources
from typing import Any

import yaml

from ..checklist import Basis, Category, Checklist, Item
from .parse import Clause, Plan

DEFAULT_APPRAISAL_SHARE = 4.0  # used when a plan states none: the floor "分值权重不低于4%" seen in seed 002
DEFAULT_NOTE = ("计划未写明政务公开在绩效考核中的分值权重，appraisal_share 取默认值4（盘锦市司法局2019年方案“分值权重不低于4%”），"
                "请按考核办法核定")


def load_rules() -> dict[str, Any]:
    return yaml.safe_load(resources.files("zwgk_audit.plans").joinpath("rules.yaml").read_text(encoding="utf-8"))


def _fill(value: Any, ctx: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        if whole:
            return ctx.get(whole.group(1))  # keep the type: {days} → int, {aliases} → list
        return value.format(**{k: v for k, v in ctx.items()})
    if isinstance(value, dict):
        return {k: _fill(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ctx) for v in value]
    return value


def _limit(clause: Clause, pattern: str) -> int | None:
    for t in clause.time_limits:
        if t.get("working_days") and t.get("value") is not None and re.search(pattern, t.get("after", "") + t["text"]):
            return int(t["value"])
    return None


def _quote(clause: Clause, pattern: str | None = None) -> str:
    """The sentence of the clause that the item rests on (the whole lead sentence otherwise)."""
    sentences = [s for s in re.split(r"(?<=[。；])", clause.text.replace("\n", "")) if s.strip()]
    if pattern:
        for s in sentences:
            if re.search(pattern, s):
                return s.strip()
    return sentences[0].strip() if sentences else clause.text[:120]


def _units(clause: Clause) -> str | None:
    if not clause.responsible_units:
        return None
    lead = "、".join(clause.lead_units)
    co = "、".join(clause.cooperating_units)
    return (lead + (f"（配合：{co}）" if co else "")) if lead else co


def clause_items(clause: Clause, rules: dict[str, Any]) -> list[dict[str, Any]]:
    """The items one clause yields: ``{rule, check, params, title, quote}``; empty when none applies."""
    out: list[dict[str, Any]] = []
    text = clause.text
    for rule in rules["rules"]:
        if not all(re.search(p, text) for p in rule.get("all", [])):
            continue
        if rule.get("any") and not any(re.search(p, text) for p in rule["any"]):
            continue
        ctx: dict[str, Any] = {"deadline": clause.deadlines[0]["date"] if clause.deadlines else "未写明",
                               "deadline_or_none": clause.deadlines[0]["date"] if clause.deadlines else None}
        if rule.get("limit"):
            days = _limit(clause, rule["limit"])
            if days is None:
                continue
            ctx["days"] = days
        if rule.get("deadline") and not clause.deadlines:
            continue
        if rule.get("frequency"):
            freq = next((f for f in clause.frequencies if f.get("at_least") and re.search(rule["frequency"], f["per"])
                         and re.search(r"\d|[一二三四五六七八九十两]\s*次", f["text"])), None)
            if freq is None:
                continue
            ctx["count"] = int(freq["at_least"])
        if rule.get("columns"):
            for column, aliases in rules["columns"].items():
                names = [column, *[a for a in aliases if len(a) > 2]]
                hit = next((n for n in names if n in text), None)
                if hit is None or any(o["check"] == rule["check"] and o["params"].get("column") == column for o in out):
                    continue
                c = {**ctx, "column": column, "aliases": aliases}
                out.append({"rule": rule["id"], "check": rule["check"], "params": _fill(rule["params"], c),
                            "title": _fill(rule["title"], c), "quote": _quote(clause, re.escape(hit))})
            continue
        if any(o["check"] == rule["check"] and o["check"] != "manual" and o["params"] == _fill(rule["params"], ctx)
               for o in out):
            continue
        out.append({"rule": rule["id"], "check": rule["check"], "params": _fill(rule["params"], ctx),
                    "title": _fill(rule["title"], ctx), "quote": _quote(clause, "|".join(rule.get("all", [])) or None)})
    return out


def derive_checklist(plan: Plan, baseline: Checklist | None = None, *, plan_id: str = "plan",
                     agency: str | None = None, year: int | None = None, source: str | None = None) -> Checklist:
    """A draft checklist for ``plan``; with ``baseline``, merged by the checklists' one merge rule (an item
    asking what a baseline item asks folds into it: judged once, every basis cited, the stricter limit wins)."""
    rules = load_rules()
    items: list[Item] = []
    seen: set[tuple] = set()  # one automated item per (check, params) in a plan: the first clause that asks for it
    for n, clause in enumerate(plan.clauses, start=1):
        found = []
        for f in clause_items(clause, rules):
            key = (f["check"], repr(sorted(f["params"].items())))
            if f["check"] != "manual" and key in seen:
                continue
            seen.add(key)
            found.append(f)
        if not found:
            found = [{"rule": "manual", "check": "manual", "params": {"how": f"按任务要求人工核查：{clause.title}"},
                      "title": clause.title, "quote": _quote(clause)}]
        for k, f in enumerate(found, start=1):
            deadline = clause.deadlines[0]["date"] if clause.deadlines else None
            items.append(Item(
                id=f"{plan_id}-{n:02d}-{k}", title=f["title"], check=f["check"], params=f["params"], weight=1,
                category="plan", veto=False,
                basis=Basis(clause=f"{plan.title} {clause.number}{clause.title}", text=f["quote"], source=source),
                responsible_unit=_units(clause), deadline=deadline,
            ))
    share = plan.appraisal_share
    checklist = Checklist(
        id=plan_id, title=f"{plan.title}检查清单", agency=agency, year=year, source_plan=plan.title,
        appraisal_share=share if share is not None else DEFAULT_APPRAISAL_SHARE,
        notes=[] if share is not None else [DEFAULT_NOTE],
        categories=[Category(id="plan", title="年度计划任务落实", weight=30)], items=items,
    )
    return baseline.merge(checklist) if baseline is not None else checklist  # the one merge rule (checklist.py)
