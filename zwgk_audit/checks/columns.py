"""Column checks: required columns exist (栏目缺失), carry their standard names (栏目名称不规范), are not blank
(空白栏目), are kept up to date (栏目不更新).

Checks ask the site model for a *class* of column (政策文件类), never a literal name: a portal's 行政规范性文件,
政府文件 or 文件资料 all answer, and each finding says which real column stood for the class and by which rule.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .base import FAIL, NA, PASS, UNVERIFIED, Finding, check
from .evidence import (columns_of_class, home_unreachable, memo, norm_name, page_evidence, page_problem, records,
                       structure_unknown)


def _under(snapshot, row, parents) -> str | None:
    """How column ``row`` sits under the ``parents`` columns (its path, or a hub page of the class linking it)."""
    parent_paths = set(parents.found["path"]) if len(parents.found) else set()
    parts = row["path"].split("/")
    for i in range(len(parts) - 1, 0, -1):
        if "/".join(parts[:i]) in parent_paths:
            return f"位于“{'/'.join(parts[:i])}”下"
    hubs = set(parents.found["url"].dropna()) if len(parents.found) else set()
    if hubs and isinstance(row["url"], str):
        links = snapshot.links
        if len(links[(links["to_url"] == row["url"]) & links["from_url"].isin(hubs)]):
            return "由平台页面链接"
    return None


@check(
    "column_present",
    title="必设栏目开设情况",
    basis="国办公开办函〔2019〕61号：政府网站统一设置“政府信息公开”平台，设置政府信息公开指南、政府信息公开制度、法定主动公开内容、政府信息公开年报等栏目",
    remediation="按要求开设该栏目并保证可以正常访问，栏目名称使用规范名称。",
    params={"column": None, "aliases": [], "parent": None},
    required=("column",),
    types={"column": str, "aliases": list, "parent": (str, type(None))},
)
def column_present(snapshot, params, ctx) -> list[Finding]:
    """A column of the class ``column`` names (or named like one of ``aliases``) exists, under ``parent`` when given.

    A column present under a non-standard name passes here; the name is judged by ``column_name_standard``."""
    wanted = columns_of_class(snapshot, params["column"], params.get("aliases", []))
    subject = wanted.label
    parent = params.get("parent")
    expected = f"存在“{subject}”类栏目" + (f"（位于“{parent}”下）" if parent else "")
    why = home_unreachable(snapshot)
    if why:
        return [Finding(subject, UNVERIFIED, expected=expected, message=why)]
    found = wanted.found
    if len(found):
        rows = records(found)
        rows.sort(key=lambda r: (not isinstance(r["url"], str), r["level"]))  # a column with a page first
        parents = columns_of_class(snapshot, parent) if parent else None
        placed = [(r, how) for r in rows if parents is not None and (how := _under(snapshot, r, parents))]
        row, how = placed[0] if placed else (rows[0], "")
        url = row["url"] if isinstance(row["url"], str) else None
        ev = page_evidence(snapshot, url)
        reason = wanted.explain(row["path"])
        if url and (problem := page_problem(snapshot, url)):
            status, text = problem
            return [Finding(subject, status, measured=f"栏目“{row['path']}”的页面无法读取", expected=expected,
                            message=f"“{row['name']}”（{reason}）：{text}", **ev)]
        if parent and not placed:
            return [Finding(subject, FAIL, measured=f"栏目位于“{row['path']}”", expected=expected,
                            message=f"“{row['name']}”存在（{reason}），但不在“{parent}”平台下", **ev)]
        return [Finding(subject, PASS, measured=f"栏目“{row['path']}”（{reason}{'；' + how if how else ''}）",
                        expected=expected, message=f"栏目存在：{reason}；依据：{row['provenance']}", **ev)]
    # no column in the model: a link by that name whose page could not be read?
    names = {norm_name(params["column"]), *(norm_name(a) for a in params.get("aliases", []))}
    from ..site.vocabulary import vocabulary

    klass = vocabulary().resolve(params["column"])
    texts, targets, read = memo(snapshot, "links", "names", lambda: _link_names(snapshot.links))
    hits = {t for t, (name, cls) in read.items() if name in names or (klass is not None and cls == klass.id)}
    for url in dict.fromkeys(u for t, u in zip(texts, targets) if t in hits):
        problem = page_problem(snapshot, url)
        if problem:
            status, reason = problem
            return [Finding(subject, status, measured="栏目链接存在但页面无法读取", expected=expected,
                            message=f"“{subject}”链接指向的页面：{reason}", evidence_url=url)]
    if (why := structure_unknown(snapshot)):
        return [Finding(subject, UNVERIFIED, expected=expected, message=f"{why}，未找到该栏目但无法确认其不存在")]
    if wanted.could_be:
        return [Finding(subject, UNVERIFIED, expected=expected,
                        message=f"未找到名称可识别的“{subject}”栏目；以下未归类栏目可能是：{'、'.join(wanted.could_be[:5])}"
                                "（可用 --column-map 指定）")]
    return [Finding(subject, FAIL, measured="未找到该栏目", expected=expected,
                    message=f"网站未开设“{subject}”栏目（抓取全部 {len(snapshot.pages)} 个页面未见）",
                    **page_evidence(snapshot, snapshot.start_url))]


def _link_names(links) -> tuple[list, list, dict]:
    """Each link's text and target, and each distinct text's normalised name and vocabulary class: a portal repeats
    its navigation on every page, and an audit asks about several missing columns."""
    from ..site.vocabulary import vocabulary

    vocab = vocabulary()
    texts, targets = links["text"].tolist(), links["to_url"].tolist()
    read = {}
    for t in texts:
        if t not in read:
            m = vocab.classify(t)
            read[t] = (norm_name(t), m.cls if m is not None else None)
    return texts, targets, read


@check(
    "column_name_standard",
    title="栏目名称规范",
    basis="国办公开办函〔2019〕61号：政府信息公开平台统一设置“政府信息公开指南”“政府信息公开制度”“法定主动公开内容”"
          "“政府信息公开年报”等栏目，栏目名称应规范统一",
    remediation="将栏目名称改为规范名称（如“信息公开”改为“政府信息公开”，“信息公开年报”改为“政府信息公开年报”）。",
    params={"columns": ["platform", "guide", "system", "statutory", "annual_report"]},
    types={"columns": list},
)
def column_name_standard(snapshot, params, ctx) -> list[Finding]:
    """Each existing column of the listed classes carries the class's standard name; a class with no column is
    ``not_applicable`` here (its absence is ``column_present``'s finding, never this one's)."""
    why = home_unreachable(snapshot)
    if why:
        return [Finding("栏目名称", UNVERIFIED, message=why)]
    out = []
    for ref in params["columns"]:
        wanted = columns_of_class(snapshot, ref)
        found = wanted.found
        if found.empty:
            out.append(Finding(wanted.label, NA, expected=f"栏目名称为“{wanted.label}”",
                               message="网站未发现该类栏目（是否应开设见“必设栏目”检查）"))
            continue
        for row in records(found):
            ev = page_evidence(snapshot, row["url"] if isinstance(row["url"], str) else None)
            expected = f"栏目名称为“{wanted.label}”"
            if norm_name(row["name"]) == norm_name(wanted.label):
                out.append(Finding(row["path"], PASS, measured=f"“{row['name']}”", expected=expected, **ev))
            else:
                out.append(Finding(row["path"], FAIL, measured=f"“{row['name']}”", expected=expected,
                                   message=f"栏目名称不规范：“{row['name']}”应为“{wanted.label}”（{wanted.explain(row['path'])}）",
                                   **ev))
    return out


@check(
    "column_nonempty",
    title="空白栏目",
    basis="国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》：栏目不更新（含空白栏目，即栏目中没有任何信息）",
    remediation="为空白栏目补充应公开的内容；确无内容可发布的栏目应予以撤并。",
    params={"columns": []},
    types={"columns": list},
)
def column_nonempty(snapshot, params, ctx) -> list[Finding]:
    """Every column with a list page has at least one entry (``columns`` limits which, by class or name)."""
    why = home_unreachable(snapshot)
    if why:
        return [Finding("全部栏目", UNVERIFIED, message=why)]
    cols = snapshot.columns
    if params["columns"]:
        cols = columns_of_class(snapshot, params["columns"]).found
    cols = cols[cols["has_list_page"]]
    parents = set(snapshot.columns["parent"].dropna())
    out = []
    for c in records(cols):
        if c["path"] in parents:  # a landing page of sub-columns is not blank
            continue
        status, measured, message = blankness(c)
        out.append(Finding(c["path"], status, measured=measured, expected="至少1条信息", message=message,
                           **page_evidence(snapshot, c["url"])))
    if not out:
        why = structure_unknown(snapshot) or "未发现带列表页的栏目"
        return [Finding("全部栏目", UNVERIFIED if structure_unknown(snapshot) else NA, message=why)]
    return out


def blankness(c) -> tuple[str, str, str]:
    """Whether a column with a list page is blank (空白栏目): ``(status, measured, message)``."""
    listed, claimed, dead = int(c["item_count"]), int(c["articles_seen"]), int(c["dead_items"])
    if listed > 0:
        return PASS, f"{listed}条", ""
    if dead:  # entries whose links lead nowhere (javascript:;) are not a blank column
        return (UNVERIFIED, f"{dead}条（链接无效）", f"“{c['name']}”列表有{dead}条带日期的信息，但链接无效"
                "（javascript:或空链接），无法核验内容")
    if claimed and c["says_empty"]:  # the list says 暂无/共0条: what a visitor sees is a blank column
        return (FAIL, "0条", f"“{c['name']}”为空白栏目（列表页显示无信息；另有{claimed}篇文章页标注属于该栏目，"
                "但未在栏目列表中显示）")
    if claimed:
        return (UNVERIFIED, "列表未读出条目", f"“{c['name']}”列表页未读出条目，但有{claimed}篇文章页标注属于该栏目"
                "（列表可能由脚本生成）")
    return FAIL, "0条", f"“{c['name']}”为空白栏目"


@check(
    "column_fresh",
    title="栏目更新及时性",
    basis="国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》：动态、要闻类栏目超过2周未更新；"
          "通知公告、政策文件类栏目超过6个月未更新（指标表据该通知转载全文 sntec.org.cn/info/1015/4213.htm）",
    remediation="及时更新栏目内容，建立栏目内容保障机制；确无内容更新的栏目应予以撤并。",
    params={"columns": [], "max_age_days": 14, "max_age_months": None, "first_level": False},
    required=("columns",),
    types={"columns": list, "max_age_days": int, "max_age_months": (int, type(None)), "first_level": bool},
)
def column_fresh(snapshot, params, ctx) -> list[Finding]:
    """The newest entry of each column of the listed classes is no older than ``max_age_days`` (or, when set,
    ``max_age_months`` calendar months: the notice counts 6 months, not 180 days) on the audit day; with
    ``first_level`` only columns at the first level (top of the site, or directly under 政府信息公开) are judged.

    A column with no entry at all is a blank column (``column_nonempty``), not_applicable here: one defect,
    deducted once."""
    from dateutil.relativedelta import relativedelta

    months = params.get("max_age_months")
    oldest = ctx.as_of - (relativedelta(months=months) if months else dt.timedelta(days=params["max_age_days"]))
    limit = (ctx.as_of - oldest).days
    expected = f"最近更新不超过{months}个月" if months else f"最近更新不超过{limit}天"
    wanted = columns_of_class(snapshot, params["columns"])
    why = home_unreachable(snapshot)
    if why:
        return [Finding(wanted.label, UNVERIFIED, expected=expected, message=why)]
    cols = _leaf_columns(snapshot, params["columns"])[1]
    if params.get("first_level") and len(cols):
        platform = _platform_paths(snapshot)
        cols = cols[[_first_level(c, platform) is not None for c in records(cols)]]
        expected += "（一级栏目）"
    if cols.empty:
        if (why := structure_unknown(snapshot)):
            return [Finding(wanted.label, UNVERIFIED, expected=expected, message=f"{why}，未见此类栏目")]
        if wanted.could_be:
            return [Finding(wanted.label, UNVERIFIED, expected=expected,
                            message=f"未找到名称可识别的此类栏目；以下未归类栏目可能是：{'、'.join(wanted.could_be[:5])}")]
        where = "一级" if params.get("first_level") and len(wanted.found) else ""
        return [Finding(wanted.label, NA, expected=expected,
                        message=f"网站未设置此类{where}栏目（是否应设置见“必设栏目”检查）")]
    out = []
    for c in records(cols):
        ev = page_evidence(snapshot, c["url"] if isinstance(c["url"], str) else None)
        reason = wanted.explain(c["path"])
        newest, status, measured, why = column_newest(snapshot, ctx, c)
        if newest is None:
            out.append(Finding(c["path"], status, expected=expected, measured=measured,
                               message=f"“{c['name']}”（{reason}）{why}", **ev))
            continue
        age = (ctx.as_of - newest).days
        ok = age <= limit
        out.append(Finding(c["path"], PASS if ok else FAIL, measured=f"最近更新{newest:%Y-%m-%d}（{age}天前）",
                           expected=expected, message=f"“{c['name']}”（{reason}）" + ("" if ok else f"已{age}天未更新")
                           + why, **ev))
    return out


def column_newest(snapshot, ctx, c) -> tuple:
    """A column's newest dated entry, or why there is none: ``(date, None, "", note)`` or
    ``(None, status, measured, reason)`` — unverified when entries exist without dates or the list was not read,
    not_applicable when the column holds nothing (a blank column is judged, and deducted, once as 空白栏目)."""
    newest = c["newest_date"]
    if newest is None or pd.isna(newest):
        docs = snapshot.documents_in([c["path"]])
        dates = [d for d in docs["publish_date"] if d is not None and not pd.isna(d)] if len(docs) else []
        newest = max(dates) if dates else None
    if (newest is None or pd.isna(newest)) and isinstance(c.get("dead_newest"), dt.date):
        # the list shows dated entries whose links lead nowhere: visibly updated all the same
        return c["dead_newest"], None, "", "（日期取自列表中链接无效的条目）"
    if newest is None or pd.isna(newest):
        if int(c["item_count"]) or int(c["articles_seen"]) or int(c["dead_items"]):
            return None, UNVERIFIED, "无日期", "有信息但未识别出发布日期"
        if not c["has_list_page"]:
            return None, UNVERIFIED, "无列表页", "未抓取到列表页，无法判断更新情况"
        return None, NA, "无信息", "栏目没有任何信息，按空白栏目判定（见“空白栏目”检查），此处不重复扣分"
    by_day = memo(snapshot, "entries", "by_day", lambda: _entries_by_day(snapshot.entries))
    newest_urls = by_day.get((c["path"], newest), [])
    why = next((w for u in newest_urls if (w := ctx.invalid("entries", u))), None)
    if why:
        return None, UNVERIFIED, f"最近日期{newest}", why
    return newest, None, "", ""


def _entries_by_day(entries) -> dict[tuple, list[str]]:
    """(column path, date) -> the URLs of the entries listed in that column with that date, in table order."""
    out: dict[tuple, list[str]] = {}
    for path, day, url in zip(entries["column_path"], entries["date"], entries["url"]):
        out.setdefault((path, day), []).append(url)
    return out


def _platform_paths(snapshot) -> set[str]:
    return set(columns_of_class(snapshot, "platform").found["path"])


def _first_level(row, platform: set[str]) -> str | None:
    """Why a column is 一级栏目 (19号文 counts 通知公告、政策文件类 columns at the first level only): top-level on the
    site, or directly under the 政府信息公开 platform (``platform``: its column paths). None when it sits deeper."""
    if int(row["level"]) == 1:
        return "网站一级栏目"
    if row["parent"] in platform:
        return f"政府信息公开平台“{row['parent']}”下的一级栏目"
    return None


def _leaf_columns(snapshot, refs) -> tuple:
    wanted = columns_of_class(snapshot, refs)
    parents = set(snapshot.columns["parent"].dropna())
    return wanted, wanted.found[~wanted.found["path"].isin(parents) | wanted.found["has_list_page"]]


@check(
    "columns_not_updated",
    title="栏目不更新（单项否决）",
    basis="国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》单项否决指标“栏目不更新”：监测时间点前2周内的动态、要闻类栏目，"
          "以及前6个月内的通知公告、政策文件类一级栏目，累计超过5个（含）未更新；或应更新但长期未更新的栏目数量超过10个（含）；"
          "或空白栏目数量超过5个（含）。（指标表据该通知转载全文；“长期”通知未给出天数，取参数 long_months）",
    remediation="立即更新上述栏目；确无内容更新的栏目应予以撤并，空白栏目补充内容或撤销。",
    params={"news_days": 14, "notice_months": 6, "count": 5, "long_months": 12, "long_count": 10, "blank_count": 5,
            "news": ["news"], "notice": ["notice", "policy_documents"],
            "should_update": ["news", "notice", "policy_documents", "interpretation", "enforcement", "personnel",
                              "planning", "finance", "proposals", "double_random", "consultation", "interaction",
                              "service_guide", "power_list"]},
    types={"news_days": int, "notice_months": int, "count": int, "long_months": int, "long_count": int,
           "blank_count": int, "news": list, "notice": list, "should_update": list},
)
def columns_not_updated(snapshot, params, ctx) -> list[Finding]:
    """The veto's three counts, one finding each: (1) 动态/要闻 columns older than 2 weeks plus first-level
    通知公告/政策文件 columns older than 6 months, ≥ 5; (2) columns that should update (classes in ``should_update``)
    older than ``long_months`` — the notice leaves “长期” undefined — ≥ 10; (3) blank columns ≥ 5. A count that
    stays below its threshold only because some columns could not be dated is unverified, never a pass."""
    from dateutil.relativedelta import relativedelta

    why = home_unreachable(snapshot)
    if why:
        return [Finding("栏目不更新", UNVERIFIED, message=why)]
    as_of = ctx.as_of
    news_limit = as_of - dt.timedelta(days=params["news_days"])
    notice_limit = as_of - relativedelta(months=params["notice_months"])
    long_limit = as_of - relativedelta(months=params["long_months"])
    ev = page_evidence(snapshot, snapshot.start_url)
    out = []

    def verdict(subject: str, expected: str, threshold: int, stale: list[str], unknown: list[str], judged: int,
                what: str) -> Finding:
        shown = "、".join(stale[:12]) + ("等" if len(stale) > 12 else "")
        measured = f"{len(stale)}个{what}" + (f"：{shown}" if stale else "") + (f"；另有{len(unknown)}个无法判断" if unknown else "")
        if len(stale) >= threshold:
            return Finding(subject, FAIL, measured=measured, expected=expected,
                           message=f"单项否决：{len(stale)}个{what}（达到{threshold}个）", **ev)
        if len(stale) + len(unknown) >= threshold:
            return Finding(subject, UNVERIFIED, measured=measured, expected=expected,
                           message=f"已确认{len(stale)}个，另有{len(unknown)}个栏目无法判断（"
                                   f"{'、'.join(unknown[:8])}），可能达到{threshold}个", **ev)
        if not judged and not unknown:
            return Finding(subject, NA, measured=measured, expected=expected, message="网站未设置此类栏目", **ev)
        return Finding(subject, PASS, measured=measured + f"（共判断{judged}个栏目）", expected=expected, **ev)

    platform = _platform_paths(snapshot)

    def ages(cols, limit, first_level_only=False):
        stale, unknown, judged = [], [], 0
        for c in records(cols):
            level = _first_level(c, platform) if first_level_only else ""
            if level is None:
                continue
            newest, status, measured, reason = column_newest(snapshot, ctx, c)
            if newest is None:
                if status == UNVERIFIED:
                    unknown.append(f"{c['path']}（{reason}）")
                continue  # a blank column is counted by (3), once
            judged += 1
            if newest < limit:
                stale.append(f"{c['path']}（最近{newest:%Y-%m-%d}{'，' + level if level else ''}）")
        return stale, unknown, judged

    _, news = _leaf_columns(snapshot, params["news"])
    _, notice = _leaf_columns(snapshot, params["notice"])
    notice = notice[~notice["path"].isin(set(news["path"]))]
    s1, u1, j1 = ages(news, news_limit)
    s2, u2, j2 = ages(notice, notice_limit, first_level_only=True)
    out.append(verdict("动态要闻类及通知公告、政策文件类一级栏目", f"未更新栏目少于{params['count']}个（动态要闻类2周、"
                       f"通知公告政策文件类一级栏目{params['notice_months']}个月）", params["count"], s1 + s2, u1 + u2,
                       j1 + j2, "栏目未按时更新"))
    _, should = _leaf_columns(snapshot, params["should_update"])
    s3, u3, j3 = ages(should, long_limit)
    out.append(verdict("应更新而长期未更新的栏目", f"超过{params['long_months']}个月未更新的栏目少于{params['long_count']}个",
                       params["long_count"], s3, u3, j3, f"栏目超过{params['long_months']}个月未更新"))
    blank, unsure = [], []
    cols = snapshot.columns[snapshot.columns["has_list_page"]] if len(snapshot.columns) else snapshot.columns
    parents = set(snapshot.columns["parent"].dropna()) if len(snapshot.columns) else set()
    for c in records(cols[~cols["path"].isin(parents)]) if len(cols) else []:
        status, _, _ = blankness(c)
        if status == FAIL:
            blank.append(c["path"])
        elif status == UNVERIFIED and not int(c["dead_items"]):  # dated entries with dead links: not blank
            unsure.append(f"{c['path']}（列表可能由脚本生成）")
    listed = len(cols)
    out.append(verdict("空白栏目", f"空白栏目少于{params['blank_count']}个", params["blank_count"], blank, unsure,
                       listed, "空白栏目"))
    return out
