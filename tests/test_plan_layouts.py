"""Published 任务分解表 layouts, not ours: the task column merged down over several numbered rows, the 序号 column
second, units written as "办公室牵头，各科室配合". The two layouts copy the shape of tables published by a 池州 bureau
(工作任务 | 序号 | 具体要求 | 责任科室 | 时限要求) and a 江门 centre (工作任务 | 具体要求 | 责任部门, each requirement
numbered inside its cell); the wording is ours. Each is written as HTML (rowspan), .xlsx and .docx (merged cells),
and the expected clauses and units are the rows as written here, by hand."""
from __future__ import annotations

import html
import io

import pytest

from zwgk_audit.plans.parse import parse_plan

# None: merged with the cell above (rowspan / vertical merge)
BUREAU = [
    ["工作任务", "序号", "具体要求", "责任科室", "时限要求"],
    ["集中公开规范性文件", "1", "清理本局行政规范性文件，公布现行有效文件目录。", "办公室", "年底前"],
    ["提升政策解读质量", "2", "文件与解读同步起草、同步报批、同步发布，丰富图解等解读形式。", "各科室", "持续推进"],
    ["规范主动公开", "3", "严格规范政府信息公开专栏，及时发布法定主动公开内容，完善保密审查。", "各科室", "持续推进"],
    [None, "4", "按时编制发布政府信息公开工作年度报告，确保数据准确。", "办公室", "持续推进"],
    ["依法办理依申请公开", "5", "依法依规答复政府信息公开申请，做好复议诉讼应对。", "法规科", "持续推进"],
    ["抓好任务落实", "6", "制定并公开本局政务公开重点任务清单，明确责任科室和完成时限。", "办公室", "持续推进"],
    [None, "7", "参加政务公开业务培训，提升工作人员业务能力。", "各科室", "持续推进"],
]
BUREAU_UNITS = [["办公室"], ["各科室"], ["各科室"], ["办公室"], ["法规科"], ["办公室"], ["各科室"]]

CENTRE = [
    ["工作任务", "具体要求", "责任部门"],
    ["一、做好财政信息公开。", "1.按规定公开本中心预算、决算及相关说明。", "财务科"],
    ["二、做好网站专栏公开。", "2.及时更新网站各栏目的概况信息。", "办公室"],
    [None, "3.及时反馈网民在调查征集中提出的意见。", "各科室"],
    [None, "4.及时更新政务新媒体信息。", "办公室牵头，各科室配合"],
    ["三、加强政策发布解读。", "5.围绕本中心职能做好重大政策的发布解读，开展多角度解读。", "各科室"],
    [None, "6.按照政策解读工作细则，解读方案与政策文件同步组织、同步审签、同步部署。", "办公室牵头，各科室配合"],
]
CENTRE_UNITS = [(["财务科"], []), (["办公室"], []), (["各科室"], []), (["办公室"], ["各科室"]), (["各科室"], []),
                (["办公室"], ["各科室"])]


def as_html(rows) -> bytes:
    out = []
    for i, row in enumerate(rows):
        cells = []
        for j, v in enumerate(row):
            if v is None:
                continue
            span = 1
            while i + span < len(rows) and rows[i + span][j] is None:
                span += 1
            cells.append(f'<td rowspan="{span}">{html.escape(v)}</td>' if span > 1 else f"<td>{html.escape(v)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return f"<html><body><p>2025年政务公开重点任务清单</p><table>{''.join(out)}</table></body></html>".encode()


def as_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2025年政务公开重点任务清单"])
    top = ws.max_row + 1
    for row in rows:
        ws.append([v if v is not None else None for v in row])
    for j in range(len(rows[0])):
        i = 0
        while i < len(rows):
            span = 1
            while i + span < len(rows) and rows[i + span][j] is None:
                span += 1
            if span > 1:
                ws.merge_cells(start_row=top + i, start_column=j + 1, end_row=top + i + span - 1, end_column=j + 1)
            i += span
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def as_docx(rows) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("2025年政务公开重点任务清单")
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                t.cell(i, j).text = v
    for j in range(len(rows[0])):
        for i in range(1, len(rows)):
            if rows[i][j] is None:
                top = i - 1
                while rows[top][j] is None:
                    top -= 1
                t.cell(top, j).merge(t.cell(i, j))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


FORMS = {"html": as_html, "xlsx": as_xlsx, "docx": as_docx}


@pytest.mark.parametrize("form", FORMS)
def test_a_bureau_list_with_merged_task_cells_gives_one_clause_per_numbered_row(form):
    plan = parse_plan(FORMS[form](BUREAU))
    assert len(plan.clauses) == 7
    assert [c.responsible_units for c in plan.clauses] == BUREAU_UNITS
    assert "年度报告" in plan.clauses[3].text and "年度报告" not in plan.clauses[2].text
    assert all("清单" not in c.title or c is plan.clauses[5] for c in plan.clauses)
    assert plan.clauses[3].title.startswith("规范主动公开")  # the merged task cell is the row's task too
    assert "年底前" in plan.clauses[0].text and "持续推进" in plan.clauses[1].text


@pytest.mark.parametrize("form", FORMS)
def test_a_centre_list_numbered_inside_its_cells_gives_each_numbered_requirement(form):
    plan = parse_plan(FORMS[form](CENTRE))
    assert len(plan.clauses) == 6
    assert [(c.lead_units, c.cooperating_units) for c in plan.clauses] == CENTRE_UNITS
    assert ["政务新媒体" in c.text for c in plan.clauses] == [False, False, False, True, False, False]
    assert [c.section for c in plan.clauses] == ["做好财政信息公开", *["做好网站专栏公开"] * 3, *["加强政策发布解读"] * 2]
    assert plan.clauses[0].title == "按规定公开本中心预算、决算及相关说明"
