"""Whose site is it: the agency's kind (人民政府 / 部门 / 其他) and level (国家 / 省 / 设区的市 / 县 / 乡镇).

Rules follow them: 条例第四十九条 gives a 县级以上人民政府部门 until 1月31日 for its annual report and a 县级以上
地方人民政府 until 3月31日; 第二十一条 adds categories for 设区的市级、县级 and 乡（镇）人民政府. An evaluator states
them (checklist ``agency_kind`` / ``level``, batch columns ``kind`` / ``level``, ``audit --agency-kind/--level``) and
the stated value always wins; otherwise they are read from what the audited scope calls its owner — the SiteName
meta, the home page title, the footer's 主办单位 — and every finding that depends on them says how
("机关类型据网站名称“某县人民政府”推断为人民政府").

A name is read conservatively: the kind from how it ends (…人民政府, …局/委/办/厅/中心…), the level from the place
words before the body (…省, …市, …县/区/旗, …乡/镇/街道). "…市" alone cannot tell a 设区的市 from a 县级市, so it
leaves both levels open; rules that treat the two alike (both) still decide, others say the level is unknown.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from ..checklist import AGENCY_KINDS as KINDS, LEVELS  # the checklist's own values: one list of each

LEVEL_LABELS = {"国家": "国家级", "省": "省级", "设区的市": "设区的市级", "县": "县级", "乡镇": "乡（镇）"}

# what evaluators write in a batch CSV or on the command line
KIND_ALIASES = {"人民政府": "人民政府", "政府": "人民政府", "government": "人民政府", "gov": "人民政府",
                "部门": "部门", "政府部门": "部门", "department": "部门", "dept": "部门",
                "其他": "其他", "other": "其他"}
LEVEL_ALIASES = {"国家": "国家", "国家级": "国家", "中央": "国家", "national": "国家",
                 "省": "省", "省级": "省", "自治区": "省", "直辖市": "省", "province": "省",
                 "设区的市": "设区的市", "市": "设区的市", "市级": "设区的市", "地级": "设区的市", "地级市": "设区的市",
                 "地市": "设区的市", "州": "设区的市", "盟": "设区的市", "city": "设区的市", "prefecture": "设区的市",
                 "县": "县", "县级": "县", "区": "县", "区县": "县", "县区": "县", "县级市": "县", "旗": "县",
                 "自治县": "县", "county": "县",
                 "乡镇": "乡镇", "乡": "乡镇", "镇": "乡镇", "乡级": "乡镇", "镇级": "乡镇", "街道": "乡镇",
                 "乡镇街道": "乡镇", "township": "乡镇"}


def normalize_kind(value: str | None) -> str | None:
    """人民政府 / 部门 / 其他 from what an evaluator wrote (None for blank); ValueError for anything else."""
    v = re.sub(r"\s+", "", value or "")
    if not v:
        return None
    if v.lower() in KIND_ALIASES or v in KIND_ALIASES:
        return KIND_ALIASES.get(v) or KIND_ALIASES[v.lower()]
    raise ValueError(f"机关类型 {value!r} 不可识别（可用：{' / '.join(KINDS)}）")


def normalize_level(value: str | None) -> str | None:
    """国家 / 省 / 设区的市 / 县 / 乡镇 from what an evaluator wrote (市级 → 设区的市, 区县 → 县 …)."""
    v = re.sub(r"\s+", "", value or "")
    if not v:
        return None
    if v in LEVEL_ALIASES or v.lower() in LEVEL_ALIASES:
        return LEVEL_ALIASES.get(v) or LEVEL_ALIASES[v.lower()]
    raise ValueError(f"层级 {value!r} 不可识别（可用：{' / '.join(LEVELS)}）")


# ---------------------------------------------------------------- reading a name

# what a site calls itself around its owner's name
SITE_SUFFIX = re.compile(r"(?:官方网站|门户网站|网站|官网|门户网|政务网|门户|主页|首页)$")
TITLE_SPLIT = re.compile(r"\s*[-_|｜—–·•:：>»]+\s*|\s{2,}")
CHINESE = re.compile(r"[\u4e00-\u9fff（）()]+")

GOVERNMENT = re.compile(r"(?:人民政府|政府)$")
GOVERNMENT_OFFICE = re.compile(r"人民政府办公(?:室|厅)$")
OTHER = re.compile(r"(?:管理委员会|管委会|办事处|行政公署|大学|学院|学校|医院|公司|集团|银行|协会|学会|联合会)$")
DEPARTMENT = re.compile(r"(?:局|厅|委|委员会|办|办公室|中心|署|部|站|所|队|院|处|馆|组)$")

# place words, from the top of the hierarchy down; a level is the lowest place the name gives
PLACE_UNIT = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{1,14}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|县|区|旗|镇|乡|街道))")
NOT_PLACE = ("城乡", "城市", "市场", "社区", "园区", "景区", "乡镇", "乡村", "矿区", "山区", "街区", "辖区", "城区",
             "开发区", "高新区", "保税区", "试验区", "示范区", "合作区",
             "和", "与", "及", "局", "厅", "委", "办", "部", "中心", "管理", "服务", "保障", "发展", "建设", "资源")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
NATIONAL = re.compile(r"^(?:中华人民共和国|国务院|国家|中央)|^[\u4e00-\u9fff]{2,12}部$")


def _unit_level(place: str) -> tuple[str, ...]:
    if place in MUNICIPALITIES:
        return ("省",)
    for suffix, levels in (("特别行政区", ("省",)), ("自治区", ("省",)), ("自治州", ("设区的市",)),
                           ("自治县", ("县",)), ("自治旗", ("县",)), ("地区", ("设区的市",)), ("街道", ("乡镇",)),
                           ("省", ("省",)), ("州", ("设区的市",)), ("盟", ("设区的市",)), ("县", ("县",)),
                           ("区", ("县",)), ("旗", ("县",)), ("镇", ("乡镇",)), ("乡", ("乡镇",)),
                           ("市", ("设区的市", "县"))):
        if place.endswith(suffix):
            return levels
    return ()


def places(name: str) -> list[str]:
    """The place words a body's name opens with: 贵州省遵义市道真仡佬族苗族自治县人社局 → 贵州省, 遵义市, 道真…自治县."""
    out, rest = [], name
    while rest:
        m = PLACE_UNIT.match(rest)
        if not m or any(w in m.group(1) for w in NOT_PLACE) or len(m.group(1)) >= len(rest):
            break
        token, end = m.group(1), m.end()
        if token.endswith("州") and not token.endswith("自治州") and rest[end:end + 1] in ("省", "市"):
            token, end = token + rest[end], end + 1  # 贵州省, 广州市: the 州 is part of the name
        out.append(token)
        rest = rest[end:]
    return out


def read_name(name: str) -> tuple[str | None, tuple[str, ...]]:
    """(kind or None, candidate levels) that a body's name states; ``()`` levels when it names no place."""
    n = SITE_SUFFIX.sub("", re.sub(r"\s+", "", name or ""))
    if not n:
        return None, ()
    found = places(n)
    levels = _unit_level(found[-1]) if found else ()
    body = n[sum(len(p) for p in found):]
    if not levels and NATIONAL.search(n):
        levels = ("国家",)
    if n in ("国务院", "中华人民共和国国务院", "中央人民政府", "中华人民共和国中央人民政府"):
        return "人民政府", ("国家",)
    if GOVERNMENT_OFFICE.search(n):
        kind = "部门"
    elif GOVERNMENT.search(n):
        kind = "人民政府" if found or n.startswith("国务院") else None
    elif OTHER.search(n):
        kind = "其他"
    elif DEPARTMENT.search(n) and len(body) >= 2:
        kind = "部门"
    else:
        kind = None
    if kind == "其他" and n.endswith("办事处") and "街道" in n:
        levels = ("乡镇",)
    return kind, levels


# ---------------------------------------------------------------- the profile an audit uses

@dataclass(frozen=True)
class Evidence:
    source: str  # 网站名称 | 首页标题 | 页脚主办单位
    name: str
    kind: str | None
    levels: tuple[str, ...]


@dataclass(frozen=True)
class AgencyProfile:
    """The agency's kind and level as the audit uses them, and how each was established."""

    kind: str | None = None
    levels: tuple[str, ...] = ()  # one when known; 设区的市 and 县 when a "…市" name cannot tell them apart
    kind_from: str = ""  # 评估人员指定 | 网站名称“…” | 首页标题“…” | 页脚主办单位“…” | "" (unknown)
    level_from: str = ""
    evidence: tuple[Evidence, ...] = field(default=())

    @property
    def level(self) -> str | None:
        return self.levels[0] if len(self.levels) == 1 else None

    @property
    def kind_explicit(self) -> bool:
        return self.kind_from == "评估人员指定"

    def kind_text(self) -> str:
        if self.kind is None:
            seen = "、".join(f"{e.source}“{e.name}”" for e in self.evidence[:3])
            return f"机关类型未能确定（{seen or '网站未标明名称'}均未表明机关类型；可用 --agency-kind 指定）"
        if self.kind_explicit:
            return f"机关类型由评估人员指定为{self.kind}"
        return f"机关类型据{self.kind_from}推断为{self.kind}"

    def level_text(self) -> str:
        shown = "或".join(LEVEL_LABELS[lv] for lv in self.levels)
        if not self.levels:
            return "层级未能确定（可用 --level 指定）"
        if self.level_from == "评估人员指定":
            return f"层级由评估人员指定为{shown}"
        extra = "（“市”可为设区的市或县级市，可用 --level 指定）" if len(self.levels) > 1 else ""
        return f"层级据{self.level_from}推断为{shown}{extra}"

    def describe(self) -> str:
        return f"{self.kind_text()}；{self.level_text()}"

    def applies(self, kinds: list[str] | None, levels: list[str] | None, note: str | None = None
                ) -> tuple[str, str] | None:
        """("not_applicable" | "unverified", why) when an item binding ``kinds`` at ``levels`` may not bind this
        agency; None when it does."""
        scope = "、".join(LEVEL_LABELS[lv] for lv in levels or ()) + "、".join(kinds or ())
        why = f"本项适用于{scope}" + (f"（{note}）" if note else "")
        if kinds:
            if self.kind is None:
                return "unverified", f"{why}；{self.kind_text()}，无法判断是否适用"
            if self.kind not in kinds:
                return "not_applicable", f"{why}；{self.kind_text()}"
        if levels:
            if not self.levels:
                return "unverified", f"{why}；{self.level_text()}，无法判断是否适用"
            inside = [lv in levels for lv in self.levels]
            if not any(inside):
                return "not_applicable", f"{why}；{self.level_text()}"
            if not all(inside):
                return "unverified", f"{why}；{self.level_text()}，无法判断是否适用"
        return None

    def to_json(self) -> dict:
        return {"kind": self.kind, "level": self.level, "levels": list(self.levels), "kind_from": self.kind_from,
                "level_from": self.level_from, "description": self.describe(),
                "evidence": [{"source": e.source, "name": e.name, "kind": e.kind, "levels": list(e.levels)}
                             for e in self.evidence]}


def _commonest(values) -> str | None:
    counted = Counter(v.strip() for v in values if isinstance(v, str) and v.strip())
    return counted.most_common(1)[0][0] if counted else None


def site_evidence(snapshot) -> list[Evidence]:
    """What the audited scope's own pages call their owner, strongest first: the SiteName meta (the home page's,
    else the commonest), the home page title's parts, the footer's 主办单位 (the home page's, else the commonest)."""
    pages = snapshot.pages
    if pages is None or pages.empty:
        return []
    scope = snapshot.meta.get("scope") or ""
    from ..extract.urls import host_of

    host = host_of(snapshot.start_url)
    own = pages[pages["url"].map(lambda u: isinstance(u, str) and (u.startswith(scope) if scope
                                                                   else host_of(u) == host))]
    home = snapshot.page(snapshot.start_url)

    def first(column: str):
        value = home[column] if home is not None and column in home.index else None
        if isinstance(value, str) and value.strip() and not pd.isna(value):
            return value.strip()
        return _commonest(own[column]) if column in own.columns else None

    out: list[Evidence] = []
    title = home["title"] if home is not None and isinstance(home["title"], str) else None
    for source, text in (("网站名称", first("site_name")), ("首页标题", title), ("页脚主办单位", first("host"))):
        if text and (best := _best_part(text)):
            name, kind, levels = best
            if source == "页脚主办单位" and GOVERNMENT_OFFICE.search(SITE_SUFFIX.sub("", name)):
                kind = "人民政府"  # a 人民政府办公室 hosts its government's portal (条例第三条: the 主管部门)
            out.append(Evidence(source, name, kind, levels))
    return out


def _best_part(text: str) -> tuple[str, str | None, tuple[str, ...]] | None:
    """The part of a title or name ("首页 - 某县人民政府", "某厅某处-某平台网站") that names a body, else one that
    names a place, else the whole text."""
    parts = [p for p in TITLE_SPLIT.split(text) if p and CHINESE.search(p)] or [text]
    read = [(p, *read_name(p)) for p in parts]
    return next((r for r in read if r[1]), None) or next((r for r in read if r[2]), None) or (text.strip(), None, ())


def agency_profile(snapshot=None, kind: str | None = None, level: str | None = None) -> AgencyProfile:
    """The profile an audit uses: ``kind`` / ``level`` as stated by the evaluator (they always win), the rest
    read from the site (:func:`site_evidence`), each with where it came from."""
    evidence = tuple(site_evidence(snapshot)) if snapshot is not None else ()
    k_from = l_from = ""
    if kind:
        k_from = "评估人员指定"
    else:
        hit = next((e for e in evidence if e.kind), None)
        if hit:
            kind, k_from = hit.kind, f"{hit.source}“{hit.name}”"
    levels: tuple[str, ...] = ()
    if level:
        levels, l_from = (level,), "评估人员指定"
    else:
        # the level from the name that gave the kind first, then any other name of the site
        order = sorted(evidence, key=lambda e: not (k_from and k_from == f"{e.source}“{e.name}”"))
        hit = next((e for e in order if e.levels), None)
        if hit:
            levels, l_from = hit.levels, f"{hit.source}“{hit.name}”"
    return AgencyProfile(kind, levels, k_from, l_from, evidence)
