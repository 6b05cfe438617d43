"""CMS families that keep lists and metadata outside plain anchors: one small adapter module each.

An adapter reads what the CMS's own script would have done in a browser and hands the generic reader
(:mod:`zwgk_audit.extract.page`) two things: the page as it shows once that script ran (list records
inlined, a JSON list as ``<ul>``, a detail page's metadata as a labelled table) and the further requests
the script makes (later pages of a list, the list API of each column), as links the crawler follows
within the same politeness and robots rules. Plain CMSs (EmpireCMS ``index_N.html``, 开普云 pages whose
lists are anchors) need no adapter.

* :mod:`.trs` — TRS WCM / 开普云 ``createPageHTML`` pagers;
* :mod:`.hanweb` — 大汉 Hanweb ``<datastore>`` records and ``dataproxy.jsp`` POST pages;
* :mod:`.gkmlpt` — Guangdong 政府信息公开目录平台: ``_CONFIG`` tree, ``/gkmlpt/api/all/<catid>`` JSON lists,
  ``_CONFIG.DETAIL`` metadata.
"""
from __future__ import annotations

from ..facts import Link
from . import gkmlpt, hanweb, trs

ADAPTERS = (trs, hanweb, gkmlpt)


def expand(url: str, text: str) -> tuple[str, list[Link], list[str]]:
    """``(page as shown, requests its scripts make, names of the adapters that applied)``."""
    links: list[Link] = []
    used: list[str] = []
    for adapter in ADAPTERS:
        got = adapter.expand(url, text)
        if got is None:
            continue
        text, more = got
        links.extend(more)
        used.append(adapter.__name__.rsplit(".", 1)[-1])
    return text, links, used
