"""TRS WCM and 开普云/ucap pagers: ``createPageHTML`` writes the links to a list's later pages.

TRS: ``createPageHTML(count, current0, "index", "html")`` — page k+1 is ``index_k.html``;
开普云: ``createPageHTML('page_div', count, current1, 'name', 'shtml', records)`` — an element id first,
pages numbered from 1, page n is ``name_n.ext``.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from ..facts import Link
from ..urls import canonical

CREATE_PAGE = re.compile(r"createPageHTML\(\s*(?P<div>[\"'][^\"']*[\"']\s*,\s*)?(?P<n>\d+)\s*,\s*(?P<cur>\d+)\s*,\s*"
                         r"[\"'](?P<name>[^\"']+)[\"']\s*,\s*[\"'](?P<ext>[^\"']+)[\"']")
MAX_PAGES = 500


def expand(url: str, text: str) -> tuple[str, list[Link]] | None:
    if "createPageHTML" not in text:
        return None
    links: list[Link] = []
    seen: set[str] = set()
    for m in CREATE_PAGE.finditer(text):
        n, name, ext = int(m["n"]), m["name"], m["ext"]
        numbers = range(2, min(n, MAX_PAGES) + 1) if m["div"] else range(1, min(n, MAX_PAGES))
        for i in numbers:
            target = canonical(urljoin(url, f"{name}_{i}.{ext}"))
            if target and target not in seen:
                seen.add(target)
                links.append(Link(target, f"第{i if m['div'] else i + 1}页", "pager"))
    return text, links
