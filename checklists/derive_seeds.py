"""Re-derive the five seed checklists and apply the reviewer's corrections (kept here, each with its reason).

    .venv/bin/python checklists/derive_seeds.py        # needs ../shared/seeds (or tests/fixtures/seeds)

tests/test_plans.py checks that the files stay equal to today's derivation in ids, checks and params.
"""
from __future__ import annotations

from pathlib import Path

from zwgk_audit.plans import derive_checklist, parse_plan

HERE = Path(__file__).resolve().parent
SEEDS = next(p for p in (HERE.parent.parent / "shared" / "seeds", HERE.parent / "tests" / "fixtures" / "seeds") if p.exists())

SEEDS_TO_CHECKLISTS = {
    "000": ("sanyuan-ajj-2018", "三元区安全生产监督管理局", 2018),
    "001": ("tianjin-yjglj-2022", "天津市应急管理局", 2022),
    "002": ("panjin-sfj-2019", "盘锦市司法局", 2019),
    "003": ("dongtou-2020", "温州市洞头区人民政府办公室", 2020),
    "004": ("nanning-qxj-2017", "南宁市气象局", 2017),
}
# (checklist, text derived, text reviewed, why)
CORRECTIONS = [
    ("panjin-sfj-2019", "title: 市司法局2019年政务公开工作实施方案检查清单", "title: 盘锦市司法局2019年政务公开工作实施方案检查清单",
     "title — the plan's own heading omits the city (市司法局); the agency is 盘锦市司法局."),
    ("nanning-qxj-2017", "title: 政务公开工作实施方案检查清单", "title: 南宁市气象局2017年全面推进政务公开工作实施方案检查清单",
     "title — the scraped heading is split over two lines (市气象局2017年全面推进 / 政务公开工作实施方案)."),
    ("dongtou-2020", "区委宣传部区大数据管理中心", "区委宣传部、区大数据管理中心",
     "task 15 unit — the source omits the 、 between 区委宣传部 and 区大数据管理中心."),
]


def main() -> None:
    for key, (name, agency, year) in SEEDS_TO_CHECKLISTS.items():
        src = next(SEEDS.glob(f"{key}_*.txt"))
        plan = parse_plan(src.read_text(encoding="utf-8"))
        text = derive_checklist(plan, plan_id=name, agency=agency, year=year,
                                source=f"shared/seeds/{src.name}").to_yaml()
        notes = [f"# Derived by `zwgk-audit derive` from {src.name} — review before use.",
                 "# Every item cites its clause; `manual` items need an evaluator."]
        for cl, old, new, why in CORRECTIONS:
            if cl == name:
                assert old in text, (name, old)
                text = text.replace(old, new)
                notes.append(f"# Reviewed: {why}")
        (HERE / f"{name}.yaml").write_text("\n".join(notes) + "\n" + text, encoding="utf-8")
        print(f"{name}: {len(plan.clauses)} clauses")


if __name__ == "__main__":
    main()
