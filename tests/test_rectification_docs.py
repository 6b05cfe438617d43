"""The 整改清单 (rectification.xlsx) and 整改通知 (rectification.docx) as the supervisor and the units read them.

Every assertion opens the written file (openpyxl, python-docx) and reads cells, sheets, print settings and
paragraphs. Expected values come from the sample portal's planted defects (tests/conftest.py, seed 11, DEMO_DEFECTS:
a missing 政府信息公开年报 column, an empty 建议提案办理 column, a stale 通知公告 column, two late documents, three
interpretation defects, one document without 索引号/发布机构, two broken links, no 2025 annual report) and the
checklists' own text (baseline.yaml + panjin-sfj-2019.yaml), not from the tool's output.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from zwgk_audit import cli, rectify
from zwgk_audit.audit import audit
from zwgk_audit.checklist import parse_checklist
from zwgk_audit.notice import NOTICE_COLUMNS

from .conftest import AS_OF

AGENCY = "盘锦市司法局"  # panjin-sfj-2019.yaml: agency
EVALUATION = "全国政务公开基线检查清单 + 盘锦市司法局2019年政务公开工作实施方案检查清单"
ISSUER = "示范市政务公开领导小组办公室"
DUE = dt.datetime(2026, 7, 28)  # 20 working days after Tuesday 2026-06-30: four whole weeks, no holiday between
RULE = "单项否决项10个工作日，其余20个工作日，自评估日起算；遇法定节假日顺延"
TOOL = ["序号", "检查项", "问题", "依据", "证据", "责任单位", "整改要求", "整改时限", "状态", "备注"]
FILL_IN = ["整改措施", "责任人", "计划完成时间", "完成情况", "佐证材料"]
HEADER = 7  # title, four lines of facts, 说明, then the header row
OFFICE_ROWS = 6  # 年报栏目, 空白栏目, 迟发文件, 栏目不更新, 元数据, 年报未发布: the baseline gives each to 办公室


@pytest.fixture(scope="module")
def planted(defect_portal, defect_snapshot):
    """The planted defects by kind, and the address the portal was served at."""
    kinds: dict[str, list[dict]] = {}
    for d in defect_portal.manifest["defects"]:
        kinds.setdefault(d["type"], []).append(d)
    return kinds, defect_snapshot.start_url.rstrip("/")


@pytest.fixture(scope="module")
def written(defect_snapshot, checklist, tmp_path_factory):
    a = audit(defect_snapshot, checklist, as_of=AS_OF)
    out = tmp_path_factory.mktemp("rect")
    paths = a.write(out, issuer=ISSUER)
    return a, out, paths


def table(ws, header_row: int = HEADER) -> list[dict]:
    """The sheet's table as the unit reads it: one dict per row below the header row."""
    head = [c.value for c in ws[header_row]]
    rows = []
    for r in ws.iter_rows(min_row=header_row + 1):
        if isinstance(r[0].value, int):
            rows.append({h: c for h, c in zip(head, r)})
    return rows


def row_for(rows: list[dict], item_id: str) -> dict:
    hits = [r for r in rows if r["检查项"].value.startswith(item_id + " ")]
    assert len(hits) == 1, [r["检查项"].value for r in rows]
    return hits[0]


# ---------------------------------------------------------------- the workbook

def test_title_block_and_header_row_on_every_sheet(written):
    _a, out, _paths = written
    wb = load_workbook(out / "rectification.xlsx")
    for ws in wb.worksheets:
        assert ws["A1"].value.startswith(f"{AGENCY}政务公开评估整改清单"), ws.title
        assert (ws["A2"].value, ws["C2"].value) == ("被评估单位", AGENCY)
        assert (ws["D2"].value, ws["E2"].value) == ("评估名称", EVALUATION)
        assert ws["A3"].value == "评估日期"
        assert ws["C3"].value == dt.datetime(2026, 6, 30) and ws["C3"].number_format == "yyyy-mm-dd"
        assert (ws["D3"].value, ws["E3"].value) == ("检查清单", "baseline、panjin-sfj-2019")
        assert (ws["A4"].value, ws["C4"].value) == ("下发单位", ISSUER)
        assert (ws["D4"].value, ws["E4"].value) == ("评估完整性", "完整")
        assert (ws["A5"].value, ws["C5"].value) == ("整改时限", RULE)
        assert ws.freeze_panes == f"A{HEADER + 1}", ws.title  # the header row stays in view
        assert ws.print_title_rows == f"${HEADER}:${HEADER}", ws.title  # and is printed on every page
    head = [c.value for c in wb["汇总"][HEADER]]
    assert head == TOOL + FILL_IN
    assert [c.value for c in wb["证据附录"][HEADER]] == ["序号", "检查项", "页面", "抓取时间", "WARC记录"]


def test_one_row_per_defect_with_dates_and_links(written, planted):
    _a, out, _paths = written
    kinds, base = planted
    wb = load_workbook(out / "rectification.xlsx")
    rows = table(wb["汇总"])
    # eight kinds of planted defect, eight rows; the three interpretation defects are one item's row
    assert len(rows) == 8
    assert [r["序号"].value for r in rows] == list(range(1, 9))
    for r in rows:
        assert r["整改时限"].value == DUE and r["整改时限"].number_format == "yyyy-mm-dd"
        assert r["状态"].value == "待整改"
    stale = row_for(rows, "B-TIME-03")
    assert stale["证据"].hyperlink.target == base + kinds["stale_column"][0]["detail"]["url"]
    late = row_for(rows, "B-TIME-01")
    late_urls = {base + d["subject"] for d in kinds["late_document"]}
    assert late["证据"].hyperlink.target in late_urls  # one link per cell: the first page
    assert "另1个页面见“证据附录”" in late["证据"].value
    broken = row_for(rows, "B-QUAL-02")
    assert broken["证据"].hyperlink.target in {base + d["subject"] for d in kinds["broken_link"]}
    assert broken["责任单位"].value == "网站运维单位"
    # no WARC record id in the unit's table
    for r in rows:
        assert not any("urn:uuid" in str(c.value) for c in r.values())


def test_merged_checklists_give_one_row_citing_both_bases(written, planted):
    _a, out, _paths = written
    kinds, _base = planted
    rows = table(load_workbook(out / "rectification.xlsx")["汇总"])
    interpretation = [r for r in rows if "解读" in r["检查项"].value]
    assert len(interpretation) == 1  # baseline B-INTP-01 and the plan's 解读 task folded into one item
    r = interpretation[0]
    assert "国办秘函〔2019〕19号检查指标（政策解读）" in r["依据"].value
    assert "市司法局2019年政务公开工作实施方案 (二)深入实施政策解读制度" in r["依据"].value
    planted_interpretation = kinds["interpretation_one_way"] + kinds["interpretation_missing"]
    assert len(r["问题"].value.split("\n")) == len(planted_interpretation) == 3
    assert r["责任单位"].value == "文件起草处室、局机关各科室"  # both checklists' units


def test_evidence_appendix_holds_pages_fetch_times_and_warc_records(written, planted, defect_snapshot):
    _a, out, _paths = written
    kinds, base = planted
    ws = load_workbook(out / "rectification.xlsx")["证据附录"]
    rows = table(ws)
    pages = {r["页面"].value: r for r in rows}
    records = dict(zip(defect_snapshot.pages["url"], defect_snapshot.pages["warc_record_id"]))
    for d in kinds["late_document"] + kinds["broken_link"]:
        url = base + d["subject"]
        assert url in pages, url
        assert pages[url]["页面"].hyperlink.target == url
        assert pages[url]["WARC记录"].value == records[url]  # the record the crawl wrote for that page
        assert re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", pages[url]["WARC记录"].value)
        assert isinstance(pages[url]["抓取时间"].value, dt.datetime)
    assert [r["序号"].value for r in rows] == list(range(1, len(rows) + 1))


def test_fill_in_columns_unlocked_everything_else_locked(written):
    _a, out, _paths = written
    wb = load_workbook(out / "rectification.xlsx")
    for ws in wb.worksheets:
        assert ws.protection.sheet is True and not ws.protection.password, ws.title
        assert ws.protection.formatCells is False and ws.protection.autoFilter is False  # usable: format, filter
        for c in ws[HEADER]:
            assert c.protection.locked, (ws.title, c.coordinate)
        for r in table(ws):
            for name, cell in r.items():
                assert cell.protection.locked == (name not in FILL_IN), (ws.title, name)
        for row in ws.iter_rows(max_row=HEADER - 1):
            assert all(c.protection.locked for c in row)


def test_one_sheet_per_unit_no_unassigned_sheet(written):
    _a, out, _paths = written
    wb = load_workbook(out / "rectification.xlsx")
    assert wb.sheetnames[0] == "汇总" and wb.sheetnames[-1] == "证据附录"
    assert set(wb.sheetnames) == {"汇总", "办公室", "文件起草处室", "局机关各科室", "网站运维单位", "证据附录"}
    assert len(table(wb["办公室"])) == OFFICE_ROWS
    assert [r["检查项"].value.split()[0] for r in table(wb["网站运维单位"])] == ["B-QUAL-02"]
    for unit, other in (("文件起草处室", "局机关各科室"), ("局机关各科室", "文件起草处室")):
        rows = table(wb[unit])
        assert [r["检查项"].value.split()[0] for r in rows] == ["B-INTP-01"]
        assert rows[0]["备注"].value == f"与{other}共同负责"
        assert rows[0]["序号"].value == row_for(table(wb["汇总"]), "B-INTP-01")["序号"].value


def test_combined_and_missing_units_split_and_parked_at_the_office(defect_snapshot, checklist, tmp_path):
    units = {"B-QUAL-02": "区委改革办、区委编办、区政务服务中心",
             "B-TIME-03": "区政务服务中心牵头，区委编办配合",
             "B-QUAL-01": None}
    cl = checklist.model_copy(update={"items": [
        it.model_copy(update={"responsible_unit": units[it.id]}) if it.id in units else it for it in checklist.items]})
    audit(defect_snapshot, cl, as_of=AS_OF).write(tmp_path, office="综合科")
    wb = load_workbook(tmp_path / "rectification.xlsx")
    assert "未明确" not in wb.sheetnames and "网站运维单位" not in wb.sheetnames

    def ids(sheet):
        return sorted(r["检查项"].value.split()[0] for r in table(wb[sheet]))

    assert ids("区委改革办") == ["B-QUAL-02"]
    assert ids("区委编办") == ["B-QUAL-02", "B-TIME-03"]
    assert ids("区政务服务中心") == ["B-QUAL-02", "B-TIME-03"]
    assert ids("综合科") == ["B-QUAL-01"]  # no unit named: the office given, with a note
    summary = table(wb["汇总"])
    assert len(summary) == 8  # still one row per defect
    parked = row_for(summary, "B-QUAL-01")
    assert parked["责任单位"].value == "综合科" and parked["备注"].value == "清单未明确责任单位，暂列综合科"
    assert row_for(summary, "B-QUAL-02")["责任单位"].value == "区委改革办、区委编办、区政务服务中心"
    roles = {r["检查项"].value.split()[0]: r["备注"].value for r in table(wb["区委编办"])}
    assert roles["B-TIME-03"] == "本单位配合，牵头单位：区政务服务中心"
    assert roles["B-QUAL-02"] == "与区委改革办、区政务服务中心共同负责"
    lead = {r["检查项"].value.split()[0]: r["备注"].value for r in table(wb["区政务服务中心"])}
    assert lead["B-TIME-03"] == "本单位牵头，配合单位：区委编办"
    # the notice has the same groups
    doc = Document(tmp_path / "rectification.docx")
    headings = [p.text for p in doc.paragraphs if re.match(r"^[一二三四五六七八九十]+、", p.text)]
    assert any(re.fullmatch(r"[一二三四五六七八九十]+、综合科（1项）", h) for h in headings)
    assert any("暂列综合科" in p.text for p in doc.paragraphs)


@pytest.mark.parametrize("text,expected", [
    ("区委改革办、区委编办、区政务服务中心", [("区委改革办", "负责"), ("区委编办", "负责"), ("区政务服务中心", "负责")]),
    ("A牵头，B配合", [("A", "牵头"), ("B", "配合")]),
    ("A牵头，B、C负责落实", [("A", "牵头"), ("B", "负责"), ("C", "负责")]),
    ("局办公室（配合：应急指挥中心、普法科）", [("局办公室", "牵头"), ("应急指挥中心", "配合"), ("普法科", "配合")]),
    ("牵头单位：区府办；配合单位：区委宣传部、区审计局",
     [("区府办", "牵头"), ("区委宣传部", "配合"), ("区审计局", "配合")]),
    ("区府办、各街道(乡镇)、其他区级有关单位", [("区府办", "负责"), ("各街道(乡镇)", "负责"), ("其他区级有关单位", "负责")]),
    ("办公室（配合：政策法规处、组织人事处）、办公室", [("办公室", "牵头"), ("政策法规处", "配合"), ("组织人事处", "配合")]),
    ("", []), (None, []), ("未明确", []),
])
def test_split_units(text, expected):
    assert rectify.split_units(text) == expected


def test_print_ready(written):
    _a, out, _paths = written
    wb = load_workbook(out / "rectification.xlsx")
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert ps.orientation == "landscape" and int(ps.paperSize) == 9, ws.title  # A4
        assert (ps.fitToWidth, ps.fitToHeight) == (1, 0) and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert 0.2 <= ws.page_margins.left <= 1 and 0.2 <= ws.page_margins.bottom <= 1
        for r in table(ws):
            assert all(c.alignment.wrap_text for c in r.values())


def test_scraped_formula_stays_text(defect_snapshot, checklist, tmp_path):
    evil = '=HYPERLINK("http://evil.example/","点此")'
    a = audit(defect_snapshot, checklist, as_of=AS_OF)
    f = a.findings.copy()
    late = f.index[(f["item_id"] == "B-TIME-01") & (f["status"] == "fail")]
    f.loc[late, "message"] = evil
    f.loc[late, "evidence_url"] = evil
    f.loc[late, "fetched_at"] = evil
    f.loc[late, "warc_record_id"] = "@SUM(1)"
    a.findings = f
    a.__dict__.pop("_rectification", None)
    a.write(tmp_path)
    wb = load_workbook(tmp_path / "rectification.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(rectify.FORMULA_START), (ws.title, cell.coordinate, cell.value)
                if cell.hyperlink is not None:
                    assert cell.hyperlink.target.startswith("http://127.0.0.1"), cell.hyperlink.target
    r = row_for(table(wb["汇总"]), "B-TIME-01")
    assert r["问题"].value.split("\n")[0] == "'" + evil
    assert r["证据"].value == "'" + evil and r["证据"].hyperlink is None  # not a page: no link
    appendix = [x for x in table(wb["证据附录"]) if x["页面"].value == "'" + evil]
    assert appendix and appendix[0]["WARC记录"].value == "'@SUM(1)" and appendix[0]["抓取时间"].value == "'" + evil
    doc = Document(tmp_path / "rectification.docx")
    assert any(evil in c.text for t in doc.tables for row in t.rows for c in row.cells)  # Word: shown as typed


def test_review_note_shown_when_present(defect_snapshot, checklist, tmp_path):
    a = audit(defect_snapshot, checklist, as_of=AS_OF)
    f = a.findings.copy()
    f["review"] = ""
    stale = f.index[(f["item_id"] == "B-TIME-03") & (f["status"] == "fail")]
    note = "复核：原判符合改为不符合；理由：通知公告栏目最新信息为2025-05-06；复核人张三"
    f.loc[stale, "review"] = note
    a.findings = f
    a.__dict__.pop("_rectification", None)
    a.write(tmp_path)
    wb = load_workbook(tmp_path / "rectification.xlsx")
    head = [c.value for c in wb["汇总"][HEADER]]
    assert head == [*TOOL, "复核说明", *FILL_IN]
    rows = table(wb["汇总"])
    assert row_for(rows, "B-TIME-03")["复核说明"].value == note
    assert row_for(rows, "B-TIME-01")["复核说明"].value in ("", None)
    doc = Document(tmp_path / "rectification.docx")
    assert any(f"复核说明：{note}" in c.text for t in doc.tables for row in t.rows for c in row.cells)
    # no review column at all: no 复核说明 column
    a.findings = f.drop(columns=["review"])
    a.__dict__.pop("_rectification", None)
    assert "复核说明" not in a.rectification().columns


def test_unknown_holiday_calendar_keeps_the_date_and_notes_the_estimate(written, checklist, tmp_path):
    a, _out, _paths = written
    far = dt.date(2099, 6, 30)  # a Tuesday in a year no holiday schedule covers
    rows = rectify.rectification_rows(a.findings, checklist, far)
    info = rectify.NoticeInfo(agency=AGENCY, evaluation=EVALUATION, as_of=far, checklists=("baseline",))
    rectify.to_rectification_xlsx(rows, tmp_path / "r.xlsx", info)
    ws = load_workbook(tmp_path / "r.xlsx")["汇总"]
    for r in table(ws):
        assert r["整改时限"].value == dt.datetime(2099, 7, 28)  # 20 weekdays: four weeks on, a Tuesday again
        assert r["整改时限"].number_format == "yyyy-mm-dd"
        assert r["备注"].value == "2099年节假日安排未发布，按周一至周五估算，以公布的节假日安排为准"
    assert ws["C5"].value.endswith("节假日安排尚未公布的年份暂按周一至周五估算（见备注）")


STRICT_PLAN = """\
id: strict-plan
title: 示范区2026年政务公开工作要点检查清单
categories: [{id: timeliness, title: 时效性, weight: 1}]
items:
  - id: P-TIME-01
    title: 政策文件和规范性文件在成文后10个工作日内公开
    check: publication_timeliness
    params: {max_working_days: 10, columns: [政策文件, 规范性文件]}
    category: timeliness
    basis: {clause: 示范区2026年政务公开工作要点（三）, text: 政策文件自形成之日起10个工作日内公开}
    responsible_unit: 区政务服务中心
"""


def test_same_defect_under_two_unfolded_items_is_one_row(defect_snapshot, checklist, planted, tmp_path):
    kinds, base = planted
    plan = parse_checklist(STRICT_PLAN)
    merged = checklist.merge(plan)
    ids = [i.id for i in merged.items]
    assert "B-TIME-01" in ids and "P-TIME-01" in ids  # other columns asked: the merge did not fold them
    a = audit(defect_snapshot, merged, as_of=AS_OF)
    failed = a.findings[a.findings["status"] == "fail"]
    assert set(failed.loc[failed["item_id"] == "B-TIME-01", "subject"]) <= set(
        failed.loc[failed["item_id"] == "P-TIME-01", "subject"])  # both found the two late documents
    a.write(tmp_path)
    rows = table(load_workbook(tmp_path / "rectification.xlsx")["汇总"])
    assert len(rows) == 8  # still one row per planted defect
    timely = [r for r in rows if "公开" in r["检查项"].value and "成文后" in r["检查项"].value]
    assert len(timely) == 1
    r = timely[0]
    assert r["检查项"].value.startswith("P-TIME-01 ")  # the stricter limit (10 working days) keeps the row
    assert "B-TIME-01" in r["检查项"].value
    assert "第二十六条" in r["依据"].value and "示范区2026年政务公开工作要点（三）" in r["依据"].value
    assert r["整改时限"].value == DUE
    wb = load_workbook(tmp_path / "rectification.xlsx")
    appendix = {x["页面"].value for x in table(wb["证据附录"]) if x["检查项"].value.startswith("P-TIME-01")}
    assert {base + d["subject"] for d in kinds["late_document"]} <= appendix
    # both checklists' units get the row
    assert "P-TIME-01" in {x["检查项"].value.split()[0] for x in table(wb["区政务服务中心"])}
    assert "P-TIME-01" in {x["检查项"].value.split()[0] for x in table(wb["办公室"])}


def test_weaker_item_keeps_what_only_it_found(checklist):
    plan = parse_checklist(STRICT_PLAN)
    merged = checklist.merge(plan)
    rows = [("P-TIME-01", "http://x/d1"), ("P-TIME-01", "http://x/d2"), ("B-TIME-01", "http://x/d1"),
            ("B-TIME-01", "http://x/d3")]
    f = pd.DataFrame([{"item_id": i, "status": "fail", "subject": s, "evidence_url": s, "message": f"{s}迟发"}
                      for i, s in rows])
    out = rectify.rectification_rows(f, merged, AS_OF)
    by_id = dict(zip(out["item_id"], out["问题"]))
    assert by_id["P-TIME-01"] == "http://x/d1迟发\nhttp://x/d2迟发"
    assert by_id["B-TIME-01"] == "http://x/d3迟发"  # d1 is in the stricter row only


# ---------------------------------------------------------------- the Word notice

def test_notice_docx(written):
    _a, out, paths = written
    assert paths["notice"] == out / "rectification.docx"
    doc = Document(out / "rectification.docx")
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"关于{AGENCY}政务公开评估发现问题的整改通知"
    assert texts[1] == f"{AGENCY}："
    opening = texts[2]
    assert "2026年6月30日" in opening and "《全国政务公开基线检查清单》" in opening
    assert "发现问题8项" in opening and RULE in opening and ISSUER in opening
    headings = [t for t in texts if re.match(r"^[一二三四五六七八九十]+、", t)]
    assert headings == ["一、办公室（6项）", "二、文件起草处室（1项）", "三、局机关各科室（1项）", "四、网站运维单位（1项）"]
    assert len(doc.tables) == 4
    for t, n in zip(doc.tables, (OFFICE_ROWS, 1, 1, 1)):
        assert [c.text for c in t.rows[0].cells] == NOTICE_COLUMNS
        assert len(t.rows) == 1 + n
        for row in t.rows[1:]:
            assert row.cells[4].text == "2026年7月28日"
    office = doc.tables[0]
    assert any(r.cells[1].text.startswith("B-TIME-03 ") for r in office.rows)
    ops = doc.tables[3].rows[1].cells
    assert ops[1].text.startswith("B-QUAL-02 ") and "国办秘函〔2019〕19号" in ops[2].text
    assert texts[-2:] == [ISSUER, "2026年6月30日"]
    section = doc.sections[0]
    assert section.orientation == 1 and section.page_width > section.page_height  # WD_ORIENT.LANDSCAPE
    assert abs(section.page_width.mm - 297) < 1 and abs(section.page_height.mm - 210) < 1
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(f"{ns}eastAsia") == "仿宋"
    title_fonts = doc.paragraphs[0].runs[0]._element.rPr.rFonts
    assert title_fonts.get(f"{ns}eastAsia") == "宋体"


def test_cli_audit_issuer(defect_snapshot, tmp_path, capsys):
    out = tmp_path / "cli"
    assert cli.main(["audit", str(defect_snapshot.warc_path), "-c", "baseline.yaml", "-o", str(out),
                     "--as-of", "2026-06-30", "--issuer", "市政府办公室政务公开科", "--office", "综合科"]) == 0
    capsys.readouterr()
    ws = load_workbook(out / "rectification.xlsx")["汇总"]
    assert ws["C4"].value == "市政府办公室政务公开科"
    assert ws["C2"].value == "示范市应急管理局"  # baseline names no agency: the site's own name
    doc = Document(out / "rectification.docx")
    assert doc.paragraphs[0].text == "关于示范市应急管理局政务公开评估发现问题的整改通知"
    assert doc.paragraphs[-2].text == "市政府办公室政务公开科"


@pytest.mark.parametrize("incomplete", [(), ("抓取达到页面上限（5页）",)])
def test_nothing_to_rectify_says_so_and_never_hides_an_incomplete_audit(checklist, incomplete, tmp_path):
    from zwgk_audit.notice import write_notice

    rows = rectify.rectification_rows(pd.DataFrame(columns=["item_id", "status"]), checklist, AS_OF)
    info = rectify.NoticeInfo(agency=AGENCY, evaluation=EVALUATION, as_of=AS_OF, incomplete=incomplete)
    rectify.to_rectification_xlsx(rows, tmp_path / "r.xlsx", info)
    write_notice(rows, tmp_path / "r.docx", info)
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["汇总", "证据附录"]
    ws = wb["汇总"]
    opening = Document(tmp_path / "r.docx").paragraphs[2].text
    if incomplete:
        assert ws["E4"].value == "评估不完整：抓取达到页面上限（5页）"
        assert ws.cell(HEADER + 1, 1).value.startswith("本次评估不完整")
        assert "本次评估不完整（抓取达到页面上限（5页））" in opening and "经评估，未发现需要整改的问题" not in opening
    else:
        assert ws["E4"].value == "完整" and ws.cell(HEADER + 1, 1).value == "未发现需要整改的问题。"
        assert opening.endswith("经评估，未发现需要整改的问题。")


def test_long_hostile_agency_name_still_writes_both_files(checklist, tmp_path):
    from zwgk_audit.notice import write_notice

    agency = "=HYPERLINK(\"http://evil\")" + "某" * 300  # a checklist or site name nobody checked
    rows = rectify.rectification_rows(pd.DataFrame(columns=["item_id", "status"]), checklist, AS_OF)
    info = rectify.NoticeInfo(agency=agency, evaluation=EVALUATION, as_of=AS_OF, issuer="@" + "组" * 300)
    rectify.to_rectification_xlsx(rows, tmp_path / "r.xlsx", info)
    write_notice(rows, tmp_path / "r.docx", info)
    ws = load_workbook(tmp_path / "r.xlsx")["汇总"]
    assert ws["C2"].value == "'" + agency and ws["C4"].value == "'@" + "组" * 300
    doc = Document(tmp_path / "r.docx")
    assert doc.paragraphs[1].text == agency + "："  # Word holds no formulas: the name as written


def test_notices_written_one_after_another_share_nothing(checklist, tmp_path):
    """Each notice starts from a copy of one blank document and copies of its run fonts: a second notice holds
    none of the first one's text, and writing it leaves the first one's file as it was."""
    from zwgk_audit.notice import write_notice

    rows = rectify.rectification_rows(pd.DataFrame(columns=["item_id", "status"]), checklist, AS_OF)
    texts = []
    for n, agency in enumerate(["第一单位", "第二单位", "第一单位"]):
        info = rectify.NoticeInfo(agency=agency, evaluation=EVALUATION, as_of=AS_OF)
        write_notice(rows, tmp_path / f"{n}.docx", info)
        texts.append("\n".join(p.text for p in Document(tmp_path / f"{n}.docx").paragraphs))
    assert "第一单位" not in texts[1] and "第二单位" not in texts[2]
    assert texts[0] == texts[2]
