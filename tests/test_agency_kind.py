"""The agency's kind and level: read from the site's name (and said so), stated by the evaluator (and then winning),
and the rules that follow them — 条例第四十九条's annual-report deadline, 第二十一条's categories. Hand-built pages
on no network; every expected value is worked out in the comments."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from zwgk_audit.audit import audit
from zwgk_audit.batch import read_agencies
from zwgk_audit.checklist import load_checklist, parse_checklist
from zwgk_audit.site.agency import agency_profile, normalize_kind, normalize_level, read_name

from .test_checks import snapshot_of

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 30)
REPORT = ('<html><head><meta name="ArticleTitle" content="{owner}2025年政府信息公开工作年度报告"></head><body>'
          '<div class="position">当前位置：首页 &gt; 政府信息公开年报</div><p>发布日期：{day}</p></body></html>')


def home(site_name: str | None = None, title: str = "首页", host: str | None = None) -> str:
    meta = f'<meta name="SiteName" content="{site_name}">' if site_name else ""
    footer = f"<p>主办单位：{host} 联系电话：0000-0000000</p>" if host else ""
    return f"<html><head><title>{title}</title>{meta}</head><body><h1>首页</h1>{footer}</body></html>"


def annual_checklist(kind: str | None = None):
    extra = f"agency_kind: {kind}\n" if kind else ""
    return parse_checklist("id: t\ntitle: t\n" + extra + "categories: [{id: c, title: c, weight: 1}]\nitems:\n"
                           "  - {id: R, title: 年报, check: annual_report_timely, category: c, basis: {clause: x}}\n")


@pytest.mark.parametrize("name, kind, levels", [
    ("XX县人民政府", "人民政府", ("县",)),
    ("XX市教育局", "部门", ("设区的市", "县")),          # "…市" cannot tell a 设区的市 from a 县级市: both stay open
    ("XX省人力资源和社会保障厅", "部门", ("省",)),
    ("道真仡佬族苗族自治县人力资源和社会保障局", "部门", ("县",)),
    ("某某镇人民政府", "人民政府", ("乡镇",)),
    ("某某县人民政府办公室", "部门", ("县",)),           # the government's office is one of its 部门
    ("北京市朝阳区人民政府门户网站", "人民政府", ("县",)),  # 北京市 is a province-level city, 朝阳区 the lowest place
    ("XX市住房和城乡建设局", "部门", ("设区的市", "县")),  # 城乡 is no 乡
    ("道真县人力资源网", None, ("县",)),                 # a website's name, not a body's: the kind stays unknown
    ("中国·道真", None, ()),
])
def test_kind_and_level_from_a_name(name, kind, levels):
    assert read_name(name) == (kind, levels)


def test_inference_from_the_site_is_shown_and_an_explicit_kind_wins():
    snap = snapshot_of({"/": home("XX县人民政府", title="首页 - XX县人民政府", host="XX县人民政府办公室")})
    inferred = agency_profile(snap)
    assert (inferred.kind, inferred.levels) == ("人民政府", ("县",))
    assert inferred.kind_text() == "机关类型据网站名称“XX县人民政府”推断为人民政府"
    assert inferred.level_text() == "层级据网站名称“XX县人民政府”推断为县级"
    stated = agency_profile(snap, kind="部门", level="县")
    assert stated.kind == "部门" and stated.kind_text() == "机关类型由评估人员指定为部门"
    # no SiteName: the title's part that names a body, then the footer's 主办单位
    assert agency_profile(snapshot_of({"/": home(title="XX市教育局")})).kind_from == "首页标题“XX市教育局”"
    by_host = agency_profile(snapshot_of({"/": home(host="贵州省人力资源和社会保障厅")}))
    assert (by_host.kind, by_host.levels, by_host.kind_from) == ("部门", ("省",), "页脚主办单位“贵州省人力资源和社会保障厅”")


@pytest.mark.parametrize("owner, kind, status", [
    # 条例第四十九条 — published 2026-03-16; a 县级以上地方人民政府 has until 2026-03-31, a 部门 until 2026-01-31
    ("XX县人民政府", None, "pass"),
    ("XX县教育局", None, "fail"),
    ("XX县人民政府", "部门", "fail"),      # the evaluator's kind wins over the site's name
    ("某网站", None, "unverified"),        # kind unknown: 16 March is late for one, on time for the other
])
def test_annual_report_deadline_follows_the_kind(owner, kind, status):
    snap = snapshot_of({"/": home(owner), "/ndbg/2025.html": REPORT.format(owner=owner, day="2026-03-16")})
    f = audit(snap, annual_checklist(kind), as_of=AS_OF).findings.iloc[0]
    assert f["status"] == status, f["message"]
    if kind is None and status != "unverified":
        assert f"机关类型据网站名称“{owner}”推断为" in f["message"]
    if status == "unverified":
        assert "机关类型未能确定" in f["message"] and "取决于机关类型" in f["message"]


@pytest.mark.parametrize("day, status", [("2026-01-20", "pass"), ("2026-04-02", "fail")])
def test_unknown_kind_still_decides_outside_the_two_deadlines(day, status):
    # by 31 January is on time for any body; after 31 March is late for any body
    snap = snapshot_of({"/": home("某网站"), "/ndbg/2025.html": REPORT.format(owner="某网站", day=day)})
    f = audit(snap, annual_checklist(), as_of=AS_OF).findings.iloc[0]
    assert f["status"] == status and "机关类型未能确定" in f["message"]


def test_unknown_kind_missing_report_waits_for_the_later_deadline():
    snap = snapshot_of({"/": home("某网站")})
    assert audit(snap, annual_checklist(), as_of=dt.date(2026, 3, 1)).findings.iloc[0]["status"] == "unverified"
    assert audit(snap, annual_checklist(), as_of=dt.date(2026, 4, 1)).findings.iloc[0]["status"] == "fail"


def area_items(*ids: str):
    base = load_checklist(ROOT / "checklists" / "baseline.yaml")
    return base.model_copy(update={"items": [base.item(i) for i in ids]})


def land_site(owner: str):
    page = ('<html><head><meta name="ArticleTitle" content="征收土地公告"></head><body>'
            '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/tdzs/">土地征收</a></div>'
            "<p>发布日期：2026-05-06</p><h1>征收土地公告</h1></body></html>")
    return snapshot_of({"/": home(owner), "/tdzs/a.html": page})


def test_article_21_binds_governments_of_its_levels_only():
    """B-AREA-01 土地征收 (设区的市、县、乡镇人民政府), B-AREA-02 房屋征收 (same), B-AREA-08 农业农村政策 (乡镇 only)."""
    cl = area_items("B-AREA-01", "B-AREA-02", "B-AREA-08")
    county = audit(land_site("XX县人民政府"), cl, as_of=AS_OF).findings.set_index("item_id")
    assert county.loc["B-AREA-01", "status"] == "pass"
    assert county.loc["B-AREA-02", "status"] == "fail"  # no 房屋征收 column at all
    assert county.loc["B-AREA-08", "status"] == "not_applicable"
    assert county.loc["B-AREA-08", "message"].startswith("本项适用于乡（镇）人民政府")
    assert "机关类型据网站名称“XX县人民政府”推断为人民政府" in county.loc["B-AREA-01", "message"]
    city = audit(land_site("XX市人民政府"), cl, as_of=AS_OF).findings.set_index("item_id")
    assert city.loc["B-AREA-01", "status"] == "pass"  # 设区的市 or 县级市: either way bound
    dept = audit(land_site("XX县教育局"), cl, as_of=AS_OF).findings.set_index("item_id")
    assert set(dept["status"]) == {"not_applicable"}
    assert "设区的市级、县级人民政府部门按其职责适用" in dept.loc["B-AREA-01", "message"]
    unknown = audit(land_site("某网站"), cl, as_of=AS_OF).findings.set_index("item_id")
    assert set(unknown["status"]) == {"unverified"}
    stated = audit(land_site("某网站"), cl.model_copy(update={"agency_kind": "人民政府", "level": "乡镇"}),
                   as_of=AS_OF).findings.set_index("item_id")
    assert stated.loc["B-AREA-01", "status"] == "pass" and stated.loc["B-AREA-08", "status"] == "fail"


def test_score_json_and_report_show_the_inference(tmp_path):
    snap = snapshot_of({"/": home("XX市教育局"), "/ndbg/2025.html": REPORT.format(owner="XX市教育局", day="2026-01-10")})
    a = audit(snap, annual_checklist(), as_of=AS_OF)
    a.write(tmp_path)
    profile = json.loads((tmp_path / "score.json").read_text(encoding="utf-8"))["agency_profile"]
    assert profile["kind"] == "部门" and profile["level"] is None and profile["levels"] == ["设区的市", "县"]
    assert profile["kind_from"] == "网站名称“XX市教育局”"
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "机关类型据网站名称“XX市教育局”推断为部门" in html


def test_batch_rows_carry_kind_and_level(tmp_path):
    csv_file = tmp_path / "agencies.csv"
    csv_file.write_text("agency,url,level,kind\n"
                        "某县政府,http://a.test/,县,人民政府\n"
                        "某市教育局,http://b.test/,市级,部门\n"
                        "某机关,http://c.test/,,\n"
                        "某单位,http://d.test/,地球,部门\n", encoding="utf-8")
    rows, problems = read_agencies(csv_file)
    assert [(r.agency, r.kind, r.level) for r in rows] == [("某县政府", "人民政府", "县"), ("某市教育局", "部门", "设区的市"),
                                                          ("某机关", "", "")]
    assert len(problems) == 1 and problems[0].startswith(f"{csv_file}:5: 层级 '地球' 不可识别")


def test_cli_and_aliases():
    from zwgk_audit.cli import build_parser

    args = build_parser().parse_args(["audit", "x.warc.gz", "-c", "b.yaml", "-o", "out", "--agency-kind", "政府",
                                      "--level", "区县"])
    assert (args.agency_kind, args.level) == ("人民政府", "县")
    assert normalize_kind("部门") == "部门" and normalize_level("乡") == "乡镇"
    with pytest.raises(ValueError):
        normalize_kind("企业")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["audit", "x", "-c", "b.yaml", "-o", "o", "--level", "地球"])


def test_footer_host_keeps_names_that_contain_jishu():
    """“主办：四川省教育厅科学技术处” is the whole name; only “技术支持/技术维护” starts another field."""
    from zwgk_audit.extract.page import identity

    assert identity("<div>主办：四川省教育厅科学技术处 制作维护：某中心</div>")["host"] == "四川省教育厅科学技术处"
    assert identity("<div>主办单位：某县科学技术局技术支持：某公司</div>")["host"] == "某县科学技术局"
