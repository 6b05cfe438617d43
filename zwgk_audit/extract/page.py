"""Read one HTML page of a government portal into plain facts.

No HTTP here: a page's text and URL in, a :class:`PageFacts` out. The
heuristics follow what the common CMSs print (TRS WCM, 开普云 ucap, 大汉
Hanweb): the 当前位置 breadcrumb, ``meta ColumnName``/``ArticleTitle``/``PubDate``,
metadata tables labelled 索引号 / 发布机构 / 文号 / 成文日期 / 发布日期, lists of
dated links, ``createPageHTML`` and 下一页 pagination, 相关解读 / 原文链接 lines.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag

from .dates import parse_date
from .urls import canonical

NAV_HINT = re.compile(r"nav|menu|side|left|header|footer|position|crumb|location|xxgk-nav|sub-columns|column-title", re.I)
PAGER_TEXT = re.compile(r"^\s*(下一页|下页|后一页|尾页|末页|上一页|上页|首页|\d{1,4}|>|>>|»)\s*$")
PAGER_CLASS = re.compile(r"page|pager|pagination|fenye", re.I)
NEXT_TEXT = {"下一页", "下页", "后一页", "尾页", "末页"}
CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']")
BREAD_LABEL = re.compile(r"^\s*(当前位置|您的位置|您现在的位置|所在位置|当前位置是)\s*[:：]?\s*")
BREAD_SPLIT = re.compile(r"\s*(?:>|＞|›|»|→|/|\\|>>)\s*")
HOME_NAMES = {"首页", "网站首页", "主页", "门户首页"}
TAIL_NAMES = {"正文", "详情", "详细信息", "内容", "信息详情", "文章详情"}
DATE_IN_TEXT = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")

META_LABELS: dict[str, re.Pattern] = {
    "index_no": re.compile(r"索\s*引\s*号"),
    "publisher": re.compile(r"发\s*布\s*机\s*构|发文机关|发文单位|公开责任部门"),
    "doc_no": re.compile(r"^\s*(文\s*号|发文字号)"),
    "document_date": re.compile(r"成\s*文\s*日\s*期|发\s*文\s*日\s*期|生\s*成\s*日\s*期|印发日期"),
    "publish_date": re.compile(r"发\s*布\s*日\s*期|发\s*布\s*时\s*间|公开日期|发文时间"),
    "validity": re.compile(r"有\s*效\s*性|效力状态|时效性"),
}
ANY_LABEL = re.compile(
    r"\s*(索\s*引\s*号|发\s*布\s*机\s*构|发文机关|发文单位|文\s*号|发文字号|成\s*文\s*日\s*期|发\s*文\s*日\s*期|生\s*成\s*日\s*期"
    r"|发\s*布\s*日\s*期|发\s*布\s*时\s*间|有\s*效\s*性|主\s*题\s*分\s*类|标\s*题|分\s*类)\s*[:：]"
)
INTERP_LABEL = re.compile(r"解读")
SOURCE_LABEL = re.compile(r"原文|相关文件|政策文件|文件链接|关联文件")
ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|xlsx?|wps|ofd|zip|rar|7z|et|txt|csv)$", re.I)

SITE_CODE = re.compile(r"(?:政府)?网站标识码\s*[:：]?\s*([A-Za-z0-9]{10})")
ICP = re.compile(r"[\u4e00-\u9fa5]ICP\s*[备證证]\s*\d+\s*号(?:\s*-\s*\d+)?")
PSB = re.compile(r"[\u4e00-\u9fa5]公网安备\s*\d+\s*号?")


@dataclass
class Link:
    url: str
    text: str
    kind: str  # nav | pager | entry | body | other


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


def _in_nav(tag: Tag) -> bool:
    for parent in [tag, *tag.parents]:
        if not isinstance(parent, Tag):
            continue
        if parent.name in {"nav", "header", "footer"}:
            return True
        ident = " ".join(parent.get("class") or []) + " " + (parent.get("id") or "")
        if ident.strip() and NAV_HINT.search(ident):
            return True
    return False


def _in_pager(tag: Tag) -> bool:
    for parent in tag.parents:
        if isinstance(parent, Tag):
            ident = " ".join(parent.get("class") or []) + " " + (parent.get("id") or "")
            if PAGER_CLASS.search(ident):
                return True
    return False


def _text(tag: Tag | NavigableString | None) -> str:
    if tag is None:
        return ""
    s = tag.get_text(" ", strip=True) if isinstance(tag, Tag) else str(tag)
    return re.sub(r"\s+", " ", s).strip()


def _breadcrumb(soup: BeautifulSoup) -> tuple[str, ...]:
    for node in soup.find_all(string=BREAD_LABEL):
        holder = node.parent
        # climb until the holder contains the crumb links
        for _ in range(3):
            if holder.find("a") is not None or holder.parent is None:
                break
            holder = holder.parent
        text = BREAD_LABEL.sub("", _text(holder))
        names = [n.strip() for n in BREAD_SPLIT.split(text) if n.strip()]
        names = [n for n in names if n not in HOME_NAMES]
        while names and names[-1] in TAIL_NAMES:
            names.pop()
        if names:
            return tuple(names)
    return ()


def _meta_value(label_node: NavigableString, pattern: re.Pattern) -> str | None:
    """The value printed beside a label: after its colon, or in the next cell/element."""
    s = str(label_node)
    m = pattern.search(s)
    rest = re.sub(r"^\s*[:：]?\s*", "", s[m.end():]) if m else ""
    if rest.strip():
        # "发布时间：2018-06-29  来源：…" keeps only the first field
        return re.split(r"\s{2,}|\u3000|来源[:：]|阅读|字体|浏览", rest.strip())[0].strip()
    el: Tag | None = label_node.parent
    for _ in range(3):
        if el is None:
            return None
        sib = el.find_next_sibling()
        if sib is not None:
            value = _text(sib)
            if ANY_LABEL.match(value):
                return ""  # the next thing is another label: this one is empty
            return value
        el = el.parent
    return ""


def _article_metadata(soup: BeautifulSoup) -> dict[str, object]:
    found: dict[str, object] = {}
    for key, pattern in META_LABELS.items():
        for node in soup.find_all(string=pattern):
            if node.parent is not None and node.parent.name in {"script", "style", "title", "a"}:
                continue
            if len(str(node).strip()) > 40:  # a sentence in the body mentioning the word, not a label
                continue
            value = _meta_value(node, pattern)
            if value is None:
                continue
            found[key] = value
            break
    for key in ("document_date", "publish_date"):
        if key in found:
            found[key] = parse_date(str(found[key]))
    return found


def _related(soup: BeautifulSoup, base: str, label: re.Pattern) -> list[str]:
    """Links introduced by a label (相关解读：…, 原文链接：…) or whose own text carries it."""
    out: list[str] = []
    for a in soup.find_all("a", href=True):
        if _in_nav(a):
            continue
        own = _text(a)
        before = ""
        prev = a.previous_sibling
        while prev is not None and len(before) < 30:
            before = _text(prev) + before
            prev = prev.previous_sibling
        if not before and a.parent is not None:
            before = _text(a.parent)[:20]
        if label.search(own) or label.search(before):
            url = canonical(urljoin(base, a["href"]))
            if url and url not in out:
                out.append(url)
    return out


def extract(url: str, html: str) -> PageFacts:
    soup = BeautifulSoup(html, "lxml")
    facts = PageFacts(url=url)
    for m in soup.find_all("meta"):
        name = (m.get("name") or "").strip()
        if name and m.get("content") is not None:
            facts.meta[name.lower()] = m["content"].strip()
    h1 = soup.find("h1")
    facts.title = facts.meta.get("articletitle") or (_text(h1) if h1 else "") or _text(soup.title)
    facts.column_path = _breadcrumb(soup)
    if not facts.column_path and facts.meta.get("columnname"):
        facts.column_path = (facts.meta["columnname"],)

    entry_anchors: set[int] = set()
    for row in soup.find_all(["li", "tr", "dd"]):
        a = row.find("a", href=True)
        if a is None or _in_nav(row):
            continue
        title = a.get("title") or _text(a)
        rest = _text(row).replace(_text(a), "", 1)
        m = DATE_IN_TEXT.search(rest)
        if not title or not m:
            continue
        target = canonical(urljoin(url, a["href"]))
        if not target:
            continue
        entry_anchors.add(id(a))
        facts.entries.append((target, title.strip(), parse_date(m.group(0))))

    for a in soup.find_all("a", href=True):
        target = canonical(urljoin(url, a["href"]))
        if not target:
            continue
        text = _text(a)
        if id(a) in entry_anchors:
            kind = "entry"
        elif (PAGER_TEXT.match(text) and (_in_pager(a) or text in NEXT_TEXT)):
            kind = "pager"
        elif _in_nav(a):
            kind = "nav"
        else:
            kind = "body"
        facts.links.append(Link(target, text, kind))
        if kind == "pager":
            facts.pagination.append(target)
    for script in soup.find_all("script"):
        for n, _cur, name, ext in CREATE_PAGE.findall(script.string or ""):
            for i in range(1, int(n)):
                target = canonical(urljoin(url, f"{name}_{i}.{ext}"))
                if target and target not in facts.pagination:
                    facts.pagination.append(target)
                    facts.links.append(Link(target, f"第{i + 1}页", "pager"))

    meta = _article_metadata(soup)
    is_article = bool(facts.meta.get("articletitle")) or ("index_no" in meta and len(facts.entries) < 3)
    if is_article:
        facts.kind = "article"
        if not meta.get("publish_date") and facts.meta.get("pubdate"):
            meta["publish_date"] = parse_date(facts.meta["pubdate"])
        meta["interpretation_links"] = [u for u in _related(soup, url, INTERP_LABEL) if u != url]
        meta["source_links"] = [u for u in _related(soup, url, SOURCE_LABEL) if u != url]
        meta["attachments"] = [l.url for l in facts.links if ATTACHMENT_EXT.search(l.url.split("?")[0])]
        facts.article = meta
    elif facts.column_path and (facts.entries or soup.find(string=re.compile("暂无")) is not None or facts.meta.get("columnname")):
        facts.kind = "list"

    text = _text(soup.body) if soup.body else _text(soup)
    m_code = SITE_CODE.search(text)
    m_icp = ICP.search(text)
    m_psb = PSB.search(text)
    facts.identity = {
        "site_code": m_code.group(1) if m_code else None,
        "icp": re.sub(r"\s+", "", m_icp.group(0)) if m_icp else None,
        "psb": re.sub(r"\s+", " ", m_psb.group(0)) if m_psb else None,
    }
    return facts
