"""A fetch error in the words an evaluator reads: "连接被拒绝", not urllib3's exception text.

The crawl records the library's error text as evidence (the WARC and the pages table keep it whole); reports,
整改清单 and the console say what happened in Chinese, with the technical text shortened after it."""
from __future__ import annotations

import re

# (pattern in the recorded error text, what it means) — first match wins
KINDS: list[tuple[re.Pattern, str]] = [(re.compile(p, re.I), zh) for p, zh in (
    (r"DNS failure|Name or service not known|getaddrinfo|NameResolution|nodename nor servname|No address associated",
     "域名无法解析"),
    (r"Connection refused|Errno 111|WinError 10061", "连接被拒绝"),
    (r"connect timeout|ConnectTimeout|timed out while connecting", "连接超时"),
    (r"read timeout|ReadTimeout|Read timed out", "读取超时"),
    (r"not complete within", "响应超时（数据传输过慢）"),
    (r"larger than .* bytes", "响应过大，已截断"),
    (r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|hostname .* doesn't match|TLS error|SSLError",
     "TLS证书或加密连接错误"),
    (r"redirect loop|too many redirects|Exceeded \d+ redirects", "重定向循环或次数过多"),
    (r"Connection reset|ECONNRESET|Errno 104", "连接被重置"),
    (r"RemoteDisconnected|closed connection without response", "服务器未响应即断开连接"),
    (r"Network is unreachable|No route to host|Errno 101|Errno 113", "网络不可达"),
    (r"disallowed by robots\.txt", "robots.txt禁止抓取"),
)]


def in_chinese(error: object, keep: int = 80) -> str:
    """``连接被拒绝（connection failed: HTTPConnectionPool(host='…'…）`` — the meaning first, the recorded text after
    it (cut to ``keep`` characters); text no pattern knows is returned as recorded."""
    text = "" if error is None else str(error).strip()
    if not text or text == "nan":
        return "原因未记录"
    for pattern, zh in KINDS:
        if pattern.search(text):
            short = text if len(text) <= keep else text[:keep] + "…"
            return f"{zh}（{short}）"
    return text
