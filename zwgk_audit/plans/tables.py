"""任务分解表 flattened into text: turn table rows back into numbered, attributed task lines.

Provincial and city plans often publish their tasks as a table (序号 / 工作任务 /
工作要求 / 牵头单位 / 配合单位 / 完成时限). A crawler flattens it into running text
— one cell per line, or a whole row on one line — and repeats the header on
every page. Rows start with a bare number. This module rewrites each row as
``N.工作任务。工作要求（牵头单位：…；配合单位：…；时限要求：…）`` so the
ordinary clause parser reads it.
"""
from __future__ import annotations

import re

HEADER_WORDS = ("序号", "工作任务", "主要任务", "重点任务", "任务内容", "工作内容", "工作要求", "具体措施", "牵头单位",
                "责任单位", "配合单位", "参与单位", "完成时限", "完成时间", "时间要求", "责任部门", "牵头部门", "配合部门")
ROW_START = re.compile(r"^(\d{1,3})(?:[\s\u3000]+(.*)|)$")
SECTION = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*、")
UNIT_END = re.compile(r"(办公厅|办公室|政府|委员会|委|局|厅|办|中心|院|部|处|科|室|会|队|所|站|行|公司|单位|集团|法院|检察院|"
                      r"分局|支队|大队|部门)(等)?$")
TIME_CELL = re.compile(r"^(20\d{2}\s*年.*|长期|持续推进|持续|常态化|全年|年底前|\d{4}年\d{1,2}月底前|按.*要求)$")


def _is_header(line: str) -> bool:
    """A table's header row: column names only — not a task line that names its 牵头单位 and 配合单位."""
    return (sum(word in line for word in HEADER_WORDS) >= 2 and len(line) <= 80
            and not re.search(r"[。：:；;]", line) and not re.match(r"^\s*\d{1,3}[.、．]", line))


def _unit_cell(token: str) -> bool:
    parts = [p for p in re.split(r"[、，,]", token) if p]
    return bool(parts) and len(token) <= 60 and all(UNIT_END.search(p.strip()) or p.strip().startswith("各") for p in parts)


def _row_line(number: str, cells: list[str], header: str) -> str:
    tokens = [t for c in cells for t in re.split(r"[\s\u3000]{1,}", c) if t]
    time_text = None
    if tokens and re.search(r"完成时限|完成时间|时间要求", header) and TIME_CELL.match(tokens[-1]):
        time_text = tokens.pop()
    units: list[str] = []
    while tokens and _unit_cell(tokens[-1]) and len(units) < 2:
        units.insert(0, tokens.pop())
    has_coop = bool(re.search(r"配合单位|参与单位|配合部门", header))
    lead, coop = (units[0], units[1]) if len(units) == 2 else (units[0] if units else None, None)
    if len(units) == 1 and has_coop and not re.search(r"牵头|责任", header):
        lead, coop = None, units[0]
    task = tokens[0] if tokens else ""
    return _task_line(number, task.rstrip("。"), "".join(tokens[1:]), lead, coop if has_coop else None, time_text)


def _task_line(number: str, task: str, requirement: str, lead: str | None, coop: str | None, time: str | None,
               lead_label: str = "牵头单位") -> str:
    """One table row as the numbered, attributed task line the clause parser reads."""
    parts = [f"{lead_label}：{lead}"] if lead else []
    if coop:
        parts.append(f"配合单位：{coop}")
    if time:
        parts.append(f"时限要求：{time}")
    attribution = f"（{'；'.join(parts)}）" if parts else ""
    return f"{number}.{task}。{requirement}{attribution}"


def _join_header_cells(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A header flattened one cell per line (序号 / 工作任务 / …) becomes one header line."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j][1].strip() in HEADER_WORDS:
            j += 1
        if j - i >= 2:
            out.append((lines[i][0], " ".join(t for _, t in lines[i:j])))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def unflatten_tables(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Rewrite task-table rows as numbered lines; lines outside tables pass unchanged."""
    lines = _join_header_cells(lines)
    out: list[tuple[int, str]] = []
    header: str | None = None
    row: tuple[int, str, list[str]] | None = None

    def flush() -> None:
        nonlocal row
        if row is not None:
            out.append((row[0], _row_line(row[1], row[2], header or "")))
            row = None

    for no, text in lines:
        if _is_header(text):
            flush()
            header = text  # repeated on every page of the table: dropped each time
            continue
        if header is None:
            out.append((no, text))
            continue
        m = ROW_START.match(text)
        if m:
            flush()
            row = (no, m.group(1), [m.group(2)] if m.group(2) else [])
            continue
        if SECTION.match(text):
            flush()
            out.append((no, text))
            continue
        if row is not None:
            row[2].append(text)
        else:
            out.append((no, text))
    flush()
    return out


# ---------------------------------------------------------------- real tables (HTML, Word, Excel, PDF)
ROLES = {  # header words per column role, most specific first
    "number": ("序号", "编号"),
    "coop": ("配合单位", "配合部门", "参与单位", "协办单位", "配合科室", "配合处室"),
    "lead": ("牵头单位", "牵头部门", "牵头科室", "牵头处室", "责任单位", "责任部门", "责任科室", "责任处室", "责任股室"),
    "time": ("完成时限", "完成时间", "时间要求", "时限要求", "时限"),
    "requirement": ("工作要求", "具体要求", "具体措施", "任务要求", "工作措施", "具体内容", "主要内容", "工作目标",
                    "主要措施", "落实措施"),
    "task": ("工作任务", "主要任务", "重点任务", "任务内容", "工作内容", "具体任务", "工作事项", "任务"),
}


def _roles(header: list[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for i, cell in enumerate(header):
        text = re.sub(r"\s+", "", cell or "")
        for role, words in ROLES.items():
            if any(w in text for w in words) and role not in out.values():
                out[i] = role
                break
    return out


INNER_NUMBER = re.compile(r"(?<![\d.．])(\d{1,2})[.．、](?!\d)")  # 1. 2. inside a cell: items of that row's task
LEADING_NUMBER = re.compile(r"^\s*[（(]?(\d{1,3})[)）.．、]\s*")  # a requirement cell that numbers its own task


def _repeated_header(row: list[str]) -> bool:
    """The header again on the next page: column names only, not a task whose text names 责任科室 and 完成时限."""
    return len(_roles(row)) >= 2 and all(len(c) <= 12 for c in row)


def rows_to_lines(rows: list[list[str]]) -> list[str]:
    """A 任务分解表 read as a table: one numbered, attributed task line per task row (the form the clause parser
    reads), section rows (一、…) as sections, continuation rows joined to the task above. The header is found
    among the first rows (two-row headers and merged cells included); a table with no task header gives []."""
    rows = [[re.sub(r"[\s\u3000]+", " ", str(c or "")).strip() for c in row] for row in rows]
    at = next((i for i, row in enumerate(rows[:4]) if len(_roles(row)) >= 2), None)
    if at is None:
        return []
    header = rows[at]
    if at + 1 < len(rows) and len(_roles(rows[at + 1])) >= 2:  # a second header row under merged cells
        header = [" ".join(p for p in pair if p) for pair in zip(header, rows[at + 1])]
        at += 1
    roles = _roles(header)
    if "task" not in roles.values() and "requirement" not in roles.values():
        return []
    lead_label = "牵头单位" if any("牵头" in header[i] for i, r in roles.items() if r == "lead") else "责任单位"
    lines: list[str] = []
    tasks: list[dict] = []
    for row in rows[at + 1:]:
        cells = {role: row[i] for i, role in roles.items() if i < len(row)}
        filled = [c for c in row if c]
        if not filled or _repeated_header(row):
            continue  # blank, or the header repeated on the next page
        if len(set(filled)) == 1 and (SECTION.match(filled[0]) or len(filled) == len(row) > 1 or len(row) == 1):
            lines.append(filled[0])  # a section row: one merged cell across the table
            continue
        number = cells.get("number", "")
        task = cells.get("task", "")
        own = LEADING_NUMBER.match(cells.get("requirement", ""))
        if not number and own:  # "3.及时反馈…" in the requirement column: the row's own task number
            number = own.group(1)
            cells["requirement"] = cells["requirement"][own.end():]
        if task and SECTION.match(task):  # the task column holds sections (一、…); the numbered requirements are tasks
            task = task.rstrip("。；; ")
            if task != (tasks[-1]["section"] if tasks else None):
                lines.append(task)
            section, task = task, ""
        else:
            section = None
        if not task and tasks and (number or own) and "task" in roles.values() and section is None:
            task = tasks[-1]["task"]  # a task cell merged down over several numbered rows (Excel, PDF: empty)
        if not number and not task and not own and tasks:  # a continuation row: more requirement text, units, time
            for role in ("requirement", "lead", "coop", "time"):
                if cells.get(role) and cells[role] not in tasks[-1][role]:
                    tasks[-1][role] = "".join(p for p in (tasks[-1][role], cells[role]) if p)
            continue
        tasks.append({"number": number, "task": task, "requirement": cells.get("requirement", ""),
                      "lead": cells.get("lead", ""), "coop": cells.get("coop", ""), "time": cells.get("time", ""),
                      "section": section, "at": len(lines)})
        lines.append("")  # placeholder, written when the task is complete
    for n, t in enumerate(tasks, start=1):
        number = re.sub(r"\D", "", t["number"]) or str(n)
        title = INNER_NUMBER.sub(r"（\1）", (t["task"] or t["requirement"]).rstrip("。"))
        rest = INNER_NUMBER.sub(r"（\1）", t["requirement"]) if t["task"] else ""  # a cell's own 1. 2. stay inside
        lines[t["at"]] = _task_line(number, title, rest, t["lead"], t["coop"], t["time"], lead_label)
    return lines
