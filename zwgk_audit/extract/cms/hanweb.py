"""大汉 Hanweb (jpage): list records inside ``<script type="text/xml"><datastore>``, later pages by POST.

A column page carries its first group of records in the page::

    <div id="4567"><script type="text/xml"><datastore>
      <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&columnid=123…"></a>]]></nextgroup>
      <recordset><record><![CDATA[<li><a href="/art/2026/6/1/art_123_4.html">…</a><span>2026-06-01</span></li>]]></record>…
    </recordset></datastore></script></div>

and a ``jpage({... totalRecord: 60, perPage: 15, groupSize: 3, proxyUrl: '/module/web/jpage/dataproxy.jsp',
ajaxParam: {col: 1, columnid: '123', unitid: '4567', …}})`` call. The script fetches the next groups with
``POST dataproxy.jsp?startrecord=46&endrecord=90&perpage=15`` and the ``ajaxParam`` form as the body; the
answer is a bare ``<datastore>`` XML document of the same records.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from ..facts import Link
from ..urls import canonical, post_key

RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
STORE_SCRIPT = re.compile(r"<script[^>]*text/xml[^>]*>\s*(<datastore>.*?</datastore>)\s*</script>", re.S | re.I)
BARE_STORE = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?<datastore", re.I)
NEXT_GROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)", re.S | re.I)


def _number(name: str, text: str) -> int | None:
    m = re.search(rf"{name}\s*[:=]\s*['\"]?(\d+)", text)
    return int(m.group(1)) if m else None


def _ajax_param(text: str) -> list[tuple[str, str]]:
    m = re.search(r"ajaxParam\s*[:=]\s*\{([^}]*)\}", text)
    if not m:
        return []
    pairs = re.findall(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,\s]+))", m.group(1))
    return [(k, a or b or c) for k, a, b, c in pairs]


def _records(store: str) -> str:
    return "".join(RECORD.findall(store))


def expand(url: str, text: str) -> tuple[str, list[Link]] | None:
    if "<datastore" not in text and "<DATASTORE" not in text:
        return None
    if BARE_STORE.match(text):  # a dataproxy.jsp answer: the records are the page
        return f'<html><body><ul class="hanweb-records">{_records(text)}</ul></body></html>', []
    stores = STORE_SCRIPT.findall(text)
    if not stores:
        return None
    shown = STORE_SCRIPT.sub(lambda m: f'<ul class="hanweb-records">{_records(m.group(1))}</ul>', text)
    return shown, _group_requests(url, text, sum(len(RECORD.findall(s)) for s in stores), stores[0])


def _group_requests(url: str, text: str, inline: int, store: str) -> list[Link]:
    """The POSTs the jpage script makes for the records beyond the ones in the page."""
    total, per_page = _number("totalRecord", text), _number("perPage", text)
    if not total or not per_page or total <= inline:
        return []
    group = (_number("groupSize", text) or 3) * per_page
    proxy = re.search(r"proxyUrl\s*[:=]\s*['\"]([^'\"]+)", text)
    form = _ajax_param(text)
    nxt = NEXT_GROUP.search(store)
    if not form and nxt:  # no ajaxParam: the next-group link's query names the column
        form = [(k, v) for k, v in parse_qsl(urlsplit(nxt.group(1)).query, keep_blank_values=True) if k != "page"]
    target = proxy.group(1) if proxy else (urlsplit(nxt.group(1)).path if nxt else "/module/web/jpage/dataproxy.jsp")
    base = canonical(urljoin(url, target))
    if not base or not form:
        return []
    body = urlencode(form)
    links = []
    for start in range(inline + 1, min(total, 200 * group) + 1, group):
        end = min(start + group - 1, total)
        links.append(Link(post_key(f"{base}?startrecord={start}&endrecord={end}&perpage={per_page}", body),
                          f"第{start}-{end}条", "pager"))
    return links
