"""What a user reads from the command line: mistyped URLs, exit codes, the progress bar, help on every option."""
from __future__ import annotations

import socket

import pytest

from zwgk_audit import cli

from .conftest import ROOT

BASELINE = str(ROOT / "checklists" / "baseline.yaml")


@pytest.mark.parametrize("typed, guess", [("htp://www.example.gov.cn/", "http://www.example.gov.cn/"),
                                          ("www.example.gov.cn", "http://www.example.gov.cn"),
                                          ("http:/www.example.gov.cn/zwgk", "http://www.example.gov.cn/zwgk"),
                                          ("example.gov.cn:8080/index.html", "http://example.gov.cn:8080/index.html")])
def test_a_mistyped_url_is_named_with_a_guess(typed, guess, tmp_path, capsys):
    assert cli.main(["audit", typed, "-c", BASELINE, "-o", str(tmp_path / "o")]) == cli.EXIT_INPUT
    err = capsys.readouterr().err
    assert f"是否应为 {guess} ？" in err and "no snapshot" not in err
    assert not (tmp_path / "o").exists()


def test_a_missing_snapshot_is_named_as_such(tmp_path, capsys):
    assert cli.main(["audit", str(tmp_path / "old" / "snapshot.warc.gz"), "-c", BASELINE, "-o", str(tmp_path / "o")]) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_a_site_that_cannot_be_audited_exits_3_with_the_reason(tmp_path, capsys):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "o"
    code = cli.main(["audit", f"http://127.0.0.1:{port}/", "-c", BASELINE, "-o", str(out), "--internet-probe", "none"])
    assert code == cli.EXIT_NOT_AUDITED == 3
    err = capsys.readouterr().err
    assert "无法评估" in err and "连接被拒绝" in err
    assert (out / "report.html").exists() and (out / "snapshot.warc.gz").exists()  # the evidence is still written


def test_the_progress_bar_shows_on_a_terminal(clean_portal, tmp_path, capsys, monkeypatch):
    from zwgk_audit.sample import SampleServer

    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    with SampleServer(clean_portal) as srv:
        assert cli.main(["audit", srv.url, "-c", BASELINE, "-o", str(tmp_path / "o"), "--rate", "0", "--no-external",
                         "--max-pages", "40", "--contact", "t@example.org"]) == 0
    err = capsys.readouterr().err
    assert "抓取" in err and "40/40" in err and "待抓取" in err and "页/s" in err
    assert "抓取完成 crawled: 40页" in err


def test_no_progress_bar_when_not_a_terminal(clean_portal, tmp_path, capsys, monkeypatch):
    from zwgk_audit.sample import SampleServer

    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    with SampleServer(clean_portal) as srv:
        assert cli.main(["audit", srv.url, "-c", BASELINE, "-o", str(tmp_path / "o"), "--rate", "0", "--no-external",
                         "--max-pages", "10", "--contact", "t@example.org"]) == 0
    err = capsys.readouterr().err
    assert "待抓取" not in err and "抓取完成 crawled: 10页" in err


def test_every_option_of_every_command_has_help():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    missing = [f"{name} {' '.join(a.option_strings) or a.dest}" for name, p in sub.choices.items() for a in p._actions
               if a.help in (None, "") and a.dest != "help"]
    assert not missing, missing
