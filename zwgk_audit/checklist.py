"""Checklists: what an audit measures, each item traceable to its clause and unit.

A checklist is a YAML file reviewed by a person. Loading it validates every
field with pydantic and, when something is wrong, raises one
:class:`ChecklistError` naming the file, the line and the field, so the
reviewer can fix it without reading a traceback.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

__all__ = ["Basis", "Category", "Item", "Checklist", "ChecklistError", "load_checklist", "AppliesTo", "AGENCY_KINDS",
           "LEVELS"]

# 机关类型 and 层级: what the 条例 distinguishes (第四十九条 年报期限, 第二十一条 重点领域). 国家 is the level of a
# 国务院部门 (a national body's site is audited too); 乡镇 includes 街道 (a 街道办事处 is kind 其他).
AgencyKind = Literal["人民政府", "部门", "其他"]
Level = Literal["国家", "省", "设区的市", "县", "乡镇"]
AGENCY_KINDS: tuple[str, ...] = ("人民政府", "部门", "其他")
LEVELS: tuple[str, ...] = ("国家", "省", "设区的市", "县", "乡镇")


class ChecklistError(ValueError):
    """A checklist that cannot be used, with where and why.

    ``problems`` lists every problem found as ``(line, field, message)``;
    the first one is also in ``line`` / ``field`` / ``message``.
    """

    def __init__(self, path: str | Path, problems: list[tuple[int | None, str, str]]):
        self.path = str(path)
        self.problems = problems
        self.line, self.field, self.message = problems[0]
        lines = [f"{self.path}:{ln if ln else '?'}: {fld or '(文件)'}: {msg}" for ln, fld, msg in problems]
        head = f"检查清单有误 {self.path}（{len(problems)}处问题）[invalid checklist]"
        super().__init__(head + "\n  " + "\n  ".join(lines))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Basis(_Model):
    """依据: the clause an item comes from, quoted so a reader need not look it up."""

    clause: str = Field(min_length=1, description="e.g. 《政府信息公开条例》第二十六条 or a plan task number")
    text: str = Field("", description="the quoted text of the clause")
    source: str | None = Field(None, description="where the text was taken from (URL or document)")
    note: str | None = Field(None, description="uncertainty about the number, and what was used")


class Category(_Model):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    weight: float = Field(gt=0)


class AppliesTo(_Model):
    """Which bodies an item binds (条例第二十一条: 设区的市级、县级 and 乡（镇）人民政府); others get ``not_applicable``."""

    agency_kind: list[AgencyKind] | None = Field(None, min_length=1)
    level: list[Level] | None = Field(None, min_length=1)
    note: str | None = Field(None, description="why the item binds only these (shown when it does not apply)")


class Item(_Model):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    check: str = Field(min_length=1, description="check type name, e.g. column_present")
    params: dict[str, Any] = Field(default_factory=dict)
    weight: float = Field(1.0, ge=0)
    category: str
    veto: bool = False
    basis: Basis
    responsible_unit: str | None = None
    deadline: dt.date | None = None
    # scheme gb19 (国办秘函〔2019〕19号): indicator points, deduction per failing subject, 加分 / service indicators
    points: float | None = Field(None, ge=0)
    deduct: float | None = Field(None, ge=0)
    bonus: bool = False
    service: bool = False
    rectify_days: int | None = Field(None, ge=1, description="整改时限 in working days for this item (default 20)")
    # the rule's time in force: a document is judged by the rule in force on its 成文日期, an annual report on its
    # due day, a column or the site on the audit day (audit.run_checks, checks.base.Context.rule_for)
    effective_from: dt.date | None = Field(None, description="the rule applies from this day (施行日期)")
    effective_until: dt.date | None = Field(None, description="the rule applies up to and including this day")
    superseded_by: str | None = Field(None, description="the item that judges after effective_until (cited then)")
    applies_to: AppliesTo | None = None

    @model_validator(mode="after")
    def _window(self) -> "Item":
        if self.effective_from and self.effective_until and self.effective_until < self.effective_from:
            raise ValueError(f"施行截止日{self.effective_until}早于施行日{self.effective_from} "
                             f"[effective_until {self.effective_until} is before effective_from {self.effective_from}]")
        return self

    @property
    def dated(self) -> bool:
        return self.effective_from is not None or self.effective_until is not None


class Checklist(_Model):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    agency: str | None = None
    agency_kind: AgencyKind | None = Field(None, description="机关类型; absent: read from the site's name (site/agency.py)")
    level: Level | None = Field(None, description="层级; absent: read from the site's name")
    year: int | None = None
    source_plan: str | None = None
    appraisal_share: float | None = Field(
        None, ge=0, le=100, description="points of a 100-point 绩效考核 that 政务公开 carries"
    )
    notes: list[str] = Field(default_factory=list, description="reviewer's notes: defaults taken, corrections made")
    scheme: Literal["weighted", "gb19"] = "weighted"
    public_service: bool = Field(True, description="gb19: false for a department without public-service duties (75 × 4/3)")
    bonus_cap: float = Field(30.0, ge=0, description="gb19: the 加分指标 total (30 in 国办秘函〔2019〕19号; 20/25 in some "
                                                     "provincial versions)")
    categories: list[Category] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    # the files this checklist was read from, each ``{"id", "path", "sha256"}`` (load_checklist, merge): where it
    # came from, not what it says, so not part of equality
    _sources: list[dict] = PrivateAttr(default_factory=list)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Checklist):
            return self.__dict__ == other.__dict__
        return NotImplemented

    @property
    def sources(self) -> list[dict]:
        """The checklist files read (id, resolved path, SHA-256 of the bytes), in merge order; empty when the
        checklist was parsed from text."""
        return [dict(s) for s in self._sources]

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def category(self, category_id: str) -> Category:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    def merge(self, *others: "Checklist") -> "Checklist":
        """Baseline + plan, with one merge rule for every checklist (:func:`merge_items`): an item repeated
        verbatim is kept once; two items asking the same check of the same subject (the baseline's 解读互为链接
        and a plan's) become one — judged and scored once, citing every basis, naming every responsible unit,
        the stricter parameter winning and saying so. The same id with different content is an error.

        The appraisal share comes from the last checklist that states one, since a plan's own figure
        ("分值权重不低于4%") is what the agency is appraised on.
        """
        lists = (self, *others)
        cats: dict[str, Category] = {}
        for cl in lists:
            for c in cl.categories:
                cats.setdefault(c.id, c)
        items = merge_items([(cl.id, it) for cl in lists for it in cl.items])
        share = next((cl.appraisal_share for cl in reversed(lists) if cl.appraisal_share is not None), None)
        first_with = lambda attr: next((getattr(cl, attr) for cl in reversed(lists) if getattr(cl, attr)), None)  # noqa: E731
        merged = Checklist(
            id="+".join(dict.fromkeys(cl.id for cl in lists)),
            title=" + ".join(dict.fromkeys(cl.title for cl in lists)),
            agency=first_with("agency"),
            agency_kind=first_with("agency_kind"),
            level=first_with("level"),
            year=first_with("year"),
            source_plan=first_with("source_plan"),
            appraisal_share=share,
            notes=list(dict.fromkeys(n for cl in lists for n in cl.notes)),
            scheme=self.scheme,
            public_service=self.public_service,
            bonus_cap=self.bonus_cap,
            categories=list(cats.values()),
            items=items,
        )
        seen: dict[tuple, dict] = {}
        for cl in lists:
            for src in cl._sources:
                seen.setdefault((src.get("path"), src.get("sha256")), dict(src))
        merged._sources = list(seen.values())
        return merged

    def to_yaml(self) -> str:
        return dump_mapping(self.model_dump(mode="json", exclude_none=True))


_FIELD_TEXT: dict[tuple[str, str], str] = {}  # (key, repr of value) → its YAML lines; see dump_mapping
_FIELD_TEXT_MAX = 256


def dump_mapping(data: dict) -> str:
    """``yaml.safe_dump(data, allow_unicode=True, sort_keys=False)``, field by field, each field's text kept per
    process by content: a batch writes one checklist for hundreds of agencies with only the agency (share, kind,
    level) differing, and the emitter took longer than the rest of the checklist's writing. The block mapping's
    fields are independent lines, so the pieces join to the same text; a piece that could depend on its
    neighbours (an anchor, an alias, an open-ended scalar) is not trusted and the whole mapping is dumped."""
    if not data:
        return _safe_dump(data)
    pieces = []
    for key, value in data.items():
        cache_key = (key, repr(value))  # repr tells 1, 1.0, True and "1" apart and keeps the key order
        text = _FIELD_TEXT.get(cache_key)
        if text is None:
            text = _safe_dump({key: value})
            if "&id" in text or "*id" in text or text.endswith("...\n"):
                return _safe_dump(data)
            if len(_FIELD_TEXT) >= _FIELD_TEXT_MAX:
                _FIELD_TEXT.clear()
            _FIELD_TEXT[cache_key] = text
        pieces.append(text)
    return "".join(pieces)


def _safe_dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# ---------------------------------------------------------------- loading

def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map every key path in a YAML document to its 1-based line number."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[path + (key,)] = k.start_mark.line + 1
            _line_map(v, path + (key,), out)
            out[path + (key,)] = k.start_mark.line + 1  # the key's line, not the value's
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _line_map(v, path + (i,), out)
    return out


def _line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    loc = tuple(str(p) if not isinstance(p, int) else p for p in loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def _field_name(loc: tuple, data: Any) -> str:
    """items.3.weight -> items[3](B-01).weight, naming the item by its id when known."""
    parts: list[str] = []
    node = data
    for p in loc:
        if isinstance(p, int):
            label = f"[{p}]"
            if isinstance(node, list) and p < len(node) and isinstance(node[p], dict) and "id" in node[p]:
                label = f"[{p}]({node[p]['id']})"
            parts.append(label)
            node = node[p] if isinstance(node, list) and p < len(node) else None
        else:
            parts.append(("." if parts else "") + str(p))
            node = node.get(p) if isinstance(node, dict) else None
    return "".join(parts)


def _semantic_problems(cl: Checklist) -> list[tuple[tuple, str]]:
    """Cross-field rules pydantic cannot see: references, uniqueness, known check types."""
    from .checks import registry  # local import: checks import this module's models

    problems: list[tuple[tuple, str]] = []
    cat_ids = [c.id for c in cl.categories]
    for i, c in enumerate(cl.categories):
        if cat_ids.index(c.id) != i:
            problems.append((("categories", i, "id"), f"分类编号重复：{c.id!r} [duplicate category id]"))
    seen: set[str] = set()
    for i, it in enumerate(cl.items):
        if it.id in seen:
            problems.append((("items", i, "id"), f"条目编号重复：{it.id!r} [duplicate item id]"))
        seen.add(it.id)
        if it.category not in cat_ids:
            problems.append((("items", i, "category"), f"未声明的分类 {it.category!r}；已声明：{cat_ids} [unknown category]"))
        if it.superseded_by is not None and it.superseded_by not in {x.id for x in cl.items}:
            problems.append((("items", i, "superseded_by"), f"本清单没有条目 {it.superseded_by!r} [no such item]"))
        spec = registry.get(it.check)
        if spec is None:
            problems.append((("items", i, "check"), f"未知的检查类型 {it.check!r}；可用：{sorted(registry)} [unknown check type]"))
            continue
        for key in it.params:
            if key not in spec.params:
                problems.append(
                    (("items", i, "params", key), f"检查 {it.check} 没有参数 {key!r}；可用参数：{sorted(spec.params)} [unknown parameter]")
                )
        for msg_loc, msg in spec.validate_params(it.params):
            problems.append((("items", i, "params", *msg_loc), msg))
    return problems


def _yaml_problem(exc: yaml.YAMLError) -> tuple[int | None, str, str]:
    """A YAML syntax error at the line where the problem starts: an unclosed quote is reported where the quote
    opens (PyYAML's ``context_mark``), not at the end of the file where the parser noticed."""
    start, found = getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)
    context, problem = getattr(exc, "context", None) or "", getattr(exc, "problem", None) or str(exc)
    where = start or found
    line = where.line + 1 if where else None
    hint = "引号未闭合？" if "quoted scalar" in context else ""
    found_at = f"，第{found.line + 1}行发现问题" if start and found and found.line != start.line else ""
    return line, "", f"YAML格式错误：{hint}{context + '，' if context else ''}{problem}{found_at} [not valid YAML]"


# pydantic's error types in the words an evaluator reads (the original follows in brackets)
PYDANTIC_ZH = {
    "missing": "缺少必填字段", "extra_forbidden": "不认识的字段（拼写错误？）", "greater_than": "必须大于{gt:g}",
    "greater_than_equal": "必须大于或等于{ge:g}", "less_than_equal": "必须小于或等于{le:g}",
    "float_parsing": "应为数字", "float_type": "应为数字", "int_parsing": "应为整数", "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false", "string_type": "应为文字",
    "string_too_short": "不能为空", "too_short": "不能为空列表", "list_type": "应为列表（[...]）",
    "dict_type": "应为键值对（{...}）", "model_type": "应为键值对（{...}）", "literal_error": "取值应为 {expected} 之一",
    "date_parsing": "应为日期（YYYY-MM-DD）", "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
}


def _zh(error: dict) -> str:
    text = PYDANTIC_ZH.get(error.get("type", ""))
    if text is None:
        return error["msg"]
    try:
        text = text.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError, TypeError):
        text = PYDANTIC_ZH[error["type"]].split("{")[0] or error["msg"]
    return f"{text} [{error['msg']}]"


def _raw_problems(data: dict) -> list[tuple[tuple, str]]:
    """The cross-field problems that can be seen before the fields validate, so one run lists every problem:
    unknown check types and categories, duplicate ids."""
    from .checks import registry

    listed = lambda key: data.get(key) if isinstance(data.get(key), list) else []  # noqa: E731
    cats = [c.get("id") for c in listed("categories") if isinstance(c, dict)]
    out: list[tuple[tuple, str]] = []
    seen: set[str] = set()
    for i, it in enumerate(listed("items")):
        if not isinstance(it, dict):
            continue
        if isinstance(it.get("id"), str) and it["id"] in seen:
            out.append((("items", i, "id"), f"条目编号重复：{it['id']!r} [duplicate item id]"))
        seen.add(str(it.get("id")))
        if isinstance(it.get("check"), str) and it["check"] not in registry:
            out.append((("items", i, "check"), f"未知的检查类型 {it['check']!r}；可用：{sorted(registry)} [unknown check type]"))
        if isinstance(it.get("category"), str) and cats and it["category"] not in cats:
            out.append((("items", i, "category"), f"未声明的分类 {it['category']!r}；已声明：{cats} [unknown category]"))
    return out


def parse_checklist(text: str, path: str | Path = "<string>") -> Checklist:
    """Parse checklist YAML text; errors name ``path``, the line and the field."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise ChecklistError(path, [_yaml_problem(exc)]) from None
    if root is None:
        raise ChecklistError(path, [(1, "", "文件为空 [the file is empty]")])
    lines = _line_map(root)
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ChecklistError(path, [(1, "", "顶层应为键值对（id:, title:, categories:, items:） [the top level must be a mapping]")])
    try:
        cl = Checklist.model_validate(data)
    except ValidationError as exc:
        found = [(tuple(e["loc"]), _zh(e)) for e in exc.errors()]
        found += [(loc, msg) for loc, msg in _raw_problems(data) if loc not in {f[0] for f in found}]
        found.sort(key=lambda p: _line_for(lines, p[0]) or 0)
        raise ChecklistError(path, [(_line_for(lines, loc), _field_name(loc, data), msg) for loc, msg in found]) from None
    sem = _semantic_problems(cl)
    if sem:
        raise ChecklistError(path, [(_line_for(lines, loc), _field_name(loc, data), msg) for loc, msg in sem])
    return cl


def load_checklist(path: str | Path) -> Checklist:
    """Load and validate a checklist YAML file (UTF-8)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChecklistError(p, [(None, "", "文件不存在 [file not found]")]) from None
    except UnicodeDecodeError as exc:
        line = p.read_bytes()[: exc.start].count(b"\n") + 1
        raise ChecklistError(p, [(line, "", "不是UTF-8编码的文本（请另存为UTF-8） [not UTF-8 text]")]) from None
    cl = parse_checklist(text, p)
    cl._sources = [{"id": cl.id, "path": str(p.resolve()), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}]
    return cl


REPO_CHECKLISTS = Path(__file__).resolve().parent.parent / "checklists"


def checklist_path(name: str | Path) -> Path:
    """A checklist named as a path, or by file name in ./checklists or the project's checklists/."""
    p = Path(name)
    if p.exists() or p.is_absolute():
        return p
    for base in (Path("checklists"), REPO_CHECKLISTS):
        if (base / p).exists():
            return base / p
    return p


def load_checklists(names: list[str | Path]) -> Checklist:
    """Load one or more checklists and merge them (baseline + plan), as the CLI's repeated -c does."""
    lists = [load_checklist(checklist_path(n)) for n in names]
    return lists[0].merge(*lists[1:]) if len(lists) > 1 else lists[0]


# how a parameter is stricter: a shorter limit, a mutual link rather than one way
STRICTER = {"max_working_days": min, "within_days": min, "max_age_days": min, "mutual": max}


def subject_of(item: "Item") -> tuple:
    """What an item checks, ignoring how strictly (its check's defaults filled in): two items with one subject
    are one requirement — when they also bind the same bodies over the same time (:func:`same_scope`)."""
    from .checks import registry  # local import: checks import this module's models

    spec = registry.get(item.check)
    params = {**(spec.params if spec else {}), **item.params}
    for key in ("columns", "document_columns", "column"):
        if key in params:
            value = params[key]
            return (item.check, tuple(value) if isinstance(value, list) else value)
    return (item.check, None)


def same_scope(a: "Item", b: "Item") -> bool:
    """Two items bind the same time and the same bodies: the same dates in force (B-TIME-01 from 2019-05-15 and the
    2008 rule's B-2008-03 until 2019-05-14 are two items) and the same ``applies_to`` (or none on one side)."""
    window = lambda it: (it.effective_from, it.effective_until)  # noqa: E731
    return window(a) == window(b) and _same_bodies(a, b)


def _same_bodies(a: "Item", b: "Item") -> bool:
    return a.applies_to == b.applies_to or a.applies_to is None or b.applies_to is None


def merge_items(items: list[tuple[str, "Item"]]) -> list["Item"]:
    """The merge rule (see :meth:`Checklist.merge`) over (checklist id, item) pairs, in order.

    Items asking one check of one subject fold when they bind the same time (:func:`same_scope`). An item that
    states no dates binds at all times: when dated twins exist (the 2019 rule and the 2008 rule's), it folds into
    every one of them, so each document is still judged once, by the rule of its date, with the stricter limit."""
    by_id: dict[str, tuple[str, Item]] = {}
    unique: list[tuple[str, Item]] = []
    for origin, item in items:
        if item.id in by_id:
            if by_id[item.id][1] == item:
                continue  # the same item again (a plan file that also carries the baseline): kept once
            raise ChecklistError(origin, [(None, f"items.{item.id}",
                                           f"item id also used in checklist {by_id[item.id][0]!r} with other content")])
        by_id[item.id] = (origin, item)
        unique.append((origin, item))
    dated: dict[tuple, list[Item]] = {}
    for _origin, item in unique:
        if item.check != "manual" and item.dated:
            dated.setdefault(subject_of(item), []).append(item)
    by_subject: dict[tuple, list[str]] = {}
    undated: dict[tuple, list[Item]] = {}  # undated items folded into every dated twin, earlier or later
    out: dict[str, Item] = {}
    for _origin, item in unique:
        if item.check == "manual":
            out[item.id] = item
            continue
        subject = subject_of(item)
        if not item.dated and any(_same_bodies(d, item) for d in dated.get(subject, [])):
            undated.setdefault(subject, []).append(item)
            for twin in by_subject.get(subject, []):
                if _same_bodies(out[twin], item):
                    out[twin] = _fold(out[twin], item)
            continue
        twin_id = next((t for t in by_subject.get(subject, []) if same_scope(out[t], item)), None)
        if twin_id is not None:
            out[twin_id] = _fold(out[twin_id], item)
            continue
        merged = item
        for earlier in undated.get(subject, []):
            if _same_bodies(merged, earlier):
                merged = _fold(merged, earlier)
        by_subject.setdefault(subject, []).append(item.id)
        out[item.id] = merged
    return list(out.values())


def _fold(first: "Item", other: "Item") -> "Item":
    """One item for two that ask the same: every basis, every unit, the stricter parameter (and a note why)."""
    params = dict(first.params)
    notes = []
    for key, value in other.params.items():
        mine = params.get(key)
        if key in STRICTER and mine is not None and value is not None and mine != value:
            params[key] = STRICTER[key](mine, value)
            notes.append(f"{key}取较严格的{params[key]}（{first.id}为{mine}，{other.id}为{value}）")
        else:
            params.setdefault(key, value)
    units = [u for u in dict.fromkeys(
        part for unit in (first.responsible_unit, other.responsible_unit) if unit for part in re.split(r"[、，,；;]", unit))
        if u]
    note = "；".join(n for n in (first.basis.note, f"合并{other.id}", *notes) if n)
    return first.model_copy(update={
        "params": params,
        "basis": Basis(clause=f"{first.basis.clause}；{other.basis.clause}",
                       text="／".join(t for t in (first.basis.text, other.basis.text) if t),
                       source=first.basis.source or other.basis.source, note=note),
        "responsible_unit": "、".join(units) or None,
        "deadline": min((d for d in (first.deadline, other.deadline) if d), default=None),
        "veto": first.veto or other.veto,
        "applies_to": first.applies_to or other.applies_to,  # one side states none: the other's bodies
    })
