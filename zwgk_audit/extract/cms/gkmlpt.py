"""Guangdong 政府信息公开目录平台 (gkmlpt): the page is drawn by script from ``window._CONFIG``.

* the catalogue page (``/gkmlpt/index``) holds ``SID`` and the column ``TREE``; each column's list is
  ``/gkmlpt/api/all/<catid>?page=N&sid=<SID>`` (JSON: ``total``, ``articles[]`` with ``title``, ``url``,
  ``created_at`` / ``display_publish_time``, ``identifier`` 索引号, ``document_number`` 文号, ``publisher``);
* a document page (``/gkmlpt/content/…/post_N.html``) holds its metadata and text in ``_CONFIG.DETAIL``.

The tree becomes the menu a browser would show (a node with children a heading over its children's links),
a JSON list a ``<ul>`` with a pager, and DETAIL a labelled metadata table followed by the text — so the
generic reader judges them like any other page.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..facts import Link
from ..urls import canonical

CONFIG = re.compile(r"_CONFIG\s*=\s*\{")
API = re.compile(r"/gkmlpt/api/all/(\d+)")
CST = dt.timezone(dt.timedelta(hours=8))
MAX_PAGES = 200


def _balanced(text: str, start: int) -> str | None:
    """The JSON/JS value opening at ``text[start]`` (``{`` or ``[``), strings respected."""
    opening = text[start]
    closing = {"{": "}", "[": "]"}[opening]
    depth, i, quote = 0, start, None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1
    return None


def _field(config: str, name: str):
    """A JSON value (``TREE: [...]``, ``DETAIL: {...}``) or a scalar (``SID: '757'``) of the _CONFIG object."""
    m = re.search(rf"\b{name}\s*:\s*", config)
    if not m:
        return None
    at = m.end()
    if at < len(config) and config[at] in "[{":
        raw = _balanced(config, at)
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None
    scalar = re.match(r"['\"]?([\w.-]+)", config[at:])
    return scalar.group(1) if scalar else None


def _config(text: str) -> str | None:
    m = CONFIG.search(text)
    return _balanced(text, m.end() - 1) if m else None


def _day(value) -> str:
    """A gkmlpt date (epoch seconds, or ``2026-06-18 16:25:04``) as ``YYYY-MM-DD``, in China time."""
    if isinstance(value, (int, float)) and value > 0:
        return dt.datetime.fromtimestamp(value, CST).date().isoformat()
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return ""


def expand(url: str, text: str) -> tuple[str, list[Link]] | None:
    stripped = text.lstrip()
    if stripped.startswith("{") and API.search(url):
        return _list(url, stripped)
    if "_CONFIG" not in text:
        return None
    config = _config(text)
    if not config:
        return None
    detail = _field(config, "DETAIL")
    if isinstance(detail, dict):
        return _detail(text, detail), []
    tree, sid = _field(config, "TREE"), _field(config, "SID")
    if isinstance(tree, list) and sid:
        return _tree(url, text, tree, str(sid)), []
    return None


def _api_url(page_url: str, catid, sid: str, page: int = 1) -> str | None:
    parts = urlsplit(page_url)
    root = parts.path.split("/gkmlpt/")[0]
    return canonical(urlunsplit((parts.scheme, parts.netloc, f"{root}/gkmlpt/api/all/{catid}",
                                 urlencode({"page": page, "sid": sid}), "")))


def _tree(url: str, text: str, tree: list, sid: str) -> str:
    def node(n: dict) -> str:
        name = html.escape(str(n.get("name") or ""))
        kids = [k for k in n.get("children") or [] if isinstance(k, dict)]
        if kids:
            return f"<li><span>{name}</span><ul>{''.join(node(k) for k in kids)}</ul></li>"
        jump = n.get("jump_url")
        href = urljoin(url, jump) if jump else _api_url(url, n.get("id"), sid)
        return f'<li><a href="{html.escape(href or "")}">{name}</a></li>'

    # the tree is the 政府信息公开 catalogue (gkmlpt: 政府信息公开目录平台), so it is drawn under that heading
    nodes = "".join(node(n) for n in tree if isinstance(n, dict))
    menu = (f'<div class="gkmlpt-tree menu"><ul><li><span data-cms-menu="gkmlpt">政府信息公开</span>'
            f'<ul>{nodes}</ul></li></ul></div>')
    return _append(text, menu)


def _list(url: str, text: str) -> tuple[str, list[Link]] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    articles = [a for a in data.get("articles") or [] if isinstance(a, dict)]
    rows = "".join(
        f'<li><a href="{html.escape(str(a.get("url") or a.get("post_url") or ""))}">{html.escape(str(a.get("title") or ""))}</a>'
        f'<span>{_day(a.get("display_publish_time")) or _day(a.get("created_at"))}</span></li>'
        for a in articles)
    links: list[Link] = []
    query = dict(parse_qsl(urlsplit(url).query))
    page = int(query.get("page", "1") or 1) if str(query.get("page", "1")).isdigit() else 1
    total = data.get("total")
    if page == 1 and articles and isinstance(total, int) and total > len(articles):
        catid = API.search(url).group(1)
        for n in range(2, min(math.ceil(total / len(articles)), MAX_PAGES) + 1):
            target = _api_url(url, catid, query.get("sid", ""), n)
            if target:
                links.append(Link(target, f"第{n}页", "pager"))
    empty = "" if articles else "<p>暂无信息</p>"
    return f'<html><body><ul class="gkmlpt-list">{rows}</ul>{empty}</body></html>', links


LABELS = (("identifier", "索引号"), ("publisher", "发布机构"), ("document_number", "文号"),
          ("date", "成文日期"), ("display_publish_time", "发布日期"))


def _detail(text: str, detail: dict) -> str:
    cells = []
    for key, label in LABELS:
        value = detail.get(key)
        if key in ("date", "display_publish_time"):
            value = _day(value) or (_day(detail.get("created_at")) if key == "display_publish_time" else "")
        if value not in (None, ""):
            cells.append(f"<tr><th>{label}：</th><td>{html.escape(str(value))}</td></tr>")
    title = html.escape(str(detail.get("title") or ""))
    shown = (f'<div class="gkmlpt-detail"><meta name="ArticleTitle" content="{title}">'
             f'<table class="gkmlpt-meta">{"".join(cells)}</table><h1>{title}</h1>'
             f'<div class="article-content">{detail.get("content") or ""}</div></div>')
    return _append(text, shown)


def _append(text: str, block: str) -> str:
    at = text.lower().rfind("</body>")
    return text[:at] + block + text[at:] if at >= 0 else text + block
