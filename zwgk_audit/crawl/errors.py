"""Why a page could not be read, in the Chinese an evaluator reads.

The fetcher records errors as it meets them (``connection failed: HTTPConnectionPool(...) [Errno 111] Connection
refused``, ``connect timeout``, ``DNS failure: ...``); the WARC and ``pages.error`` keep that text. Reports, the
整改清单 and the batch ranking show :func:`fetch_error_zh` of it instead: ``连接被拒绝``, ``域名无法解析``, ``超时``.
"""
from __future__ import annotations

import re

HTTP_NAMES = {
    400: "请求无效", 401: "需要登录", 403: "禁止访问", 404: "页面不存在", 405: "请求方法不允许", 408: "请求超时",
    410: "页面已删除", 429: "请求过多", 451: "因法律原因不可用",
    500: "服务器内部错误", 501: "服务器不支持", 502: "网关错误", 503: "服务不可用", 504: "网关超时",
    521: "源站无法连接", 522: "连接源站超时",
}

# (pattern in the fetcher's or the HTTP library's text, Chinese); the first that matches wins
PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p, re.I), zh) for p, zh in [
    (r"disallowed by robots\.txt", "被robots.txt禁止抓取"),
    (r"DNS failure|Name or service not known|NameResolution|getaddrinfo|nodename nor servname|"
     r"No address associated|Temporary failure in name resolution|Errno -[23]\b|Errno 11001", "域名无法解析"),
    (r"Connection refused|Errno 111\b|Errno 61\b|WinError 10061", "连接被拒绝"),
    (r"certificate verify failed|CERTIFICATE_VERIFY_FAILED|hostname mismatch|certificate has expired",
     "TLS证书校验失败"),
    (r"TLS error|SSLError|SSL:|\bSSL\b", "TLS加密连接失败"),
    (r"connect timeout|ConnectTimeout|Connection to .* timed out", "连接超时"),
    (r"read timeout|ReadTimeout|Read timed out", "读取超时"),
    (r"response not complete within", "响应未在限定时间内传完"),
    (r"timed out|timeout", "超时"),
    (r"Network is unreachable|Errno 101\b", "网络不可达"),
    (r"No route to host|Errno 113\b", "无法路由到主机"),
    (r"Connection reset|Errno 104\b|Errno 54\b", "连接被重置"),
    (r"RemoteDisconnected|Connection aborted|closed connection without response", "服务器中断连接"),
    (r"response larger than", "响应超过大小上限"),
    (r"redirect loop", "重定向循环"),
    (r"more than \d+ redirects", "重定向次数过多"),
    (r"redirect to another site", "重定向到其他网站（未跟随）"),
    (r"connection failed", "无法建立连接"),
    (r"not fetched", "未抓取"),
]]
HTTP_CODE = re.compile(r"^\s*HTTP\s*(\d{3})\b", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")


def http_status_zh(status: int) -> str:
    """``HTTP 503（服务不可用）``."""
    name = HTTP_NAMES.get(int(status))
    return f"HTTP {int(status)}" + (f"（{name}）" if name else "")


def fetch_error_zh(error) -> str:
    """A fetch error (or an ``HTTP 503`` status text) in Chinese; text already in Chinese is kept as it is."""
    text = "" if error is None or error != error else str(error).strip()  # None, NaN
    if not text:
        return "未知原因"
    if (m := HTTP_CODE.match(text)):
        return http_status_zh(int(m.group(1)))
    if CJK.search(text):
        return text
    for pattern, zh in PATTERNS:
        if pattern.search(text):
            return zh
    return "访问失败"


def exception_zh(exc_type: str, message: str = "") -> str:
    """An exception a batch agency stopped on (``ValueError: …``), as a Chinese reason for the ranking; the raw
    text stays in result.json's ``detail``."""
    known = {"MemoryError": "内存不足", "FileNotFoundError": "文件不存在", "PermissionError": "没有写入权限",
             "ChecklistError": "检查清单有误", "TimeoutError": "超时", "KeyboardInterrupt": "被中断",
             "ConnectionError": fetch_error_zh(message) if message else "无法建立连接"}
    if exc_type in known:
        return f"评估程序出错：{known[exc_type]}"
    if exc_type == "OSError" and (zh := fetch_error_zh(message)) not in ("访问失败", "未知原因"):
        return f"评估程序出错：{zh}"
    return "评估程序出错（详见该部门目录下 result.json 的 detail）"
