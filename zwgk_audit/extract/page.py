"""Read one HTML page of a government portal into plain facts (lxml, no HTTP).

A page's text and URL in, a :class:`PageFacts` out. The heuristics follow
what the common CMSs print (TRS WCM, 开普云 ucap, 大汉 Hanweb, 集约化
platforms): the 当前位置 breadcrumb, ``meta ColumnName``/``ArticleTitle``/
``PubDate``, metadata blocks labelled 索引号 / 发布机构 / 文号 / 成文日期 /
发布日期, lists of dated links, ``createPageHTML`` and 下一页 pagination, and
相关解读 / 原文链接 lines. What a page *visibly shows* wins over hidden meta
tags (a republished page keeps its visible 发布日期).

This is the hot path of crawling and replay, so it uses lxml directly;
BeautifulSoup stays available for user-written profiles.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin

from functools import lru_cache

from lxml import etree

from . import cms, guides, messages, metadata
from .dates import parse_date
from .cms.trs import CREATE_PAGE
from .facts import Link, PageFacts
from .source_words import SourceWords
from .urls import canonical

NAV_HINT = re.compile(r"nav|menu|side|left|header|footer|position|crumb|location|xxgk-nav|sub-columns|column-title"
                      r"|dqwz|bread|topbar|top-bar|foot|copyright", re.I)
PAGER_TEXT = re.compile(r"^\s*(下一页|下页|后一页|尾页|末页|上一页|上页|前一页|首页|\d{1,4}|>|>>|»|›)\s*$")
PAGER_HINT = re.compile(r"page|pager|pagination|fenye|pagelist", re.I)
NEXT_TEXT = {"下一页", "下页", "后一页", "尾页", "末页"}
BREAD_LABEL = re.compile(r"^\s*[^>：:\s]{0,8}位置\s*(?:是)?\s*[:：]?\s*")
BREAD_SPLIT = re.compile(r"\s*(?:>>|>|＞|›|»|→|/|\\)\s*")
SITE_NAME_CRUMB = re.compile(r"网站|门户|人民政府$|网$|^www\.|\.(?:gov\.)?cn$")
HOME_NAMES = {"首页", "网站首页", "主页", "门户首页", "Home"}
TAIL_NAMES = {"正文", "详情", "详细信息", "内容", "信息详情", "文章详情", "浏览文章", "详细内容"}
DATE_IN_TEXT = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
DATED_TAIL = re.compile(r"[（(\[【]?\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*[）)\]】]?")
# a list that says it is empty: 共0条, or 没有/无(相关)信息 — two patterns, so the first scans for its literal 共 and the
# second (no ASCII in it) is asked of the page's non-ASCII characters (source_words.py); one alternation of both
# scanned a 117 KB page in 0.6 ms
EMPTY_TOTAL = re.compile(r"共\s*0\s*(?:条|页|篇)")
NO_RECORDS = re.compile(r"没有(?:相关)?(?:信息|记录|数据)|无(?:相关)?(?:信息|记录|数据)")
WORDS_ONLY = re.compile(r"[^\w]+")
COLUMN_META = ("columnname", "channelname", "catalogname")
TITLE_SPLIT = re.compile(r"\s*(?:__|_|\||｜|-{1,2}|—{1,2}|–)\s*")

INTERP_LABEL = re.compile(r"(相关|政策|图文|图解|文字|视频|配套|关联)?解读|图解|一图读懂|答记者问")
INTERP_MARKS = re.compile(r"【[^】]{0,8}】|政策解读|图文解读|图解|一图读懂|解读|答记者问|[《》“”\s]")
# a column's index or list page, not an article: never a 解读 or 原文 of one document
INDEX_URL = re.compile(r"/$|/(?:index|default|list|more)(?:_\d+)?\.s?html?$|/col/col\d+/|/channels/\d+(?:_\d+)?\.html$"
                       r"|/[a-z_]*list[a-z_0-9]*\.s?html?$|[?&](?:page|pageindex|columnid|catid)=", re.I)
SOURCE_LABEL = re.compile(r"原文链接|政策原文|文件原文|相关文件|相关政策|原文件|关联文件|查看原文|^原文")
ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|xlsx?|wps|ofd|zip|rar|7z|et|txt|csv|pptx?)$", re.I)

SITE_CODE = re.compile(r"(?:政府)?网站标识码\s*[:：]?\s*([A-Za-z0-9]{10})")
ICP = re.compile(r"[\u4e00-\u9fa5]ICP\s*[备證证]\s*\d+\s*号(?:\s*-\s*\d+)?")
PSB = re.compile(r"[\u4e00-\u9fa5]公网安备\s*\d+\s*号?")
ORIGIN = re.compile(r"^https?://[^/?#]+")
CRUMB_HINT = re.compile(r"crumb|dqwz|BreadcrumbNav|position|location", re.I)
XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
EARLY_CLOSE = re.compile(r"</(?:html|body)\s*>", re.I)  # included fragments close the page early; libxml2 then drops the rest
ONLY_CLOSERS = re.compile(r"(?:\s|</(?:html|body)\s*>)*\Z", re.I)


def _clean(s: str | None) -> str:
    return " ".join(s.split()) if s else ""


def _text(el) -> str:
    return _clean("".join(el.itertext())) if el is not None else ""


def _hint(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
LABEL_HINT = re.compile("号|机|单位|部门|日期|时间|效|发布于|解读|原文|文件|政策|位置|来源")
BYLINE = re.compile(r"^\s*(来源|信息来源|文章来源|稿件来源|来源单位)\s*[:：]")
SKIP_TEXT_IN = {"script", "style", "a", "option", "title", "head", "meta", "link"}


class TextNode(str):
    """A short text run with where it sits: ``owner`` holds it as ``.text``, or as ``.tail`` when ``is_tail``."""

    __slots__ = ("owner", "is_tail")

    def getparent(self):
        return self.owner


def _closes_early(html: str) -> bool:
    """Content after a </html> or </body> (other than the closers themselves): an included fragment
    closed the page early, and libxml2 would drop everything after it."""
    m = EARLY_CLOSE.search(html)
    return m is not None and ONLY_CLOSERS.match(html, m.end()) is None


def parse_html(html: str):
    """Plain lxml etree (no HtmlElement class lookup per node: that costs as much as the parse)."""
    html = html or ""
    if html[:200].lstrip()[:5].lower() == "<?xml":
        html = XML_DECL.sub("", html, count=1)
    if _closes_early(html):
        html = EARLY_CLOSE.sub("", html)
    try:
        root = etree.fromstring(html or "<html></html>", _PARSER)
    except (etree.ParserError, ValueError):
        root = None
    return root if root is not None else etree.fromstring("<html><body></body></html>", _PARSER)


def _hinted(doc) -> tuple[list[tuple[object, str]], int]:
    """Elements with a class or id, or nav/header/footer tags — the only ones heuristics look at by name — each
    with its ``_hint`` string, and the number of nodes in the tree. (One Python scan: twice as fast as the XPath
    union, which sorts its result into document order.)"""
    out = []
    total = 0
    for el in doc.iter():
        total += 1
        cls, ident = el.get("class"), el.get("id")
        if cls is not None or ident is not None or el.tag in ("nav", "header", "footer"):
            out.append((el, f"{cls or ''} {ident or ''}"))
    return out, total


@lru_cache(maxsize=8192)
def _hint_kinds(hint: str) -> tuple[bool, bool]:
    """(names a breadcrumb, names navigation) for a class/id string: pages repeat a few classes hundreds of
    times, and the alternations cost microseconds per search."""
    return CRUMB_HINT.search(hint) is not None, NAV_HINT.search(hint) is not None


def _nav_and_crumbs(hinted: list[tuple[object, str]], total: int) -> tuple[set, list]:
    """Every element inside navigation/header/footer/breadcrumb/sidebar containers, and breadcrumb holders.

    A "navigation" container holding most of the page (``total`` nodes) is an unclosed tag that swallowed the
    content, not navigation: it is skipped, so the article's links keep their kinds.
    """
    inside: set = set()
    crumbs: list = []
    for el, hint in hinted:
        crumb, navish = _hint_kinds(hint)
        if crumb:
            crumbs.append(el)
        if el in inside:
            continue
        if navish or el.tag in ("nav", "header", "footer"):
            members = list(el.iter())
            if len(members) > 20 and len(members) > total / 2:
                continue
            inside.update(members)
    return inside, crumbs


def _breadcrumb(crumbs: list, labels: list) -> tuple[str, ...]:
    holders = []
    for node, text in labels:
        if "位置" in text and len(text) < 20 and BREAD_LABEL.match(text):
            holders.append(node.getparent())
    holders.extend(crumbs)
    for holder in holders:
        for _ in range(3):  # a label alone in its span: the crumbs are its siblings; plain-text crumbs stay put
            if holder.find(".//a") is not None or holder.getparent() is None \
                    or BREAD_SPLIT.search(BREAD_LABEL.sub("", _text(holder))):
                break
            holder = holder.getparent()
        text = BREAD_LABEL.sub("", _text(holder))
        if len(text) > 200 or not BREAD_SPLIT.search(text):
            continue
        names = [n.strip().strip("[]【】") .strip() for n in BREAD_SPLIT.split(text) if n.strip()]
        names = [n for n in names if n and n not in HOME_NAMES]
        if names and SITE_NAME_CRUMB.search(names[0]) and len(names) > 1:
            names = names[1:]  # a leading site-name crumb ("[某某省教育厅网站]") is the home page, not a level
        while names and names[-1] in TAIL_NAMES:
            names.pop()
        if names:
            return tuple(names)
    return ()


def _label_nodes(doc) -> list[tuple[TextNode, str]]:
    """Short text runs that may be a label (索引号：, 发布日期:, 相关解读：, 当前位置：…).

    One pass over element .text/.tail in Python is several times faster than an
    XPath text() query with string functions on real 100 KB pages.
    """
    out = []
    body = doc.find("body")
    for el in (body if body is not None else doc).iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        t = el.text  # whitespace-only runs (most of them) are dropped before the regex
        if t and len(t) <= 80 and not t.isspace() and tag not in SKIP_TEXT_IN and LABEL_HINT.search(t):
            node = TextNode(t)
            node.owner, node.is_tail = el, False
            out.append((node, node.strip()))
        t = el.tail
        if t and len(t) <= 80 and not t.isspace() and LABEL_HINT.search(t):
            parent = el.getparent()
            if parent is not None and parent.tag in SKIP_TEXT_IN:
                continue
            node = TextNode(t)
            node.owner, node.is_tail = el, True
            out.append((node, node.strip()))
    return out


CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])")


def _byline_date(labels: list) -> dt.date | None:
    """The date printed on the 来源 line under the title ("2020-07-20　来源：市政府办公室")."""
    for node, text in labels:
        if len(text) > 40 or not BYLINE.match(text):
            continue
        el = node.getparent()
        for holder in (el, el.getparent() if el is not None else None):
            if holder is None:
                break
            line = _text(holder)
            if len(line) <= 200 and (day := parse_date(line)):
                return day
    return None


def _title(doc, meta: dict[str, str], nav: set) -> str:
    """Meta ArticleTitle, else the heading that the <title> repeats, else the longest part of <title>."""
    return CJK_SPACE.sub("", _title_raw(doc, meta, nav))


def _title_raw(doc, meta: dict[str, str], nav: set) -> str:
    for key in ("articletitle", "og:title", "title"):
        if meta.get(key):
            return _clean(meta[key])
    tag = doc.find(".//title")
    page_title = _text(tag) if tag is not None else ""
    squeezed = re.sub(r"\s+", "", page_title)
    cands = []
    for el in doc.iter("h1", "h2", "h3", "ucaptitle"):
        if el not in nav:
            cands.append(_text(el))
    for el in doc.xpath("//*[contains(@class,'title') or contains(@id,'title')]"):
        if el not in nav and len(el) < 6:
            cands.append(_text(el))
    good = [c for c in cands if len(c) >= 4 and re.sub(r"\s+", "", c) in squeezed]
    if good:
        return max(good, key=len)
    # a <title> that names only the column and site ([纪检监察组]-某局) under a document's long <h1> heading
    longest_part = max((len(p) for p in TITLE_SPLIT.split(page_title) if p), default=0)
    headings = [h for h in (_text(el) for el in doc.iter("h1") if el not in nav) if len(h) >= max(16, 2 * longest_part)]
    if headings:
        return max(headings, key=len)
    if page_title:
        parts = [p for p in TITLE_SPLIT.split(page_title) if p]
        return max(parts, key=len) if parts else page_title
    return max(cands, key=len) if cands else ""


def _related(anchors: list, base: str, label: re.Pattern, nav: set, skip: set, labels: list) -> list[str]:
    """Links introduced by a label (相关解读：…, 原文链接：…) or whose own text carries it."""
    out: list[str] = []

    def add(a, listed_ok: bool = False) -> None:
        if a in nav or (a in skip and not listed_ok):
            return
        url = resolve(base, a.get("href", ""))
        if url and url != base and url not in out and not INDEX_URL.search(url):
            out.append(url)

    for a, text in anchors:
        if label.search(text):
            add(a, listed_ok=True)  # 关联稿件 lists on an article page name their 解读 in the anchor
    for node, s in labels:
        if len(s) > 14 or not label.search(s):
            continue
        el = node.getparent()
        if el in nav:
            continue
        # a label as an element's own text keeps its anchors inside that element (<div>相关解读：<a>…);
        # as a tail, or in any case, the anchors follow it among the next few siblings
        scope = [] if node.is_tail else [el]
        sib = el.getnext()
        while sib is not None and len(scope) < 5:
            scope.append(sib)
            sib = sib.getnext()
        for holder in scope:
            anchors = [holder] if holder.tag == "a" else holder.iter("a")
            for a in anchors:
                if a.get("href"):
                    add(a)
    return out


RELATED_PANEL = re.compile(r"xgjd|jiedu|zcjd|jd_?list|relat|xgwj|glwj|gljd|相关解读", re.I)
FETCHING_SCRIPT = re.compile(r"\$\.(?:ajax|get|post|getJSON)\(|\.load\(|fetch\(|XMLHttpRequest|axios\.")


def _scripted_panel(doc, hinted: list[tuple[object, str]]) -> bool:
    """A 相关解读 panel left empty in the HTML and filled by a script that fetches it: the relation cannot be
    read from the page (judged ``unverified``, never "no interpretation")."""
    if not any(FETCHING_SCRIPT.search(s.text or "") for s in doc.iter("script")):
        return False
    return any(RELATED_PANEL.search(hint) and el.find(".//a[@href]") is None and len(_text(el)) <= 12
               for el, hint in hinted)


def _named_original(anchors: list, base: str, title: str, nav: set) -> list[str]:
    """On a 解读 page that names its document only by title (【图解】X → a link "关于印发X的通知"): the link whose
    text holds the page title without its 解读 marks."""
    if not INTERP_LABEL.search(title or ""):
        return []
    core = INTERP_MARKS.sub("", title)
    if len(core) < 8:
        return []
    out = []
    for a, text in anchors:
        if a in nav or INTERP_LABEL.search(text) or core not in INTERP_MARKS.sub("", text):
            continue
        url = resolve(base, a.get("href", ""))
        if url and url != base and url not in out and not INDEX_URL.search(url):
            out.append(url)
    return out


@lru_cache(maxsize=65536)
def _absolute(url: str) -> str | None:
    return canonical(url)


def resolve(base: str, href: str) -> str | None:
    """Absolute canonical URL of ``href`` on page ``base``; absolute and root-relative links are cached."""
    href = (href or "").strip()
    if href.startswith(("http://", "https://", "HTTP://", "HTTPS://")):
        return _absolute(href)
    if href.startswith("/") and not href.startswith("//"):
        m = ORIGIN.match(base)
        if m:
            return _absolute(m.group(0) + href)
    if href.startswith(("javascript:", "mailto:", "tel:", "#")) or not href:
        return None
    try:
        return canonical(urljoin(base, href))
    except ValueError:  # "http://[::1" — an unclosed IPv6 literal: no address to follow
        return None


def extract(url: str, html: str) -> PageFacts:
    html, cms_links, cms_used = cms.expand(url, html)  # what the CMS's scripts would show and request
    doc = parse_html(html)
    words = SourceWords(html)  # asked which vocabularies the source mentions
    base = url
    base_el = doc.find(".//base[@href]")
    if base_el is not None:
        base = urljoin(url, base_el.get("href"))
    facts = PageFacts(url=url)
    for m in doc.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        if name and m.get("content") is not None:
            facts.meta.setdefault(name, m.get("content").strip())
    hinted, total = _hinted(doc)
    nav, crumbs = _nav_and_crumbs(hinted, total)
    labels = _label_nodes(doc)
    facts.title = _title(doc, facts.meta, nav)
    facts.column_path = _breadcrumb(crumbs, labels)
    if facts.column_path:
        facts.column_source = "breadcrumb"
    else:
        name = next((facts.meta[k] for k in COLUMN_META if _clean(facts.meta.get(k))), "")
        if name:
            facts.column_path, facts.column_source = (_clean(name),), "meta"

    entry_anchors: set = set()
    for row in doc.iter("li", "tr", "dd"):
        if row in nav:
            continue
        anchors = row.findall(".//a[@href]")
        if not anchors or len(anchors) > 3:
            continue
        raw = "".join(row.itertext())
        if len(raw) > 600:
            continue  # a layout row holding half the page, not a list entry
        # the entry's title link: an image link before it (<a><img></a><a>标题</a>) has no text of its own
        a = next((x for x in anchors if _clean(x.get("title")) or _clean("".join(x.itertext()))), anchors[0])
        own = "".join(a.itertext())
        m = DATE_IN_TEXT.search(raw.replace(own, "", 1))
        if not m:
            continue
        title = _clean(a.get("title")) or _clean(own)
        if not title:
            continue
        target = resolve(base, a.get("href"))
        if not target:
            facts.dead_entries += 1  # a dated entry whose link leads nowhere (javascript:;): not a blank column
            facts.dead_newest = _newer(facts.dead_newest, parse_date(m.group(0)))
            continue
        entry_anchors.add(a)
        facts.entries.append((target, title, parse_date(m.group(0))))

    every_anchor = [(a, a.get("href"), _text(a)) for a in doc.iter("a")]  # read once: four readers need them
    anchors = [(a, text) for a, href, text in every_anchor if href]
    # all visible text (a byline in <li class="… left"> is no menu), and the text without menus and footers: one walk
    text_lines, nav_lines = metadata.lines_with_and_without(doc, nav)
    found = metadata.read_blocks(text_lines)
    meta = found.values
    if "publish_date" not in meta and (byline := _byline_date(labels)):
        found.set("publish_date", byline, "byline")
    is_article = bool(facts.meta.get("articletitle")) or "index_no" in meta or (
        "publish_date" in meta and len(facts.entries) < 3)
    if is_article:
        metadata.from_text(found, text_lines, facts.title)  # 文号 line, signature, 来源 when no block says
    interp: list[str] = []
    source: list[str] = []
    if is_article:
        interp = _related(anchors, base, INTERP_LABEL, nav, entry_anchors, labels)
        source = _related(anchors, base, SOURCE_LABEL, nav, entry_anchors, labels) + _named_original(
            anchors, base, facts.title, nav)
    interp_set, source_set = set(interp), set(source)

    groups: dict = {}
    if not is_article:
        facts.area, groups = _container_headings(doc, len(anchors))
    for a, text in anchors:
        target = resolve(base, a.get("href"))
        if not target:
            continue
        if a in entry_anchors:
            kind = "list"
        elif PAGER_TEXT.match(text) and (text in NEXT_TEXT or any(PAGER_HINT.search(_hint(p)) for p in a.iterancestors())):
            kind = "pager"
        elif ATTACHMENT_EXT.search(target.split("?")[0]):
            kind = "attachment"
        elif target in interp_set:
            kind = "interpretation"
        elif target in source_set:
            kind = "original"
        elif a in nav:
            kind = "nav"
        else:
            kind = "body"
        facts.links.append(Link(target, text, kind, groups.get(a, "")))
        if kind == "pager":
            facts.pagination.append(target)
    for el in doc.iter("frame", "iframe"):  # framesets and embedded 信息公开 platforms hide whole columns
        target = resolve(base, el.get("src") or "")
        if target:
            facts.links.append(Link(target, _clean(el.get("title") or el.get("name") or ""), "frame"))
    for link in cms_links:
        facts.links.append(link)
        if link.kind == "pager" and link.url not in facts.pagination:
            facts.pagination.append(link.url)

    if not is_article:
        extra = _anchor_entries(doc, base, nav, entry_anchors)
        facts.entries.extend(e for e in extra if e[0])
        facts.dead_entries += sum(1 for e in extra if not e[0])
        for e in extra:
            if not e[0]:
                facts.dead_newest = _newer(facts.dead_newest, e[2])
    if is_article:
        facts.kind = "article"
        last = WORDS_ONLY.sub("", facts.column_path[-1]) if facts.column_path else ""
        if last and (len(last) > 24 or (len(last) >= 8 and last in WORDS_ONLY.sub("", facts.title))):
            facts.column_path = facts.column_path[:-1]  # the breadcrumb's last crumb is the article's own title
        hidden = next((parse_date(facts.meta[k]) for k in ("pubdate", "publishdate", "firstpublishedtime",
                                                           "article:published_time", "createdate")
                       if facts.meta.get(k) and parse_date(facts.meta[k])), None)
        if not meta.get("publish_date") and hidden:  # hidden meta tags only when the page shows no date
            found.set("publish_date", hidden, "meta")
        elif hidden and hidden != meta.get("publish_date"):  # what the page shows wins; the meta disagrees
            found.conflicts["publish_date"] = f"页面隐藏元数据为{hidden.isoformat()}"
        meta = {**found.values, "field_sources": dict(found.sources), "field_conflicts": dict(found.conflicts)}
        meta["interpretation_links"] = interp
        meta["scripted_interpretation"] = not interp and _scripted_panel(doc, hinted)
        meta["source_links"] = source
        meta["attachments"] = [l.url for l in facts.links if l.kind == "attachment"]
        # a page that is little more than a link to the signed file: its fields are in the attachment
        meta["text_in_attachment"] = bool(meta["attachments"]) and metadata.text_chars(
            list(nav_lines), facts.title) < 100  # without menus and footers
        facts.article = meta
    elif facts.entries or facts.dead_entries:
        facts.kind = "list"  # a list without a breadcrumb is still a list: the site model names it from its links
    elif _empty_list_row(doc, nav) or ((facts.column_path or cms_used) and (
            "暂无" in html or EMPTY_TOTAL.search(html) or words.mention(NO_RECORDS))):
        facts.kind, facts.says_empty = "list", True
    elif (facts.column_path or cms_used) and CREATE_PAGE.search(html):
        facts.kind = "list"

    facts.identity = identity(html)
    _interaction(facts, doc, words, base, nav, is_article, nav_lines, every_anchor)
    return facts


def _interaction(facts: PageFacts, doc, source: SourceWords, base: str, nav: set, is_article: bool,
                 nav_lines: list[str], every_anchor: list[tuple]) -> None:
    """留言 the page shows, the 办事指南 elements an article labels, and named 信箱/政务服务 entrances with no address.
    ``nav_lines``: ``metadata.lines_of(doc, nav)``; ``every_anchor``: (a, href, text) of every <a>, in page order."""
    facts.messages = messages.read(doc, source, base, facts.title, nav, resolve, nav_lines)
    if is_article or (facts.kind == "other" and source.mention(guides.vocabulary()["trigger"])):
        facts.guide = guides.read(list(nav_lines), facts.title, [(href or "", text) for _a, href, text in every_anchor])
    dead = []
    for a, href, own in every_anchor:
        if href is not None and (not href.strip() or not (href.strip().lower().startswith("javascript")
                                                          or href.strip() == "#")):
            continue  # a real address, or href="" (the page itself: the current column's own menu entry)
        text = _clean(a.get("title")) or own
        if text not in dead and (messages.entrance_named(text) or guides.entrance_named(text)):
            dead.append(text)
    facts.dead_links = dead


EMPTY_ROW = re.compile(r"^(?:暂无|没有|无)(?:相关)?(?:信息|数据|内容|记录|文章|文件)[。！!.]?$")


def _empty_list_row(doc, nav: set) -> bool:
    """A list's own "暂无信息" row (``<li class="nodata">暂无信息</li>``): a blank column even without a breadcrumb."""
    if "暂无" not in (text := "".join(doc.itertext())) and "没有" not in text:
        return False
    for el in doc.iter("li", "td", "p", "div", "span", "dd"):
        if el not in nav and len(el) == 0 and el.text and EMPTY_ROW.match(el.text.strip()):
            return True
    return False


def _is_container_name(text: str) -> bool:
    """A heading naming a container class (the platform, 法定主动公开内容) in the column vocabulary (data/columns.yaml)."""
    from ..site.vocabulary import vocabulary

    vocab = vocabulary()
    m = vocab.classify(text)
    return m is not None and m.rule in ("规范名称", "同义名称") and vocab.classes[m.cls].kind == "container"


HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "span", "strong", "b", "p", "dt", "div", "li", "a", "em", "i"}


def _container_headings(doc, page_anchors: int) -> tuple[str, dict]:
    """Menu headings that name a container column (法定主动公开内容 over a group of links; 政府信息公开 over a
    hub's menu), and the anchors each one heads. A heading whose block would be the whole page is the page's
    own area (``<h1>政府信息公开</h1>`` in a platform's header), not a menu group."""
    heads = []
    body = doc.find("body")
    for el in (body if body is not None else doc).iter():
        if not isinstance(el.tag, str) or el.tag not in HEADING_TAGS:
            continue
        t = el.text
        if not t or "公开" not in t or len(t) > 20 or len(el) > 1:
            continue
        text = " ".join(t.split())
        if not _is_container_name(text):
            continue
        href = (el.get("href") or "").strip() if el.tag == "a" else ""
        if el.tag == "a" and href and not href.startswith(("javascript", "#")):
            # a link named 政府信息公开 is a link to the hub, not a heading over a menu — unless a nested menu
            # follows it (<li><a>法定主动公开内容</a><ul>…</ul></li>): then it heads that menu too
            sub = el.getnext()
            if sub is not None and sub.tag in ("ul", "ol", "div", "dl") and len(sub.findall(".//a[@href]")) >= 2:
                heads.append((el, text.replace(" ", ""), sub))
            continue
        heads.append((el, text.replace(" ", ""), None))
    area, chains = "", {}
    for el, text, block in heads:
        anchors = [a for a in block.iter("a") if a.get("href")] if block is not None else []
        for _ in range(4 if block is None else 0):
            block = (block if block is not None else el).getparent()
            if block is None:
                break
            anchors = [a for a in block.iter("a") if a is not el and a.get("href")]
            if len(anchors) >= 2:
                break
        if block is None or len(anchors) < 2:
            continue
        if len(anchors) > page_anchors * 0.6 and el.get("data-cms-menu") is None:  # a CMS adapter's menu heading
                                                                                       # heads its menu however big
            if el.tag in ("h1", "h2") and not area:
                area = text
            continue
        level = sum(1 for _ in block.iterancestors())
        for a in anchors:
            chains.setdefault(a, []).append((level, text))
    # nested menus: every heading over an anchor, outermost first (信息公开/法定主动公开内容)
    groups = {}
    for a, heads_over in chains.items():
        names = list(dict.fromkeys(t for _level, t in sorted(heads_over)))
        groups[a] = "/".join(names)
    return area, groups


def _anchor_entries(doc, base: str, nav: set, taken: set) -> list[tuple[str, str, dt.date | None]]:
    """List entries outside li/tr/dd rows: an anchor whose own text carries the date (``<a class="box"><h3>标题
    (2020-12-29)</h3></a>``), or a small block holding one link and a date (``<div><a>…</a><span>2020-01-01</span>``)."""
    out = []
    for a in doc.iter("a"):
        if a in taken or a in nav or a.get("href") is None:
            continue
        own = _text(a)
        if not 6 <= len(own) <= 200:
            continue
        m = DATE_IN_TEXT.search(own)
        if m:
            title = _clean(a.get("title")) or _clean(DATED_TAIL.sub("", own))
        else:
            parent = a.getparent()
            if parent is None or parent.tag in ("body", "html", "td", "table"):
                continue
            raw = "".join(parent.itertext())
            if len(raw) > 300 or sum(1 for _ in parent.iter("a")) > 2:
                continue
            m = DATE_IN_TEXT.search(raw.replace(own, "", 1))
            if not m:
                continue
            title = _clean(a.get("title")) or own
        target = resolve(base, a.get("href"))
        if target and len(title) >= 4:
            taken.add(a)
            out.append((target, title, parse_date(m.group(0))))
        elif len(title) >= 4:
            out.append(("", title, parse_date(m.group(0))))  # dead link: counted, not listed
    return out


def _newer(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None or (b is not None and b > a) else a


TAG = re.compile(r"<[^>]*>")


def _windows(html: str, keyword: str, width: int, most: int = 6):
    """Tag-free text around each occurrence of a keyword: footers are small, so read windows, not the page."""
    start = 0
    for _ in range(most):
        i = html.find(keyword, start)
        if i < 0:
            return
        yield " ".join(TAG.sub(" ", html[max(0, i - 12): i + width]).replace("&nbsp;", " ").split())
        start = i + len(keyword)


def identity(html: str) -> dict[str, str | None]:
    """网站标识码, ICP备案编号 and 公安机关备案号 as printed on the page (None when absent)."""

    tail = html[len(html) * 3 // 5:]  # footers sit at the end: look there first, then the whole page

    def find(pattern: re.Pattern, keyword: str, width: int):
        for text in (tail, html):
            m = next((m for w in _windows(text, keyword, width) if (m := pattern.search(w))), None)
            if m is not None:
                return m
        return None

    m_code, m_icp, m_psb = find(SITE_CODE, "标识码", 80), find(ICP, "ICP", 60), find(PSB, "公网安备", 60)
    m_host = find(HOST, "主办", 60)
    return {
        "host": m_host.group(1) if m_host else None,
        "site_code": m_code.group(1) if m_code else None,
        "icp": re.sub(r"\s+", "", m_icp.group(0)) if m_icp else None,
        "psb": re.sub(r"\s+", " ", m_psb.group(0)) if m_psb else None,
    }


HOST = re.compile(r"主办(?:单位)?\s*[:：]\s*([\u4e00-\u9fff（）()·]{3,40}?)(?=\s|&nbsp;|<|$|承办|协办|联系|地址|版权|电话|技术支持|技术维护|技术保障|网站|备案|[，,。|])")


def article_metadata(html: str | bytes, url: str) -> dict[str, object]:
    """Public one-page API: title, dates (ISO ``YYYY-MM-DD`` or None), 索引号, 发布机构, 文号, 解读 / 原文 links."""
    if isinstance(html, bytes):
        from ..crawl.encoding import decode_html

        html = decode_html(html)[0]
    f = extract(canonical(url) or url, html)
    a = f.article if f.kind == "article" else metadata.read_blocks(metadata.lines_of(parse_html(html), set())).values
    if f.kind != "article":
        a.setdefault("publish_date", parse_date(f.meta.get("pubdate", "")))

    def iso(d):
        return d.isoformat() if isinstance(d, dt.date) else None

    def s(v):
        return v.strip() if isinstance(v, str) and v.strip() else None

    return {
        "title": f.title or None,
        "publish_date": iso(a.get("publish_date")),
        "document_date": iso(a.get("document_date")),
        "index_no": s(a.get("index_no")),
        "publisher": s(a.get("publisher")),
        "doc_no": s(a.get("doc_no")),
        "interpretation_links": list(a.get("interpretation_links", [])),
        "original_links": list(a.get("source_links", [])),
        "printed_date": iso(a.get("printed_date")),
        "signer": s(a.get("signer")),
        "sources": dict(a.get("field_sources", {})),
    }
