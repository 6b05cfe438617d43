"""整改复查: this audit against the previous one, judged by the same rules.

Comparing two audits' findings as recorded mixes two things: what the portal fixed, and what changed in the
checklists and the tool between the audits (an item renamed, a limit tightened, a check improved). So
:func:`diff_audits` first re-judges the previous audit's WARC with the current audit's checklist — the merged
``checklist.yaml`` its output folder keeps — and the current tool, on the previous audit's day (``as_of``), with
the previous audit's manual results, 复核, assessment period and sample, column map (joined with the current one)
and monitoring. Only then are the two compared, so a changed rule or item id never shows up as 已整改 / 新发现.

An old output folder without its WARC (or a current one without its checklist) is compared as recorded, and the
output says so.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .checks import STATUS_LABELS

DIFF_COLUMNS = ["状态", "检查项", "对象", "问题", "证据", "责任单位", "上次结果", "本次结果", "说明"]
FIXED, PERSISTING, NEW, UNCONFIRMED = "已整改", "未整改", "新发现", "无法确认是否整改"
NO_WARC = "旧评估无证据存档，按其结果比较，规则变更可能影响比较"


def _load(d: Path) -> tuple[pd.DataFrame, dict]:
    f = pd.read_csv(d / "findings.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return f, json.loads((d / "score.json").read_text(encoding="utf-8"))


def current_checklist(new_dir: Path, score: dict):
    """The checklist the current audit judged with, or ``(None, why not)``: its ``checklist.yaml``, else the
    checklist files it recorded when they are still there unchanged."""
    import hashlib

    from .checklist import ChecklistError, load_checklist, parse_checklist

    path = new_dir / (score.get("checklist_file") or "checklist.yaml")
    if path.exists():
        text = path.read_text(encoding="utf-8")
        recorded = score.get("checklist_sha256")
        if recorded and hashlib.sha256(text.encode("utf-8")).hexdigest() != recorded:
            return None, f"本次评估的 {path.name} 在评估后被修改，无法确认所用规则"
        try:
            return parse_checklist(text, path), ""
        except ChecklistError as exc:  # a checklist the current tool no longer accepts
            return None, f"本次评估的检查清单无法读取（{exc.problems[0][2]}）"
    files = score.get("checklist_files") or []
    if not files:
        return None, "本次评估未记录所用检查清单"
    lists = []
    for f in files:
        p = Path(f.get("path") or "")
        if not p.exists() or hashlib.sha256(p.read_bytes()).hexdigest() != f.get("sha256"):
            return None, f"本次评估所用检查清单 {p} 已移动或修改"
        lists.append(load_checklist(p))
    merged = lists[0].merge(*lists[1:]) if len(lists) > 1 else lists[0]
    for key in ("agency_kind", "level"):  # stated on the command line: kept in the profile
        stated = (score.get("agency_profile") or {}).get(key)
        if stated and (score.get("agency_profile") or {}).get(f"{key}_from") == "评估人员指定":
            merged = merged.model_copy(update={key: stated})
    return merged, ""


def rejudge(folder: Path, recorded: dict, checklist, column_map: dict, who: str = "上次"
            ) -> tuple[pd.DataFrame, object, list[str]]:
    """One audit folder's WARC judged again with ``checklist`` and this tool, on its own day, with its own manual
    results, reviews, period and sample, and monitoring. Returns the findings, their score and notes."""
    from .audit import Audit
    from .manual import ManualResult
    from .review import Review, apply_reviews
    from .scoring import score
    from .selection import Selection
    from .snapshot import Snapshot

    snap = Snapshot.load(folder / "snapshot.warc.gz")
    notes: list[str] = []
    as_of = dt.date.fromisoformat(recorded["as_of"]) if recorded.get("as_of") else None
    ids = {i.id for i in checklist.items}
    manual = {k: ManualResult(v.get("status", "unverified"), v.get("note", ""), v.get("evidence", ""),
                              v.get("evaluator", ""))
              for k, v in (recorded.get("manual_results") or {}).items() if k in ids}
    dropped = sorted(set(recorded.get("manual_results") or {}) - ids)
    if dropped:
        notes.append(f"{who}评估的人工核查结果{'、'.join(dropped)}在本次清单中无对应检查项，未采用")
    params = recorded.get("selection_params") or {}
    selection = Selection.parse(params.get("period"), params.get("sample"), params.get("sample_seed") or 0)
    monitoring = None
    path = (recorded.get("monitoring") or {}).get("path")
    if path:
        if Path(path).exists():
            monitoring = path
        else:
            notes.append(f"{who}评估的监测数据 {path} 已不在，相关检查项按无监测数据重判")
    audit = Audit(snap, checklist, as_of, manual or None, column_map or None, selection, monitoring)
    findings = audit.findings
    kept, lost = [], []
    keys = set(zip(findings["item_id"], findings["subject"]))
    for r in recorded.get("reviews") or []:
        if (r.get("item"), r.get("subject")) in keys:
            kept.append(Review(r["item"], r["subject"], r["to"], r.get("reason") or "", r.get("reviewer") or "",
                               r.get("date") or ""))
        else:
            lost.append(f"{r.get('item')} {r.get('subject')}")
    if kept:
        findings, _records = apply_reviews(findings, kept)
    if lost:
        notes.append(f"{who}评估的{len(lost)}条复核在重判结果中无对应检查对象，未采用（{'；'.join(lost[:3])}）")
    return findings, score(findings, checklist), notes


def _fails(findings: pd.DataFrame) -> set:
    failed = findings[findings["status"] == "fail"]
    return set(zip(failed["item_id"], failed["subject"]))


def same_tool(recorded: dict | None) -> bool:
    """Whether an audit was judged by this zwgk-audit (same version and, when both are known, same commit)."""
    from .audit import tool_info

    if not recorded:
        return False
    now = tool_info()
    if recorded.get("version") != now["version"]:
        return False
    a, b = (recorded.get("commit") or "").split("+")[0], (now.get("commit") or "").split("+")[0]
    return not (a and b and a != b)


def rejudge_previous(new_dir: str | Path, old_dir: str | Path) -> tuple[pd.DataFrame | None, dict]:
    """The previous audit's findings re-judged with the current audit's checklist and this tool (and the current
    audit's too, when another version of the tool wrote it).

    Returns ``(findings, info)``; ``findings`` is None when the previous audit cannot be re-judged, and
    ``info["note"]`` says why. ``info["current"]`` holds the current audit's re-judged findings when it was."""
    from .audit import tool_info

    new_dir, old_dir = Path(new_dir), Path(old_dir)
    _new_f, new_s = _load(new_dir)
    old_f, old_s = _load(old_dir)
    warc = old_dir / "snapshot.warc.gz"
    if not warc.exists():
        return None, {"rejudged": False, "note": NO_WARC}
    checklist, why = current_checklist(new_dir, new_s)
    if checklist is None:
        return None, {"rejudged": False, "note": f"{why}，旧评估未重新评判，按其结果比较，规则变更可能影响比较"}
    column_map = {**(old_s.get("column_map") or {}), **(new_s.get("column_map") or {})}
    try:
        findings, rescored, notes = rejudge(old_dir, old_s, checklist, column_map)
    except Exception as exc:  # a damaged archive: compare as recorded, and say why
        return None, {"rejudged": False, "note": f"旧评估证据存档无法读取（{type(exc).__name__}: {exc}），按其结果比较，"
                                                 "规则变更可能影响比较"}
    differ = len(_fails(old_f) ^ _fails(findings))
    version = tool_info()["version"]
    head = (f"上次评估已按本次检查清单（{checklist.id}）和本工具（zwgk-audit {version}）重新评判"
            f"（证据 {warc}，评估日期 {old_s.get('as_of') or '未记录'}）")
    if differ:
        head += f"；重判后有{differ}处不符合与上次记录不同（规则或检查项变更所致，不计为已整改或新发现）"
    info = {"rejudged": True, "score": rescored.score, "recorded_score": old_s.get("score"), "differ": differ}
    if not same_tool(new_s.get("tool")) and (new_dir / "snapshot.warc.gz").exists():
        try:  # the current audit came from another version of the tool: judge both sides by this one
            current, current_score, more = rejudge(new_dir, new_s, checklist, new_s.get("column_map") or {}, "本次")
        except Exception as exc:
            notes.append(f"本次评估由另一版本的工具生成，其证据存档无法读取（{type(exc).__name__}），按其记录比较")
        else:
            recorded_tool = (new_s.get("tool") or {}).get("version") or new_s.get("tool_version") or "未记录版本"
            notes.append(f"本次评估由 zwgk-audit {recorded_tool} 生成，也已按当前工具重新评判")
            notes += more
            info.update(current=current, current_score=current_score.score)
    info["note"] = "；".join([head, *notes])
    return findings, info


def _as_text(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings as findings.csv reads back: every cell text."""
    from .rectify import plain_text

    out = findings.copy()
    for col in out.columns:
        out[col] = out[col].map(plain_text)
    return out


def _label(status: str) -> str:
    return STATUS_LABELS.get(status, status or "无此项")


@dataclass
class Comparison:
    diff: pd.DataFrame  # one row per failing (item, subject) of either audit
    change: dict  # scores, counts, whether and how the previous audit was re-judged (note)
    previous: pd.DataFrame | None  # the previous audit's findings as re-judged (None: compared as recorded)
    current: pd.DataFrame | None = None  # the current audit's, re-judged when another version of the tool wrote it


def diff_audits(new_dir: str | Path, old_dir: str | Path, rejudge: bool = True) -> tuple[pd.DataFrame, dict]:
    """Re-audit: each failing (item, subject) of either audit marked 已整改 / 未整改 / 新发现 (or 无法确认是否整改),
    and the score change — after re-judging the previous audit by the current rules (:func:`rejudge_previous`)."""
    c = compare(new_dir, old_dir, rejudge)
    return c.diff, c.change


def compare(new_dir: str | Path, old_dir: str | Path, rejudge: bool = True) -> Comparison:
    """:func:`diff_audits`, keeping the re-judged previous findings too."""
    new_dir, old_dir = Path(new_dir), Path(old_dir)
    new_f, new_s = _load(new_dir)
    old_f, old_s = _load(old_dir)
    info: dict = {"rejudged": False, "note": ""}
    rejudged = None
    if rejudge:
        rejudged, info = rejudge_previous(new_dir, old_dir)
        if rejudged is not None:
            old_f = _as_text(rejudged)
            if info.get("current") is not None:
                new_f = _as_text(info["current"])
    key = ["item_id", "subject"]
    new_fail = new_f[new_f["status"] == "fail"].drop_duplicates(key).set_index(key)
    old_fail = old_f[old_f["status"] == "fail"].drop_duplicates(key).set_index(key)
    new_all = new_f.drop_duplicates(key).set_index(key)
    old_all = old_f.drop_duplicates(key).set_index(key)
    rows = []
    for k in sorted(set(new_fail.index) | set(old_fail.index)):
        before = old_all.loc[k]["status"] if k in old_all.index else ""
        now = new_all.loc[k]["status"] if k in new_all.index else ""
        note = ""
        if k in new_fail.index and k in old_fail.index:
            state, src = PERSISTING, new_fail.loc[k]
        elif k in new_fail.index:
            state, src = NEW, new_fail.loc[k]
            if before == "unverified":
                note = "上次未能核验"
            elif not before:
                note = "上次无此检查对象"
        else:
            src = old_fail.loc[k]
            if now == "pass":
                state = FIXED
            else:
                state = f"{UNCONFIRMED}（本次：{_label(now)}）"
        reviewed = [f"{when}{row['review']}" for when, table in (("上次", old_all), ("本次", new_all))
                    if k in table.index and (row := table.loc[k]).get("review")]
        note = "；".join(n for n in (note, *reviewed) if n)
        rows.append({"状态": state, "检查项": f"{k[0]} {src['item_title']}", "对象": k[1], "问题": src["message"],
                     "证据": src["evidence_url"], "责任单位": src["responsible_unit"], "上次结果": _label(before),
                     "本次结果": _label(now), "说明": note})
    diff = pd.DataFrame(rows, columns=DIFF_COLUMNS)
    previous = info.get("score") if info.get("rejudged") else old_s.get("score")
    current = info.get("current_score", new_s.get("score")) if info.get("current") is not None else new_s.get("score")
    change = {"previous": previous, "previous_recorded": old_s.get("score"), "current": current,
              "current_recorded": new_s.get("score"),
              "change": None if previous is None or current is None else round(current - previous, 2),
              "fixed": int((diff["状态"] == FIXED).sum()), "new": int((diff["状态"] == NEW).sum()),
              "persisting": int((diff["状态"] == PERSISTING).sum()),
              "unconfirmed": int(diff["状态"].str.startswith(UNCONFIRMED).sum()),
              "rejudged": bool(info.get("rejudged")), "note": info.get("note") or "",
              "previous_as_of": old_s.get("as_of"), "current_as_of": new_s.get("as_of")}
    return Comparison(diff, change, rejudged, info.get("current"))
