"""URL canonicalisation, so the same page is one row however it was linked."""
from __future__ import annotations

import posixpath
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
