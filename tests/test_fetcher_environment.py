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
