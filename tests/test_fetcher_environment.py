"""The fetcher asks requests for the environment's proxy settings once per host (issue 19), and still gets
what requests itself would: proxies by scheme, no_proxy bypass, explicit proxies merged."""
from __future__ import annotations

import requests

from zwgk_audit.crawl.fetcher import CrawlConfig, Fetcher

URLS = ("http://a.example.gov.cn/x/1.html", "http://a.example.gov.cn/y/2.html", "https://b.example.gov.cn/",
        "http://127.0.0.1:8080/index.html")


def test_environment_settings_are_requests_own(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3129")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    fetcher = Fetcher(CrawlConfig())
    plain = requests.Session()
    for url in URLS * 2:  # the second round comes from the memo
        for verify in (True, False):
            got = fetcher.session.merge_environment_settings(url, {}, True, verify, None)
            want = plain.merge_environment_settings(url, {}, True, verify, None)
            assert got == want, url
    got = fetcher.session.merge_environment_settings(URLS[0], {"http": "http://other:1"}, True, True, None)
    assert got["proxies"]["http"] == "http://other:1"
    assert fetcher.session.merge_environment_settings(URLS[3], {}, True, True, None)["proxies"] == {}
    # a caller changing the returned settings does not change the next answer
    fetcher.session.merge_environment_settings(URLS[0], {}, True, True, None)["proxies"]["http"] = "x"
    assert fetcher.session.merge_environment_settings(URLS[0], {}, True, True, None)["proxies"]["http"] == "http://proxy.example:3128"


def test_prepared_requests_are_requests_own(monkeypatch, tmp_path):
    """The fetcher prepares what ``Session.prepare_request`` would: the session's headers and cookies, a form's body
    and Content-Type, ~/.netrc credentials (read once per host), credentials in the URL."""
    netrc = tmp_path / "netrc"
    netrc.write_text("machine a.example.gov.cn login user password secret\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    fetcher = Fetcher(CrawlConfig())
    fetcher.session.cookies.set("JSESSIONID", "abc", domain="a.example.gov.cn", path="/")
    form = "col=1&page=2&title=政务"
    cases = [("GET", URLS[0], None), ("GET", URLS[1], None), ("HEAD", URLS[2], None), ("POST", URLS[0], form),
             ("GET", "http://u:p@c.example.gov.cn/a b?q=公开", None)]
    for method, url, body in cases * 2:  # the second round reads ~/.netrc from the memo
        got = fetcher.prepare(method, url, body)
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"} if body else None
        want = fetcher.session.prepare_request(requests.Request(method, url, headers=headers,
                                                                data=body.encode("utf-8") if body else {}))
        assert (got.method, got.url, got.body) == (want.method, want.url, want.body), url
        assert dict(got.headers) == dict(want.headers), url
    assert "Authorization" in fetcher.prepare("GET", URLS[0]).headers
    assert "Cookie" in fetcher.prepare("GET", URLS[0]).headers
