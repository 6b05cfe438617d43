"""What a batch hands over, read as the user reads it: `zwgk-audit batch` on loopback portals (a good one, a closed
port, a 503 server), then summary.html, ranking.xlsx, each agency's report.html, score.json and 整改清单; malformed
CSVs refused before any crawl; --skip-bad-rows; --retry-failed."""
from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import ExitStack
from pathlib import Path

import openpyxl
import pytest

from zwgk_audit.batch import AgencyRow, read_agencies, write_summary
from zwgk_audit.cli import main
from zwgk_audit.crawl.errors import fetch_error_zh
from zwgk_audit.sample import SampleConfig, SampleServer, generate

from .hostile.servers import FaultServer, free_port, page, send

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "checklists" / "baseline.yaml")
PANJIN = str(ROOT / "checklists" / "panjin-sfj-2019.yaml")  # names its own agency, 盘锦市司法局
AS_OF = dt.date(2026, 6, 30)
FAST = ["--dask-local", "0", "--rate", "0", "--no-external", "--quiet", "-c", BASELINE]
ENGLISH = re.compile(r"\b(None|nan|NaN|ok|partial|unreachable|error|Error|Traceback|Errno|HTTPConnectionPool)\b")


def text_of(html: str) -> str:
    """What a reader sees: no tags, no embedded images, no style sheet."""
    html = re.sub(r"<style.*?</style>|<img[^>]*>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def agency_dir(out: Path, name: str) -> Path:
    (d,) = [d for d in (out / "agencies").iterdir() if d.name.startswith(name)]
    return d


def workbook_text(path: Path) -> list[str]:
    """Every text cell of every sheet (the 整改清单's layout — title block, sheets per unit — is not this test's)."""
    wb = openpyxl.load_workbook(path)
    return [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def sheet_rows(path: Path, sheet: str | None = None) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return list((wb[sheet] if sheet else wb.worksheets[0]).iter_rows(values_only=True))


def down(h):
    send(h, 503, b"Service Unavailable")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One batch of a good sample portal, a closed port and a 503 server, run as the user runs it."""
    tmp = tmp_path_factory.mktemp("batch")
    out = tmp / "out"
    with ExitStack() as stack:
        good = stack.enter_context(SampleServer(generate(SampleConfig(seed=60, as_of=AS_OF, news_items=4,
                                                                      policy_documents=4))))
        busy = stack.enter_context(FaultServer({"*": down}))
        closed = f"http://127.0.0.1:{free_port()}/"
        csv_path = tmp / "agencies.csv"
        csv_path.write_text("agency,url,region,level,checklist\n"
                            f"示范市教育局,{good.url},示范市,市级,\n"
                            f"示范市关门局,{closed},示范市,市级,{PANJIN}\n"
                            f"示范市忙碌局,{busy.url},示范市,市级,\n", encoding="utf-8")
        code = main(["batch", str(csv_path), "-o", str(out), *FAST])
    return code, out


def test_every_output_names_the_agency_from_the_csv(batch):
    code, out = batch
    assert code == 0
    for name in ("示范市教育局", "示范市关门局", "示范市忙碌局"):
        d = agency_dir(out, name)
        assert f"评估对象：{name}" in text_of((d / "report.html").read_text(encoding="utf-8"))
        assert json.loads((d / "score.json").read_text(encoding="utf-8"))["agency"] == name
        title = openpyxl.load_workbook(d / "rectification.xlsx").properties.title or ""
        assert title.startswith(name) and title.endswith("整改清单")
    # the CSV wins over the checklist's own agency (盘锦市司法局)
    assert "评估对象：盘锦市司法局" not in (agency_dir(out, "示范市关门局") / "report.html").read_text(encoding="utf-8")


def test_an_unreachable_site_says_it_could_not_be_audited_everywhere(batch):
    _, out = batch
    for name, why in (("示范市关门局", "首页无法访问（连接被拒绝）"), ("示范市忙碌局", "HTTP 503（服务不可用）")):
        d = agency_dir(out, name)
        report = text_of((d / "report.html").read_text(encoding="utf-8"))
        assert "无法评估：" in report and why in report
        assert "未发现需要整改的问题" not in report and "Errno" not in report and "HTTPConnectionPool" not in report
        score = json.loads((d / "score.json").read_text(encoding="utf-8"))
        assert score["status"] == "无法评估" and score["reason"].startswith("无法评估：") and why in score["reason"]
        cells = workbook_text(d / "rectification.xlsx")  # the 整改清单 says so, instead of an empty table
        assert any(v.startswith("无法评估：") and why in v for v in cells), cells
        result = json.loads((d / "result.json").read_text(encoding="utf-8"))
        assert result["status"] == "unreachable" and result["status_label"] == "无法评估" and why in result["reason"]
    good = json.loads((agency_dir(out, "示范市教育局") / "score.json").read_text(encoding="utf-8"))
    assert good["status"] in ("已评估", "部分评估") and good["score"] is not None


def test_summary_and_ranking_are_in_chinese_with_unreachable_agencies_last(batch):
    _, out = batch
    summary = text_of((out / "summary.html").read_text(encoding="utf-8"))
    assert not ENGLISH.search(summary), ENGLISH.search(summary)
    assert "无法评估 2 个" in summary and "首页无法访问（连接被拒绝）" in summary and "HTTP 503" in summary
    assert "—" in summary  # no score for an agency that could not be audited
    header, *rows = sheet_rows(out / "ranking.xlsx")
    col = {h: i for i, h in enumerate(header)}
    assert [r[col["部门"]] for r in rows][0] == "示范市教育局" and rows[0][col["排名"]] == 1
    assert isinstance(rows[0][col["得分"]], (int, float))
    for r in rows[1:]:  # ranked after every scored agency, with the reason, and "—" where a number would be
        assert r[col["状态"]] == "无法评估" and r[col["排名"]] == "不参与排名（无法评估）"
        assert r[col["得分"]] == r[col["覆盖率"]] == r[col["不符合项目"]] == "—"
    reasons = {r[col["部门"]]: r[col["原因"]] for r in rows[1:]}
    assert reasons["示范市关门局"] == "首页无法访问（连接被拒绝）" and "HTTP 503" in reasons["示范市忙碌局"]
    for r in rows:
        for v in r:
            assert v is None or not ENGLISH.search(str(v)) or str(v).startswith("http"), v
    csv_text = (out / "ranking.csv").read_text(encoding="utf-8-sig")
    data = "\n".join(csv_text.splitlines()[1:])  # the header row names the columns for programs
    assert not re.search(r"\b(None|nan|ok|partial|unreachable|error)\b", re.sub(r"http://\S+?,", ",", data))


def write(tmp_path: Path, text: str | bytes, name: str = "agencies.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


@pytest.mark.parametrize("body, line, says", [
    ('agency,url\n甲局,{u}\n"乙局,{u}x.html\n丙局,{u}y.html\n', 3, "引号未闭合"),
    ("agency,url,region\n甲局,{u},某市\n乙局,{u}x.html,某市,多余\n", 3, "有4个字段，表头有3列"),
    ("agency,url\n甲局,{u}\n乙局,htp://www.x.gov.cn/\n", 3, "did you mean http://www.x.gov.cn/"),
    ("agency,url\n甲局,{u}\n乙局,www.x.gov.cn\n", 3, "did you mean http://www.x.gov.cn"),
    ("agency,website\n甲局,{u}\n", 1, "表头缺少必需的列 url"),
])
def test_a_malformed_csv_is_refused_with_its_line_before_any_crawl(tmp_path, capsys, body, line, says):
    with FaultServer({"*": lambda h: send(h, 200, page("首页"))}) as site:
        csv_path = write(tmp_path, body.format(u=site.url))
        code = main(["batch", str(csv_path), "-o", str(tmp_path / "out"), *FAST])
    err = capsys.readouterr().err
    assert code != 0 and f"{csv_path}:{line}:" in err and says in err, err
    assert site.hits == {} and not (tmp_path / "out").exists()  # nothing crawled, nothing written


def test_a_file_that_is_not_utf8_or_gbk_text_is_refused(tmp_path, capsys):
    csv_path = write(tmp_path, b"agency,url\n\xe7\x94\xb2\xe5\xb1\x80,http://a.test/\n\x80\xff\x80,http://b.test/\n")
    assert main(["batch", str(csv_path), "-o", str(tmp_path / "out"), *FAST]) != 0
    assert f"{csv_path}:3:" in capsys.readouterr().err
    xlsx = write(tmp_path, b"PK\x03\x04 an Excel workbook", "agencies.xlsx")
    assert main(["batch", str(xlsx), "-o", str(tmp_path / "out"), *FAST]) != 0
    assert "Excel" in capsys.readouterr().err
    gbk = write(tmp_path, "agency,url\n某县教育局,http://a.test/\n".encode("gbk"), "gbk.csv")  # Excel's CSV on Windows
    rows, problems = read_agencies(gbk)
    assert [r.agency for r in rows] == ["某县教育局"] and problems == []


def test_skip_bad_rows_runs_the_rest_and_unknown_columns_are_named(tmp_path, capsys):
    with FaultServer({"*": lambda h: send(h, 200, page("示范局首页"))}) as site:
        csv_path = write(tmp_path, f"agency,url,regoin\n甲局,{site.url},某市\n乙局,www.x.gov.cn,某市\n"
                                   f'"丙局,{site.url}c/,某市\n')
        code = main(["batch", str(csv_path), "-o", str(tmp_path / "out"), *FAST, "--skip-bad-rows"])
        err = capsys.readouterr().err
    assert code == 0 and site.hits
    assert "regoin" in err and "region" in err  # the unknown column, and what it probably meant
    assert f"{csv_path}:3:" in err and f"{csv_path}:4:" in err and "did you mean http://www.x.gov.cn" in err
    header, *rows = sheet_rows(tmp_path / "out" / "ranking.xlsx")
    assert [r[header.index("部门")] for r in rows] == ["甲局"]


def test_retry_failed_audits_only_the_failed_agency_again(tmp_path, capsys):
    state = {"up": False}

    def site(h):
        if state["up"]:
            send(h, 404 if h.path == "/robots.txt" else 200, page("示范局首页"))
        else:
            down(h)

    out = tmp_path / "out"
    with FaultServer({"*": lambda h: send(h, 200, page("甲局首页"))}) as good, FaultServer({"*": site}) as flaky:
        csv_path = write(tmp_path, f"agency,url\n甲局,{good.url}\n乙局,{flaky.url}\n")
        run = ["batch", str(csv_path), "-o", str(out), *FAST]
        assert main(run) == 0
        good_hits, flaky_hits = sum(good.hits.values()), sum(flaky.hits.values())
        finished = json.loads((agency_dir(out, "甲局") / "result.json").read_text(encoding="utf-8"))["finished_at"]
        assert json.loads((agency_dir(out, "乙局") / "result.json").read_text(encoding="utf-8"))["status"] == "unreachable"
        state["up"] = True
        assert main(run) == 0  # a plain rerun resumes: nothing is crawled again
        assert (sum(good.hits.values()), sum(flaky.hits.values())) == (good_hits, flaky_hits)
        assert main([*run, "--retry-failed"]) == 0
        assert sum(good.hits.values()) == good_hits and sum(flaky.hits.values()) > flaky_hits
    assert "重新评估上次无法评估/出错的 1 个" in capsys.readouterr().out
    assert json.loads((agency_dir(out, "甲局") / "result.json").read_text(encoding="utf-8"))["finished_at"] == finished
    again = json.loads((agency_dir(out, "乙局") / "result.json").read_text(encoding="utf-8"))
    assert again["status"] != "unreachable"
    header, *rows = sheet_rows(out / "ranking.xlsx")
    assert "无法评估" not in [r[header.index("状态")] for r in rows]
    assert len((out / "progress.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_old_results_with_raw_errors_are_shown_in_chinese(tmp_path):
    """result.json files written by earlier versions held the fetcher's text and exception names."""
    results = [{"status": "unreachable", "reason": "connection failed: HTTPConnectionPool(host='127.0.0.1', port=9): "
                                                   "Max retries exceeded ([Errno 111] Connection refused)"},
               {"status": "unreachable", "reason": "HTTP 503"},
               {"status": "unreachable", "reason": "DNS failure: Name or service not known"},
               {"status": "error", "reason": "ValueError: boom"}]
    rows = []
    for n, rec in enumerate(results):
        url = f"http://agency{n}.test/"
        rows.append(AgencyRow(n + 2, f"部门{n}", url))
        (tmp_path / "agencies" / f"a{n}").mkdir(parents=True)
        (tmp_path / "agencies" / f"a{n}" / "result.json").write_text(json.dumps({**rec, "url": url, "score": None}),
                                                                      encoding="utf-8")
    write_summary(tmp_path, rows)
    summary = text_of((tmp_path / "summary.html").read_text(encoding="utf-8"))
    assert not ENGLISH.search(summary) and "boom" not in summary
    for said in ("首页无法访问（连接被拒绝）", "首页返回HTTP 503（服务不可用）", "首页无法访问（域名无法解析）", "评估程序出错", "出错 1 个"):
        assert said in summary
    header, *ranked = sheet_rows(tmp_path / "ranking.xlsx")
    assert [r[header.index("状态")] for r in ranked] == ["无法评估"] * 3 + ["出错"]


@pytest.mark.parametrize("error, zh", [
    ("connection failed: HTTPConnectionPool(host='x', port=1): Max retries exceeded ([Errno 111] Connection refused)",
     "连接被拒绝"),
    ("DNS failure: HTTPSConnectionPool(host='nx.invalid'): NameResolutionError", "域名无法解析"),
    ("connect timeout", "连接超时"), ("read timeout", "读取超时"), ("HTTP 503", "HTTP 503（服务不可用）"),
    ("TLS error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "TLS证书校验失败"),
    ("被网站防护拦截（HTTP 403 拦截页）", "被网站防护拦截（HTTP 403 拦截页）"), (None, "未知原因"),
])
def test_fetch_errors_in_chinese(error, zh):
    assert fetch_error_zh(error) == zh


def test_an_unauditable_sites_evidence_appendix_claims_nothing(tmp_path):
    """The 证据附录 of a site that could not be read says it holds no page evidence — never 未发现需要整改的问题."""
    import socket

    from openpyxl import load_workbook

    from zwgk_audit.cli import main

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "o"
    assert main(["audit", f"http://127.0.0.1:{port}/", "-c", str(ROOT / "checklists" / "baseline.yaml"), "-o", str(out),
                 "--internet-probe", "none"]) == 3
    wb = load_workbook(out / "rectification.xlsx")
    text = " ".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert "未发现需要整改的问题" not in text and "本清单所列问题没有网页证据记录" in text and "无法评估" in text
