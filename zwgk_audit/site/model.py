"""The site model: a portal's column tree, built from every piece of evidence its pages give.

Real portals name their columns in different places, so each column records how it was found
(``provenance``) and each document which columns hold it and why (``memberships``):

* a list page's own breadcrumb (当前位置 …) or ``meta ColumnName`` — the page says which column it is;
* the links pointing at a list page that names nothing itself (its menu entry on a hub, a left-hand menu);
* a link whose text is a known column class (政府信息公开指南 on a hub) even when its target is a single page;
* URL nesting (``/zwgk/gsgg/`` under ``/zwgk/``) as the weakest evidence of a parent.

A document's column comes from the most specific evidence: its own breadcrumb or ColumnName, else the column
list pages that list it. Aggregator lists (the home page, 最新信息, 专题, search results) never assign one.
Each column's class comes from the vocabulary (``data/columns.yaml``) or an evaluator's column map.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

import pandas as pd

from .vocabulary import Vocabulary, norm_name, vocabulary

COLUMN_FIELDS = ["path", "name", "parent", "level", "url", "list_urls", "provenance", "list_pages", "item_count",
                 "dead_items", "dead_newest", "says_empty",
                 "newest_date", "has_list_page", "articles_seen", "class", "class_name", "class_rule", "standard"]
MEMBERSHIP_FIELDS = ["doc_url", "column_path", "source"]
NOT_A_NAME = re.compile(r"^(更多|more|查看更多|更多>+|>+|»+|详细|详情|点击进入|进入|返回|上一页|下一页|首页|尾页|末页|\d+)$", re.I)
DATE_LIKE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}|\d{1,2}-\d{1,2}$")
GLOBAL_SHARE = 0.5  # a link found on at least half the pages is site-wide navigation, not a hub's own menu


@dataclass
class SiteModel:
    columns: pd.DataFrame
    memberships: pd.DataFrame
    page_column: dict[str, str]  # list page URL -> column path
    aggregators: dict[str, str]  # list page URL -> why it assigns no column


def _dir(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else posixpath.dirname(path) + "/"


def _rows(frame: pd.DataFrame, columns: list[str]):
    """``frame[columns].itertuples(index=False)``, the same values, read a column at a time: itertuples takes a
    string column's values one element at a time, a third of building the site (issue 19)."""
    return zip(*(frame[c].to_numpy(dtype=object) for c in columns))


def _usable_name(text: str) -> bool:
    t = (text or "").strip()
    return 2 <= len(norm_name(t)) <= 15 and not NOT_A_NAME.match(norm_name(t)) and not DATE_LIKE.search(t)


def build_site(pages: pd.DataFrame, entries: pd.DataFrame, articles: pd.DataFrame, links: pd.DataFrame,
               start_url: str, vocab: Vocabulary | None = None,
               column_map: Mapping[str, str] | None = None) -> SiteModel:
    """The column tree and document memberships of one snapshot (pure: no I/O, same input → same model)."""
    vocab = vocab or vocabulary()
    ok = pages[(pages["status"].fillna(0) < 400) & pages["status"].notna()]
    by_url: dict[str, dict[str, Any]] = {}
    fields = ["url", "final_url", "kind", "title", "column_path", "column_source", "area"]
    for row in _rows(ok, fields):
        rec = dict(zip(fields, row))
        by_url.setdefault(rec["url"], rec)
        if isinstance(rec["final_url"], str):
            by_url.setdefault(rec["final_url"], rec)
    html_pages = int(ok["kind"].isin(["list", "article", "other"]).sum()) or 1

    # site-wide navigation: targets linked from at least half the pages carry no hub evidence
    navigational = links[links["kind"].isin(["nav", "body", "frame"])]
    sources_per_target = navigational.groupby("to_url")["from_url"].nunique() if len(navigational) else pd.Series(dtype=int)
    global_targets = set(sources_per_target[sources_per_target >= max(3, GLOBAL_SHARE * html_pages)].index)

    names_for: dict[str, Counter] = defaultdict(Counter)
    linked_from: dict[str, set[str]] = defaultdict(set)
    group_of: dict[str, Counter] = defaultdict(Counter)  # target -> menu headings (法定主动公开内容) it sits under
    for frm, to, text, group in _rows(navigational, ["from_url", "to_url", "text", "group"]):
        if frm == to:
            continue
        if _usable_name(text):
            names_for[to][text.strip()] += 1
        if to not in global_targets:
            linked_from[to].add(frm)
        if isinstance(group, str) and group:
            heads = tuple(group.split("/"))  # nested menu headings, outermost first
            if norm_name(text) == norm_name(heads[-1]):
                heads = heads[:-1]  # the heading's own link
            area = by_url.get(frm, {}).get("area")
            if heads and isinstance(area, str) and area and area != heads[0]:
                heads = (area, *heads)
            if heads:
                group_of[to][heads] += 1

    # pagination: a page reached by a pager link belongs to the column of the page that links it
    first_of: dict[str, str] = {}
    pager = links[links["kind"] == "pager"]
    for frm, to in _rows(pager, ["from_url", "to_url"]):
        first = first_of.get(frm, frm)
        if first != to and to not in first_of:  # 首页 on page 2 points back at page 1: page 1 stays first
            first_of[to] = first

    columns: dict[str, dict[str, Any]] = {}
    page_column: dict[str, str] = {}
    aggregators: dict[str, str] = {}

    def add(path: tuple[str, ...], url: str | None, how: str) -> dict[str, Any]:
        key = "/".join(path)
        col = columns.get(key)
        if col is None:
            col = columns[key] = {"path": key, "name": path[-1], "parent": "/".join(path[:-1]) or None,
                                  "level": len(path), "url": None, "list_urls": [], "provenance": []}
        if url and col["url"] is None:
            col["url"] = url
        if how and how not in col["provenance"]:
            col["provenance"].append(how)
        return col

    # menu headings over groups of column links are columns themselves (法定主动公开内容 with no page of its own)
    for counted in group_of.values():
        for path in counted:
            for i in range(1, len(path) + 1):
                add(tuple(path[:i]), None, "菜单分组标题")

    def parent_of(url: str) -> tuple[tuple[str, ...], str]:
        if group_of.get(url):
            path = group_of[url].most_common(1)[0][0]
            return path, f"位于菜单分组“{path[-1]}”下"
        return _parent_of(url, linked_from, page_column, columns, vocab, by_url)

    list_rows = ok[ok["kind"] == "list"]
    unnamed: list[tuple[str, dict]] = []
    later_pages: list[tuple[str, dict]] = []
    for url, path, source, title in _rows(list_rows, ["url", "column_path", "column_source", "title"]):
        if url in page_column or url in aggregators:
            continue
        if first_of.get(url) and not (isinstance(path, str) and path):
            later_pages.append((url, {"title": title}))  # a later page of a list: the list's first page decides
            continue
        if url == start_url:
            aggregators[url] = "首页"
            continue
        if isinstance(path, str) and path:
            names = tuple(path.split("/"))
            if vocab.is_aggregator(names[-1]):
                aggregators[url] = f"汇总列表“{names[-1]}”"
                continue
            how = {"breadcrumb": "页面面包屑", "meta": "页面ColumnName"}.get(source, "页面面包屑")
            if len(names) == 1:  # a bare ColumnName says nothing of the parent: look for a hub
                parent, parent_how = parent_of(url)
                if parent:
                    names, how = (*parent, names[0]), how + f"；上级：{parent_how}"
            col = add(names, url, how)
            col["list_urls"].append(url)
            page_column[url] = col["path"]
        else:
            unnamed.append((url, {"title": title}))

    def follow_first_page(pages: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
        """Later pages of a list take the column (or aggregator verdict) of its first page; the rest are returned."""
        while True:  # a chain of pages (3 reached from 2 from 1) settles in as many rounds as it is long
            rest = []
            for url, info in pages:
                first = first_of[url]
                if first in page_column:
                    page_column[url] = page_column[first]
                    columns[page_column[url]]["list_urls"].append(url)
                elif first in aggregators:
                    aggregators[url] = aggregators[first]
                else:
                    rest.append((url, info))
            if len(rest) == len(pages):
                return rest
            pages = rest

    def name_unnamed(pages: list[tuple[str, dict]]) -> None:
        """List pages that name nothing: named by the links that point at them, placed under a hub or by URL."""
        for url, info in pages:
            counted = names_for.get(url)
            name, how = (counted.most_common(1)[0][0], "指向该页的链接文字") if counted else (
                _title_name(info["title"]), "页面标题")
            if not name:
                aggregators[url] = "无法确定栏目名称"
                continue
            if vocab.is_aggregator(name):
                aggregators[url] = f"汇总列表“{name}”"
                continue
            parent, parent_how = parent_of(url)
            path = (*parent, name) if parent else (name,)
            col = add(path, url, how + (f"；上级：{parent_how}" if parent_how else ""))
            col["list_urls"].append(url)
            page_column[url] = col["path"]

    later_pages = follow_first_page(later_pages)
    name_unnamed(unnamed)
    name_unnamed(follow_first_page(later_pages))  # a later page whose first page was never read stands alone

    # links whose text is a known column (a hub's 政府信息公开指南 pointing at a single page)
    listed_urls = {u for c in columns.values() for u in c["list_urls"]}
    for frm, to, text in _rows(navigational, ["from_url", "to_url", "text"]):
        if to in listed_urls or to in page_column or to in aggregators or to == start_url or not _usable_name(text):
            continue
        match = vocab.classify(text)
        if match is None or to not in by_url:
            continue
        page = by_url[to]
        own = page["column_path"] if isinstance(page["column_path"], str) and page["column_path"] else None
        if own and page["kind"] == "article":
            continue  # an article that names its own column: that column is already in the tree
        if own:  # a page that names its own column (a blank column's page, a single-page column)
            path, how = tuple(own.split("/")), "页面面包屑" if page["column_source"] == "breadcrumb" else "页面ColumnName"
            if len(path) == 1 and (up := parent_of(to))[0]:
                path, how = (*up[0], path[0]), f"{how}；上级：{up[1]}"
            add(path, to, f"{how}；链接“{text.strip()}”（位于 {frm}）")
            listed_urls.add(to)
            continue
        parent, parent_how = parent_of(to)
        if not parent and frm in page_column:
            hub = columns[page_column[frm]]
            hub_class = vocab.classify(hub["name"])
            if hub_class and vocab.classes[hub_class.cls].kind == "container":
                parent, parent_how = tuple(hub["path"].split("/")), f"链接位于“{hub['name']}”页面"
        path = (*parent, text.strip()) if parent else (text.strip(),)
        if parent and norm_name(parent[-1]) == norm_name(text):
            path = parent  # the link is the group heading's own page
        add(path, to, f"链接“{text.strip()}”（位于 {frm}）" + (f"；上级：{parent_how}" if parent_how else ""))
        listed_urls.add(to)

    # every ancestor of a breadcrumb path is a column too, even when no page of its own was seen
    for key in list(columns):
        parts = key.split("/")
        for i in range(1, len(parts)):
            add(tuple(parts[:i]), None, "面包屑上级")
    # a menu heading seen only on one page's own list (the 法定主动公开内容 title over its sub-columns), whose
    # column sits elsewhere in the tree with the pages and children, is that column, not a second one
    parents = {c["parent"] for c in columns.values() if c["parent"]}
    for key in [k for k, c in columns.items() if c["provenance"] == ["菜单分组标题"] and c["url"] is None
                and not c["list_urls"] and k not in parents]:
        if any(o["name"] == columns[key]["name"] for k, o in columns.items() if k != key):
            del columns[key]

    # documents: their own breadcrumb first, else the column lists that list them
    mem_rows: list[tuple[str, str, str]] = []
    own: dict[str, str] = {}
    article_pages = ok[ok["kind"] == "article"]
    for url, path, source in _rows(article_pages, ["url", "column_path", "column_source"]):
        if isinstance(path, str) and path:
            how = "文章页ColumnName" if source == "meta" else "文章页面包屑"
            if source == "meta" and "/" not in path:  # a bare name: the column of that name already in the tree
                same = [k for k, c in columns.items() if c["name"] == path and c["list_urls"]]
                if len(same) == 1:
                    path = same[0]
            own[url] = path
            mem_rows.append((url, path, how))
            if path not in columns:
                add(tuple(path.split("/")), url, how)
    article_urls = set(articles["url"])
    entry_cols = entries["page_url"].map(page_column)
    for url, col, page_url in zip(entries["url"], entry_cols, entries["page_url"]):
        if isinstance(col, str) and url in article_urls:
            mem_rows.append((url, col, f"列表页 {page_url}"))
    memberships = pd.DataFrame(mem_rows, columns=MEMBERSHIP_FIELDS).drop_duplicates(["doc_url", "column_path"])

    # counts per column
    uniq_entries = entries.assign(column=entry_cols).dropna(subset=["column"]).drop_duplicates(["column", "url"])
    counts = uniq_entries.groupby("column")["url"].count().to_dict() if len(uniq_entries) else {}
    newest = {}
    for col, dates in uniq_entries.groupby("column")["date"] if len(uniq_entries) else []:
        good = [d for d in dates if d is not None and not pd.isna(d)]
        if good:
            newest[col] = max(good)
    dead = dict(zip(pages["url"], pages["dead_entries"].fillna(0))) if "dead_entries" in pages.columns else {}
    dead_newest = {u: d for u, d in zip(pages["url"], pages["dead_newest"]) if isinstance(d, dt.date)} \
        if "dead_newest" in pages.columns else {}
    empty = set(pages.loc[pages["says_empty"].fillna(False).astype(bool), "url"]) if "says_empty" in pages.columns else set()
    docs_per_col = memberships.groupby("column_path")["doc_url"].nunique().to_dict() if len(memberships) else {}
    rows = []
    for key, col in columns.items():
        match = classify_column(col["name"], col["url"], vocab, column_map)
        rows.append({
            **col, "provenance": "；".join(col["provenance"]), "list_pages": len(col["list_urls"]),
            "item_count": int(counts.get(key, 0)), "newest_date": newest.get(key),
            "dead_items": int(sum(dead.get(u, 0) or 0 for u in col["list_urls"])),
            "dead_newest": max((dead_newest[u] for u in col["list_urls"] if u in dead_newest), default=None),
            "says_empty": any(u in empty for u in col["list_urls"]),
            "has_list_page": bool(col["list_urls"]), "articles_seen": int(docs_per_col.get(key, 0)),
            "class": match[0], "class_name": match[1], "class_rule": match[2], "standard": match[3],
        })
    frame = pd.DataFrame(rows, columns=COLUMN_FIELDS).sort_values(["path"], kind="stable").reset_index(drop=True)
    return SiteModel(frame, memberships.reset_index(drop=True), page_column, aggregators)


def classify_column(name: str, url: str | None, vocab: Vocabulary,
                    column_map: Mapping[str, str] | None) -> tuple[str | None, str | None, str | None, bool]:
    """(class id, canonical name, rule, carries the standard name) for one column; the column map wins."""
    if column_map:
        mapped = column_map.get(url) if url else None
        for key in (name, norm_name(name)):
            if mapped is None:
                mapped = column_map.get(key)
        if mapped == "":
            return None, None, None, False  # the evaluator says: not any class
        if mapped:
            c = vocab.classes[mapped]
            return c.id, c.name, "评估人员指定（--column-map）", norm_name(name) == norm_name(c.name)
    m = vocab.classify(name)
    return (m.cls, m.canonical, m.rule, m.standard) if m else (None, None, None, False)


def _title_name(title) -> str:
    if not isinstance(title, str):
        return ""
    parts = [p for p in re.split(r"\s*(?:__|_|\||｜|-{1,2}|—{1,2}|–)\s*", title) if p.strip()]
    return parts[0].strip() if parts and _usable_name(parts[0]) else ""


def _parent_of(url: str, linked_from: dict[str, set[str]], page_column: dict[str, str],
               columns: dict[str, dict], vocab: Vocabulary, by_url: dict) -> tuple[tuple[str, ...], str]:
    """The parent of a column page that names no parent: a container hub (政府信息公开, 法定主动公开内容) linking it,
    the platform its own header names, a menu shared with a container's columns, else the column whose URL folder
    holds it (weak evidence)."""
    for frm in sorted(linked_from.get(url, ())):
        key = page_column.get(frm)
        if key is None:
            continue
        match = vocab.classify(columns[key]["name"])
        if match and vocab.classes[match.cls].kind == "container":
            return tuple(key.split("/")), f"由“{columns[key]['name']}”页面链接"
    area = by_url.get(url, {}).get("area")
    if isinstance(area, str) and area:
        return (area,), f"页面标题区“{area}”"
    # a menu shared by the pages of one container's columns (the 政府信息公开 area's left-hand menu)
    shared: Counter = Counter()
    for frm in linked_from.get(url, ()):
        key = page_column.get(frm)
        parts = key.split("/") if key else []
        for i in range(len(parts) - 1, 0, -1):
            match = vocab.classify(parts[i - 1])
            if match and vocab.classes[match.cls].kind == "container":
                shared["/".join(parts[:i])] += 1
                break
    if shared:
        key, n = shared.most_common(1)[0]
        if n >= 2 and key in columns:
            return tuple(key.split("/")), f"与“{columns[key]['name']}”下的栏目共用菜单（{n}个页面）"
    folder = _dir(url)
    best = None
    for key, col in columns.items():
        home = col["url"]
        if not home or home == url:
            continue
        d = _dir(home)
        if d != "/" and folder != d and folder.startswith(d) and (best is None or len(d) > len(_dir(columns[best]["url"]))):
            best = key
    if best:
        return tuple(best.split("/")), f"URL位于“{columns[best]['name']}”目录下"
    return (), ""
