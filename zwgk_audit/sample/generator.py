"""Generate the sample agency portal: pages in memory plus a manifest of planted defects.

Layouts follow real CMS templates seen in ``shared/corpus/pages``: TRS WCM
(``createPageHTML`` pagination, ``t20260512_123.html`` article names, meta
``ColumnName``/``PubDate``), 开普云 (``dl.meta-data`` metadata blocks, "相关解读："
lines in the body), 大汉 (``下一页`` links), and the usual 当前位置 breadcrumb and
footer with 网站标识码 / ICP备案 / 公网安备. A dialect (:mod:`.dialects`) redraws the same portal the way
another CMS family does: 开普云, 大汉 Hanweb (datastore lists, POST pages), Guangdong gkmlpt (JSON lists,
``_CONFIG.DETAIL``), or a plain CMS without breadcrumbs or 索引号.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import random
import zlib
from urllib.parse import parse_qsl, urlencode
from dataclasses import dataclass, field
from typing import Any

from .. import calendar as wd
from . import interaction
from .dialects import dialect
from .model import COLUMNS, CONTAINER_COLUMNS, PAGE_SIZE, STALE_HOME_DAYS, SampleConfig

GKMLPT_SID = "1"
CST = dt.timezone(dt.timedelta(hours=8))

SITE_CODE = "1200000099"
ICP = "津ICP备05012345号-1"
PSB = "津公网安备 12010102000123号"

TOPICS = ["安全生产", "防汛抗旱", "森林防火", "应急救援", "防灾减灾", "危险化学品", "安全培训", "隐患排查"]
NEWS_VERBS = ["召开", "部署", "开展", "推进", "举办", "检查"]


@dataclass
class Page:
    body: str
    status: int = 200
    content_type: str = "text/html"


@dataclass
class Entry:
    title: str
    url: str
    date: dt.date


def form_key(target: str, body: str) -> str:
    """The key of a POST page: the target and its form, parameters in a stable order."""
    return target + "\n" + urlencode(sorted(parse_qsl(body, keep_blank_values=True)))


@dataclass
class SamplePortal:
    config: SampleConfig
    pages: dict[str, Page] = field(default_factory=dict)  # key: path[?query], or form_key() for a POST
    manifest: dict[str, Any] = field(default_factory=dict)

    def get(self, target: str, body: str | None = None) -> Page | None:
        return self.pages.get(form_key(target, body) if body is not None else target)

    def encode(self, page: Page) -> tuple[bytes, str]:
        """Bytes and Content-Type header as the server sends them."""
        if self.config.encoding.lower() in {"gbk", "gb2312", "gb18030"}:
            return page.body.encode("gbk", errors="xmlcharrefreplace"), f"{page.content_type}; charset=gbk"
        return page.body.encode("utf-8"), f"{page.content_type}; charset=utf-8"


def _shift_workdays(day: dt.date, n: int) -> dt.date:
    """``day`` moved back by ``n`` working days (weekdays where the calendar is unknown)."""
    while n > 0:
        day -= dt.timedelta(days=1)
        try:
            n -= wd.is_workday(day)
        except wd.CalendarUnknown:
            n -= day.weekday() < 5
    return day


def _safe_working_days(a: dt.date, b: dt.date) -> int | None:
    try:
        return wd.working_days_between(a, b)
    except wd.CalendarUnknown:
        return None


class _Builder:
    def __init__(self, cfg: SampleConfig):
        self.cfg = cfg
        self.dia = dialect(cfg.dialect)
        self.rng = random.Random(cfg.seed)
        self.d = cfg.defects
        self.d.validate()
        for name in self.d.missing_columns:
            if name in CONTAINER_COLUMNS:
                raise ValueError(f"{name!r} holds other columns; plant its children missing instead")
        self.portal = SamplePortal(cfg)
        self.defects: list[dict[str, Any]] = []
        self.columns = [c for c in COLUMNS if c[0] not in self.d.missing_columns + interaction.withheld(self.d)]
        self.by_name = {c[0]: c for c in self.columns}
        self.entries: dict[str, list[Entry]] = {c[0]: [] for c in self.columns}
        self.mcol: list[dict[str, Any]] = []
        self.documents: list[dict[str, Any]] = []
        self.gbk = cfg.encoding.lower() in {"gbk", "gb2312", "gb18030"}
        self.home_shown: list[Entry] = []  # the entries the home page lists (home_entries)

    # ---------------------------------------------------------------- helpers
    def show(self, name: str) -> str:
        """The name this dialect's portal shows for a sample column."""
        return self.dia.show(name)

    def col_id(self, name: str) -> int:
        return 100 + [c[0] for c in COLUMNS].index(name)

    def on_gkmlpt(self, name: str) -> bool:
        """Drawn by the gkmlpt catalogue (the whole 政府信息公开 platform in that dialect)."""
        return self.dia.lists == "gkmlpt" and self.path_of(name)[0] == "政府信息公开"

    def col_url(self, name: str) -> str:
        if self.on_gkmlpt(name):
            return "/gkmlpt/index" if name == "政府信息公开" else f"/gkmlpt/index#{self.col_id(name)}"
        if self.dia.lists == "hanweb":
            return f"/col/col{self.col_id(name)}/index.html"
        return f"/{self.by_name[name][1]}/index.html"

    def gkmlpt_api(self, name: str, page: int = 1) -> str:
        return f"/gkmlpt/api/all/{self.col_id(name)}?" + urlencode({"page": page, "sid": GKMLPT_SID})

    def path_of(self, name: str) -> list[str]:
        chain = []
        cur: str | None = name
        while cur:
            chain.append(cur)
            cur = next(c[2] for c in COLUMNS if c[0] == cur)
        return list(reversed(chain))

    def article_url(self, column: str, day: dt.date, title: str) -> str:
        """Stable per (column, title): planting other defects does not renumber a page, as on a real site."""
        ident = 1000 + zlib.crc32(f"{column}|{title}".encode("utf-8")) % 9_000_000
        if self.on_gkmlpt(column):
            return f"/gkmlpt/content/{ident // 1_000_000}/{ident // 1000}/post_{ident}.html"
        if self.dia.lists == "hanweb":
            return f"/art/{day.year}/{day.month}/{day.day}/art_{self.col_id(column)}_{ident}.html"
        if self.dia.lists == "plain":
            return f"/{self.by_name[column][1]}/{ident}.html"
        return f"/{self.by_name[column][1]}/{day:%Y%m}/t{day:%Y%m%d}_{ident}.html"

    def head(self, title: str, column: str | None = None, extra_meta: str = "") -> str:
        charset = (
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            if self.gbk
            else '<meta charset="utf-8">'
        )
        colmeta = (f'<meta name="ColumnName" content="{html.escape(self.show(column))}">'
                   if column and self.dia.column_meta else "")
        return (
            f"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>{charset}\n"
            f"<title>{html.escape(title)}_{self.cfg.agency}</title>\n"
            f'<meta name="SiteName" content="{self.cfg.agency}">'
            f'<meta name="SiteIDCode" content="{SITE_CODE}">{colmeta}{extra_meta}\n'
            '<link rel="stylesheet" href="/images/style.css"></head>\n<body>\n'
        )

    def nav(self) -> str:
        links = ['<li><a href="/index.html">首页</a></li>']
        for name in ("政务动态", "通知公告", "政府信息公开", "互动交流"):
            if name in self.by_name:
                links.append(f'<li><a href="{self.col_url(name)}">{self.show(name)}</a></li>')
        links.append('<li><a href="/search/index.html?q=">站内搜索</a></li>')
        return (
            f'<div class="header"><div class="logo">{self.cfg.agency}</div></div>\n'
            f'<div class="nav"><ul>{"".join(links)}</ul></div>\n'
        )

    def breadcrumb(self, names: list[str]) -> str:
        if self.dia.crumb_label is None:
            return ""
        parts = ['<a href="/index.html">首页</a>']
        for n in names:
            parts.append(f'<a href="{self.col_url(n)}">{self.show(n)}</a>')
        return f'<div class="position">{self.dia.crumb_label}{" &gt; ".join(parts)}</div>\n'

    def footer(self) -> str:
        ident = (
            ""
            if self.d.no_footer_identity
            else f'<p>网站标识码：{SITE_CODE} <a href="https://beian.miit.gov.cn/" target="_blank">{ICP}</a> '
            f'<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=12010102000123">{PSB}</a></p>'
        )
        return (
            '<div class="footer"><p><a href="/wzgl/gywm/index.html">关于我们</a> | '
            '<a href="/wzgl/wzdt/index.html">网站地图</a></p>'
            f"<p>主办单位：{self.cfg.agency} 承办：{self.cfg.agency}办公室 联系电话：022-00000000</p>"
            f"{ident}</div>\n</body></html>\n"
        )

    def xxgk_sidebar(self) -> str:
        items = []
        for name, _slug, parent, _cls, _p in self.columns:
            if parent == "政府信息公开":
                sub = ""
                if name == "法定主动公开内容":
                    kids = [c[0] for c in self.columns if c[2] == name]
                    sub = "<ul>" + "".join(f'<li><a href="{self.col_url(k)}">{self.show(k)}</a></li>' for k in kids) + "</ul>"
                items.append(f'<li><a href="{self.col_url(name)}">{self.show(name)}</a>{sub}</li>')
        return f'<div class="xxgk-nav left"><h3>{self.show("政府信息公开")}</h3><ul>{"".join(items)}</ul></div>\n'

    # ---------------------------------------------------------------- content
    def item_rng(self, key: str) -> random.Random:
        """Randomness per page, so planting one defect does not move every other page's dates and URLs."""
        return random.Random(f"{self.cfg.seed}|{key}")

    def make_dates(self, cls: str, count: int, stale: bool, column: str = "") -> list[dt.date]:
        as_of = self.cfg.as_of
        rng = self.item_rng(f"dates|{column}")
        step, newest = {"news": (3, 1), "notice": (17, 9), "slow": (75, 40), "static": (200, 120)}[cls]
        if stale:
            newest = 420
        return [as_of - dt.timedelta(days=newest + i * step + rng.randint(0, 1)) for i in range(count)]

    def add_article(self, column: str, title: str, day: dt.date, body: str, fields: dict[str, str] | None = None,
                    url: str | None = None, kind: str = "document") -> str:
        """One article page; ``fields`` (索引号, 文号, 成文日期 …) are drawn in the dialect's metadata style."""
        url = url or self.article_url(column, day, title)
        if self.on_gkmlpt(column):
            self.portal.pages[url] = Page(self.gkmlpt_detail(title, day, body, fields or {}))
            self.entries[column].append(Entry(title, url, day))
            return url
        names = self.path_of(column)
        extra = (
            f'<meta name="ArticleTitle" content="{html.escape(title)}">'
            f'<meta name="PubDate" content="{day:%Y-%m-%d} 09:{self.item_rng(title).randint(10, 59)}">'
            f'<meta name="ContentSource" content="{self.cfg.agency}">'
        )
        meta_block = self.meta_block(fields, kind, title) if fields else ""
        page = (
            self.head(title, column, extra) + self.nav() + self.breadcrumb(names)
            + '<div class="article">' + meta_block
            + f'<h1 class="article-title">{html.escape(title)}</h1>\n'
            + (f'<div class="article-attr">发布时间：{day:%Y-%m-%d}　来源：{self.cfg.agency}　'
               '阅读：<span id="view">{{ pvCount }}</span> 次</div>\n' if not meta_block else "")
            + f'<div class="article-content TRS_Editor" id="zoomcon">{body}</div></div>\n'
            + self.footer()
        )
        self.portal.pages[url] = Page(page)
        self.entries[column].append(Entry(title, url, day))
        return url

    def meta_block(self, fields: dict[str, str], kind: str, title: str) -> str:
        """The metadata block as this dialect's CMS prints it."""
        style = self.dia.metadata
        if style == "table" and kind == "document":
            f = fields
            return (
                '<table class="xxgk-table" border="1">'
                f"<tr><th>索 引 号：</th><td>{f.get('索引号', '')}</td><th>发布机构：</th><td>{f.get('发布机构', '')}</td></tr>"
                f"<tr><th>文　　号：</th><td>{f.get('文号', '')}</td><th>成文日期：</th><td>{f.get('成文日期', '')}</td></tr>"
                f"<tr><th>发布日期：</th><td>{f.get('发布日期', '')}</td><th>有 效 性：</th><td>{f.get('有效性', '')}</td></tr>"
                f'<tr><th>标　　题：</th><td colspan="3">{html.escape(title)}</td></tr></table>\n'
            )
        if style in ("table", "dl"):
            css = {"索引号": "IndexNo", "发布机构": "ReleaseMechanism", "发布日期": "fbrq", "文号": "wh", "成文日期": "cwrq",
                   "有效性": "yxx"}
            label = {"索引号": "索 引 号", "文号": "文　　号"}
            dds = "".join(f'<dd class="{css.get(k, "x")}"><label>{label.get(k, k)}：</label>'
                          f'<div class="display-block">{v}</div></dd>' for k, v in fields.items())
            return f'<div class="meta-data"><dl class="clearfix">{dds}</dl></div>\n'
        if style == "hanweb":
            rows = "".join(f'<tr><td class="xxgk_title">{k}：</td><td class="xxgk_value">{v}</td></tr>'
                           for k, v in fields.items())
            return f'<table class="xxgk_table">{rows}</table>\n'
        # inline: one line of label：value pairs under the title, a span each, as plain CMS templates print them
        pairs = " ".join(f"<span>{k}：{v}</span>" for k, v in fields.items() if v)
        return f'<div class="info">{pairs}</div>\n'

    def gkmlpt_detail(self, title: str, day: dt.date, body: str, fields: dict[str, str]) -> str:
        """A gkmlpt document page: drawn by script from ``_CONFIG.DETAIL``; the HTML itself shows nothing."""
        def epoch(value: str) -> int:
            d = dt.date.fromisoformat(value)
            return int(dt.datetime(d.year, d.month, d.day, 10, 0, tzinfo=CST).timestamp())

        detail = {"title": title, "identifier": fields.get("索引号", ""), "publisher": fields.get("发布机构", ""),
                  "document_number": fields.get("文号", ""),
                  "date": epoch(fields["成文日期"]) if fields.get("成文日期") else 0,
                  "display_publish_time": epoch(fields.get("发布日期") or day.isoformat()), "content": body}
        config = json.dumps({"SID": GKMLPT_SID}, ensure_ascii=False)[:-1] + ", DETAIL: " + json.dumps(
            detail, ensure_ascii=False) + "}"
        return (self.head(title) + self.nav() + '<div id="app"></div>\n'
                + f"<script>window._CONFIG = {config};</script>\n" + self.footer())

    def simple_articles(self, column: str, cls: str, count: int) -> None:
        stale = column in self.d.stale_columns
        for i, day in enumerate(self.make_dates(cls, count, stale, column)):
            rng = self.item_rng(f"{column}|{i}")
            topic = rng.choice(TOPICS)
            if cls == "news":
                title = f"市应急管理局{rng.choice(NEWS_VERBS)}{topic}工作会议（{i + 1}）"
            elif column == "政府信息公开年报":
                as_of = self.cfg.as_of
                latest = as_of.year - 1 if as_of > dt.date(as_of.year, 1, 31) else as_of.year - 2
                year = latest - i
                day = dt.date(year + 1, 1, 15 + rng.randint(0, 10))
                if i == 0 and self.d.late_annual_report:
                    day = dt.date(year + 1, 2, 20)
                    self.defects.append({"type": "late_annual_report", "subject": f"{year}年度报告",
                                         "check": "annual_report_timely",
                                         "detail": {"published": day.isoformat(), "due": f"{year + 1}-01-31"}})
                title = f"{self.cfg.agency}{year}年政府信息公开工作年度报告"
            else:
                title = f"{column}：关于{topic}有关事项的公告（第{i + 1}期）"
            body = f"<p>{title}。{topic}工作情况如下。</p>" * 3
            self.add_article(column, title, day, body)

    def policy_documents(self) -> None:
        """政策文件 with metadata tables, and their 政策解读, linked as planted."""
        if "政策文件" not in self.by_name or "政策文件" in self.d.empty_columns:
            return
        n = self.cfg.policy_documents
        interp_served = "政策解读" in self.by_name and "政策解读" not in self.d.empty_columns
        order = list(range(n))
        self.rng.shuffle(order)
        missing = set(order[: self.d.interpretations_missing])
        one_way = order[self.d.interpretations_missing: self.d.interpretations_missing + self.d.interpretations_one_way]
        one_way_dir = {idx: ("document_lacks_link" if k % 2 == 0 else "interpretation_lacks_link") for k, idx in enumerate(one_way)}
        late = set(self.rng.sample(range(n), min(self.d.late_documents, n)))
        incomplete = set(self.rng.sample(range(n), min(self.d.incomplete_metadata, n)))
        if len(missing) + len(one_way) > n:
            raise ValueError("more interpretation defects planted than policy documents")
        stale = "政策文件" in self.d.stale_columns
        as_of = self.cfg.as_of
        for i in range(n):
            doc_rng = self.item_rng(f"doc|{i}")
            pub = as_of - dt.timedelta(days=(420 if stale else 6) + i * 19 + doc_rng.randint(0, 3))
            if pub.weekday() >= 5:
                pub -= dt.timedelta(days=pub.weekday() - 4)
            gap = doc_rng.randint(32, 45) if i in late else doc_rng.randint(1, 5)
            formed = _shift_workdays(pub, gap)
            topic = TOPICS[i % len(TOPICS)]
            year = formed.year
            doc_no = f"津应急规〔{year}〕{i + 3}号"
            title = f"市应急管理局关于印发《{topic}管理办法（第{i + 1}版）》的通知"
            index_no = "" if i in incomplete else f"11120000MB0000000X/{year}-{i + 101:05d}"
            publisher = "" if i in incomplete else self.cfg.agency
            title = f"市应急管理局关于印发《{TOPICS[i % len(TOPICS)]}管理办法（第{i + 1}版）》的通知"
            doc_url = self.article_url("政策文件", pub, title)
            interp_url = None
            if interp_served and i not in missing:
                interp_url = self.article_url("政策解读", pub, title + "解读")
            direction = one_way_dir.get(i)
            doc_links_interp = interp_url is not None and direction != "document_lacks_link"
            interp_links_doc = interp_url is not None and direction != "interpretation_lacks_link"
            fields = {"索引号": index_no, "发布机构": publisher, "文号": doc_no, "成文日期": f"{formed:%Y-%m-%d}",
                      "发布日期": f"{pub:%Y-%m-%d}", "有效性": "有效"}
            if not self.dia.index_no:
                del fields["索引号"]
            body = f"<p>各区应急管理局，各有关单位：</p><p>现将《{topic}管理办法》印发给你们，请认真贯彻执行。</p>"
            body += f'<p class="fj">附件：<a href="/{self.by_name["政策文件"][1]}/{pub:%Y%m}/P0{i}.pdf">{topic}管理办法.pdf</a></p>'
            if doc_links_interp:
                body += f'<div class="xgjd">相关解读：<a href="{interp_url}">《{topic}管理办法》政策解读</a></div>'
            self.add_article("政策文件", title, pub, body, fields, url=doc_url)
            if interp_url:
                ititle = f"《{topic}管理办法（第{i + 1}版）》政策解读"
                ipub = pub + dt.timedelta(days=doc_rng.randint(0, 1))
                ifields = {"索引号": f"11120000MB0000000X/{year}-J{i:04d}", "发布机构": self.cfg.agency,
                           "发布日期": f"{ipub:%Y-%m-%d}"}
                if not self.dia.index_no:
                    del ifields["索引号"]
                ibody = f"<p>一、出台背景。为进一步加强{topic}工作，制定本办法。</p><p>二、主要内容。</p>"
                if interp_links_doc:
                    ibody += f'<p class="ywlj">原文链接：<a href="{doc_url}">{html.escape(title)}</a></p>'
                self.add_article("政策解读", ititle, ipub, ibody, ifields, url=interp_url, kind="interpretation")
            wdays = _safe_working_days(formed, pub)
            doc = {
                "url": doc_url, "title": title, "doc_no": doc_no, "document_date": formed.isoformat(),
                "publish_date": pub.isoformat(), "working_days": wdays, "interpretation_url": interp_url,
                "links": ("none" if interp_url is None else
                          "both" if doc_links_interp and interp_links_doc else
                          "interpretation_to_document_only" if interp_links_doc else "document_to_interpretation_only"),
            }
            self.documents.append(doc)
            if i in late:
                self.defects.append({"type": "late_document", "subject": doc_url, "check": "publication_timeliness",
                                     "detail": {"document_date": formed.isoformat(), "publish_date": pub.isoformat(),
                                                "working_days": wdays}})
            if interp_url is None:
                self.defects.append({"type": "interpretation_missing", "subject": doc_url,
                                     "check": "interpretation_linked", "detail": {}})
            elif direction:
                self.defects.append({"type": "interpretation_one_way", "subject": doc_url,
                                     "check": "interpretation_linked",
                                     "detail": {"direction": direction, "interpretation_url": interp_url}})
            if i in incomplete:
                self.defects.append({"type": "incomplete_metadata", "subject": doc_url, "check": "metadata_complete",
                                     "detail": {"missing": ["索引号", "发布机构"]}})

    # ---------------------------------------------------------------- pages
    def list_pages(self, name: str, slug: str, style: str, cls: str) -> None:
        if cls == "messages":
            return interaction.message_list(self, name)  # a mailbox system's list, whatever the CMS
        entries = sorted(self.entries[name], key=lambda e: e.date, reverse=True)
        if self.on_gkmlpt(name):
            if name not in CONTAINER_COLUMNS:
                self.gkmlpt_list(name, entries)
            return
        if self.dia.lists == "hanweb":
            self.hanweb_list(name, entries)
            return
        style = {"ucap": "ucap", "plain": "plain"}.get(self.dia.lists, style)
        pages = [entries[i: i + PAGE_SIZE] for i in range(0, len(entries), PAGE_SIZE)] or [[]]
        if style == "none" and len(pages) > 1:
            style = "trs"
        total = len(pages)
        for k, chunk in enumerate(pages):
            rows = "".join(self.row(e) for e in chunk) or '<li class="nodata">暂无信息</li>'
            body = f'<ul class="list">\n{rows}</ul>\n{self.pager(style, k, total, slug, len(entries))}'
            self.portal.pages[self.list_target(style, slug, k)] = Page(self.list_page(name, body))

    @staticmethod
    def row(e: Entry) -> str:
        return (f'<li><a href="{e.url}" target="_blank" title="{html.escape(e.title)}">{html.escape(e.title)}</a>'
                f'<span class="date">{e.date:%Y-%m-%d}</span></li>\n')

    @staticmethod
    def list_target(style: str, slug: str, k: int) -> str:
        """Page ``k`` (from 0) of a list in each pagination style."""
        if k == 0:
            return f"/{slug}/index.html"
        return {"trs": f"/{slug}/index_{k}.html", "query": f"/{slug}/index.html?page={k + 1}",
                "ucap": f"/{slug}/index_{k + 1}.html", "plain": f"/{slug}/index_{k + 1}.html"}.get(
            style, f"/{slug}/list_{k + 1}.html")

    def list_page(self, name: str, body: str) -> str:
        names = self.path_of(name)
        sub = ""
        kids = [c[0] for c in self.columns if c[2] == name]
        if kids:
            sub = '<div class="sub-columns">' + "".join(
                f'<h3><a href="{self.col_url(kid)}">{self.show(kid)}</a></h3>' for kid in kids) + "</div>\n"
        side = self.xxgk_sidebar() if names[0] == "政府信息公开" else ""
        return (
            self.head(self.show(name), name) + self.nav() + self.breadcrumb(names) + side
            + f'<div class="right list-box"><h2 class="column-title">{self.show(name)}</h2>{sub}'
            + f"{body}</div>\n" + self.footer()
        )

    HANWEB_PER_PAGE, HANWEB_GROUP = 5, 2  # jpage shows 5 a page and fetches 2 pages a request: PAGE_SIZE records

    def hanweb_list(self, name: str, entries: list[Entry]) -> None:
        """A 大汉 column page: the first group of records in a datastore, the rest from dataproxy.jsp by POST."""
        cid, unit = self.col_id(name), 4000 + self.col_id(name)
        group = self.HANWEB_PER_PAGE * self.HANWEB_GROUP

        def records(chunk: list[Entry]) -> str:
            return "".join(f"<record><![CDATA[\n{self.row(e)}]]></record>" for e in chunk)

        form = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": str(cid), "sourceContentType": "1",
                "unitid": str(unit), "webname": self.cfg.agency, "permissiontype": "0"}
        ajax = ",".join(f"{k}:'{v}'" for k, v in form.items())
        nextgroup = (f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&amp;webid=1&amp;path=/&amp;'
                     f'columnid={cid}&amp;unitid={unit}&amp;permissiontype=0"></a>]]></nextgroup>')
        empty = '<div class="nodata">暂无信息</div>' if not entries else ""
        body = (
            f'<div id="{unit}"><script type="text/xml"><datastore>{nextgroup}<recordset>{records(entries[:group])}'
            f"</recordset></datastore></script></div>{empty}\n"
            '<script language="javascript" src="/module/web/jpage/jquery.jpage.js"></script>\n'
            f"<script>$(function(){{ $('#{unit}').jpage({{ dataStore: dataStore, perPage: {self.HANWEB_PER_PAGE}, "
            f"totalRecord: {len(entries)}, groupSize: {self.HANWEB_GROUP}, "
            f"proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {{{ajax}}} }}); }});</script>\n"
        )
        self.portal.pages[self.col_url(name)] = Page(self.list_page(name, body))
        charset = "gbk" if self.gbk else "utf-8"
        for start in range(group + 1, len(entries) + 1, group):
            end = min(start + group - 1, len(entries))
            xml = (f'<?xml version="1.0" encoding="{charset}"?><datastore><totalrecord>{len(entries)}</totalrecord>'
                   f"<recordset>{records(entries[start - 1:end])}</recordset></datastore>")
            target = f"/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={end}&perpage={self.HANWEB_PER_PAGE}"
            self.portal.pages[form_key(target, urlencode(form))] = Page(xml, content_type="text/xml")

    def gkmlpt_list(self, name: str, entries: list[Entry]) -> None:
        """A gkmlpt column: JSON pages of ``/gkmlpt/api/all/<catid>``, drawn into the catalogue page by script."""
        pages = [entries[i: i + PAGE_SIZE] for i in range(0, len(entries), PAGE_SIZE)] or [[]]
        for k, chunk in enumerate(pages):
            articles = [{"id": int(e.url.rsplit("_", 1)[-1].split(".")[0]), "title": e.title, "url": e.url,
                         "created_at": f"{e.date:%Y-%m-%d} 10:00:00",
                         "display_publish_time": int(dt.datetime(e.date.year, e.date.month, e.date.day, 10,
                                                                 tzinfo=CST).timestamp())} for e in chunk]
            data = {"total": len(entries), "classify": {"id": self.col_id(name), "name": self.show(name)},
                    "articles": articles}
            self.portal.pages[self.gkmlpt_api(name, k + 1)] = Page(json.dumps(data, ensure_ascii=False),
                                                                  content_type="application/json")

    def gkmlpt_index(self) -> None:
        """The gkmlpt catalogue page: ``_CONFIG`` with the column tree; the page itself draws nothing."""
        def node(name: str) -> dict[str, Any]:
            kids = [c[0] for c in self.columns if c[2] == name]
            return {"id": self.col_id(name), "name": self.show(name), "jump_url": "",
                    "children": [node(k) for k in kids]}

        tree = [node(c[0]) for c in self.columns if c[2] == "政府信息公开"]
        config = (f"{{SID: '{GKMLPT_SID}', TREE: {json.dumps(tree, ensure_ascii=False)}, SERVICE_AREA_ID: 0}}")
        self.portal.pages["/gkmlpt/index"] = Page(
            self.head(self.show("政府信息公开")) + self.nav()
            + f'<div class="gkml"><h1>{self.show("政府信息公开")}</h1><div id="app"></div></div>\n'
            + f"<script>window._CONFIG = {config};</script>\n" + self.footer())

    @staticmethod
    def pager(style: str, k: int, total: int, slug: str, records: int = 0) -> str:
        if style == "ucap":  # 开普云: the pager script draws links to index_2.html … index_N.html
            return (f'<div id="page_div"></div><script>createPageHTML(\'page_div\', {total}, {k + 1}, '
                    f"'index', 'html', {records});</script>\n")
        if total <= 1 and style != "trs":
            return ""
        if style == "trs":
            return (
                '<div class="page"><script language="JavaScript">\n'
                "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){\n"
                "  if(_nPageCount == null || _nPageCount<=1){ return; }\n"
                "  var nCurrIndex = _nCurrIndex || 0;\n"
                '  if(nCurrIndex < _nPageCount-1) document.write("<a href=\\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\\">下一页</a>");\n'
                "}\n"
                f'createPageHTML({total}, {k}, "index", "html");\n</script></div>\n'
            )
        def href(n: int) -> str:
            return _Builder.list_target(style, slug, n)
        parts = [f'<a href="{href(0)}">首页</a>']
        if k > 0:
            parts.append(f'<a href="{href(k - 1)}">上一页</a>')
        if k < total - 1:
            parts.append(f'<a href="{href(k + 1)}">下一页</a>')
        if style in ("query", "plain"):
            parts.append(f'<a href="{href(total - 1)}">尾页</a>')
        parts.append(f"<span>共{total}页</span>")
        return f'<div class="page">{" ".join(parts)}</div>\n'

    def home(self) -> None:
        def block(name: str, n: int) -> str:
            if name not in self.by_name:
                return ""
            latest = self.home_entries(name, n)
            lis = "".join(f'<li><a href="{e.url}">{html.escape(e.title)}</a><span>{e.date:%m-%d}</span></li>' for e in latest)
            return (f'<div class="box"><h2><a href="{self.col_url(name)}">{self.show(name)}</a>'
                    f'<a class="more" href="{self.col_url(name)}">更多</a></h2><ul>{lis}</ul></div>\n')

        zt = ['<li><a href="/zt/aqscy/index.html">安全生产月</a></li>']
        for i in range(self.d.broken_links):
            url = f"/zt/zt{2019 + i}/index.html"
            zt.append(f'<li><a href="{url}">专题专栏{2019 + i}</a></li>')
            self.defects.append({"type": "broken_link", "subject": url, "check": "links_valid",
                                 "detail": {"from": "/index.html", "status": 404}})
        body = (
            self.head("首页") + self.nav()
            + block("政务动态", 8) + block("通知公告", 6) + block("政策文件", 6) + block("政策解读", 4)
            + f'<div class="box zt"><h2>专题专栏</h2><ul>{"".join(zt)}</ul></div>\n'
            + '<div class="box links"><h2>友情链接</h2><ul><li><a href="https://www.gov.cn/" target="_blank">中国政府网</a></li>'
            '<li><a href="https://www.mem.gov.cn/" target="_blank">应急管理部</a></li></ul></div>\n'
            + self.footer()
        )
        self.portal.pages["/"] = Page(body)
        self.portal.pages["/index.html"] = Page(body)
        # a small working 专题 so that not every 专题 link is broken
        self.portal.pages["/zt/aqscy/index.html"] = Page(
            self.head("安全生产月") + self.nav() + '<div class="position">当前位置：<a href="/index.html">首页</a> &gt; 安全生产月</div>'
            '<ul class="list"><li><a href="/index.html">安全生产月活动启动</a><span>' + f"{self.cfg.as_of:%Y-%m-%d}"
            + "</span></li></ul>" + self.footer())
        for path, title in (("/wzgl/gywm/index.html", "关于我们"), ("/wzgl/wzdt/index.html", "网站地图")):
            self.portal.pages[path] = Page(self.head(title) + self.nav() + f"<h1>{title}</h1>" + self.footer())

    # ---------------------------------------------------------------- 19号文 vetoes: 首页不更新, 站点无法访问
    def home_entries(self, name: str, n: int) -> list[Entry]:
        """The newest ``n`` entries of a column the home page lists; with ``stale_home`` only those older than
        STALE_HOME_DAYS (the columns themselves stay current: the home page is what was not updated)."""
        pool = self.entries[name]
        if self.d.stale_home:
            pool = [e for e in pool if e.date < self.cfg.as_of - dt.timedelta(days=STALE_HOME_DAYS)]
        latest = sorted(pool, key=lambda e: e.date, reverse=True)[:n]
        self.home_shown.extend(latest)
        return latest

    def availability_defects(self) -> None:
        """Manifest lines for the planted 首页不更新 and 站点无法访问 (the delay itself is the server's)."""
        if self.d.stale_home:
            newest = max((e.date for e in self.home_shown), default=None)
            self.defects.append({"type": "stale_home", "subject": "/index.html", "check": "home_updated",
                                 "detail": {"newest_on_home": newest.isoformat() if newest else None,
                                            "older_than_days": STALE_HOME_DAYS}})
        if self.d.slow_home:
            every = max(self.d.slow_home_every, 1)
            self.defects.append({"type": "slow_home", "subject": "/index.html", "check": "site_accessible",
                                 "detail": {"delay_seconds": self.d.slow_home, "every": every,
                                            "share": 1 / every}})

    def build(self) -> SamplePortal:
        cfg = self.cfg
        counts = {"news": cfg.news_items, "notice": 12, "slow": 3, "static": 2, "platform": 0}
        for name, slug, _parent, cls, _style in self.columns:
            if name in self.d.empty_columns or cls in ("platform", "interaction", "messages") or name in (
                    "政策文件", "政策解读", "办事指南"):
                continue
            self.simple_articles(name, cls, counts[cls])
        self.policy_documents()
        interaction.build(self)  # 咨询留言 and 办事指南 (sample/interaction.py)
        # the platform pages list the newest items of their children, as real 信息公开 landing pages do
        for name, _slug, _parent, cls, _style in self.columns:
            if cls == "platform":
                descendants = [c[0] for c in COLUMNS if name in self.path_of(c[0])[:-1]]
                pool = [e for k in descendants if k in self.entries for e in self.entries[k]]
                self.entries[name] = sorted(pool, key=lambda e: e.date, reverse=True)[:8]
        for name, slug, _parent, cls, style in self.columns:
            self.list_pages(name, slug, style, cls)
        if self.dia.lists == "gkmlpt":
            self.gkmlpt_index()
        self.home()
        self.portal.pages["/robots.txt"] = Page("User-agent: *\nDisallow: /search/\n", content_type="text/plain")
        self.portal.pages["/images/style.css"] = Page("body{font-family:sans-serif}", content_type="text/css")

        for name in cfg.defects.missing_columns:
            self.defects.append({"type": "missing_column", "subject": name, "check": "column_present", "detail": {}})
        for name in cfg.defects.empty_columns:
            self.defects.append({"type": "empty_column", "subject": self.show(name), "check": "column_nonempty",
                                 "detail": {"url": self.col_url(name)}})
        for name in cfg.defects.stale_columns:
            newest = max((e.date for e in self.entries.get(name, [])), default=None)
            self.defects.append({"type": "stale_column", "subject": self.show(name), "check": "column_fresh",
                                 "detail": {"url": self.col_url(name), "newest": newest.isoformat() if newest else None}})
        if {"政府信息公开年报"} & set(cfg.defects.missing_columns + cfg.defects.empty_columns):
            latest = cfg.as_of.year - 1 if cfg.as_of > dt.date(cfg.as_of.year, 1, 31) else cfg.as_of.year - 2
            self.defects.append({"type": "annual_report_missing", "subject": f"{latest}年度报告",
                                 "check": "annual_report_timely", "detail": {}})
        self.availability_defects()
        if cfg.defects.no_footer_identity:
            self.defects.append({"type": "no_footer_identity", "subject": "/index.html", "check": "site_identity",
                                 "detail": {"missing": ["网站标识码", "ICP备案号", "公安机关备案号"]}})
        for name, slug, _parent, cls, _style in self.columns:
            newest = max((e.date for e in self.entries[name]), default=None)
            self.mcol.append({"name": self.show(name), "sample_name": name,
                              "path": "/".join(self.show(n) for n in self.path_of(name)), "url": self.col_url(name),
                              "class": cls, "entries": len(self.entries[name]),
                              "newest": newest.isoformat() if newest else None})
        # what this dialect fails on purpose (a plain CMS prints no 索引号): every document, by design
        documents = [d["url"] for d in self.documents] + [
            d["interpretation_url"] for d in self.documents if d["interpretation_url"]]
        declared = [{"check": check, "subjects": documents if subject == "documents" else [subject], "reason": reason}
                    for check, subject, reason in self.dia.declared]
        self.portal.manifest = {
            "config": cfg.to_json(),
            "dialect": {"id": self.dia.id, "cms": self.dia.cms, "names": dict(self.dia.names)},
            "declared": declared,
            "site": {"site_code": SITE_CODE, "icp": ICP, "psb": PSB, "identity_in_footer": not cfg.defects.no_footer_identity},
            "columns": self.mcol,
            "documents": self.documents,
            "defects": self.defects,
        }
        return self.portal


def generate(config: SampleConfig | None = None) -> SamplePortal:
    """Build the sample portal for ``config`` (deterministic from seed and as_of)."""
    return _Builder(config or SampleConfig()).build()
