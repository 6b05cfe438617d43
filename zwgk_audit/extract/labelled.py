"""Labelled fields in a page's lines of text, for vocabularies kept as data (messages.yaml, guide_elements.yaml).

A label is a label only where a page lays it out as one — never a word inside a sentence:

* ``label：value`` at the start of a line, or after a space or an opening bracket (``（法律法规依据：…）``);
* a cell or line holding the label alone (``提交时间：`` | ``2020-12-21``; ``设定依据`` | ``《…》``), its value in
  the lines after it;
* ``【设定依据】…``;
* a numbered heading: ``一、设定依据``, ``（二）申请条件``, ``3.办理材料``, ``第四部分 办理流程``, with at most a short
  tail before the end of the line or a colon (``五、收费标准及依据：``).

Words listed as ``need_colon`` (依据, 材料, 标题 …) are labels only with a colon, in a heading, or alone in a cell.
Lines come from :func:`zwgk_audit.extract.metadata.lines_of`: block elements and table cells break lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]"
                       r"|\d{1,2}\s*[、.．](?!\d)|第[一二三四五六七八九十\d]{1,3}[部分项条章节步]{0,2}[、.．:：]?|[①-⑳])\s*")
SENTENCE = re.compile(r"[，。；！？,;!?、]")
COLON = "：:"
TAIL = 6  # a heading may run a few characters past its label (收费标准及依据, 申请材料目录清单)


@dataclass(frozen=True)
class Hit:
    line: int
    start: int  # where the label starts in its line
    end: int  # where its value starts
    key: str  # the field the label stands for ("" for a label that only ends the value before it)
    word: str  # the label as the vocabulary spells it
    form: str  # colon | cell | bracket | heading


class Labels:
    """A vocabulary of labels: ``{field: [label, …]}`` plus the words that need a colon."""

    def __init__(self, fields: dict[str, list[str]], need_colon=()):
        self.key_of: dict[str, str] = {}
        for key, words in fields.items():
            for w in words:
                self.key_of.setdefault(str(w), str(key))
        self.need_colon = frozenset(need_colon)
        words = sorted(self.key_of, key=len, reverse=True)
        alt = "|".join(" ?".join(map(re.escape, w)) for w in words)  # lines hold single spaces only
        self.at = re.compile(rf"(?:{alt})")
        # "label：" after a space, a bar or an opening bracket, anywhere in a short line
        self.inline = re.compile(rf"(?:(?<=[ |【\[（(])|^)(?P<label>{alt}) ?[{COLON}]")

    def word(self, text: str) -> str | None:
        """The label a whole cell holds (its trailing colon allowed), or None."""
        bare = text.strip().rstrip(COLON).strip().replace(" ", "")
        return bare if bare in self.key_of else None


def find(lines: list[str], labels: Labels, max_line: int = 200) -> list[Hit]:
    """Every label in ``lines``, in page order."""
    out: list[Hit] = []
    for i, line in enumerate(lines):
        out.extend(_line_hits(i, line, labels, inline=len(line) <= max_line))  # a paragraph: its opening label only
    return out


def _line_hits(i: int, line: str, labels: Labels, inline: bool = True) -> list[Hit]:
    hits: list[Hit] = []
    # a cell holding the label alone
    whole = labels.word(line)
    if whole is not None:
        return [Hit(i, 0, len(line), labels.key_of[whole], whole, "cell")]
    start = 0
    form = None
    m = NUMBERING.match(line)
    if m:
        start, form = m.end(), "heading"
    elif line.startswith(("【", "[")):
        start, form = 1, "bracket"
    first = _at_start(i, line, start, form, labels)
    taken = -1
    if first is not None:
        hits.append(first)
        taken = first.end
    for m in labels.inline.finditer(line) if inline else ():
        if m.start("label") < taken:
            continue
        word = m.group("label").replace(" ", "")
        hits.append(Hit(i, m.start("label"), m.end(), labels.key_of[word], word, "colon"))
        taken = m.end()
    return hits


def _at_start(i: int, line: str, start: int, form: str | None, labels: Labels) -> Hit | None:
    """The label opening a line (after its numbering or 【): with a colon, closed by 】, or a short heading."""
    m = labels.at.match(line, start)
    if m is None:
        return None
    word = m.group(0).replace(" ", "")
    if word not in labels.key_of:
        return None
    key = labels.key_of[word]
    rest = line[m.end():]
    if form == "bracket":
        close = rest.find("】") if line[0] == "【" else rest.find("]")
        if 0 <= close <= TAIL and not SENTENCE.search(rest[:close]):
            end = m.end() + close + 1
            if end < len(line) and line[end] in COLON:
                end += 1
            return Hit(i, start, end, key, word, "bracket")
        return None
    stripped = rest.lstrip(" ")
    if stripped[:1] and stripped[0] in COLON:
        return Hit(i, start, len(line) - len(stripped) + 1, key, word, "colon")
    if form == "heading":
        # 一、设定依据 | 一、设定依据 《行政许可法》 | 五、收费标准及依据：不收费
        colon = next((k for k, ch in enumerate(rest) if ch in COLON), -1)
        if 0 <= colon <= TAIL and not SENTENCE.search(rest[:colon]):
            return Hit(i, start, m.end() + colon + 1, key, word, "heading")
        if not rest.strip() or (len(rest) <= TAIL and not SENTENCE.search(rest)) or rest.startswith(" "):
            return Hit(i, start, m.end(), key, word, "heading")
        return None
    if word in labels.need_colon:
        return None
    # 收费标准及依据：… (a label with a short tail before its colon)
    colon = next((k for k, ch in enumerate(rest) if ch in COLON), -1)
    if 0 < colon <= TAIL and not SENTENCE.search(rest[:colon]) and " " not in rest[:colon]:
        return Hit(i, start, m.end() + colon + 1, key, word, "colon")
    return None


FURNITURE = re.compile(r"^(?:上一篇|下一篇|上一条|下一条|【?打印|【?关闭|分享到|相关(?:信息|链接|文章)|扫一扫|责任编辑|浏览次数)")


def values(lines: list[str], hits: list[Hit], follow: int = 1, max_chars: int = 2000) -> list[tuple[Hit, str]]:
    """Each hit with its value: the rest of its line up to the next label on it, else the lines after it up to
    the next label (at most ``follow`` lines; page furniture such as 上一篇 ends it)."""
    out = []
    by_line: dict[int, list[Hit]] = {}
    for h in hits:
        by_line.setdefault(h.line, []).append(h)
    label_lines = set(by_line)
    for h in hits:
        same = by_line[h.line]
        k = same.index(h)
        end = same[k + 1].start if k + 1 < len(same) else len(lines[h.line])
        value = lines[h.line][h.end:end].strip(" |】]：:")
        if not value and k + 1 == len(same):
            parts = []
            j = h.line + 1
            while j < len(lines) and j <= h.line + follow and j not in label_lines and not FURNITURE.match(lines[j]):
                parts.append(lines[j])
                j += 1
            value = "\n".join(parts)[:max_chars].strip()
        out.append((h, value))
    return out
