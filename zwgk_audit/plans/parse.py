"""Parse a 政务公开 plan (工作要点 / 实施方案) into task clauses with their units, limits and deadlines.

Real plans come scraped: page furniture around them, numbering with errors
(a section header numbered like a task, numbering restarting, a task split
over paragraphs each with its own attribution), tables flattened into text.
The parser works on numbering *levels*, not on one template:

* ``一、`` sections; ``（一）`` / ``(一)``; ``1.`` / ``1、``; ``（1）``.
* A numbered line that is only a short heading and is followed directly by
  another line of the same level is a section header, not a task.
* Sections of general requirements, guiding ideology, goals, organisation
  lists and closing demands are context.
* In every other section the shallowest level that carries text is the task
  level; deeper items and unnumbered paragraphs belong to the task above.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .segment import segment
from .tables import unflatten_tables

CN_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

MARKERS = [
    (1, re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*、\s*")),
    (2, re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*")),
    (3, re.compile(r"^\s*(\d{1,3})\s*[.、．](?!\d)\s*")),
    (4, re.compile(r"^\s*[（(]\s*(\d{1,3})\s*[)）]\s*")),
]
FURNITURE = re.compile(
    r"^\s*(发布时间|发布日期|来源[:：]|浏览次数|阅读[:：]|字体|【字体|打印|关闭|分享到|索\s*引\s*号|发布机构[:：]|"
    r"文\s*号[:：]|生成日期|主办单位|承办单位|主办[:：]|版权所有|网站标识码|.{0,6}ICP备|.{0,3}公网安备|联系电话|"
    r"网站地图|附件下载|相关链接|相关文章|扫一扫|技术支持|抄送[:：]|下面是小编|\(此件公开发布\)|（此件公开发布）)")
FURNITURE_ANYWHERE = re.compile(r"ICP备\d|公网安备|网站标识码|版权所有|发布时间[:：]\s*\d{4}|浏览次数|阅读[:：]?\s*\{\{")
CONTEXT_HEADINGS = re.compile(
    r"总体要求|指导思想|工作目标|主要目标|基本原则|组织机构|领导小组|有关要求|工作要求|其他要求|其他事项|实施步骤|"
    r"工作步骤|时间安排|背景|总体目标")
ATTRIBUTION_HINT = re.compile(r"责任(单位|科室|处室|部门|股室|人)|牵头|配合|负责落实|负责[)）]|协办|主办单位[:：]")
UNIT_SPLIT = re.compile(r"[、，,；;/]|(?<=[室处科局办委会队股站所中心组部门单位])和|(?<=[室处科局办委会队股站所心组门位])及|等$")
TIME_LIMIT = re.compile(
    r"(?P<ctx>[^，。；、]{0,12}?)(?:最迟|最长|不超过)?(?<![月年\d])(?P<n>\d+|[一二三四五六七八九十两]+)\s*个?\s*"
    r"(?P<unit>工作日|小时|个月|日|天)(?:内|以内|之内)?")
DEADLINE = re.compile(
    r"(?P<y>20\d{2})\s*年\s*(?:(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日)?)?\s*(?P<end>年?底|末)?\s*(?:前|之前|以前)")
YEAR_WITHIN = re.compile(r"(20\d{2})\s*年\s*(?:内|年内)(?!一般)")
FREQUENCY = re.compile(
    r"(每年|每季度|每半年|每月|每周|按季度|按月|年内|全年|每季)[^，。；]{0,8}?(?:(?:至少|不少于|一般不少于)\s*(\d+|[一二三四五六七八九十两])\s*次)?")
TARGET = re.compile(
    r"(?P<what>[^，。；、（(]{1,14}?)(?P<op>不低于|不少于|不超过|达到|降低|提高|提升|超过|低于|高于)\s*"
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>%|％|个百分点|个|次|家|项|条|分)")
SIGNATURE = re.compile(r"^\s*(20\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})\s*(印发)?\s*$")
COLUMN_NAMES = ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "年度报告", "权责清单", "权力清单",
                "责任清单", "办事指南", "预决算", "预算决算", "双随机、一公开", "双随机一公开", "行政执法公示", "执法信息",
                "政策解读", "政策文件", "规范性文件", "人事信息", "规划计划", "建议提案", "重点领域", "依申请公开",
                "政务公开专栏", "意见征集", "征求意见", "新闻发布", "在线访谈", "专题专栏", "机构职能", "领导信息"]


def cn_number(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 23 → 23."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if not s or any(ch not in CN_DIGITS and ch != "两" for ch in s):
        return None
    s = s.replace("两", "二")
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return CN_DIGITS[s]


@dataclass
class Attribution:
    text: str
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    time_limit: str | None = None


@dataclass
class Clause:
    number: str  # as printed: "（三）", "12.", "2、"
    index: int | None  # the number as an integer
    level: int
    title: str  # the lead sentence
    text: str  # all paragraphs of the task, attribution included
    section: str = ""
    responsible_units: list[str] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    cooperating_units: list[str] = field(default_factory=list)
    time_limits: list[dict] = field(default_factory=list)
    deadlines: list[dict] = field(default_factory=list)
    frequencies: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    line: int = 0  # 1-based line in the cleaned text


@dataclass
class Plan:
    title: str
    clauses: list[Clause]
    context: list[str]
    stripped: list[str]  # furniture lines removed before parsing, kept for inspection
    appraisal_share: float | None = None

    def __repr__(self) -> str:
        return f"<Plan {self.title!r}: {len(self.clauses)} task clauses>"


@dataclass
class _Line:
    no: int
    text: str
    level: int | None = None
    marker: str = ""
    index: int | None = None
    body: str = ""


def _strip_furniture(lines: list[str]) -> tuple[list[tuple[int, str]], list[str]]:
    kept, stripped = [], []
    for i, raw in enumerate(lines, start=1):
        text = raw.strip().replace("\u3000", " ")
        if not text:
            continue
        if FURNITURE.match(text) or (len(text) < 120 and FURNITURE_ANYWHERE.search(text)):
            stripped.append(text)
            continue
        kept.append((i, text))
    return kept, stripped


def _split_inline(text: str) -> list[str]:
    """Flattened tables and run-on text: start a new line before a task number that follows a sentence end."""
    parts = re.split(r"(?<=[。；;）)])\s*(?=[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[.、．](?!\d))", text)
    return [p for p in parts if p.strip()]


def _classify(no: int, text: str) -> _Line:
    line = _Line(no, text)
    for level, pattern in MARKERS:
        m = pattern.match(text)
        if m:
            idx = cn_number(m.group(1))
            if idx is None or (level == 3 and idx > 200):
                continue
            line.level, line.marker, line.index, line.body = level, m.group(0).strip(), idx, text[m.end():].strip()
            return line
    line.body = text
    return line


def _attributed(lines: list[_Line], i: int) -> bool:
    """Does the block of numbered line ``i`` (up to the next numbered line) state a responsible unit?"""
    block = [lines[i].body]
    for ln in lines[i + 1:]:
        if ln.level:
            break
        block.append(ln.body)
    return any(parse_attribution(g) for g in _balanced_groups("".join(block)))


def _is_heading(line: _Line) -> bool:
    body = line.body
    return len(body) <= 40 and "。" not in body and "；" not in body and not ATTRIBUTION_HINT.search(body)


def _balanced_groups(text: str) -> list[str]:
    """Contents of top-level parentheses, nested ones kept inside: 各街道(乡镇) stays whole."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "(（":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
            if depth == 0:
                out.append(text[start:i])
    return out


def _units(text: str) -> list[str]:
    text = re.sub(r"^(责任|牵头|配合|协办|主办)?(单位|科室|处室|部门|股室|处|科)?\s*[:：]", "", text.strip())
    text = re.sub(r"(分别)?(负责落实|具体负责|共同负责|负责|牵头|配合|落实|实施)$", "", text.strip())
    out = []
    for part in UNIT_SPLIT.split(text):
        part = re.sub(r"^(由|其他|以及)", lambda m: "" if m.group(1) != "其他" else "其他", part.strip())
        part = re.sub(r"(分别)?(负责落实|负责|牵头|配合|等)$", "", part).strip(" ：:")
        part = re.sub(r"^(我局|本局)(?=.)", "", part)
        if 1 < len(part) <= 30 and part not in out:
            out.append(part)
    return out


def parse_attribution(group: str) -> Attribution | None:
    """One parenthesised attribution: (责任处室：A牵头，B、C负责落实) / (牵头科室:A;配合科室:B;时限要求:…) / (A负责)."""
    if not ATTRIBUTION_HINT.search(group) and not re.search(r"负责$", group.strip()):
        return None
    att = Attribution(group.strip())
    body = re.sub(r"^\s*责任(单位|科室|处室|部门|股室|人)\s*[:：]", "", group.strip())
    for part in re.split(r"[;；]", body):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^(时限要求|完成时限|时限|完成时间)\s*[:：](.*)$", part)
        if m:
            att.time_limit = m.group(2).strip()
            continue
        if re.match(r"^(信息发布及渠道|发布渠道|公开方式|备注)\s*[:：]", part):
            continue
        m = re.match(r"^(牵头[^:：]{0,4})\s*[:：](.*)$", part)
        if m:
            att.lead += _units(m.group(2))
            continue
        m = re.match(r"^(配合[^:：]{0,4}|协办[^:：]{0,4})\s*[:：](.*)$", part)
        if m:
            att.cooperating += _units(m.group(2))
            continue
        # "A牵头，B、C负责落实" / "A牵头；B负责" / "A、B负责"
        lead_m = re.search(r"^(.*?)牵头[，,、]?(.*)$", part)
        if lead_m:
            att.lead += _units(lead_m.group(1))
            rest = lead_m.group(2).strip(" ，,")
            if rest:
                att.cooperating += _units(rest)
            continue
        if re.search(r"配合$", part) or att.lead:  # after a named lead, the units that "负责" carry it out with it
            att.cooperating += _units(part)
            continue
        att.lead += _units(part)
    att.lead = list(dict.fromkeys(att.lead))
    att.cooperating = [u for u in dict.fromkeys(att.cooperating) if u not in att.lead]
    return att if att.lead or att.cooperating else None


def _deadline(m: re.Match) -> dt.date:
    y = int(m.group("y"))
    if m.group("m"):
        mo = int(m.group("m"))
        if m.group("d"):
            return dt.date(y, mo, int(m.group("d")))
        nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(y, 12, 31)


def _facts(clause: Clause) -> None:
    text = clause.text
    for m in TIME_LIMIT.finditer(text):
        n = cn_number(m.group("n"))
        if n is None:
            continue
        ctx = m.group("ctx")
        clause.time_limits.append({"text": m.group(0).strip(), "value": n, "unit": m.group("unit"),
                                   "after": ctx.strip(), "working_days": m.group("unit") == "工作日"})
    for m in YEAR_WITHIN.finditer(text):
        clause.deadlines.append({"text": m.group(0), "date": dt.date(int(m.group(1)), 12, 31).isoformat()})
    for m in DEADLINE.finditer(text):
        try:
            clause.deadlines.append({"text": m.group(0), "date": _deadline(m).isoformat()})
        except ValueError:
            continue
    for m in FREQUENCY.finditer(text):
        if m.group(2) or m.group(1) in ("每月", "每季度", "按季度", "每半年", "每周", "按月", "每季"):
            clause.frequencies.append({"text": m.group(0), "per": m.group(1),
                                       "at_least": cn_number(m.group(2)) if m.group(2) else 1})
    for m in TARGET.finditer(text):
        clause.targets.append({"text": m.group(0), "what": m.group("what"), "op": m.group("op"),
                               "value": float(m.group("n")), "unit": m.group("unit")})
    clause.columns = [c for c in COLUMN_NAMES if c in text]
    for group in _balanced_groups(text):
        att = parse_attribution(group)
        if att is None:
            continue
        clause.lead_units += [u for u in att.lead if u not in clause.lead_units]
        clause.cooperating_units += [u for u in att.cooperating if u not in clause.cooperating_units]
        if att.time_limit:
            clause.time_limits.append({"text": att.time_limit, "value": None, "unit": None, "after": "时限要求",
                                       "working_days": False})
    # "…，由办公室负责落实。" outside parentheses
    for m in re.finditer(r"由([^，。；]{2,30}?)(牵头|负责)", text):
        target = clause.lead_units if m.group(2) == "牵头" or not clause.lead_units else clause.cooperating_units
        target += [u for u in _units(m.group(1)) if u not in clause.lead_units + clause.cooperating_units]
    clause.cooperating_units = [u for u in clause.cooperating_units if u not in clause.lead_units]
    clause.responsible_units = clause.lead_units + clause.cooperating_units


def _title_of(body: str) -> str:
    m = re.match(r"^(.{2,60}?)[。；;]", body)
    title = m.group(1) if m else body[:60]
    return re.sub(r"[（(][^（()）]*$", "", title).strip()


def parse_plan(source) -> Plan:
    """Parse a plan into task clauses and context: text, HTML, or a path or the bytes of a .docx, .xlsx, .xls,
    .pdf or .ofd file (:mod:`.sources` reads the form by its content; tables are read as tables)."""
    from .sources import read_plan

    text = read_plan(source).text
    raw_lines = segment(text.replace("\r", "\n")).split("\n")  # run-on text gets its line breaks back
    kept, stripped = _strip_furniture(raw_lines)
    kept = unflatten_tables(kept)
    lines: list[_Line] = []
    for no, t in kept:
        for part in _split_inline(t):
            lines.append(_classify(no, part))

    candidates = [ln.body for ln in lines if ln.level is None and 6 <= len(ln.body) <= 60
                  and re.search(r"方案|要点|安排|意见|计划", ln.body) and not re.search(r"[。，,]", ln.body)]
    own = [c for c in candidates if "通知" not in c and "关于" not in c]
    title = (own or candidates or [lines[0].body if lines else ""])[0]

    context: list[str] = []
    # the signature after the last task (issuing body, date) is not part of that task
    while lines and lines[-1].level is None and (SIGNATURE.match(lines[-1].body) or len(lines[-1].body) <= 16
                                                 and not re.search(r"[。，,；;]", lines[-1].body)):
        context.append(lines.pop().text)

    # section headers numbered like tasks: short, and the next numbered line is at the same level
    numbered = [i for i, ln in enumerate(lines) if ln.level]
    header = set()
    for k, i in enumerate(numbered):
        ln = lines[i]
        if ln.level == 1:
            header.add(i)
            continue
        nxt = numbered[k + 1] if k + 1 < len(numbered) else None
        directly_next = nxt == i + 1
        if _is_heading(ln) and nxt is not None and directly_next and lines[nxt].level == ln.level:
            header.add(i)
        elif _is_heading(ln) and nxt is not None and directly_next and lines[nxt].level > ln.level:
            # a heading over numbered items that each carry their own attribution: those items are the tasks
            children = []
            for j in numbered[k + 1:]:
                if lines[j].level <= ln.level:
                    break
                if lines[j].level == lines[nxt].level:
                    children.append(j)
            if children and all(_attributed(lines, j) for j in children):
                header.add(i)

    # sections: split at level-1 headers (and level-2 headers acting as sections)
    clauses: list[Clause] = []
    sections: list[tuple[str, list[int]]] = []
    current: tuple[str, list[int]] = ("", [])
    for i, ln in enumerate(lines):
        if i in header:
            if current[1] or current[0]:
                sections.append(current)
            current = (ln.body, [])
        else:
            current[1].append(i)
    sections.append(current)

    section_context = False
    for name, idxs in sections:
        # a level-2 "section" inside a context level-1 section stays context
        is_l1 = any(lines[i].level == 1 and lines[i].body == name for i in header) if name else False
        if is_l1 or not name:
            # the unnamed part before the first section is a preamble, unless the plan has no sections at all
            preamble = not name and not clauses and len(sections) > 1
            section_context = bool(name and CONTEXT_HEADINGS.search(name)) or preamble
        ctx = section_context or bool(name and CONTEXT_HEADINGS.search(name))
        levels = [lines[i].level for i in idxs if lines[i].level and lines[i].level > 1]
        if ctx or not levels:
            if not ctx and not levels and name and idxs and not is_l1:
                pass
            context.extend([name] * bool(name) + [lines[i].text for i in idxs])
            continue
        task_level = min(levels)
        task: Clause | None = None
        for i in idxs:
            ln = lines[i]
            if ln.level == task_level:
                if CONTEXT_HEADINGS.search(ln.body[:12]) and _is_heading(ln):
                    task = None  # (一)指导思想 / (二)工作目标 inside a task section
                    context.append(ln.text)
                    continue
                task = Clause(ln.marker, ln.index, ln.level, _title_of(ln.body), ln.body, section=name, line=ln.no)
                clauses.append(task)
            elif task is not None:
                task.text += "\n" + ln.text
            else:
                context.append(ln.text)
    for c in clauses:
        _facts(c)
    share = None
    for c in clauses:
        for t in c.targets:
            if re.search(r"权重|分值|考核", t["what"] + c.text[:0]) and t["unit"] in ("%", "％", "分") and t["op"] in ("不低于", "不少于", "达到"):
                share = t["value"]
    if share is None:
        m = re.search(r"(?:分值权重|权重|分值)[^，。；]{0,6}?(?:不低于|不少于|达到)\s*(\d+(?:\.\d+)?)\s*[%％]", text)
        share = float(m.group(1)) if m else None
    return Plan(title=title, clauses=clauses, context=context, stripped=stripped, appraisal_share=share)


def plan_year(plan: Plan) -> int | None:
    """The year a plan is for: its title ("2020年政务公开工作要点"), else the date it was signed or issued."""
    for text in (plan.title, *plan.context):
        m = re.search(r"(20\d{2})\s*年", text or "")
        if m:
            return int(m.group(1))
    return None
