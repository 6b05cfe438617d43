"""留言 (messages) as consultation columns show them: 留言标题, 留言时间, 答复时间, 状态, 答复单位.

Three shapes, all read as labels from ``data/messages.yaml`` (never words inside a sentence):

* a message's own page, its fields in a labelled table or ``label：value`` lines (信件名称：职称 / 提交时间：2020-12-21 /
  回复部门：… / 回复时间：2020-12-23 / 回复内容：…) — one message whose URL is the page;
* a list whose header row names its columns (标题 | 留言时间 | 答复时间 | 状态), as ``<table>`` rows or ``<ul>``/``<div>``
  rows of cells — one message per row, its URL the row's link;
* list rows that label their own cells (``<li><a>…</a><span>留言时间：…</span><span>状态：已回复</span></li>``), or hold a
  date and a cell that is only a status word (``<li><a>…</a><span>2021-03-02</span><span>已办结</span></li>``).

Which column a message sits in (政务咨询 vs 在线访谈, 信访, 纪检举报, which 19号文 leaves out) is the site model's
business: the check (``checks/interaction.py``) looks it up. Extraction only reads what the page shows.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from importlib import resources

import yaml

from . import labelled
from .source_words import SourceWords, ascii_free
from .dates import parse_date

MESSAGE_FIELDS = ["url", "page_url", "title", "asked", "answered", "status", "state", "replier", "category",
                  "answer_shown", "reply_shown", "listed", "source"]
OWN_FIELDS = {"asked", "answered", "status", "replier", "answer", "asker", "content"}  # not 标题/类型: any page has them
DATE_IN_TEXT = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
NO_ANSWER = re.compile(r"^(?:暂无|尚无|尚未|还未|没有|无|未)(?:回复|答复|内容|办理结果|结果)?[。.]?$|^[-—/]+$")


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    data = yaml.safe_load(resources.files("zwgk_audit").joinpath("data/messages.yaml").read_text(encoding="utf-8"))
    labels = labelled.Labels(data["fields"], data.get("need_colon", ()))
    states = sorted(((w, state) for state, words in data["status"].items() for w in words), key=lambda x: -len(x[0]))
    strong = [w for state in ("pending", "replied") for w in data["status"][state] if len(w) >= 3]
    trigger_words = [w for k, ws in data["fields"].items() if k in ("asked", "answered", "status") for w in ws
                     if w not in labels.need_colon] + strong
    return {"labels": labels, "states": states,
            "trigger": re.compile("|".join(map(re.escape, ascii_free(sorted(set(trigger_words), key=len, reverse=True),
                                                                     "data/messages.yaml")))),
            "entrance": re.compile("|".join(map(re.escape, data.get("entrance_words", []))))}


def state_of(text: str | None) -> str | None:
    """replied | pending | invalid for what a 状态 cell says (None when it says none of them)."""
    t = re.sub(r"\s+", "", text or "")
    if not t or len(t) > 12:
        return None
    return next((state for word, state in vocabulary()["states"] if word in t), None)


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def read(doc, source: SourceWords, base: str, title: str, nav: set, resolve,
         nav_lines: list[str] | None = None) -> list[dict]:
    """The messages a page shows: its list rows, else the page's own message. ``resolve(base, href)`` makes links
    absolute (extract/page.py's resolver); ``source``: the page's HTML source."""
    vocab = vocabulary()
    if not source.mention(vocab["trigger"]):
        return []
    rows = _header_rows(doc, base, nav, resolve) or _labelled_rows(doc, base, nav, resolve) or _status_rows(
        doc, base, nav, resolve)
    if rows:
        seen, out = set(), []
        for r in rows:
            key = r["url"] or (r["title"], r["asked"], r["listed"], r["status"])  # rows with no link: same title twice
            if key and key not in seen:
                seen.add(key)
                out.append(r)
        return out
    own = _own(doc, title, nav, base, nav_lines)
    return [own] if own else []


def _message(url, page_url, source, values: dict[str, str], shown: set, listed=None, title="") -> dict:
    answer = (values.get("answer") or "").strip()
    status = (values.get("status") or "").strip()
    return {
        "url": url, "page_url": page_url, "title": (values.get("title") or title or "").strip()[:200],
        "asked": parse_date(values.get("asked")), "answered": parse_date(values.get("answered")),
        "status": status[:40], "state": state_of(status), "replier": (values.get("replier") or "").strip()[:80],
        "category": (values.get("category") or "").strip()[:40],
        "answer_shown": bool(answer) and not NO_ANSWER.match(answer),
        "reply_shown": bool({"answered", "answer", "replier"} & shown), "listed": listed, "source": source,
    }


def fields_of(lines: list[str]) -> tuple[dict[str, str], set[str]]:
    """The first non-empty value of each message field the lines label, and which fields are labelled at all."""
    labels = vocabulary()["labels"]
    hits = labelled.find(lines, labels)
    values: dict[str, str] = {}
    shown: set[str] = set()
    for hit, value in labelled.values(lines, hits, follow=1, max_chars=400):
        if not hit.key:
            continue
        shown.add(hit.key)
        if hit.key in ("asked", "answered") and value and parse_date(value) is None:
            continue  # "回复时间" followed by no date: no date (a later cell may still give one)
        if value and not values.get(hit.key):
            values[hit.key] = value
    return values, shown


def _own(doc, title: str, nav: set, base: str, nav_lines: list[str] | None = None) -> dict | None:
    """A message page: at least two message fields labelled, one of them 留言时间, 答复时间 or 状态.
    ``nav_lines``: ``lines_of(doc, nav)`` when the caller has it already."""
    from .metadata import lines_of

    values, shown = fields_of(list(nav_lines) if nav_lines is not None else lines_of(doc, nav))
    if len(shown & OWN_FIELDS) < 2 or not shown & {"asked", "answered", "status"}:
        return None
    return _message(base, base, "page", values, shown, title=title)


def _cells(el) -> list:
    return [c for c in el if isinstance(c.tag, str) and c.tag not in ("script", "style")]


def _header_rows(doc, base, nav, resolve) -> list[dict]:
    """Rows under a header row whose cells are labels (标题 | 留言时间 | 答复时间 | 状态)."""
    labels = vocabulary()["labels"]
    out = []
    for head in doc.iter("tr", "ul", "ol", "div", "dl", "li", "p"):
        if head in nav:
            continue
        cells = _cells(head)
        if not 2 <= len(cells) <= 12:
            continue
        keys, texts = [], [_text(c) for c in cells]
        if any(t.endswith(("：", ":")) or DATE_IN_TEXT.search(t) for t in texts):
            continue  # "留言时间：" | 2021-03-01: a message's own labelled row, not a list's column headers
        for t in texts:
            word = labels.word(t) if len(t) <= 12 else None
            keys.append(labels.key_of[word] if word else None)
        named = [k for k in keys if k]
        others = [t for t, k in zip(texts, keys) if t and k is None]
        if len(named) < 2 or not {"asked", "answered", "status"} & set(named) or len(others) > len(named):
            continue
        rows = [r for r in head.itersiblings() if r.tag == head.tag]
        parent = head.getparent()
        if parent is not None and parent.tag == "thead":
            body = parent.getnext()
            rows = [r for r in (body if body is not None else []) if r.tag == "tr"]
        for r in rows:
            rc = _cells(r)
            if len(rc) != len(cells):
                continue
            values = {k: _text(c) for k, c in zip(keys, rc) if k}
            anchor = r.find(".//a[@href]")
            url = resolve(base, anchor.get("href")) if anchor is not None else None
            title = values.get("title") or (_text(anchor) if anchor is not None else "")
            if anchor is not None and anchor.get("title"):
                title = anchor.get("title").strip()
            if not title and not values.get("asked"):
                continue
            out.append(_message(url, base, "list", values, set(named), title=title))
    return out


def _link_rows(doc, nav):
    """List rows (li/tr/dd) outside the navigation holding one to three links, with those links."""
    for row in doc.iter("li", "tr", "dd"):
        if row in nav:
            continue
        anchors = row.findall(".//a[@href]")
        if 1 <= len(anchors) <= 3:
            yield row, anchors


def _labelled_rows(doc, base, nav, resolve) -> list[dict]:
    """List rows (li/tr/dd) with a link that label their own cells (留言时间：… 状态：…): two rows at least, so a
    message page's own labelled table (no links in its rows) or one stray row is never taken for a list."""
    labels = vocabulary()["labels"]
    out = []
    for row, anchors in _link_rows(doc, nav):
        flat = _text(row)
        if len(flat) > 400 or ("：" not in flat and ":" not in flat) or not labels.at.search(flat):
            continue
        values, shown = fields_of(_row_lines(row))
        if not shown & {"asked", "answered", "status"}:
            continue
        a = anchors[0]
        title = (a.get("title") or "").strip() or _text(a)
        out.append(_message(resolve(base, a.get("href")), base, "list", values, shown, title=title))
    return out if len(out) >= 2 else []


def _row_lines(row) -> list[str]:
    """A list row's text runs, each its own line: its cells are inline spans (<span>留言时间：…</span><span>状态：…)."""
    parts = []
    for el in row.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if el.text and el.text.strip():
            parts.append(el.text)
        if el is not row and el.tail and el.tail.strip():
            parts.append(el.tail)
    return [" ".join(p.split()) for p in parts]


def _status_rows(doc, base, nav, resolve) -> list[dict]:
    """List rows holding a link, a date and a cell that is only a status word (已回复, 处理中, 已办结)."""
    out = []
    for row, anchors in _link_rows(doc, nav):
        status = next((t for c in row.iter() if isinstance(c.tag, str) and c is not row and c.tag != "a"
                       and len(c) == 0 and (t := _text(c)) and len(t) <= 6 and state_of(t)), None)
        if status is None:
            continue
        a = anchors[0]
        own = _text(a)
        m = DATE_IN_TEXT.search(_text(row).replace(own, "", 1))
        title = (a.get("title") or "").strip() or own
        if not title:
            continue
        listed = parse_date(m.group(0)) if m else None
        out.append(_message(resolve(base, a.get("href")), base, "list", {"status": status}, {"status"},
                            listed=listed, title=title))
    return out


def entrance_named(text: str) -> bool:
    """A link text naming a consultation entrance (局长信箱, 我要写信, 在线咨询)."""
    return bool(text) and len(text) <= 20 and vocabulary()["entrance"].search(text) is not None


def parse_day(value) -> dt.date | None:
    return value if isinstance(value, dt.date) else parse_date(value) if isinstance(value, str) else None
