"""Column classes (栏目类别) as data: which class a portal's column name stands for, and by which rule.

The vocabulary lives in ``zwgk_audit/data/columns.yaml``; this module only reads it and applies
its rules, so adding a synonym seen on a new portal never means touching code.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

import yaml

SHORT_NAME = 12  # suffix and containment rules apply to names this short: a long text is a title, not a column


@functools.lru_cache(maxsize=8192)
def norm_name(name: str) -> str:
    """Column names compare without spaces, punctuation width or 栏目/专栏 suffixes (cached: a portal repeats a few
    dozen names on every page)."""
    s = unicodedata.normalize("NFKC", name or "")
    s = re.sub(r"[\s\u3000·•:：\"“”'‘’、，,。\-—_()（）\[\]【】《》<>〈〉|/\\]+", "", s)
    return s.removesuffix("栏目").removesuffix("专栏") or s


@dataclass(frozen=True)
class ColumnClass:
    id: str
    name: str
    kind: str = "column"  # container: holds other columns (the platform hub, 法定主动公开内容)
    synonyms: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    basis: str = ""


@dataclass(frozen=True)
class ClassMatch:
    """A column name (or URL) judged to stand for a class, and why."""

    cls: str
    canonical: str
    rule: str  # 规范名称 | 同义名称 | 后缀规则（…） | 包含规则（…） | 评估人员指定（--column-map）
    standard: bool  # the column carries the canonical name

    def explain(self, name: str) -> str:
        return f"{name} → {self.canonical}：{self.rule}"


@dataclass(eq=False)  # hashed by identity: classify() is cached per vocabulary
class Vocabulary:
    classes: dict[str, ColumnClass]
    aggregator_names: frozenset[str] = frozenset()
    aggregator_contains: tuple[str, ...] = ()
    _exact: dict[str, tuple[str, bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for c in self.classes.values():
            for n in (c.name, *c.synonyms):
                self._exact.setdefault(norm_name(n), (c.id, norm_name(n) == norm_name(c.name)))

    @classmethod
    def from_yaml(cls, text: str, where: str = "columns.yaml") -> "Vocabulary":
        data = yaml.safe_load(text) or {}
        classes: dict[str, ColumnClass] = {}
        for i, raw in enumerate(data.get("classes") or []):
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
                raise ValueError(f"{where}: classes[{i}] needs an id and a name")
            if raw["id"] in classes:
                raise ValueError(f"{where}: class id {raw['id']!r} listed twice")
            classes[raw["id"]] = ColumnClass(
                id=raw["id"], name=raw["name"], kind=raw.get("kind", "column"),
                **{k: tuple(str(x) for x in raw.get(k) or ()) for k in ("synonyms", "suffixes", "contains", "exclude", "hints")},
                basis=raw.get("basis", ""))
        agg = data.get("aggregators") or {}
        return cls(classes, frozenset(norm_name(n) for n in agg.get("names") or ()), tuple(agg.get("contains") or ()))

    # ------------------------------------------------------------------ judging names
    @functools.lru_cache(maxsize=8192)
    def classify(self, name: str) -> ClassMatch | None:
        """The class a column name stands for (None when no rule fits)."""
        n = norm_name(name)
        if not n:
            return None
        hit = self._exact.get(n)
        if hit:
            c = self.classes[hit[0]]
            return ClassMatch(c.id, c.name, "规范名称" if hit[1] else "同义名称", hit[1])
        if len(n) > SHORT_NAME:
            return None
        for c in self.classes.values():
            if any(x in n for x in c.exclude):
                continue
            suf = next((s for s in c.suffixes if n.endswith(norm_name(s))), None)
            if suf:
                return ClassMatch(c.id, c.name, f"后缀规则（以“{suf}”结尾）", False)
            sub = next((s for s in c.contains if norm_name(s) in n), None)
            if sub:
                return ClassMatch(c.id, c.name, f"包含规则（含“{sub}”）", False)
        return None

    def could_be(self, name: str, class_id: str) -> str | None:
        """The weak word by which an unclassified column ``name`` might be ``class_id`` (None: it cannot)."""
        c = self.classes.get(class_id)
        n = norm_name(name)
        if c is None or not n or len(n) > SHORT_NAME or self.classify(name) is not None:
            return None
        return next((h for h in c.hints if h in n), None)

    def is_aggregator(self, name: str) -> bool:
        n = norm_name(name)
        return bool(n) and (n in self.aggregator_names or any(x in n for x in self.aggregator_contains))

    # ------------------------------------------------------------------ checklist parameters
    def resolve(self, ref: str | None) -> ColumnClass | None:
        """A checklist's column reference — a class id (``policy_documents``) or any name the vocabulary knows
        (政策文件, 行政规范性文件) — as its class; None for a name no rule fits (it is then matched literally)."""
        if not ref:
            return None
        if ref in self.classes:
            return self.classes[ref]
        m = self.classify(ref)
        return self.classes[m.cls] if m else None


@functools.lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The bundled vocabulary (``zwgk_audit/data/columns.yaml``), read once per process."""
    text = resources.files("zwgk_audit").joinpath("data/columns.yaml").read_text(encoding="utf-8")
    return Vocabulary.from_yaml(text, "zwgk_audit/data/columns.yaml")
