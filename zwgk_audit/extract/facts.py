"""What extraction reads from one page: plain data, shared by the generic reader and the CMS adapters."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Link:
    url: str
    text: str
    kind: str  # nav | pager | list | interpretation | original | attachment | frame | body
    group: str = ""  # the menu heading the link sits under (法定主动公开内容, 政府信息公开), when there is one


@dataclass
class PageFacts:
    url: str
    title: str = ""
    kind: str = "other"  # list | article | other
    column_path: tuple[str, ...] = ()
    entries: list[tuple[str, str, dt.date | None]] = field(default_factory=list)  # (url, title, date)
    links: list[Link] = field(default_factory=list)
    pagination: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    article: dict[str, object] = field(default_factory=dict)
    identity: dict[str, str | None] = field(default_factory=dict)
    column_source: str = ""  # breadcrumb | meta | "" (no column named on the page itself)
    dead_entries: int = 0  # dated list rows whose link leads nowhere (javascript:;, empty href)
    dead_newest: dt.date | None = None  # the newest date those rows show: the list is visibly updated even so
    says_empty: bool = False  # a list page that says it has nothing (暂无信息, 共0条)
    area: str = ""  # the platform the page's own heading names (<h1>政府信息公开</h1> over a column's page)
    messages: list[dict] = field(default_factory=list)  # 留言 the page shows (extract/messages.py)
    guide: dict | None = None  # 办事指南 elements an article page labels (extract/guides.py)
    dead_links: list[str] = field(default_factory=list)  # named 信箱/政务服务 entrances whose link has no address
