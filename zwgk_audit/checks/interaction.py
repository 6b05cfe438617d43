"""互动回应差 (19号文 veto): an online consultation channel exists, and no message of the past year in a consultation
column went unanswered for more than three months.

Messages come from the snapshot's ``messages`` table (extract/messages.py: list rows and message pages); which column
holds a message comes from the site model, and columns of the classes 19号文 leaves out (在线访谈, 意见征集/调查征集,
信访, 纪检举报) do not count. A message with no readable 留言时间, a reply with no date after the three months, a
channel whose messages cannot be read (a form with no public list, a list drawn by script, a platform on another
site) are ``unverified`` with the reason — never passed.
"""
from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from ..extract import messages as mx
from .base import FAIL, PASS, UNVERIFIED, Finding, check
from .evidence import columns_of_class, home_unreachable, page_evidence, page_problem, structure_unknown

CLASS_WORDS = "互动交流（领导信箱、咨询留言、在线咨询、留言板等）"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day: 11-30 + 3 → 02-28)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _day(v) -> dt.date | None:
    return v if isinstance(v, dt.date) and not pd.isna(v) else None


def message_columns(snapshot) -> tuple[dict[str, set[str]], dict[str, str]]:
    """(URL -> the column paths that hold it: list pages listing it, its own breadcrumb/ColumnName as the site
    model placed it; list page URL -> its column)."""
    out: dict[str, set[str]] = {}
    page_column = {}
    entries = snapshot.entries
    if len(entries):
        for page_url, path in zip(entries["page_url"], entries["column_path"]):
            if isinstance(path, str) and path:
                page_column[page_url] = path
        for url, path in zip(entries["url"], entries["column_path"]):
            if isinstance(path, str) and path:
                out.setdefault(url, set()).add(path)
    for url, path in zip(snapshot.articles["url"], snapshot.articles["column_path"]):
        if isinstance(path, str) and path:
            out.setdefault(url, set()).add(path)
    known = set(snapshot.columns["path"]) if len(snapshot.columns) else set()
    by_name: dict[str, list[str]] = {}
    for path in known:
        by_name.setdefault(path.split("/")[-1], []).append(path)
    for url, path in zip(snapshot.pages["url"], snapshot.pages["column_path"]):
        if isinstance(path, str) and path:
            if path in known:
                out.setdefault(url, set()).add(path)
            elif len(by_name.get(path.split("/")[-1], [])) == 1:
                out.setdefault(url, set()).add(by_name[path.split("/")[-1]][0])
    return out, page_column


def _merged(snapshot) -> pd.DataFrame:
    """One row per message: a message page's own fields first, its list row's for what the page does not show."""
    m = snapshot.messages
    if m is None or m.empty:
        return pd.DataFrame(columns=[*mx.MESSAGE_FIELDS, "key", "pages"])
    rows: dict[str, dict] = {}
    order = m.assign(_page=(m["source"] == "page")).sort_values("_page", ascending=False, kind="stable")
    for r in order.to_dict("records"):
        key = r["url"] if isinstance(r["url"], str) and r["url"] else f"{r['page_url']}#{r['title']}#{r['asked']}"
        have = rows.get(key)
        if have is None:
            rows[key] = {**r, "key": key, "pages": {r["page_url"]}}
            continue
        have["pages"].add(r["page_url"])
        for f in ("asked", "answered", "listed"):
            if _day(have.get(f)) is None and _day(r.get(f)) is not None:
                have[f] = r[f]
        for f in ("status", "replier", "category", "title"):
            if not have.get(f) and r.get(f):
                have[f] = r[f]
        if not have.get("state") and r.get("state"):
            have["state"] = r["state"]
        have["answer_shown"] = bool(have["answer_shown"]) or bool(r["answer_shown"])
        have["reply_shown"] = bool(have["reply_shown"]) or bool(r["reply_shown"])
    return pd.DataFrame(list(rows.values()))


def other_site_pages(snapshot) -> set[str]:
    """Pages that identify as another site — a 网站标识码 other than the home page's (a city portal's 投诉平台 or a
    provincial portal copied under the same host): not the audited site's. Empty when the home page shows none."""
    home = snapshot.page(snapshot.start_url)
    code = home["site_code"] if home is not None else None
    if not isinstance(code, str) or not code:
        return set()
    p = snapshot.pages
    return set(p.loc[p["site_code"].notna() & (p["site_code"] != code), "url"])


def _classes(snapshot, paths) -> set:
    cols = snapshot.columns
    got = cols[cols["path"].isin(list(paths))]["class"] if len(cols) else []
    return {c if isinstance(c, str) else None for c in got}


def _entrance(excluded: set):
    """Whether a link text names a consultation entrance — not one of the left-out classes (纪检监察信箱, 在线访谈)."""
    from ..site.vocabulary import vocabulary

    vocab = vocabulary()

    def named(text) -> bool:
        if not isinstance(text, str) or not mx.entrance_named(text):
            return False
        m = vocab.classify(text) if len(text) <= 15 else None
        return m is None or m.cls not in excluded

    return named


def _external_channels(snapshot, names) -> list[tuple[str, str, str]]:
    """(url, text, from) of links to other sites named like a consultation entrance (局长信箱, 我要咨询)."""
    from ..site.vocabulary import vocabulary

    vocab = vocabulary()
    links = snapshot.links
    if not len(links):
        return []
    out = []
    ext = links[(links["kind"] == "external") & ~links["from_url"].isin(other_site_pages(snapshot))]
    for frm, to, text in zip(ext["from_url"], ext["to_url"], ext["text"]):
        m = vocab.classify(text) if isinstance(text, str) and len(text) <= 15 else None
        if (m is not None and m.cls in names) or (m is None and mx.entrance_named(text)):
            out.append((to, text, frm))
    return list(dict.fromkeys(out))


def dead_entrances(snapshot, named) -> list[tuple[str, str]]:
    """(page, text) of entrances named by ``named`` whose link has no address, on the audited site's own pages."""
    d = snapshot.dead_links
    if d is None or d.empty:
        return []
    other = other_site_pages(snapshot)
    return list(dict.fromkeys((f, t) for f, t in zip(d["from_url"], d["text"]) if f not in other and named(t)))


@check(
    "interaction_responsive",
    title="互动回应（互动回应差）",
    basis="国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》单项否决指标“互动回应差”：无网上有效咨询建言渠道；"
          "或前1年内政务咨询类栏目存在超过3个月未回应的有效留言（指标表据该通知转载全文 sntec.org.cn/info/1015/4213.htm，"
          "原文 www.gov.cn/zhengce/content/2019-04/18/content_5384134.htm）；在线访谈、调查征集、信访、纪检举报类栏目不计",
    remediation="开设网上咨询建言渠道（领导信箱、咨询留言等）并公开留言及答复；对收到的有效留言在3个月内（地方要求更短的从其规定）"
                "答复并公开答复时间、答复单位。",
    params={"months": 3, "lookback_months": 12, "columns": ["interaction"],
            "exclude": ["interview", "petition", "consultation"]},
    types={"months": int, "lookback_months": int, "columns": list, "exclude": list},
)
def interaction_responsive(snapshot, params, ctx) -> list[Finding]:
    """A consultation channel (a column of the ``columns`` classes) exists, and every message left in the
    ``lookback_months`` before the audit day was answered within ``months`` months: not answered by then, or answered
    later (答复时间 − 留言时间 > ``months``), fails. Messages in columns of the ``exclude`` classes (在线访谈, 信访, 纪检举报,
    意见征集) are not judged; a message whose 状态 says 不予受理/无效 is not a valid message.

    ``unverified``, with the reason: a message with no readable 留言时间; a reply shown without a date once the
    months have passed; a channel with no readable public list (a 写信 form only, a list drawn by script or with
    links to ``javascript:;``, a mailbox on another site); an entrance whose link has no address."""
    months, lookback = params["months"], params["lookback_months"]
    expected = f"有网上咨询建言渠道；前{lookback}个月内的有效留言均在{months}个月内答复"
    subject = "咨询建言渠道"
    why = home_unreachable(snapshot)
    if why:
        return [Finding(subject, UNVERIFIED, expected=expected, message=why)]
    wanted = columns_of_class(snapshot, params["columns"])
    excluded = set(params["exclude"])
    channels = wanted.found
    channels = channels[~channels["class"].isin(excluded)] if len(channels) else channels
    held_by, page_column = message_columns(snapshot)
    msgs = _merged(snapshot)
    other = other_site_pages(snapshot)
    channels = channels[~channels["url"].isin(other)] if len(channels) else channels
    channels = _with_children(snapshot, channels)
    judged_rows, left_out = [], 0
    for r in msgs.to_dict("records") if len(msgs) else []:
        if r["pages"] <= other:
            continue  # read on another site's pages (a city 投诉平台 under the same host)
        paths = set().union(*(held_by.get(u, set()) for u in [r["url"], *r["pages"]] if isinstance(u, str)),
                            *({page_column[p]} for p in r["pages"] if p in page_column))
        classes = _classes(snapshot, paths)
        if paths and classes and classes <= excluded:
            left_out += 1  # a message in 在线访谈 / 信访 / 纪检举报 / 意见征集: not this indicator's
            continue
        r["columns"] = sorted(paths)
        judged_rows.append(r)
    external = _external_channels(snapshot, set(params["columns"]))
    entrance = _entrance(excluded)
    dead = dead_entrances(snapshot, entrance)

    if channels.empty and not judged_rows:
        return [_no_channel(snapshot, wanted, subject, expected, external, dead, left_out, entrance)]

    # ---- the messages of the past year
    as_of = ctx.as_of
    start = add_months(as_of, -lookback)
    fails, unverified, ok, older = [], [], 0, 0
    newest = None
    for r in judged_rows:
        out, verdict = _judge(snapshot, r, start, as_of, months, expected)
        when = _day(r.get("asked")) or _day(r.get("listed"))
        if when and (newest is None or when > newest):
            newest = when
        if verdict == "outside":
            older += 1
        elif verdict == "invalid":
            left_out += 1
        elif verdict == "ok":
            ok += 1
        elif out.status == FAIL:
            fails.append(out)
        else:
            unverified.append(out)
    unverified += _unread_entries(snapshot, channels, {r["key"] for r in judged_rows}, expected)
    names = "、".join(dict.fromkeys(channels["path"])) if len(channels) else "、".join(
        dict.fromkeys(p for r in judged_rows for p in r["columns"])) or "留言所在栏目"
    ev = page_evidence(snapshot, _first_url(channels))
    if fails:
        return fails + unverified
    counts = f"前{lookback}个月（{start:%Y-%m-%d}至{as_of:%Y-%m-%d}）{ok}条留言均在{months}个月内答复或尚在期限内"
    extra = "；".join(x for x in (f"{len(unverified)}条无法核验" if unverified else "",
                                   f"{older}条早于评估期" if older else "",
                                   f"{left_out}条不计（在线访谈/信访/纪检举报/征集类栏目或无效留言）" if left_out else "") if x)
    measured = counts + (f"（{extra}）" if extra else "")
    if ok:
        if snapshot.truncated:
            return unverified + [Finding(names, UNVERIFIED, measured=measured, expected=expected,
                                         message="已读取的留言均按时答复，但抓取达到页面上限，可能有未读取的留言", **ev)]
        return unverified + [Finding(names, PASS, measured=measured, expected=expected,
                                     message=f"咨询建言渠道：{names}", **ev)]
    if unverified:
        return unverified
    if older:  # the list was read: nothing was left in the past year
        return [Finding(names, PASS, measured=f"前{lookback}个月内无留言（最近一条{newest:%Y-%m-%d}）" if newest
                        else f"前{lookback}个月内无留言", expected=expected,
                        message=f"咨询建言渠道：{names}；列表中{older}条留言均早于评估期", **ev)]
    return [_no_public_list(snapshot, channels, names, expected, external, dead)]


def _with_children(snapshot, channels: pd.DataFrame) -> pd.DataFrame:
    """Channel columns and their unclassified sub-columns (领导信箱/来信选登, 领导信箱/问答精选): where a mailbox's
    public letters are listed."""
    cols = snapshot.columns
    if channels.empty or cols.empty:
        return channels
    roots = set(channels["path"])
    klass = dict(zip(cols["path"], cols["class"]))
    kids = []
    for path in cols["path"]:
        parts = path.split("/")
        ups = ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]  # nearest ancestor first
        for up in ups:
            if up in roots:
                kids.append(path)
                break
            if isinstance(klass.get(up), str):
                break  # under another class (问卷调查/结果反馈): not the mailbox's
        if kids and kids[-1] == path and isinstance(klass.get(path), str):
            kids.pop()  # a classified sub-column is its class's, not the mailbox's list
    return pd.concat([channels, cols[cols["path"].isin(kids)]]).drop_duplicates("path")


def _first_url(cols: pd.DataFrame) -> str:
    urls = [u for u in cols["url"] if isinstance(u, str)] if len(cols) else []
    return urls[0] if urls else ""


def _judge(snapshot, r: dict, start: dt.date, as_of: dt.date, months: int, expected: str):
    """(finding or None, verdict): verdict is ok | fail | unverified | outside | invalid."""
    state = r.get("state") if isinstance(r.get("state"), str) else None
    if state == "invalid":
        return None, "invalid"
    asked = _day(r.get("asked"))
    answered = _day(r.get("answered"))
    listed = _day(r.get("listed"))
    where = "（留言时间取自列表日期）" if asked is None and listed and state == "pending" else ""
    if asked is None and state == "pending":
        asked = listed  # a list date on a message still pending can only be the day it was left
    url = r["url"] if isinstance(r.get("url"), str) and r["url"] else ""
    subject = url or f"{sorted(r['pages'])[0]}#{r.get('title') or ''}"
    ev = page_evidence(snapshot, url or sorted(r["pages"])[0])
    status = r.get("status") or ""
    title = r.get("title") or ""
    measured = (f"留言{asked.isoformat() if asked else '未标注'}；答复{answered.isoformat() if answered else '未标注'}"
                f"；状态{status or '未标注'}{where}")
    if asked is None:
        if (answered and answered < start) or (listed and listed < start):
            return None, "outside"  # answered (or listed) before the period: left before it too
        return Finding(subject, UNVERIFIED, measured=measured, expected=expected,
                       message=f"留言《{title}》未标注留言时间，无法判断答复是否超过期限", **ev), "unverified"
    if asked < start or asked > as_of:
        return None, "outside"
    due = add_months(asked, months)
    replied = answered is not None or state == "replied" or bool(r.get("answer_shown"))
    if answered is not None:
        if answered > due:
            return Finding(subject, FAIL, measured=measured, expected=expected,
                           message=f"留言《{title}》{(answered - asked).days}天后才答复，超过{months}个月", **ev), "fail"
        return None, "ok"
    if replied:
        if as_of <= due:
            return None, "ok"
        return Finding(subject, UNVERIFIED, measured=measured, expected=expected,
                       message=f"留言《{title}》显示已答复但未标注答复时间，无法判断是否在{months}个月内答复", **ev), "unverified"
    if state == "pending" or (r.get("reply_shown") and not r.get("answer_shown")):
        if as_of > due:
            return Finding(subject, FAIL, measured=measured, expected=expected,
                           message=f"留言《{title}》自{asked:%Y-%m-%d}起超过{months}个月未答复（截至{as_of:%Y-%m-%d}）",
                           **ev), "fail"
        return None, "ok"
    return Finding(subject, UNVERIFIED, measured=measured, expected=expected,
                   message=f"留言《{title}》页面未显示答复情况（无答复时间、状态或答复内容），无法判断", **ev), "unverified"


def _unread_entries(snapshot, channels: pd.DataFrame, have: set, expected: str) -> list[Finding]:
    """Entries listed in a channel column whose page could not be read: messages that cannot be judged."""
    if channels.empty or snapshot.entries.empty:
        return []
    ent = snapshot.entries[snapshot.entries["column_path"].isin(set(channels["path"]))].drop_duplicates("url")
    out = []
    for url, title in zip(ent["url"], ent["title"]):
        if url in have:
            continue
        problem = page_problem(snapshot, url)
        if problem:
            out.append(Finding(url, UNVERIFIED, expected=expected,
                               message=f"栏目列出的《{title}》无法读取：{problem[1]}", evidence_url=url))
    return out


def _no_channel(snapshot, wanted, subject, expected, external, dead, left_out, entrance) -> Finding:
    """No column of the channel classes and no message: fail, unless something says a channel may exist unseen."""
    if external:
        to, text, frm = external[0]
        return Finding(subject, UNVERIFIED, measured=f"外部渠道“{text}”", expected=expected,
                       message=f"咨询建言渠道在其他网站（“{text}”→{to}，链接位于 {frm}），留言及答复未纳入本次评估，无法核验",
                       evidence_url=frm)
    links = snapshot.links
    if len(links):
        named = links[links["kind"] != "external"]
        for frm, to, text in zip(named["from_url"], named["to_url"], named["text"]):
            if entrance(text) and (problem := page_problem(snapshot, to)):
                return Finding(subject, UNVERIFIED, measured=f"入口“{text}”无法读取", expected=expected,
                               message=f"“{text}”（{to}，链接位于 {frm}）：{problem[1]}", evidence_url=to)
    if dead:
        frm, text = dead[0]
        return Finding(subject, UNVERIFIED, measured=f"入口“{text}”无链接地址", expected=expected,
                       message=f"页面有“{text}”入口，但链接无有效地址（javascript:或空链接，可能由脚本打开），"
                               f"无法核验该渠道（位于 {frm}）", evidence_url=frm)
    if (why := structure_unknown(snapshot)):
        return Finding(subject, UNVERIFIED, expected=expected, message=f"{why}，未见咨询建言渠道但无法确认其不存在")
    if wanted.could_be:
        return Finding(subject, UNVERIFIED, expected=expected,
                       message=f"未找到名称可识别的咨询建言栏目；以下未归类栏目可能是：{'、'.join(wanted.could_be[:5])}"
                               "（可用 --column-map 指定）")
    note = f"；另有{left_out}条留言位于在线访谈/信访/纪检举报/征集类栏目，不计" if left_out else ""
    return Finding(subject, FAIL, measured="未发现咨询建言渠道", expected=expected,
                   message=f"网站未设置网上咨询建言渠道（查找栏目类别：{CLASS_WORDS}；在线访谈、意见征集、信访、纪检举报类栏目不计；"
                           f"抓取全部 {len(snapshot.pages)} 个页面未见）{note}",
                   **page_evidence(snapshot, snapshot.start_url))


def _no_public_list(snapshot, channels, names, expected, external, dead) -> Finding:
    """A channel exists but no message of it could be read: say why the replies cannot be verified."""
    reasons = []
    for row in channels.to_dict("records"):
        url = row["url"] if isinstance(row["url"], str) else None
        if url and (problem := page_problem(snapshot, url)):
            reasons.append(f"“{row['name']}”页面：{problem[1]}")
        elif int(row["dead_items"]):
            reasons.append(f"“{row['name']}”列表有{int(row['dead_items'])}条信息但链接无效（javascript:或空链接）")
        elif int(row["item_count"]):
            reasons.append(f"“{row['name']}”列出{int(row['item_count'])}条信息，但未读取到留言时间、答复等留言字段")
        elif row["says_empty"]:
            reasons.append(f"“{row['name']}”列表显示无信息")
        else:
            reasons.append(f"“{row['name']}”未见公开的留言列表（仅有写信入口或列表由脚本加载）")
    if dead:
        reasons.append(f"“{dead[0][1]}”入口链接无有效地址")
    if external:
        reasons.append(f"链接至其他网站的“{external[0][1]}”（{external[0][0]}）未纳入评估")
    return Finding(names, UNVERIFIED, measured="未读取到留言", expected=expected,
                   message="咨询建言渠道存在，但未读取到公开的留言及答复，无法核验是否按时答复：" + "；".join(reasons),
                   **page_evidence(snapshot, _first_url(channels)))
