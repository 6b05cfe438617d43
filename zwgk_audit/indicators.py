"""The national indicators (19号文, the 条例, 61号文) against the checklist items that implement them.

``docs/indicators.md`` is generated from ``data/indicators.yaml`` and the shipped checklists, so an assessor can see
for each indicator whether an audit judges it automatically, asks an evaluator, or does not cover it (and why):

    python -m zwgk_audit.indicators > docs/indicators.md
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

CHECKLISTS = Path(__file__).resolve().parent.parent / "checklists"
STATUS = {"auto": "自动判断", "manual": "人工核查", "code": "自动（评分规则）", "none": "未覆盖"}


@dataclass
class Row:
    source: str
    group: str
    name: str
    status: str
    implemented: str
    reason: str


def rows(checklists_dir: Path = CHECKLISTS) -> list[Row]:
    """One row per indicator; an item reference that does not exist raises, naming it."""
    from .checklist import load_checklist

    data = yaml.safe_load(resources.files("zwgk_audit.data").joinpath("indicators.yaml").read_text(encoding="utf-8"))
    loaded: dict = {}
    out = []
    for ind in data["indicators"]:
        refs, parts, kinds = ind.get("items", []), [], set()
        for ref in refs:
            cid, _, iid = ref.partition(":")
            if cid not in loaded:
                loaded[cid] = load_checklist(checklists_dir / f"{cid}.yaml")
            try:
                item = loaded[cid].item(iid)
            except KeyError:
                raise ValueError(f"data/indicators.yaml: {ind['name']}: no item {iid!r} in checklists/{cid}.yaml") from None
            kinds.add("manual" if item.check == "manual" else "auto")
            parts.append(f"{cid}:{iid} {item.title} → `{item.check}`" + ("（否决）" if item.veto else ""))
        if refs:
            status = "auto" if "auto" in kinds else "manual"
        elif ind.get("code"):
            status, parts = "code", [ind["code"]]
        else:
            if not ind.get("reason"):
                raise ValueError(f"data/indicators.yaml: {ind['name']}: neither items, code nor a reason")
            status = "none"
        out.append(Row(data["sources"][ind["source"]], ind["group"], ind["name"], STATUS[status], "<br>".join(parts),
                       ind.get("reason", "")))
    return out


def render_markdown() -> str:
    lines = ["# 国家指标与实现对照", "",
             "由 `python -m zwgk_audit.indicators > docs/indicators.md` 生成（数据：`zwgk_audit/data/indicators.yaml` 与 "
             "`checklists/`），请勿手改。状态：自动判断 = 有检查程序；人工核查 = 清单列出、由评估人员记录；"
             "自动（评分规则）= 由计分程序实现；未覆盖 = 说明原因。", ""]
    current = None
    for r in rows():
        if r.source != current:
            current = r.source
            lines += ["", f"## {r.source}", "", "| 类别 | 指标 / 条款 | 状态 | 实现（清单项 → 检查） | 说明 |", "|---|---|---|---|---|"]
        cells = [r.group, r.name, r.status, r.implemented or "—", r.reason or ""]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
