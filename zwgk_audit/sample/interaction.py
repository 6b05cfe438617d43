"""The sample portal's 互动交流 area (a 咨询留言 mailbox: its list and message pages) and its 办事指南 pages, with the
defects 19号文's 互动回应差 and 服务不实用 veto: messages of the past year unanswered for over three months, no
consultation channel, guides missing key elements, no 办事服务 at all.

Message lists and pages are drawn as mailbox systems draw them whatever the CMS: a table whose header names its
columns (留言标题 | 留言时间 | 答复时间 | 状态) and a labelled table per message; the plain dialect prints list rows that
label their own cells (留言时间：… 状态：…) and ``label：value`` lines. Guides come in three real layouts: a two-column
table, 【设定依据】 headings, and numbered headings (一、设定依据) using other labels (申请材料, 办理程序, 咨询电话).
"""
from __future__ import annotations

import datetime as dt
import html
import zlib
from typing import TYPE_CHECKING

from .model import GUIDE_COUNT, MESSAGE_COUNT

if TYPE_CHECKING:  # pragma: no cover
    from .generator import _Builder

MAILBOX, HUB, GUIDES = "咨询留言", "互动交流", "办事指南"
MESSAGE_TOPICS = ["危险化学品经营许可办理进度", "安全生产培训报名方式", "应急避难场所位置", "防汛物资储备情况", "特种作业证复审",
                  "烟花爆竹零售许可条件", "安全隐患举报奖励标准", "安全评价机构资质查询", "森林防火期野外用火", "应急预案备案材料",
                  "工贸企业安全检查频次", "救灾物资发放", "应急管理局办公地址"]
ASKERS = ["王**", "李**", "张**", "刘**", "陈**", "杨**", "赵**", "黄**", "周**", "吴**", "徐**", "孙**", "胡**"]

# (事项, layout); each guide shows every element under the labels its layout uses
GUIDE_ITEMS = [("危险化学品经营许可证核发", "table"), ("烟花爆竹经营（零售）许可", "bracket"),
               ("生产经营单位生产安全事故应急预案备案", "heading")]
LABELS = {  # element -> the label each layout prints
    "table": {"事项名称": "事项名称", "设定依据": "设定依据", "申请条件": "申请条件", "办理材料": "办理材料",
              "办理流程": "办理流程", "办理时限": "办理时限", "收费标准": "收费标准", "咨询方式": "咨询方式",
              "办理地点": "办理地点", "办理时间": "办理时间"},
    "bracket": {"事项名称": "事项名称", "设定依据": "设定依据", "申请条件": "受理条件", "办理材料": "申请材料",
                "办理流程": "办理流程", "办理时限": "承诺时限", "收费标准": "收费依据及标准", "咨询方式": "咨询电话",
                "办理地点": "受理地点"},
    "heading": {"设定依据": "法律依据", "申请条件": "申请条件", "办理材料": "申请材料", "办理流程": "办理程序",
                "办理时限": "法定办结时限", "收费标准": "是否收费", "咨询方式": "咨询电话", "办理时间": "办公时间"},
}
DROPPED = ["设定依据", "收费标准"]  # what a guide planted incomplete leaves out
NUMERALS = "一二三四五六七八九十"


def withheld(defects) -> list[str]:
    """Columns a defect removes from the portal (besides ``missing_columns``)."""
    out = []
    if defects.no_interaction:
        out += [HUB, MAILBOX]
    if defects.no_services:
        out.append(GUIDES)
    return out


def build(b: "_Builder") -> None:
    """Messages and guides, before the list pages are drawn (the hub lists the newest messages)."""
    messages(b)
    guides(b)
    if b.d.no_interaction:
        b.defects.append({"type": "no_interaction", "subject": "咨询建言渠道", "check": "interaction_responsive",
                          "detail": {"url": "/index.html", "removed": [HUB, MAILBOX]}})
    if b.d.no_services:
        b.defects.append({"type": "no_services", "subject": "办事服务", "check": "service_practical",
                          "detail": {"url": "/index.html", "removed": [GUIDES]}})
        if GUIDES not in b.d.missing_columns:  # the 办事指南 column other checklists require is gone too
            b.defects.append({"type": "missing_column", "subject": GUIDES, "check": "column_present", "detail": {}})


def _ident(text: str) -> int:
    return 1000 + zlib.crc32(text.encode("utf-8")) % 9_000_000


def messages(b: "_Builder") -> None:
    if MAILBOX not in b.by_name or MAILBOX in b.d.empty_columns:
        return
    from .generator import Entry, Page

    as_of = b.cfg.as_of
    slug = b.by_name[MAILBOX][1]
    stale = MAILBOX in b.d.stale_columns
    planted = set(range(3, 3 + b.d.unanswered_messages))
    b.messages = []
    for i in range(MESSAGE_COUNT):
        rng = b.item_rng(f"message|{i}")
        day = as_of - dt.timedelta(days=(420 if stale else 0) + 12 + i * 30 + rng.randint(0, 5))
        asked = dt.datetime(day.year, day.month, day.day, 8 + rng.randint(0, 9), rng.randint(0, 59), rng.randint(0, 59))
        title = f"关于{MESSAGE_TOPICS[i]}的咨询"
        answered, status, kind = None, "处理中", None
        if i in planted:
            kind = "no_reply" if (i - 3) % 2 == 0 else "late_reply"
            if kind == "late_reply":
                answered = asked + dt.timedelta(days=100 + rng.randint(0, 20), hours=3)
                status = "已办结"
        elif i > 0 or stale:  # the newest is still being handled, within its three months
            answered = asked + dt.timedelta(days=1 + rng.randint(0, 19), hours=5)
            status = "已办结"
        url = f"/{slug}/detail_{_ident(title)}.html"
        m = {"url": url, "title": title, "asked": asked, "answered": answered, "status": status,
             "asker": ASKERS[i], "topic": MESSAGE_TOPICS[i]}
        b.messages.append(m)
        b.portal.pages[url] = Page(message_page(b, m))
        b.entries[MAILBOX].append(Entry(title, url, day))
        if kind:
            b.defects.append({"type": "unanswered_message", "subject": url, "check": "interaction_responsive",
                              "detail": {"asked": asked.date().isoformat(), "kind": kind, "status": status,
                                         "answered": answered.date().isoformat() if answered else None}})
    if HUB in b.by_name:  # the 互动交流 landing page lists the newest messages, as real ones do
        b.entries[HUB] = sorted(b.entries[MAILBOX], key=lambda e: e.date, reverse=True)[:8]


def _when(t: dt.datetime | None) -> str:
    return f"{t:%Y-%m-%d %H:%M:%S}" if t else ""


def message_page(b: "_Builder", m: dict) -> str:
    """One message as a mailbox system shows it: a labelled table (a ``label：value`` block in the plain dialect)."""
    agency = b.cfg.agency
    answer = (f"您好！关于{m['topic']}的问题，经核实答复如下：请按规定办理，详情可咨询我局相关业务科室。感谢您的来信。"
              if m["answered"] else "")
    replier = agency if m["answered"] else ""
    content = f"您好，请问{m['topic']}有什么规定？希望尽快答复，谢谢。"
    if b.dia.lists == "plain":
        block = (f'<div class="xjxx"><h2>{html.escape(m["title"])}</h2>'
                 f'<p>留言人：{m["asker"]}　留言时间：{_when(m["asked"])}</p>'
                 f'<p>留言内容：{content}</p>'
                 f'<p>办理状态：{m["status"]}　答复单位：{replier}</p>'
                 f'<p>答复时间：{_when(m["answered"])}</p><p>答复内容：{answer}</p></div>\n')
    else:
        block = ('<div class="xjxx"><table class="xjxx-table" border="1">'
                 f'<tr><th>留言标题：</th><td colspan="3">{html.escape(m["title"])}</td></tr>'
                 f'<tr><th>留言人：</th><td>{m["asker"]}</td><th>留言时间：</th><td>{_when(m["asked"])}</td></tr>'
                 f'<tr><th>留言内容：</th><td colspan="3">{content}</td></tr>'
                 f'<tr><th>办理状态：</th><td>{m["status"]}</td><th>答复单位：</th><td>{replier}</td></tr>'
                 f'<tr><th>答复时间：</th><td colspan="3">{_when(m["answered"])}</td></tr>'
                 f'<tr><th>答复内容：</th><td colspan="3">{answer}</td></tr></table></div>\n')
    return (b.head(m["title"], MAILBOX) + b.nav() + b.breadcrumb(b.path_of(MAILBOX))
            + f'<div class="right">{block}</div>\n' + b.footer())


def message_list(b: "_Builder", name: str) -> None:
    """The mailbox's list page: a table with a header row (ul rows labelling their cells in the plain dialect)."""
    from .generator import Page

    ms = sorted(getattr(b, "messages", []), key=lambda m: m["asked"], reverse=True)
    if not ms:
        rows = '<p class="nodata">暂无信息</p>'
    elif b.dia.lists == "plain":
        rows = _plain_rows(ms)
    else:
        head = "<tr><th>序号</th><th>留言标题</th><th>留言时间</th><th>答复时间</th><th>状态</th></tr>"
        body = "".join(
            f'<tr><td>{k + 1}</td><td><a href="{m["url"]}" target="_blank">{html.escape(m["title"])}</a></td>'
            f'<td>{m["asked"]:%Y-%m-%d}</td><td>{m["answered"]:%Y-%m-%d}</td><td>{m["status"]}</td></tr>'
            if m["answered"] else
            f'<tr><td>{k + 1}</td><td><a href="{m["url"]}" target="_blank">{html.escape(m["title"])}</a></td>'
            f'<td>{m["asked"]:%Y-%m-%d}</td><td></td><td>{m["status"]}</td></tr>' for k, m in enumerate(ms))
        rows = f'<table class="xjlb" width="100%">{head}{body}</table>'
    page = f'{rows}\n<div class="page"><span>共{len(ms)}条</span></div>\n'
    b.portal.pages[b.col_url(name)] = Page(b.list_page(name, page))


def _plain_rows(ms: list[dict]) -> str:
    lis = []
    for m in ms:
        answered = f"{m['answered']:%Y-%m-%d}" if m["answered"] else ""
        lis.append(f'<li><a href="{m["url"]}" title="{html.escape(m["title"])}">{html.escape(m["title"])}</a>'
                   f'<span>留言时间：{m["asked"]:%Y-%m-%d}</span><span>答复时间：{answered}</span>'
                   f'<span>状态：{m["status"]}</span></li>')
    return '<ul class="xjlb">' + "".join(lis) + "</ul>"


def _values(b: "_Builder", item: str) -> dict[str, str]:
    agency = b.cfg.agency
    return {
        "事项名称": item,
        "设定依据": "《中华人民共和国安全生产法》；《危险化学品安全管理条例》；《烟花爆竹安全管理条例》",
        "申请条件": "申请人依法设立，有符合规定的经营场所和安全管理制度，主要负责人和安全管理人员经考核合格。",
        "办理材料": "1.申请书；2.营业执照复印件；3.经营场所产权证明；4.安全管理制度和岗位操作规程；5.相关人员考核合格证明。",
        "办理流程": "申请→受理→审查→决定→送达，可通过政务服务网在线申请。",
        "办理时限": "法定时限20个工作日；承诺时限10个工作日。",
        "收费标准": "不收费。",
        "咨询方式": "咨询电话：022-00000000（工作日）",
        "办理地点": f"市政务服务中心{agency}窗口",
        "办理时间": "工作日上午9:00-12:00，下午13:30-17:00",
    }


def guide_body(b: "_Builder", item: str, layout: str, drop: list[str]) -> str:
    values = _values(b, item)
    labels = LABELS[layout]
    shown = [(el, labels[el]) for el in labels if el not in drop]
    if layout == "table":
        rows = "".join(f"<tr><th>{label}</th><td>{html.escape(values[el])}</td></tr>" for el, label in shown)
        return f'<table class="bszn" border="1">{rows}</table>'
    if layout == "bracket":
        return "".join(f"<p>【{label}】{html.escape(values[el])}</p>" for el, label in shown)
    return "".join(f"<h3>{NUMERALS[k]}、{label}</h3><p>{html.escape(values[el])}</p>" for k, (el, label) in enumerate(shown))


def guides(b: "_Builder") -> None:
    """The 办事指南 column's guides (dated as the column's articles always were), the first ones planted incomplete."""
    if GUIDES not in b.by_name or GUIDES in b.d.empty_columns:
        return
    stale = GUIDES in b.d.stale_columns
    days = b.make_dates("slow", GUIDE_COUNT, stale, GUIDES)
    for i, ((item, layout), day) in enumerate(zip(GUIDE_ITEMS, days)):
        drop = DROPPED if i < b.d.guide_missing_elements else []
        title = f"{item}办事指南"
        url = b.add_article(GUIDES, title, day, guide_body(b, item, layout, drop))
        if drop:
            b.defects.append({"type": "guide_missing_elements", "subject": url, "check": "service_practical",
                              "detail": {"missing": list(drop), "layout": layout}})
