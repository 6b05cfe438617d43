"""URL canonicalisation, so the same page is one row however it was linked; typed addresses checked, with a guess."""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical(url: str) -> str | None:
    """Lower-case scheme and host, no default port, no fragment, dot segments resolved.

    Returns None for what is not a web page address (javascript:, mailto:, tel:, data:).
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    if "." in path:
        trailing = path.endswith("/")
        path = posixpath.normpath(path)
        if trailing and not path.endswith("/"):
            path += "/"
        if path.startswith("//"):
            path = "/" + path.lstrip("/")
    return urlunsplit((scheme, netloc, path, parts.query, ""))


@lru_cache(maxsize=65536)
def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def path_of(url: str) -> str:
    p = urlsplit(url)
    return p.path + (f"?{p.query}" if p.query else "")


# A request that is not a plain GET (大汉 Hanweb's dataproxy.jsp pages are POSTs whose form body names the column)
# is keyed by its URL plus method and body, so two columns posting to the same URL stay two pages. The marker
# sits where a fragment would: it is never sent, and canonical() drops fragments from ordinary links.
POST_MARK = "#POST:"


def post_key(url: str, body: str) -> str:
    """The snapshot key of ``POST url`` with form ``body`` (``application/x-www-form-urlencoded``)."""
    return f"{url}{POST_MARK}{body}"


def split_key(key: str) -> tuple[str, str, str | None]:
    """``(url, method, body)`` of a snapshot key: plain URLs are GETs."""
    url, mark, body = key.partition(POST_MARK)
    return (url, "POST", body) if mark else (key, "GET", None)


# a typed address: a host name (or [IPv6]), and the same with no scheme (www.x.gov.cn/zwgk)
HOST = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[\w\u4e00-\u9fff-]+(\.[\w\u4e00-\u9fff-]+)*\.?)$")
BARE_HOST = re.compile(r"^[\w\u4e00-\u9fff-]+(\.[\w\u4e00-\u9fff-]+)+(:\d+)?([/?#].*)?$")


def check_url(raw: str) -> tuple[str, str]:
    """(canonical URL, "") for an http(s) address; ("", why) otherwise, with a "did you mean" where one is plain:
    ``www.x.gov.cn`` and ``htp://x`` → ``http://…``."""
    text = shown = raw.strip()
    if not text:
        return "", "网址为空 (url is empty)"
    if (slashes := re.match(r"^(https?)//+(.+)$", text, re.I)):  # http//www.x.gov.cn
        text = f"{slashes.group(1)}:{slashes.group(2)}"
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):/*(.*)$", text)
    if m is not None and re.fullmatch(r"\d+([/?#].*)?", m.group(2)):  # localhost:8000, x.gov.cn:8080/a
        m = None
    if m is None or (m.group(1).lower() not in ("http", "https") and "://" not in text and BARE_HOST.match(text)):
        if BARE_HOST.match(text) or re.fullmatch(r"[\w-]+:\d+([/?#].*)?", text):
            guess = f"http://{text}"
            return "", f"网址 {shown!r} 缺少 http:// 或 https://，是否应为 {guess} ？(not a URL — did you mean {guess}?)"
        return "", f"网址 {shown!r} 不是 http(s) 网址 (not an http(s) URL)"
    scheme, rest = m.group(1).lower(), m.group(2)
    if scheme not in ("http", "https"):
        import difflib

        near = difflib.get_close_matches(scheme, ["http", "https"], n=1, cutoff=0.6)
        if near and rest:
            guess = f"{near[0]}://{rest}"
            return "", f"网址 {shown!r} 的协议 {scheme}: 有误，是否应为 {guess} ？(not a URL — did you mean {guess}?)"
        return "", f"网址 {shown!r} 不是 http(s) 网址 (not an http(s) URL)"
    if not text.lower().startswith(f"{scheme}://"):
        guess = f"{scheme}://{rest}"
        return "", f"网址 {shown!r} 格式有误，是否应为 {guess} ？(not a URL — did you mean {guess}?)"
    url = canonical(text)
    host = urlsplit(text).netloc.rsplit("@", 1)[-1]
    host = re.sub(r":\d*$", "", host) if not host.startswith("[") else host.split("]")[0] + "]"
    if not url or not HOST.match(host):
        return "", f"网址 {shown!r} 的主机名无法识别 (no valid host name)"
    return url, ""
