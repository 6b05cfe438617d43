"""Plans in every form: clauses and units found vs the clean text's, per seed plan and per form.

    .venv/bin/python benchmarks/plans.py

Each of the five seed plans (tests/fixtures/seeds) is rebuilt as Word (paragraphs; a 分解表 table), Excel 分解表,
PDF (wrapped as a page would), OFD, web page (paragraphs; a table) and text with its line breaks removed — the
builders of tests/test_plan_forms.py — and parsed. The baseline, measured in the same run, is the clean text;
each cell is found/expected, and seconds include building the file (matplotlib draws the PDF).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_plan_forms import (SEEDS, breakdown_rows, docx_paragraphs, docx_table, html_table,  # noqa: E402
                                   ofd_of, pdf_of, xlsx_table)
from zwgk_audit.plans.parse import parse_plan  # noqa: E402


def main() -> None:
    forms = {
        "no line breaks": lambda lines, plan: "".join(lines),
        "docx paragraphs": lambda lines, plan: docx_paragraphs(lines),
        "pdf": lambda lines, plan: pdf_of(lines),
        "ofd": lambda lines, plan: ofd_of(lines),
        "html paragraphs": lambda lines, plan: ("<html><body>" + "".join(f"<p>{x}</p>" for x in lines)
                                                + "</body></html>").encode("utf-8"),
        "docx 分解表": lambda lines, plan: docx_table(breakdown_rows(plan)),
        "xlsx 分解表": lambda lines, plan: xlsx_table(breakdown_rows(plan)),
        "html 分解表": lambda lines, plan: html_table(breakdown_rows(plan)),
    }
    print(f"{'seed':6}{'form':18}{'clauses':>12}{'with units':>12}{'units':>10}{'seconds':>9}")
    for seed in SEEDS:
        lines = [x.strip() for x in seed.read_text(encoding="utf-8").splitlines() if x.strip()]
        started = time.perf_counter()
        clean = parse_plan("\n".join(lines))
        base = (len(clean.clauses), sum(1 for c in clean.clauses if c.responsible_units),
                sum(len(c.responsible_units) for c in clean.clauses))
        print(f"{seed.stem[:3]:6}{'clean text':18}{base[0]:>12}{base[1]:>12}{base[2]:>10}{time.perf_counter() - started:>9.2f}")
        for name, build in forms.items():
            started = time.perf_counter()
            plan = parse_plan(build(lines, clean))
            got = (len(plan.clauses), sum(1 for c in plan.clauses if c.responsible_units),
                   sum(len(set(c.responsible_units)) for c in plan.clauses))
            cells = [f"{g}/{b}" for g, b in zip(got, base)]
            print(f"{'':6}{name:18}{cells[0]:>12}{cells[1]:>12}{cells[2]:>10}{time.perf_counter() - started:>9.2f}")


if __name__ == "__main__":
    main()
