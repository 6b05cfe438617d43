"""Put back the line breaks a plan lost when it was copied from a web page or a PDF as one run of text.

A new line starts before each numbering marker — ``一、`` ``（一）`` ``1．`` ``（1）`` ``①`` — where a task can begin:
after a sentence end, a closing bracket or colon, or the responsible units that close the previous task
("…营商环境。区经济发展局区行政审批局2.加大…"). References inside sentences stay: 第（一）项, 附件1, 2022年1月,
3.5%, 统一、规范. A section number followed by its heading word (一、总体要求紧紧围绕…) gets the heading on a
line of its own, as the clean text has it.
"""
from __future__ import annotations

import re

MARKER = re.compile(r"[一二三四五六七八九十]{1,3}\s*、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,3}[.．、](?!\d)|[（(]\d{1,3}[)）]"
                    r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")
BOUNDARY = set("。；;！？!?：:）)」”》】 \t")
UNIT_END = re.compile(r"(?:局|委|办|室|科|股|队|站|所|中心|单位|部门|各乡镇|各街道|乡镇|街道|政府|院|部|会|组|处|厅|行|司)$")
NOT_AFTER = re.compile(r"(?:第|附件|附表|图|表|共|约|前|后|近|条|款|项)\s*$")
NOT_BEFORE = re.compile(r"^\s*(?:项|款|条|目|部分|个|年|月|日|号|%|％|倍|万|亿|次|名|人)")
HEADINGS = re.compile(r"^(总体要求|指导思想|工作目标|主要目标|基本原则|主要任务|重点任务|工作任务|重点工作|工作重点|保障措施|"
                      r"组织保障|工作要求|有关要求|其他要求|实施步骤|工作措施|组织领导|公开任务|工作内容|主要内容|具体任务)")
SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}\s*、")
HEADING_MAX = 45  # a section's heading is short and has no 。: a task number this close after it ends the heading
LONG = 60  # a line longer than this, holding two or more markers, may be run-on text


def _is_heading(piece: str) -> bool:
    """A numbered heading and nothing else: 一、拓宽主动公开深度和广度,助力… / (三)规范应急管理业务信息公开 (a section
    numbered like a task). A section may hold a comma; any other heading holds no punctuation at all."""
    if len(piece) > HEADING_MAX or "。" in piece:
        return False
    if SECTION.match(piece):
        return True
    head = MARKER.match(piece)
    return bool(head) and len(piece) - head.end() <= 30 and not re.search(r"[，,；;：:、]", piece[head.end():])


def _plausible(text: str, at: int, marker: str) -> bool:
    """Not a reference inside a sentence (第（一）项, 附件1, 3.5%, 2022年1月)."""
    before, after = text[:at], text[at + len(marker):]
    if NOT_AFTER.search(before) or NOT_BEFORE.match(after):
        return False
    prev = before.rstrip()[-1:] or " "
    return not (prev.isdigit() or prev in ".．")


def _starts_task(text: str, at: int, marker: str) -> bool:
    """A marker where a task can begin: after a sentence end, bracket or colon, or the previous task's units."""
    if not _plausible(text, at, marker):
        return False
    before = text[:at].rstrip()
    return not before or before[-1] in BOUNDARY or bool(UNIT_END.search(before))


def segment(text: str) -> str:
    """``text`` with a line break before every marker that starts a task or section in a run-on line."""
    out = []
    for line in text.split("\n"):
        if len(line) <= LONG or len(MARKER.findall(line)) < 2:
            out.append(line)
            continue
        pieces, last = [], 0
        for m in MARKER.finditer(line):
            heading = line[last:m.start()]
            after_heading = _is_heading(heading) and not SECTION.match(m.group(0)) and _plausible(
                line, m.start(), m.group(0))
            if m.start() > last and (after_heading or _starts_task(line, m.start(), m.group(0))):
                pieces.append(line[last:m.start()])
                last = m.start()
        pieces.append(line[last:])
        for piece in pieces:
            head = re.match(r"^([一二三四五六七八九十]{1,3}\s*、)\s*", piece)
            if head and (h := HEADINGS.match(piece[head.end():])) and len(piece) > head.end() + len(h.group(1)):
                cut = head.end() + h.end()
                out.extend([piece[:cut], piece[cut:]])
            else:
                out.append(piece)
    return "\n".join(out)
