"""Every form a plan reaches an evaluator in gives the clauses and units of its clean text: built here from the
five seed plans as Word (paragraphs and a 分解表 table), Excel 分解表, PDF, OFD and web pages (paragraphs, table)."""
from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest

from zwgk_audit.plans.parse import parse_plan
from zwgk_audit.plans.sources import PlanFormatError, read_plan

SEEDS = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))


def _lines(seed: Path) -> list[str]:
    return [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]


def _shape(plan):
    return [c.number for c in plan.clauses], [c.responsible_units for c in plan.clauses]


def docx_paragraphs(lines: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_of(lines: list[str], width: int = 42) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from zwgk_audit.report.charts import cjk_font

    rows = [line[i:i + width] for line in lines for i in range(0, len(line), width)]  # wrapped as a page would
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buf) as pdf:
        for start in range(0, len(rows), 50):
            fig = plt.figure(figsize=(8.27, 11.69))
            for i, row in enumerate(rows[start:start + 50]):
                fig.text(0.06, 0.96 - i * 0.019, row, fontfamily=cjk_font(), fontsize=9)
            pdf.savefig(fig)
            plt.close(fig)
    return buf.getvalue()


def ofd_of(lines: list[str]) -> bytes:
    buf = io.BytesIO()
    objs = "".join(f'<ofd:TextObject Boundary="10 {10 + i} 180 1"><ofd:TextCode X="0" Y="1">{html.escape(line)}'
                   "</ofd:TextCode></ofd:TextObject>" for i, line in enumerate(lines))
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        z.writestr("Doc_0/Pages/Page_0/Content.xml", f'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content>'
                                                     f"<ofd:Layer>{objs}</ofd:Layer></ofd:Content></ofd:Page>")
    return buf.getvalue()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("form", ["docx", "pdf", "ofd", "html"])
def test_text_forms_give_the_clean_texts_clauses_and_units(seed, form):
    lines = _lines(seed)
    clean = parse_plan("\n".join(lines))
    data = {"docx": lambda: docx_paragraphs(lines), "pdf": lambda: pdf_of(lines), "ofd": lambda: ofd_of(lines),
            "html": lambda: ("<html><body>" + "".join(f"<p>{html.escape(x)}</p>" for x in lines)
                             + "</body></html>").encode("utf-8")}[form]()
    assert read_plan(data).form == form
    assert _shape(parse_plan(data)) == _shape(clean)


def breakdown_rows(plan) -> list[list[str]]:
    """The plan as a 任务分解表: one row per task, its units in the unit columns, sections as merged rows."""
    rows, section = [["序号", "工作任务", "工作要求", "牵头单位", "配合单位"]], None
    for n, c in enumerate(plan.clauses, start=1):
        if c.section and c.section != section:
            section = c.section
            rows.append([f"{'一二三四五六七八九十'[len([r for r in rows if len(set(r)) == 1]) % 10]}、{section}"] * 5)
        lead = c.lead_units or c.responsible_units
        coop = [u for u in c.cooperating_units if u not in lead]
        requirement = re.sub(r"[（(][^（）()]*(?:责任|牵头|配合|负责)[^（）()]*[）)]", "", c.text.replace(c.title, "", 1))
        rows.append([str(n), c.title, requirement.strip("。 ")[:200], "、".join(lead), "、".join(coop)])
    return rows


def docx_table(rows) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("某某局2024年政务公开工作任务分解表")
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        if len(set(row)) == 1 and i:
            t.cell(i, 0).merge(t.cell(i, len(row) - 1)).text = row[0]
            continue
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_table(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某某局2024年政务公开工作任务分解表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        if len(set(row)) == 1 and row[0] != "序号":
            ws.append([row[0]])
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(row))
        else:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def html_table(rows) -> bytes:
    body = "".join("<tr>" + (f'<td colspan="{len(r)}">{html.escape(r[0])}</td>' if len(set(r)) == 1 and r[0] != "序号"
                             else "".join(f"<td>{html.escape(v)}</td>" for v in r)) + "</tr>" for r in rows)
    return f"<html><body><h1>任务分解表</h1><table>{body}</table></body></html>".encode("utf-8")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("form", ["docx", "xlsx", "html"])
def test_a_breakdown_table_gives_one_clause_per_row_with_its_units(seed, form):
    clean = parse_plan(seed.read_text(encoding="utf-8"))
    rows = breakdown_rows(clean)
    data = {"docx": docx_table, "xlsx": xlsx_table, "html": html_table}[form](rows)
    got = parse_plan(data)
    assert read_plan(data).tables == 1
    assert len(got.clauses) == len(clean.clauses)
    for want, have in zip(clean.clauses, got.clauses):
        assert set(have.responsible_units) == set(want.responsible_units), (want.title, have.responsible_units)


def test_each_unreadable_file_says_what_it_is(tmp_path):
    with pytest.raises(PlanFormatError, match="文件为空"):
        read_plan(b"  \n", name="a.txt")
    import olefile  # noqa: F401  (the OLE2 check itself)
    with pytest.raises(PlanFormatError, match="二进制"):
        read_plan(b"\x00\x01\x02garbage" * 10, name="x.bin")
    with pytest.raises(PlanFormatError, match="没有文字层"):
        read_plan(pdf_of(["  "]), name="scan.pdf")
    with pytest.raises(PlanFormatError, match="不是 .docx"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("a.txt", "x")
        read_plan(buf.getvalue(), name="a.zip")
    path = tmp_path / "plan.docx"  # the name says docx, the content is text: content decides
    path.write_text("一、主要任务\n1.做好政策解读。政策文件与解读同步发布。（责任单位：办公室）\n", encoding="utf-8")
    assert read_plan(path).form == "text" and len(parse_plan(path).clauses) == 1


def test_derive_says_what_it_read_and_refuses_what_it_cannot(tmp_path):
    import subprocess
    import sys

    seed = SEEDS[2]
    plan = tmp_path / "分解表.docx"
    plan.write_bytes(docx_table(breakdown_rows(parse_plan(seed.read_text(encoding="utf-8")))))
    run = subprocess.run([sys.executable, "-m", "zwgk_audit.cli", "derive", str(plan), "-o", str(tmp_path / "c.yaml")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Word文档，1个表格按表格读取" in run.stdout and "15项任务" in run.stdout
    broken = tmp_path / "old.doc"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    run = subprocess.run([sys.executable, "-m", "zwgk_audit.cli", "derive", str(broken)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2 and "old.doc" in run.stderr and "Traceback" not in run.stderr


def xls_table(rows) -> bytes:
    """A legacy .xls (BIFF, OLE2 container) 分解表, section rows merged across."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("分解表")
    r = 0
    for row in rows:
        if len(set(row)) == 1 and row[0] != "序号":
            ws.write_merge(r, r, 0, len(row) - 1, row[0])
        else:
            for j, v in enumerate(row):
                ws.write(r, j, v)
        r += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_a_legacy_xls_breakdown_is_read_by_its_streams(seed):
    clean = parse_plan(seed.read_text(encoding="utf-8"))
    data = xls_table(breakdown_rows(clean))
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2, like .doc and .wps: told apart by its streams
    assert read_plan(data).form == "xls"
    got = parse_plan(data)
    assert len(got.clauses) == len(clean.clauses)
    assert [set(c.responsible_units) for c in got.clauses] == [set(c.responsible_units) for c in clean.clauses]
