"""Which key elements (重点要素) a 办事指南 page shows: 事项名称, 设定依据, 申请条件, 办理材料, 办理流程, 办理时限,
收费标准, 咨询方式, and 办理地点 / 办理时间 when present.

The label vocabulary is data (``data/guide_elements.yaml``); labels are matched as labels — a table cell, 【设定依据】,
a numbered heading (一、设定依据), ``label：value`` — never as words anywhere in the text (a guide that says
"申请材料齐全的，当场受理" in a sentence shows no 办理材料 element by that). An element counts as shown when its label
has something under it; a label with nothing after it is recorded as blank.

A guide page that labels nothing and links a .doc/.pdf (the guide in an attachment) says so (``attachment_only``):
its elements cannot be read from the page. Also here: links to an online service hall (政务服务网 hosts and names), and
named entrances whose link has no address (``javascript:;``), which a check reports as unverifiable, not absent.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from . import labelled
from .source_words import ascii_free

GUIDE_FIELDS = ["url", "title", "elements", "blank", "attachment_only"]
ATTACHMENT_NAME = re.compile(r"\.(?:docx?|pdf|wps|xlsx?|ofd|zip|rar)\s*$", re.I)
TITLE_ITEM = re.compile(r"办事指南|服务指南|办理指南|申报指南|审批指南")


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    data = yaml.safe_load(resources.files("zwgk_audit").joinpath("data/guide_elements.yaml").read_text(encoding="utf-8"))
    labels = labelled.Labels(data["elements"], data.get("need_colon", ()))
    words = sorted(labels.key_of, key=len, reverse=True)
    service = data["service_links"]
    return {
        "labels": labels, "elements": list(data["elements"]),
        "trigger": re.compile("|".join(map(re.escape, ascii_free([w for w in words if w not in labels.need_colon],
                                                                 "data/guide_elements.yaml")))),
        "hosts": re.compile(service["hosts"], re.I),
        "texts": tuple(service["texts"]),
        "entrance": re.compile("|".join(map(re.escape, data.get("entrance_words", [])))),
    }


def element_of(name: str) -> str | None:
    """The element a checklist parameter names: an element (设定依据) or any of its labels (法律依据, 申请材料)."""
    labels = vocabulary()["labels"]
    return name if name in vocabulary()["elements"] else labels.key_of.get(name)


def read(lines: list[str], title: str, anchors: list[tuple[str, str]]) -> dict:
    """The elements the page's text ``lines`` label (without menus and footers), which labels are blank, and whether
    the page is only a pointer to an attached file (``anchors``: (href, text) of the page's links)."""
    vocab = vocabulary()
    found: dict[str, str] = {}
    blank: set[str] = set()
    if any(vocab["trigger"].search(line) for line in lines):
        hits = labelled.find(lines, vocab["labels"])
        for hit, value in labelled.values(lines, hits, follow=40, max_chars=200):
            if not hit.key:
                continue
            if value:
                found.setdefault(hit.key, hit.form)
            else:
                blank.add(hit.key)
    if "事项名称" not in found and title:
        found["事项名称"] = "title"  # a guide titled by its item names it (the check says the name came from the title)
    files = [t for href, t in anchors if ATTACHMENT_NAME.search(t or "") or ATTACHMENT_NAME.search((href or "").split("?")[0])]
    labelled_count = len([k for k, how in found.items() if how != "title"])
    # nothing labelled on the page, and a file attached: the guide may well be in the file (not read here)
    return {"title": title, "elements": found, "blank": sorted(blank - set(found)),
            "attachment_only": bool(files) and labelled_count == 0 and not blank}


def service_link(url: str, text: str) -> str | None:
    """Why a link leads to an online service hall (its host, or its name), or None."""
    vocab = vocabulary()
    host = re.sub(r"^[a-z]+://", "", url or "", flags=re.I).split("/")[0].split(":")[0].lower()
    if host and vocab["hosts"].search(host):
        return f"地址为政务服务平台（{host}）"
    t = re.sub(r"\s+", "", text or "")
    if t and len(t) <= 20:
        hit = next((w for w in vocab["texts"] if w in t), None)
        if hit:
            return f"链接名称含“{hit}”"
    return None


def entrance_named(text: str) -> bool:
    """A link text naming a service entrance (政务服务, 网上办事, 四川政务服务网)."""
    return bool(text) and len(text) <= 20 and vocabulary()["entrance"].search(text) is not None


def is_guide_title(title: str) -> bool:
    return bool(TITLE_ITEM.search(title or ""))
