"""Plans → clauses → checklists, on the five seeds and on each numbering and attribution form."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from zwgk_audit.audit import audit
from zwgk_audit.checklist import load_checklist, parse_checklist
from zwgk_audit.plans import derive_checklist, parse_attribution, parse_plan

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURE_SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SEED_COUNTS = {"000": 23, "001": 20, "002": 15, "003": 19, "004": 18}
SEED_CHECKLISTS = {"000": "sanyuan-ajj-2018", "001": "tianjin-yjglj-2022", "002": "panjin-sfj-2019",
                   "003": "dongtou-2020", "004": "nanning-qxj-2017"}


def seed_text(key: str) -> str:
    return next(FIXTURE_SEEDS.glob(f"{key}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize("key,count", sorted(SEED_COUNTS.items()))
def test_reference_clause_counts(key, count):
    plan = parse_plan(seed_text(key))
    assert len(plan.clauses) == count
    assert [c.index for c in plan.clauses] == list(range(1, count + 1))  # in order, none lost, none doubled


@pytest.mark.parametrize("key", sorted(SEED_COUNTS))
def test_every_stated_unit_is_extracted(key):
    plan = parse_plan(seed_text(key))
    for clause in plan.clauses:
        stated = re.findall(r"[（(](?:责任(?:单位|科室|处室)[:：]|牵头科室[:：])[^)）]*[)）]|[（(][^（()）]{2,40}负责[)）]",
                            clause.text)
        if stated:
            assert clause.responsible_units, f"{key} {clause.number}: {stated}"
        # every unit named in the clause's attributions is one of its responsible units
        for group in stated:
            for unit in re.split(r"时限要求.*|信息发布.*|配合科室|牵头科室|责任单位|责任科室|责任处室|负责落实|负责|牵头|[、，,；;：:]", group.strip("（()）")):
                unit = unit.strip()
                if 2 <= len(unit) <= 12 and not re.search(r"分别|和|及|要求|渠道|时限|信息|提供", unit):
                    assert any(unit in u or u in unit for u in clause.responsible_units), (key, clause.number, unit)


def test_attribution_forms():
    a = parse_attribution("责任处室:新闻宣传处牵头,办公室、机关党委办公室和各处室单位负责落实")
    assert a.lead == ["新闻宣传处"] and a.cooperating == ["办公室", "机关党委办公室", "各处室单位"]
    a = parse_attribution("牵头科室:办公室;配合科室:业务科、气象台、科技服务中心;时限要求:信息形成后及时提供;信息发布及渠道:办公室,政府门户网站")
    assert a.lead == ["办公室"] and a.cooperating == ["业务科", "气象台", "科技服务中心"]
    assert a.time_limit == "信息形成后及时提供"
    assert parse_attribution("局办公室、应急指挥中心负责").lead == ["局办公室", "应急指挥中心"]
    assert parse_attribution("责任单位:区府办、各街道(乡镇),其他区级有关单位").lead == ["区府办", "各街道(乡镇)", "其他区级有关单位"]
    assert parse_attribution("局办公室牵头;应急指挥中心、普法科负责").cooperating == ["应急指挥中心", "普法科"]
    assert parse_attribution("责任科室:办公室和相关业务股室").lead == ["办公室", "相关业务股室"]
    assert parse_attribution("住房和城乡建设局负责").lead == ["住房和城乡建设局"]  # 和 inside a name stays
    assert parse_attribution("2017年6月30日前") is None


NUMBERING = {
    "dot": "一、公开任务\n1.推进政务公开。做好公开工作。(责任单位:办公室)\n2.加强解读。做好解读。(责任单位:政策法规科)\n",
    "dunhao": "一、公开任务\n1、推进政务公开。做好公开工作。(责任单位:办公室)\n2、加强解读。做好解读。(责任单位:政策法规科)\n",
    "paren_digit": "一、公开任务\n（1）推进政务公开。做好公开工作。（办公室负责）\n（2）加强解读。做好解读。（政策法规科负责）\n",
    "paren_cn_fullwidth": "一、公开任务\n（一）推进政务公开。做好公开工作。（责任处室：办公室）\n（二）加强解读。做好解读。（责任处室：政策法规处）\n",
}


@pytest.mark.parametrize("style", sorted(NUMBERING))
def test_numbering_styles(style):
    plan = parse_plan(NUMBERING[style])
    assert [c.title for c in plan.clauses] == ["推进政务公开", "加强解读"]
    assert plan.clauses[0].responsible_units and plan.clauses[1].responsible_units


def test_context_sections_headers_restarts_and_split_tasks():
    text = """关于印发2024年政务公开工作要点的通知
发布时间：2024-03-01 来源：某局 阅读：{{ pvCount }} 次
2024年某局政务公开工作要点
一、总体要求
（一）指导思想
以习近平新时代中国特色社会主义思想为指导。
（二）工作目标
全面提升公开质量。
二、主要任务
（一）加强政策发布解读
1.规范文件发布。文件在成文后3个工作日内公开，解读材料与文件互为链接。（责任单位：办公室）
2.加强解读。解读材料在文件公开后3个工作日内发布。（责任单位：政策法规科牵头，各科室配合）
（二）推进重点领域公开
1.公开权责清单。在门户网站公开权责清单和双随机、一公开结果。（责任单位：法规科）
本任务的第二段，另有责任单位。（责任单位：执法大队）
三、保障措施
1.加强组织领导。各科室要高度重视，2024年底前完成政府网站IPv6改造，每季度至少1次通报。（责任单位：办公室）
四、工作要求
各科室要认真落实。
主办单位：某局 版权所有 网站标识码：1234567890
"""
    plan = parse_plan(text)
    assert [c.title for c in plan.clauses] == ["规范文件发布", "加强解读", "公开权责清单", "加强组织领导"]
    assert plan.clauses[2].responsible_units == ["法规科", "执法大队"]  # a task over two paragraphs
    assert plan.clauses[1].lead_units == ["政策法规科"] and plan.clauses[1].cooperating_units == ["各科室"]
    assert plan.clauses[3].deadlines[0]["date"] == "2024-12-31"
    assert plan.clauses[3].frequencies and plan.clauses[3].frequencies[0]["per"] == "每季度"
    assert any("网站标识码" in s for s in plan.stripped) and any("发布时间" in s for s in plan.stripped)
    assert any("指导思想" in line for line in plan.context)
    cl = derive_checklist(plan, plan_id="t")
    checks = {(i.check, tuple(sorted(i.params.items()))) for i in cl.items if i.check not in ("manual", "column_present")}
    assert ("publication_timeliness", (("max_working_days", 3),)) in checks
    assert ("interpretation_linked", (("mutual", True),)) in checks
    assert ("interpretation_linked", (("within_days", 3),)) in checks
    ipv6 = [i for i in cl.items if "IPv6" in i.title]
    assert ipv6 and ipv6[0].check == "ipv6_support" and ipv6[0].params == {"deadline": "2024-12-31"}
    assert any(i.check == "column_present" and i.params["column"] == "权责清单" for i in cl.items)
    # every clause is traceable: each yields at least one item citing it, with its unit
    for clause in plan.clauses:
        mine = [i for i in cl.items if i.basis.clause.endswith(f"{clause.number}{clause.title}")]
        assert mine and all(i.responsible_unit for i in mine)
    assert cl.appraisal_share == 4.0 and cl.notes  # default share, documented
    parse_checklist(cl.to_yaml(), "derived.yaml")  # valid as a file a person would edit


def test_time_limits_and_targets_from_seeds():
    p000 = parse_plan(seed_text("000"))
    limits = {(t["value"], t["unit"]) for c in p000.clauses for t in p000.clauses[8].time_limits}
    assert (3, "工作日") in limits
    assert {(5, "小时"), (24, "小时")} <= {(t["value"], t["unit"]) for t in p000.clauses[12].time_limits}
    assert p000.clauses[7].frequencies[0]["at_least"] == 1  # 每年至少1次
    assert parse_plan(seed_text("002")).appraisal_share == 4.0  # 分值权重不低于4%
    p001 = parse_plan(seed_text("001"))
    assert any(d["date"] == "2022-12-31" for d in p001.clauses[15].deadlines)  # IPv6 by end 2022
    p003 = parse_plan(seed_text("003"))
    assert any(t["value"] == 2 and t["op"] == "降低" for t in p003.clauses[15].targets)  # 纠错率降低2%


def test_derived_merges_with_baseline_stricter_limit_wins():
    base = load_checklist(ROOT / "checklists" / "baseline.yaml")
    merged = derive_checklist(parse_plan(seed_text("000")), base, plan_id="s000")
    timely = [i for i in merged.items if i.check == "publication_timeliness"]
    # the 2019 rule (B-TIME-01) and the 2008 条例's (B-2008-03, until 2019-05-14) stay two items, each judging the
    # documents of its time; the plan states no dates, so its stricter limit binds in both
    assert [i.id for i in timely] == ["B-TIME-01", "B-2008-03"]
    assert [i.params["max_working_days"] for i in timely] == [3, 3]
    assert "第二十六条" in timely[0].basis.clause and "9." in timely[0].basis.clause
    assert "第十八条" in timely[1].basis.clause and "9." in timely[1].basis.clause
    assert timely[0].effective_from == dt.date(2019, 5, 15) and timely[1].effective_until == dt.date(2019, 5, 14)


@pytest.mark.parametrize("key", sorted(SEED_CHECKLISTS))
def test_seed_checklists_load_cite_and_run(key, clean_snapshot):
    from .conftest import AS_OF

    cl = load_checklist(ROOT / "checklists" / f"{SEED_CHECKLISTS[key]}.yaml")
    plan = parse_plan(seed_text(key))
    numbers = {f"{c.number}{c.title}" for c in plan.clauses}
    assert all(any(i.basis.clause.endswith(n) for i in cl.items) for n in numbers)  # every task is there
    a = audit(clean_snapshot, cl, as_of=AS_OF)
    assert not a.findings["message"].str.contains("检查程序出错").any()
    # reviewed files stay close to what derivation gives today: same items, same checks and params
    derived = derive_checklist(plan, plan_id=cl.id)
    assert [(i.id, i.check, i.params) for i in derived.items] == [(i.id, i.check, i.params) for i in cl.items]


def test_derive_cli_writes_yaml_and_prints_table(tmp_path, capsys):
    from zwgk_audit import cli

    out = tmp_path / "p.yaml"
    src = next(FIXTURE_SEEDS.glob("002_*.txt"))
    assert cli.main(["derive", str(src), "-o", str(out), "--baseline", "baseline.yaml"]) == 0
    printed = capsys.readouterr().out
    assert "15 项任务" in printed and "interpretation_linked" in printed and "人工" in printed
    assert "并入基线" in printed
    cl = load_checklist(out)  # the plan's own items: the baseline is referenced at audit time, not copied
    assert cl.appraisal_share == 4.0 and not any(i.id.startswith("B-") for i in cl.items)
    assert "-c baseline.yaml -c p.yaml" in out.read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(src.read_text(encoding="utf-8").encode("gbk", errors="ignore"))
    assert cli.main(["derive", str(gbk)]) == 0


TABLE_ONE_ROW_PER_LINE = """2024年某省政务公开工作要点任务分解表
一、深化决策公开
序号 工作任务 工作要求 牵头单位 配合单位 完成时限
1 推进重大行政决策公开 制定并公开重大行政决策事项目录 省政府办公厅 省司法厅、省发展改革委 2024年6月底前
2 做好政策解读 政策文件与解读材料互为链接，解读材料在文件公开后3个工作日内发布 省政府办公厅 各市人民政府 长期
二、强化平台建设
序号 工作任务 工作要求 牵头单位 配合单位 完成时限
4 推进政府网站IPv6改造 2024年底前完成省政府门户网站IPv6改造 省大数据局 省通信管理局 2024年底前
"""
TABLE_ONE_CELL_PER_LINE = ("序号\n工作任务\n工作要求\n牵头单位\n配合单位\n1\n推进重大行政决策公开\n制定并公开重大行政决策事项目录。\n"
                           "省政府办公厅\n省司法厅、省发展改革委\n2\n规范文件发布\n文件成文后5个工作日内公开。\n省政府办公厅\n各设区市人民政府\n")


def test_flattened_task_table_rows_become_clauses():
    plan = parse_plan(TABLE_ONE_ROW_PER_LINE)
    assert [c.index for c in plan.clauses] == [1, 2, 4]  # a numbering gap stays a gap; repeated headers dropped
    first = plan.clauses[0]
    assert first.title == "推进重大行政决策公开"
    assert first.lead_units == ["省政府办公厅"] and first.cooperating_units == ["省司法厅", "省发展改革委"]
    assert first.deadlines[0]["date"] == "2024-06-30"
    assert plan.clauses[2].deadlines[0]["date"] == "2024-12-31"
    cl = derive_checklist(plan, plan_id="t")
    assert any(i.check == "interpretation_linked" and i.params == {"within_days": 3} for i in cl.items)
    plan = parse_plan(TABLE_ONE_CELL_PER_LINE)
    assert [(c.title, c.lead_units, c.cooperating_units) for c in plan.clauses] == [
        ("推进重大行政决策公开", ["省政府办公厅"], ["省司法厅", "省发展改革委"]),
        ("规范文件发布", ["省政府办公厅"], ["各设区市人民政府"])]
    assert plan.clauses[1].time_limits[0]["value"] == 5


def test_plan_html_page_is_read():
    html = ("<html><body><div class='header'>网站首页</div><p>某局2024年政务公开工作要点</p><p>一、主要任务</p>"
            "<p>1.规范文件发布。文件成文后5个工作日内公开。（责任单位：办公室）</p>"
            "<p>2.加强解读。解读材料与文件互为链接。（责任单位：法规科）</p>"
            "<div class='footer'>主办单位：某局 网站标识码：1234567890</div></body></html>")
    plan = parse_plan(html)
    assert [c.title for c in plan.clauses] == ["规范文件发布", "加强解读"]
    assert plan.clauses[1].responsible_units == ["法规科"]


@pytest.mark.parametrize("seed", sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt")),
                         ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("glue", ["", " "])
def test_text_that_lost_its_line_breaks_gives_the_same_clauses_and_units(seed, glue):
    """Copied from a web page or a PDF as one run: the numbering markers put the lines back."""
    from zwgk_audit.plans.parse import parse_plan

    text = seed.read_text(encoding="utf-8")
    clean, runon = parse_plan(text), parse_plan(text.replace("\n", glue))
    assert [c.number for c in runon.clauses] == [c.number for c in clean.clauses]
    assert [c.responsible_units for c in runon.clauses] == [c.responsible_units for c in clean.clauses]


def test_references_inside_sentences_do_not_start_tasks():
    from zwgk_audit.plans.segment import segment

    text = ("一、主要任务1.加强公开。按照第（一）项和附件1的要求，于2022年1月底前完成，占比3.5%以上，统一、规范公开内容，"
            "确保各项工作落到实处。区经济发展局区行政审批局2.加大解读力度。做好政策解读工作（责任单位：办公室）（二）其他")
    lines = segment(text).split("\n")
    assert lines[0] == "一、主要任务"
    assert lines[1].startswith("1.加强公开") and "第（一）项" in lines[1] and "附件1" in lines[1] and "统一、规范" in lines[1]
    assert lines[1].endswith("区行政审批局")  # the units that close task 1 stay with it
    assert lines[2].startswith("2.加大解读力度") and lines[3] == "（二）其他"


def test_the_readme_workflow_derive_then_audit_with_baseline_and_plan(tmp_path, clean_snapshot):
    """README: derive PLAN --baseline checklists/baseline.yaml -o my.yaml; audit URL -c baseline -c my.yaml."""
    from zwgk_audit import cli
    from zwgk_audit.checklist import load_checklists

    from .conftest import AS_OF

    my = tmp_path / "my.yaml"
    src = next(FIXTURE_SEEDS.glob("000_*.txt"))
    assert cli.main(["derive", str(src), "--baseline", str(ROOT / "checklists" / "baseline.yaml"), "-o", str(my)]) == 0
    checklist = load_checklists([str(ROOT / "checklists" / "baseline.yaml"), str(my)])
    assert checklist.year == 2018  # the plan's year (三元区安监局2018年政务公开工作方案), not today's
    timely = [i for i in checklist.items if i.check == "publication_timeliness"]
    # the plan's 3 days beat the 20, in the 2019 rule's item and in the 2008 rule's (each judges its own time)
    assert [i.params["max_working_days"] for i in timely] == [3, 3]
    assert "第二十六条" in timely[0].basis.clause and "9." in timely[0].basis.clause and "较严格" in timely[0].basis.note
    a = audit(clean_snapshot, checklist, as_of=AS_OF)  # judged once, scored once: by the rule of the document's date
    f = a.findings[a.findings["check"] == "publication_timeliness"]
    judged = f[f["status"] != "not_applicable"]
    assert len(judged) and not judged["subject"].duplicated().any()
    # the same files given twice, or the baseline twice, merge to the same checklist
    again = load_checklists([str(ROOT / "checklists" / "baseline.yaml"), str(my), str(my)])
    assert [i.id for i in again.items] == [i.id for i in checklist.items]
