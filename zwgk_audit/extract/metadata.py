"""A document's 索引号, 文号, 成文日期, 发布机构 and dates, wherever the page shows them, each with its source.

One reader for every block form: the page's visible text is laid out in lines (block elements and table
cells break lines, inline tags do not, so ``岚综管办〔2020〕<font>50</font>号`` stays one value), every label
of ``data/metadata_labels.yaml`` is found in them — any Unicode spaces inside a label, half- or full-width
colon, several labels in one inline run — and a label's value is what follows it up to the next label, or
the next line when the label stands alone in its cell.

When no block gives a field, the document text does (source in brackets):

* 文号 — a line near the head of the text that is only a 文号 (``川办发〔2020〕35号``, ``〔〕﹝﹞[]［］【】()``
  year brackets, spaces inside) [body]; else a 文号 in the title's closing brackets [title];
* 成文日期 — the date standing on its own line under the signature (落款), Arabic or Chinese numerals
  (二〇二〇年二月二十七日), never a 施行 date from a sentence, never the 版记's 印发日期 (kept as ``printed_date``)
  [signature];
* 发布机构 — the 来源 byline [byline], else the signing body above that date [signature].

What the page visibly shows wins over hidden meta tags; the visible block wins over the body text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from lxml import etree

from .dates import parse_cn_date, parse_date

DATA = Path(__file__).resolve().parent.parent / "data" / "metadata_labels.yaml"
BLOCK_TAGS = {"p", "div", "br", "tr", "td", "th", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table",
              "ul", "ol", "dl", "section", "article", "header", "footer", "nav", "aside", "main", "form", "center",
              "blockquote", "pre", "hr", "figure", "figcaption", "caption", "tbody", "thead", "label"}
HIDDEN_TAGS = {"script", "style", "noscript", "template", "head", "title", "select", "option", "button", "textarea",
               "input", "object", "iframe", "frame", "meta", "link"}
SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
SPACE_RUN = re.compile(r"[ \t\x0b\x0c\r\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")  # all but line breaks
BREAK = "\n"  # block tags break lines; so do the source's own line breaks (signatures are often laid out so)
LABEL_LINE = 200  # a longer line is a paragraph of text, not a metadata run
COLON = r"\s*[:：]"
DOC_NO = re.compile(r"(?:[\u4e00-\u9fffA-Za-z]{1,20}\s*[〔﹝\[［【（(]\s*(?:19|20)\d{2}\s*[〕﹞\]］】）)]\s*(?:第\s*)?\d{1,5}\s*号"
                    r"|[\u4e00-\u9fff]{2,20}令\s*第\s*\d{1,5}\s*号)")
DATE_LINE = re.compile(r"^(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
                       r"|[〇○OＯО０零一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月(?:\s*[一二三四五六七八九十]{1,3}\s*日)?)"
                       r"\s*(?P<tail>(?:印\s*发|（[^）]{0,12}）|\([^)]{0,12}\))?)$")
ORG_END = re.compile(r"(?:局|厅|委|委员会|政府|办公室|办公厅|院|部|中心|处|科|会|组|队|所|站|室|校|大学|学院|党委|总局|集团|网|公司|协会|联合会|管委会|街道|镇|乡|村|行|社|团)$")
CREDIT = re.compile(r"^(?:文|图|文图|文、图|文/图|摄影|摄|记者|通讯员|供稿|作者|来稿)\s*[、/／:：]")  # a news credit, not a 落款
SENTENCE = re.compile(r"[，。；！？、,;!?：:]")
DATE_FIELDS = ("document_date", "publish_date", "printed_date")
PRINTED = re.compile(r"(?:(?:19|20)\d{2}|[〇○OＯО０零一二三四五六七八九]{4})\s*年[^年]{1,6}月[^月]{1,6}日\s*印\s*发")
BRACKETED_ORG = re.compile(r"^[（(]([^（）()，。；：:,;]{2,30})[）)]$")
LONG_PARAGRAPH = 40  # a line this long is document text: the head (文号 lines) is over, a signature may follow


@dataclass
class Fields:
    values: dict[str, object] = field(default_factory=dict)  # index_no, publisher, doc_no, document_date, …
    sources: dict[str, str] = field(default_factory=dict)  # field -> block | body | title | signature | byline | meta
    conflicts: dict[str, str] = field(default_factory=dict)  # field -> what another source on the page says

    def set(self, key: str, value, source: str) -> None:
        self.values[key] = value
        self.sources[key] = source


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[re.Pattern, dict[str, str], frozenset]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    field_of: dict[str, str] = {}
    for key, words in data["fields"].items():
        for w in words:
            field_of[w] = key
    for w in data["others"]:
        field_of.setdefault(w, "")
    words = sorted(field_of, key=len, reverse=True)
    spaced = "|".join(" ?".join(map(re.escape, w)) for w in words)  # lines hold single plain spaces only
    # a label starts a line or follows a space or a bracket; it ends with a colon, or ends its line. One pass over
    # the page's lines joined (MULTILINE), not one call per line.
    pattern = re.compile(rf"(?:^|(?<=[ |【\[（(]))(?P<label>{spaced})(?:(?P<colon> ?[:：])| ?$)", re.M)
    return pattern, field_of, frozenset(data["need_colon"]), re.compile(rf"^(?P<label>{spaced})(?=\S)")


def lines_of(doc, skip: set) -> list[str]:
    """The visible text of ``doc`` as lines: block elements and table cells break lines, inline tags do not;
    elements in ``skip`` (navigation, breadcrumbs, footers) and scripts are left out; every Unicode space is one."""
    return lines_with_and_without(doc, skip)[1]


ODD_SPACES = "\x1c\x1d\x1e\x1f\x85\u2028\u2029"  # whitespace to str.split(), but not in SPACE_RUN


def _as_lines(parts: list[str]) -> list[str]:
    """Lines of text: every run of spaces one space (SPACE_RUN), line breaks kept, empty lines dropped."""
    text = "".join(parts)
    if any(c in text for c in ODD_SPACES):  # rare: str.split() would break at these, SPACE_RUN does not
        text = SPACE_RUN.sub(" ", text)
        return [line for line in (raw.strip() for raw in text.split(BREAK)) if line]
    # str.split() knows every SPACE_RUN character but these two: several times faster than the substitution
    text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return [line for line in (" ".join(raw.split()) for raw in text.split(BREAK) if raw) if line]


def lines_with_and_without(doc, skip: set) -> tuple[list[str], list[str]]:
    """``(lines_of(doc, set()), lines_of(doc, skip))`` in one walk of the tree (issue 19: one pass per page).

    Both keep the same rules; the second leaves out the subtrees of elements in ``skip`` (their tails stay)."""
    every: list[str] = []  # all visible text
    kept: list[str] = []  # without the skipped subtrees
    body = doc.find("body")
    walk = etree.iterwalk(body if body is not None else doc, events=("start", "end"))
    hidden = None
    inside = None  # the element in ``skip`` whose subtree is being walked (for ``every`` only)
    for event, el in walk:
        tag = el.tag
        if not isinstance(tag, str):
            tag = ""
        if event == "start":
            text = el.text  # each .text/.tail read makes a new string: read once
            if tag == "script" and text and "document.write" in text:
                written = written_by_script(text)  # TRS: 发布时间：<script>var pubdata='…';document.write(pubdata)
                every.append(written)
                if inside is None:
                    kept.append(written)
            if not tag or tag in HIDDEN_TAGS:
                hidden = el  # its subtree is skipped; its tail is still visible
                walk.skip_subtree()
                continue
            if inside is None and el in skip:
                inside = el  # ``kept`` skips this subtree; ``every`` walks on
                if tag in BLOCK_TAGS:
                    every.append(BREAK)
                if text:
                    every.append(text)
                continue
            if tag in BLOCK_TAGS:
                every.append(BREAK)
                if inside is None:
                    kept.append(BREAK)
            if text:
                every.append(text)
                if inside is None:
                    kept.append(text)
        else:
            tail = el.tail
            if el is inside:
                inside = None
                if tag in BLOCK_TAGS:
                    every.append(BREAK)
                if tail:
                    every.append(tail)
                    kept.append(tail)
                continue
            if el is not hidden and tag in BLOCK_TAGS:
                every.append(BREAK)
                if inside is None:
                    kept.append(BREAK)
            if tail:
                every.append(tail)
                if inside is None:
                    kept.append(tail)
    return _as_lines(every), _as_lines(kept)


JS_VAR = re.compile(r"""var\s+(\w+)\s*=\s*(?:'([^'\n]*)'|"([^"\n]*)")""")
JS_WRITE = re.compile(r"document\.write(?:ln)?\(([^;]*?)\)\s*;?")
JS_PART = re.compile(r"""'([^'\n]*)'|"([^"\n]*)"|([A-Za-z_$][\w$]*)""")
TAG = re.compile(r"<[^>]*>")


def written_by_script(code: str) -> str:
    """What ``document.write`` of string literals and literal variables prints (tags dropped): the text a
    browser shows where a template writes the date with a script. Anything computed is left out."""
    names = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in JS_VAR.finditer(code)}
    out = []
    for call in JS_WRITE.finditer(code):
        for lit1, lit2, name in JS_PART.findall(call.group(1)):
            out.append(lit1 or lit2 or names.get(name, "") if name else lit1 or lit2)
    return TAG.sub("", "".join(out))


def _all_label_matches(lines: list[str]) -> list[list[tuple[int, int, str]]]:
    """Per line, its labels as (start, end, field) within the line; a label without a colon must stand alone
    in its cell."""
    pattern, field_of, need_colon, _glued = _vocabulary()
    out: list[list] = [[] for _ in lines]
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    text = "\n".join(lines)
    i = 0
    for m in pattern.finditer(text):
        while i + 1 < len(starts) and starts[i + 1] <= m.start():
            i += 1
        if len(lines[i]) > LABEL_LINE:
            continue  # a paragraph of text, not a metadata run
        word = m.group("label").replace(" ", "")
        if not m.group("colon") and (word in need_colon or m.start() != starts[i]):
            continue
        out[i].append((m.start() - starts[i], m.end() - starts[i], field_of.get(word, "")))
    return out


def read_blocks(lines: list[str]) -> Fields:
    """Every labelled field, first non-empty value in page order; a label shown with no value gives ""."""
    found = Fields()
    all_matches = _all_label_matches(lines)
    for i, line in enumerate(lines):
        matches = all_matches[i]
        for k, (_start, label_end, key) in enumerate(matches):
            if not key:
                continue
            end = matches[k + 1][0] if k + 1 < len(matches) else len(line)
            value = line[label_end:end].strip(" |】]")
            if not value and k + 1 == len(matches) and i + 1 < len(lines) and not all_matches[i + 1]:
                nxt = lines[i + 1] if len(lines[i + 1]) <= 80 else ""  # the value in the next cell
                if key not in DATE_FIELDS or parse_date(nxt) or parse_cn_date(nxt):
                    value = nxt
            _keep(found, key, value)
    _glued_list(lines, found, all_matches)
    return found


def _glued_list(lines: list[str], found: Fields, all_matches: list) -> None:
    """A list of labels run into their values with no colon (基本信息: 发文字号国务院令第711号 / 发布机关国务院):
    read only where at least two such lines stand together, and only for fields nothing else gave."""
    _pattern, field_of, need_colon, glued = _vocabulary()
    hits = []
    for i, line in enumerate(lines):
        m = glued.match(line) if len(line) <= LABEL_LINE and not all_matches[i] else None
        word = m.group("label").replace(" ", "") if m else ""
        if m and word not in need_colon:
            hits.append((i, field_of.get(word, ""), line[m.end():].strip()))
    rows = {i for i, _k, _v in hits}
    for i, key, value in hits:
        if key and ({i - 1, i + 1} & rows) and not found.values.get(key):
            _keep(found, key, value)


def _keep(found: Fields, key: str, value: str) -> None:
    """The first non-empty value wins; a label shown with no value records "" (None for a date) until one does."""
    if key in DATE_FIELDS:
        parsed = parse_date(value) or parse_cn_date(value)
        if value and parsed is None:
            return  # "发布时间" followed by no date: not this label
        if found.values.get(key) is None and (parsed or key not in found.values):
            found.set(key, parsed, "block")
        return
    if key == "doc_no" and value and not re.search(r"\d", value):
        value = ""  # a template's empty 〔〕 号
    if not found.values.get(key) and (value or key not in found.values):
        found.set(key, value, "block")


def body_doc_no(lines: list[str], title: str) -> str | None:
    """A line near the head of the text that is only a 文号 (before the first paragraph of text)."""
    field_of = _vocabulary()[1]
    start = _title_line(lines, title)
    for line in lines[start:start + 12]:
        if len(line) >= LONG_PARAGRAPH:
            break
        bare = line
        for word, key in field_of.items():
            if key == "doc_no" and SPACES.sub("", bare).startswith(word):
                bare = bare[bare.find(word[-1]) + 1:].lstrip(" ：:")  # 发文字号中华人民共和国国务院令第711号
                break
        m = DOC_NO.search(bare)
        if m and len(SPACES.sub("", bare)) <= len(SPACES.sub("", m.group(0))) + 2:
            return SPACES.sub("", m.group(0))
    return None


TITLE_END = re.compile(r"(?:[\s（(》”」]|通知|意见|办法|方案|规定|决定|公告|通告|批复|函|细则|规划|要点)$")


def title_doc_no(title: str) -> str | None:
    """A 文号 closing the title — "…的通知（川教函〔2021〕3号）", "…的意见》县发[2007]11号": the shortest tail that
    is a whole 文号 and starts where the title proper ends (a bracket, a space, a closing 》, 通知/意见/办法 …)."""
    text = (title or "").rstrip(" ）)")
    for start in range(len(text) - 4, 0, -1):
        tail = text[start:]
        if DOC_NO.fullmatch(tail) and TITLE_END.search(text[:start]):
            return SPACES.sub("", tail)
    return None


def _title_line(lines: list[str], title: str) -> int:
    """Index just after the line holding the title (0 when the title is not found)."""
    want = SPACES.sub("", title or "")
    if want:
        for i, line in enumerate(lines):  # the heading that is the title (a site name may open many lines)
            if want[0] not in line:
                continue
            have = line.replace(" ", "")
            if have.startswith(want[:40]) and len(have) <= len(want) + 12:
                return i + 1
    return 0


@dataclass
class Signature:
    org: str | None = None
    date: dt.date | None = None
    printed: dt.date | None = None


def signature(lines: list[str], title: str) -> Signature:
    """The 落款 under the text: the first date standing on its own line after a paragraph of text, and the
    signing bodies above it (the first one named); a date followed by 印发 is the 版记's, kept apart."""
    sig = Signature()
    start = _title_line(lines, title)
    want = SPACES.sub("", title or "")[:40]
    headings = {i for i, line in enumerate(lines)
                if want and want[0] in line and line.replace(" ", "").startswith(want)}
    seen_text = False
    for i in range(start, len(lines)):
        line = lines[i]
        if len(line) >= LONG_PARAGRAPH or line.endswith("。"):
            seen_text = True
            continue
        if (printed := PRINTED.search(line)) and not sig.printed:  # 版记: "某某办公室 2024年10月16日印发"
            sig.printed = parse_date(printed.group(0)) or parse_cn_date(printed.group(0))
            continue
        m = DATE_LINE.match(line)
        if not m or not seen_text or (i and CREDIT.match(lines[i - 1])):
            continue
        day = parse_date(line) or parse_cn_date(line)
        if sig.org is None and sig.date is None:
            org, top = _signer(lines, i)
            if top - 1 in headings:
                continue  # issuer and date right under the title: a header (年报 cover), not a 落款
            sig.date = day  # None for a date without its day (2020年4月): a signature, but no 成文日期
            sig.org = org
            if sig.date is None and sig.org is None:
                continue
    if sig.org is None and sig.date is None:  # an undated signature in brackets right under the text: （万载县统计局）
        for i in range(max(start, 1), len(lines)):
            m = BRACKETED_ORG.match(lines[i])
            if m and len(lines[i - 1]) >= LONG_PARAGRAPH and ORG_END.search(m.group(1)):
                sig.org = m.group(1)
    return sig


def _signer(lines: list[str], at: int) -> tuple[str | None, int]:
    """The first signing body (the topmost of the organisation lines right above the date), and its line."""
    orgs = []
    j = at - 1
    while j >= 0 and len(orgs) < 4:
        line = lines[j]
        if len(line) > 60 or SENTENCE.search(line) or not ORG_END.search(line.split(" ")[-1]):
            break
        orgs.append(line)
        j -= 1
    if not orgs:
        return None, at
    top = at - len(orgs)
    first = orgs[-1].split(" ")[0]
    # two bodies run together on one line (道真自治县人社局道真自治县财政局): split where the second repeats the place
    for end in (m.end() for m in re.finditer(ORG_END.pattern[:-1], first)):
        rest = first[end:]
        if len(rest) >= 4 and rest[:2] == first[:2] and ORG_END.search(rest):
            return first[:end], top
    return first, top


def read(doc, skip: set, title: str) -> Fields:
    """Every field the page shows, with its source; blocks first, then the text (see the module docstring)."""
    lines = lines_of(doc, skip)
    return from_text(read_blocks(lines), lines, title)


def text_chars(lines: list[str], title: str) -> int:
    """How much document text the page itself shows after its title (paragraphs, not menus or bylines)."""
    return sum(len(line) for line in lines[_title_line(lines, title):]
               if len(line) >= LONG_PARAGRAPH or line.endswith("。"))


def from_text(found: Fields, lines: list[str], title: str) -> Fields:
    """Fill what no block gave from the document text: 文号 line, signature date and body, 来源 byline."""
    values = found.values
    if not values.get("doc_no"):
        if (no := body_doc_no(lines, title)):
            found.set("doc_no", no, "body")
        elif (no := title_doc_no(title)):
            found.set("doc_no", no, "title")
    sig = signature(lines, title)
    if sig.org:
        found.set("signer", sig.org, "signature")  # who signed: whose document it is, even under a byline
    if not values.get("document_date") and sig.date:
        found.set("document_date", sig.date, "signature")
    elif sig.date and values.get("document_date") and sig.date != values["document_date"]:
        found.conflicts["document_date"] = f"正文落款为{sig.date.isoformat()}"  # the block wins; the text disagrees
    if sig.printed and not values.get("printed_date"):
        found.set("printed_date", sig.printed, "signature")
    if not values.get("publisher"):
        if values.get("byline"):
            found.set("publisher", values["byline"], "byline")
        elif sig.org:
            found.set("publisher", sig.org, "signature")
    found.values.pop("byline", None)
    found.sources.pop("byline", None)
    return found
