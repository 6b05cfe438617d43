"""复核: an evaluator overrides single findings, each with a reason (理由) and a name (复核人).

YAML — a list of reviews, or item id → one review or a list of them::

    - item_id: B-TIME-01
      subject: http://www.example.gov.cn/zcwj/202406/t20240601_1.html
      status: pass                 # 符合 | 不符合 | 不适用 | 无法核验 (or pass | fail | not_applicable | unverified)
      reason: 该文件系转载上级文件，发布时限不适用本机关
      reviewer: 张三
      date: 2026-07-02             # optional

    B-PLAT-04:
      subject: 政府信息公开年报
      status: 符合
      reason: 年报在互动平台发布，已人工核实
      reviewer: 李四

CSV: columns ``item_id, subject, status, reason, reviewer, date`` (or ``检查项编号, 对象, 复核结果, 理由, 复核人,
复核日期``), UTF-8, BOM allowed.

A review names a finding by its item and its subject exactly as ``findings.csv`` shows them. It is applied after the
checks and before scoring; the finding keeps the checks' status in ``original_status`` and says what changed in
``review``. A file naming an item the checklist does not have, or a subject the item did not judge, is refused —
every problem listed with the file and line — before anything is written.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import yaml

from .checks.base import STATUS_LABELS, STATUSES

ALIASES = {  # column or key → field
    "item_id": "item_id", "item": "item_id", "检查项编号": "item_id", "检查项": "item_id", "编号": "item_id",
    "subject": "subject", "对象": "subject", "检查对象": "subject",
    "status": "status", "复核结果": "status", "结果": "status", "to": "status",
    "reason": "reason", "理由": "reason", "复核理由": "reason", "note": "reason",
    "reviewer": "reviewer", "复核人": "reviewer",
    "date": "date", "复核日期": "date", "日期": "date",
}
STATUS_NAMES = {**{s: s for s in STATUSES}, **{label: s for s, label in STATUS_LABELS.items()}}


@dataclass(frozen=True)
class Review:
    item_id: str
    subject: str
    status: str
    reason: str
    reviewer: str
    date: str = ""
    where: str = ""  # file:line, for messages

    def text(self, original: str) -> str:
        """The finding's ``review`` cell: 复核：原判不符合改为符合；理由：…；复核人：…"""
        if original == self.status:
            head = f"复核：维持原判{STATUS_LABELS.get(original, original)}"
        else:
            head = f"复核：原判{STATUS_LABELS.get(original, original)}改为{STATUS_LABELS.get(self.status, self.status)}"
        parts = [head, f"理由：{self.reason}", f"复核人：{self.reviewer}"]
        if self.date:
            parts.append(f"复核日期：{self.date}")
        return "；".join(parts)


class ReviewError(ValueError):
    """A review file that cannot be applied; ``problems`` lists every ``(where, message)``."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = "\n  ".join(f"{where}: {msg}" for where, msg in problems)
        super().__init__(f"复核文件 {source} 有{len(problems)}处问题，未应用任何复核（invalid review file）：\n  {lines}")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value).strip()


def _fields(row: dict) -> tuple[dict, list[str]]:
    out: dict = {}
    unknown = []
    for key, value in row.items():
        if key is None:  # a CSV row with more cells than the header
            unknown.append("（多出的列）")
            continue
        name = ALIASES.get(str(key).strip().lstrip("\ufeff").lower(), ALIASES.get(str(key).strip()))
        if name is None:
            unknown.append(str(key))
        else:
            out[name] = value
    return out, unknown


def _rows_from_yaml(p: Path, text: str) -> list[tuple[str, dict]]:
    loader = yaml.SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            raise ReviewError(str(p), [(f"{p}:{mark.line + 1 if mark else '?'}",
                                        f"不是有效的YAML（not valid YAML）：{getattr(exc, 'problem', None) or exc}")]) from None
        if root is None:
            return []
        value = lambda node: loader.construct_object(node, deep=True)  # noqa: E731
        line = lambda node: f"{p}:{node.start_mark.line + 1}"  # noqa: E731
        rows: list[tuple[str, dict]] = []
        problems: list[tuple[str, str]] = []

        def entry(node, item_id=None) -> None:
            if not isinstance(node, yaml.MappingNode):
                problems.append((line(node), "每条复核应为映射（subject、status、reason、reviewer）（expected a mapping）"))
                return
            row = value(node)
            if item_id is not None:
                row = {"item_id": item_id, **row}
            rows.append((line(node), row))

        if isinstance(root, yaml.SequenceNode):
            for node in root.value:
                entry(node)
        elif isinstance(root, yaml.MappingNode):
            for key_node, val_node in root.value:
                item_id = value(key_node)
                if isinstance(val_node, yaml.SequenceNode):
                    for node in val_node.value:
                        entry(node, item_id)
                else:
                    entry(val_node, item_id)
        else:
            problems.append((line(root), "应为复核列表或“检查项编号: 复核”映射（expected a list or a mapping）"))
        if problems:
            raise ReviewError(str(p), problems)
        return rows
    finally:
        loader.dispose()


def _rows_from_csv(p: Path) -> list[tuple[str, dict]]:
    rows = []
    with open(p, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        start = 2
        for row in reader:
            rows.append((f"{p}:{start}", row))
            start = reader.line_num + 1  # a quoted cell may span lines: the next row starts after this one
    return rows


def load_reviews(source, item_ids: set[str] | None = None) -> list[Review]:
    """Read and validate reviews from a YAML/CSV file (or a list of dicts); every problem is reported at once
    with its file and line. ``item_ids``: the checklist's items, to refuse unknown ones."""
    if isinstance(source, (str, Path)):
        p = Path(source)
        name = str(p)
        if not p.exists():
            raise ReviewError(name, [(name, "文件不存在（file not found）")])
        if p.suffix.lower() == ".csv":
            try:
                rows = _rows_from_csv(p)
            except UnicodeDecodeError:
                raise ReviewError(name, [(name, "不是UTF-8文本（save the file as UTF-8）")]) from None
        else:
            try:
                text = p.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise ReviewError(name, [(name, "不是UTF-8文本（save the file as UTF-8）")]) from None
            rows = _rows_from_yaml(p, text)
    else:
        name = "review"
        rows = []
        for i, r in enumerate(source or []):
            if isinstance(r, Review):
                rows.append((r.where or f"review[{i}]", asdict(r)))
            else:
                rows.append((f"review[{i}]", dict(r)))
    problems: list[tuple[str, str]] = []
    out: list[Review] = []
    seen: dict[tuple[str, str], str] = {}
    for where, raw in rows:
        raw = {k: v for k, v in raw.items() if k != "where"}
        row, unknown = _fields(raw)
        if unknown:
            problems.append((where, f"未知字段 {'、'.join(unknown)}（unknown fields; expected item_id, subject, "
                                    "status, reason, reviewer, date）"))
        item_id, subject = _text(row.get("item_id")), _text(row.get("subject"))
        status_text, reason, reviewer = _text(row.get("status")), _text(row.get("reason")), _text(row.get("reviewer"))
        date = row.get("date")
        here: list[str] = []
        if not item_id:
            here.append("缺少检查项编号（item_id is empty）")
        elif item_ids is not None and item_id not in item_ids:
            here.append(f"检查项 {item_id} 不在本次评估的检查清单中（unknown item_id）")
        if not subject:
            here.append("缺少检查对象（subject is empty）")
        status = STATUS_NAMES.get(status_text) or STATUS_NAMES.get(status_text.lower())
        if status is None:
            here.append(f"复核结果 {status_text!r} 无效，应为 符合、不符合、不适用 或 无法核验"
                        "（status must be pass, fail, not_applicable or unverified）")
        if not reason:
            here.append("缺少复核理由（reason / 理由 is empty）")
        if not reviewer:
            here.append("缺少复核人（reviewer / 复核人 is empty）")
        day = ""
        if isinstance(date, dt.date):
            day = date.isoformat()
        elif _text(date):
            try:
                day = dt.date.fromisoformat(_text(date)).isoformat()
            except ValueError:
                here.append(f"复核日期 {_text(date)!r} 无效，应为 YYYY-MM-DD（bad date）")
        key = (item_id, subject)
        if item_id and subject and key in seen:
            here.append(f"检查项 {item_id} 对象 {subject} 已在 {seen[key]} 复核（duplicate review）")
        seen.setdefault(key, where)
        problems += [(where, msg) for msg in here]
        if not here:
            out.append(Review(item_id, subject, status, reason, reviewer, day, where))
    if problems:
        raise ReviewError(name, problems)
    return out


def apply_reviews(findings: pd.DataFrame, reviews: list[Review], source: str = "review"
                  ) -> tuple[pd.DataFrame, list[dict]]:
    """The findings with each review applied (``status`` overridden, ``original_status`` and ``review`` filled)
    and the list score.json keeps. A review whose item judged no such subject is an error (all listed)."""
    out = findings.copy()
    if "original_status" not in out.columns:
        out["original_status"] = out["status"]
    if "review" not in out.columns:
        out["review"] = ""
    subjects = out["subject"].map(_text)
    items = out["item_id"].map(_text)
    problems: list[tuple[str, str]] = []
    records: list[dict] = []
    for r in reviews:
        mask = (items == r.item_id) & (subjects == r.subject)
        if not mask.any():
            if not (items == r.item_id).any():
                problems.append((r.where or source, f"检查项 {r.item_id} 不在本次评估的检查结果中（unknown item_id）"))
                continue
            known = list(dict.fromkeys(subjects[items == r.item_id]))
            shown = "、".join(known[:5]) + (f"……等{len(known)}个" if len(known) > 5 else "")
            problems.append((r.where or source, f"检查项 {r.item_id} 没有对象 {r.subject!r}（unknown subject）；"
                                                f"该检查项的对象有：{shown}"))
            continue
        original = str(out.loc[mask, "original_status"].iloc[0])
        out.loc[mask, "status"] = r.status
        out.loc[mask, "review"] = r.text(original)
        records.append({"item": r.item_id, "subject": r.subject, "from": original, "to": r.status,
                        "reason": r.reason, "reviewer": r.reviewer, "date": r.date or None})
    if problems:
        raise ReviewError(source, problems)
    return out, records
