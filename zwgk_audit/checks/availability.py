"""The 19号文 vetoes read from the home page and from monitoring: 站点无法访问 and 首页不更新.

Both need time a snapshot does not have. ``站点无法访问`` is judged only from a monitoring (``zwgk-audit monitor``,
passed to the audit as ``monitoring``, see :mod:`zwgk_audit.monitor`); ``首页不更新`` from the dates of what the
home page lists (or, for a navigation-only home page, what its second-level pages list), and from two weeks of
monitoring when there is one.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .base import FAIL, PASS, UNVERIFIED, Finding, check
from .evidence import home_unreachable, page_evidence

GB19 = "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》单项否决指标"
SOURCE = "（指标表据该通知转载全文 sntec.org.cn/info/1015/4213.htm；原文 www.gov.cn/zhengce/content/2019-04/18/content_5384134.htm）"


def _host(url: str) -> str:
    from ..extract.urls import host_of

    return host_of(url) or ""


def _monitoring_mismatch(snapshot, mon) -> str | None:
    """Why a monitoring cannot stand for this portal (another host), else None."""
    if mon is None or not snapshot.start_url or not mon.url:
        return None
    if _host(mon.url) != _host(snapshot.start_url):
        return f"监测文件的对象（{mon.url}）与评估对象（{snapshot.start_url}）不是同一网站"
    return None


@check(
    "site_accessible",
    title="站点无法访问（单项否决）",
    basis=f"{GB19}“站点无法访问”：监测1周,每天间隔性访问20次以上,超过(含)15秒仍打不开的次数累计占比超过(含)5%{SOURCE}",
    remediation="排查服务器、网络带宽和域名解析，保障网站7×24小时稳定可访问；建立可用性监测和故障应急处置机制，"
                "首页打开时间控制在15秒以内。",
    params={"slow_seconds": 15, "max_share": 0.05, "min_days": 7, "min_per_day": 20},
    types={"slow_seconds": (int, float), "max_share": (int, float), "min_days": int, "min_per_day": int},
)
def site_accessible(snapshot, params, ctx) -> list[Finding]:
    """Fails when ≥ ``max_share`` of the monitoring's probes did not open the home page within ``slow_seconds``.

    Judged from the monitoring only (``ctx.monitoring``); a single crawl says nothing about a week. Monitoring
    shorter than ``min_days`` × ``min_per_day`` fails when its failures already reach ``max_share`` of that total,
    and is otherwise ``unverified`` with what is missing."""
    from ..monitor import judge_availability

    mon = getattr(ctx, "monitoring", None)
    slow, share = params["slow_seconds"], params["max_share"]
    days, per_day = params["min_days"], params["min_per_day"]
    expected = f"监测{days}天、每天≥{per_day}次，超过(含){slow:g}秒仍打不开的占比低于{share:.0%}"
    if mon is None:
        return [Finding("首页可用性监测", UNVERIFIED, expected=expected, evidence_url=snapshot.start_url,
                        message=f"国办秘函〔2019〕19号“站点无法访问”须监测1周、每天间隔性访问{per_day}次以上，单次抓取无法判断；"
                                f"请运行 zwgk-audit monitor {snapshot.start_url or 'URL'} --days {days} --per-day {per_day} "
                                f"-o 监测目录，再以 --monitoring 监测目录 评估")]
    if (why := _monitoring_mismatch(snapshot, mon)):
        return [Finding("首页可用性监测", UNVERIFIED, expected=expected, evidence_url=mon.url, message=why)]
    v = judge_availability(mon, slow, share, days, per_day)
    notes = f"（监测文件说明：{'；'.join(mon.notes)}）" if mon.notes else ""
    return [Finding(f"首页可用性监测（{v.probes}次探测）", v.status, measured=v.measured, expected=expected,
                    evidence_url=mon.url, fetched_at=mon.window(),
                    message=f"{v.message}{notes}。证据：{mon.evidence()}")]


def _dated(snapshot, ctx, pages: set[str]) -> pd.DataFrame:
    """Dated items shown on ``pages``: their list entries (the date the page prints), and the pages' links to
    documents whose own page gives a 发布日期 (home pages often print only 月-日, or no date). Rows failing data
    validation are left out."""
    rows = []
    e = snapshot.entries
    for page, url, title, date in e.loc[e["page_url"].isin(pages), ["page_url", "url", "title", "date"]].itertuples(
            index=False):
        if date is not None and not pd.isna(date) and not ctx.invalid("entries", url):
            rows.append((date, url, title, page, "列表日期"))
    links = snapshot.links[snapshot.links["from_url"].isin(pages) & (snapshot.links["kind"] != "external")]
    if len(links):
        arts = snapshot.articles.drop_duplicates("url").set_index("url")
        for page, url, text in links[["from_url", "to_url", "text"]].itertuples(index=False):
            if url in arts.index:
                date = arts.at[url, "publish_date"]
                if date is not None and not pd.isna(date) and not ctx.invalid("articles", url):
                    rows.append((date, url, text or arts.at[url, "title"], page, "所链文章的发布日期"))
    df = pd.DataFrame(rows, columns=["date", "url", "title", "page", "source"])
    df["date"] = [d if isinstance(d, dt.date) else pd.Timestamp(d).date() for d in df["date"]]
    return df


def _second_level(snapshot, homes: set[str]) -> set[str]:
    """The site's own pages the home page links to (its columns and other second-level pages)."""
    links = snapshot.links[snapshot.links["from_url"].isin(homes) & (snapshot.links["kind"] != "external")]
    return {u for u in links["to_url"] if u not in homes and snapshot.in_scope(u)}


@check(
    "home_updated",
    title="首页不更新（单项否决）",
    basis=f"{GB19}“首页不更新”：监测2周,首页无信息更新(首页仅为导航入口时:所有二级页面无更新){SOURCE}",
    remediation="及时在首页发布本地区、本部门的重要信息和动态，保证首页2周内有信息更新；首页仅为导航入口的，"
                "保证二级页面及时更新。",
    params={"max_days": 14},
    types={"max_days": int},
)
def home_updated(snapshot, params, ctx) -> list[Finding]:
    """The newest dated item on the home page (a navigation-only home page: on any page it links to) is at most
    ``max_days`` old on the audit day. With monitoring that read the home page on ``max_days`` days or more, the
    home page's content (visible text without scripts, dates, times, weather and counters) must also have changed
    within it."""
    limit = params["max_days"]
    expected = f"首页{limit}天内有信息更新"
    out: list[Finding] = []
    why = home_unreachable(snapshot)
    if why:
        out.append(Finding("首页最新信息", UNVERIFIED, expected=expected, evidence_url=snapshot.start_url, message=why))
    else:
        out.append(_by_dates(snapshot, ctx, limit, expected))
    mon = getattr(ctx, "monitoring", None)
    if mon is not None:
        out.append(_by_monitoring(snapshot, mon, limit, expected))
    if all(f.status == UNVERIFIED for f in out) and mon is None and not why:
        out[0].message += "；也没有监测文件可据以判断（zwgk-audit monitor URL --days 14 -o 监测目录，评估时 --monitoring 监测目录）"
    return out


def _by_dates(snapshot, ctx, limit: int, expected: str) -> Finding:
    home = snapshot.page(snapshot.start_url)
    homes = {snapshot.start_url} | ({home["final_url"]} if isinstance(home["final_url"], str) else set())
    ev = page_evidence(snapshot, snapshot.start_url)
    dated = _dated(snapshot, ctx, homes)
    where = "首页"
    if dated.empty:  # a navigation-only home page: 所有二级页面无更新
        second = _second_level(snapshot, homes)
        dated = _dated(snapshot, ctx, second)
        where = "首页无带日期的信息（仅为导航入口），二级页面"
        if dated.empty:
            return Finding("首页最新信息", UNVERIFIED, expected=expected, **ev,
                           message=f"首页及其链接的{len(second)}个二级页面均未识别出带日期的信息，无法判断更新情况")
    later = dated[dated["date"] > ctx.as_of]
    dated = dated[dated["date"] <= ctx.as_of]
    note = f"（另有{len(later)}条日期晚于评估日{ctx.as_of}的信息未计入）" if len(later) else ""
    if dated.empty:
        return Finding("首页最新信息", UNVERIFIED, expected=expected, **ev,
                       message=f"{where}的信息日期均晚于评估日{ctx.as_of}，无法按评估日判断{note}")
    newest = dated.sort_values(["date", "source"], ascending=[False, False], kind="stable").iloc[0]
    age = (ctx.as_of - newest["date"]).days
    ok = age <= limit
    pages = "" if where == "首页" else f"（见{newest['page']}）"
    measured = f"{where}最新信息{newest['date']:%Y-%m-%d}（{age}天前）：{newest['title']}{pages}"
    if where != "首页":
        ev = page_evidence(snapshot, newest["page"])
    message = (f"{measured}，{limit}天内有更新" if ok else
               f"{where}最新信息为{newest['date']:%Y-%m-%d}“{newest['title']}”，已{age}天未更新（超过{limit}天），"
               f"按国办秘函〔2019〕19号判定为“首页不更新”（单项否决）") + note
    return Finding("首页最新信息", PASS if ok else FAIL, measured=measured, expected=expected, message=message, **ev)


def _by_monitoring(snapshot, mon, limit: int, expected: str) -> Finding:
    subject = "首页监测期间内容变化"
    if (why := _monitoring_mismatch(snapshot, mon)):
        return Finding(subject, UNVERIFIED, expected=expected, evidence_url=mon.url, message=why)
    p = mon.probes
    read = p[p["text_sha1"].astype(str).str.len() > 0]
    days = int(read["day"].nunique())  # monitoring days (of the monitor's schedule) with the home page read
    versions = int(read["text_sha1"].nunique())
    measured = f"监测{mon.window()}，{days}天内成功读取首页{len(read)}次，首页内容{versions}个版本"
    if days < limit:
        return Finding(subject, UNVERIFIED, measured=measured, expected=expected, evidence_url=mon.url,
                       fetched_at=mon.window(),
                       message=f"成功读取首页的监测仅{days}天，不足{limit}天（国办秘函〔2019〕19号：监测2周），未据监测判断")
    if versions > 1:
        changed = read.loc[read["text_sha1"] != read["text_sha1"].iloc[0], "time_local"].iloc[0]
        return Finding(subject, PASS, measured=measured, expected=expected, evidence_url=mon.url,
                       fetched_at=mon.window(), message=f"监测期间首页内容有更新（首次变化于{changed}，北京时间）")
    return Finding(subject, FAIL, measured=measured, expected=expected, evidence_url=mon.url, fetched_at=mon.window(),
                   message=f"监测{days}天（≥{limit}天）内首页内容（去除脚本、日期时间和访问计数后）没有任何变化，"
                           f"按国办秘函〔2019〕19号判定为“首页不更新”（单项否决）")
