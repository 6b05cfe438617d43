"""Column checks: required columns exist (栏目缺失), are not blank (空白栏目), are kept up to date (栏目不更新)."""
from __future__ import annotations

import pandas as pd

from .base import FAIL, NA, PASS, UNVERIFIED, Finding, check
from .evidence import home_unreachable, norm_name, page_evidence, page_problem


def _names(params) -> set[str]:
    return {norm_name(n) for n in [params.get("column"), *params.get("aliases", [])] if n}


def find_columns(snapshot, names: set[str]) -> pd.DataFrame:
    """Columns whose own name is one of ``names`` (normalised)."""
    cols = snapshot.columns
    if cols.empty:
        return cols
    mask = cols["name"].map(lambda n: norm_name(n) in names)
    return cols[mask]


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
    """A column named ``column`` (or one of ``aliases``) exists, under ``parent`` when given."""
    subject = params["column"]
    expected = f"存在栏目“{subject}”" + (f"（位于“{params['parent']}”下）" if params.get("parent") else "")
    why = home_unreachable(snapshot)
    if why:
        return [Finding(subject, UNVERIFIED, expected=expected, message=why)]
    found = find_columns(snapshot, _names(params))
    if len(found):
        parent = params.get("parent")
        under = found[found["path"].map(lambda p: parent is None or norm_name(parent) in {norm_name(x) for x in p.split("/")})]
        row = (under if len(under) else found).iloc[0]
        ev = page_evidence(snapshot, row["url"])
        if parent and not len(under):
            return [Finding(subject, FAIL, measured=f"栏目位于“{row['path']}”", expected=expected,
                            message=f"栏目“{row['name']}”存在，但不在“{parent}”平台下", **ev)]
        return [Finding(subject, PASS, measured=f"栏目“{row['path']}”", expected=expected,
                        message="栏目存在", **ev)]
    # no page declares the column: is there a link by that name whose page could not be read?
    links = snapshot.links
    named = links[links["text"].map(lambda t: norm_name(t) in _names(params))] if len(links) else links
    for url in dict.fromkeys(named["to_url"]) if len(named) else []:
        problem = page_problem(snapshot, url)
        if problem:
            status, reason = problem
            return [Finding(subject, status, measured="栏目链接存在但页面无法读取", expected=expected,
                            message=f"“{subject}”链接指向的页面：{reason}", evidence_url=url)]
        return [Finding(subject, PASS, measured="栏目链接存在且页面可访问", expected=expected,
                        message="栏目入口存在", **page_evidence(snapshot, url))]
    if snapshot.truncated:
        return [Finding(subject, UNVERIFIED, expected=expected,
                        message="抓取达到页面上限，未找到该栏目但无法确认其不存在")]
    return [Finding(subject, FAIL, measured="未找到该栏目", expected=expected,
                    message=f"网站未开设“{subject}”栏目（抓取全部 {len(snapshot.pages)} 个页面未见）",
                    **page_evidence(snapshot, snapshot.start_url))]


@check(
    "column_nonempty",
    title="空白栏目",
    basis="国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》：栏目不更新（含空白栏目，即栏目中没有任何信息）",
    remediation="为空白栏目补充应公开的内容；确无内容可发布的栏目应予以撤并。",
    params={"columns": []},
    types={"columns": list},
)
def column_nonempty(snapshot, params, ctx) -> list[Finding]:
    """Every column with a list page has at least one entry (``columns`` limits which)."""
    why = home_unreachable(snapshot)
    if why:
        return [Finding("全部栏目", UNVERIFIED, message=why)]
    cols = snapshot.columns
    cols = cols[cols["has_list_page"]]
    if params["columns"]:
        cols = find_columns(snapshot, {norm_name(n) for n in params["columns"]})
    parents = set(snapshot.columns["parent"].dropna())
    out = []
    for _, c in cols.iterrows():
        if c["path"] in parents:  # a landing page of sub-columns is not blank
            continue
        ev = page_evidence(snapshot, c["url"])
        n = int(c["item_count"]) + int(c["articles_seen"])
        if n > 0:
            out.append(Finding(c["path"], PASS, measured=f"{int(c['item_count'])}条", expected="至少1条信息", **ev))
        else:
            out.append(Finding(c["path"], FAIL, measured="0条", expected="至少1条信息",
                               message=f"“{c['name']}”为空白栏目", **ev))
    if not out:
        return [Finding("全部栏目", NA, message="未发现带列表页的栏目")]
    return out


@check(
    "column_fresh",
    title="栏目更新及时性",
    basis="国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》：动态、要闻类栏目超过2周未更新；"
          "通知公告、政策文件类栏目超过6个月未更新（见 shared/reference/indicators.md 所引检查报告）",
    remediation="及时更新栏目内容，建立栏目内容保障机制；确无内容更新的栏目应予以撤并。",
    params={"columns": [], "max_age_days": 14},
    required=("columns",),
    types={"columns": list, "max_age_days": int},
)
def column_fresh(snapshot, params, ctx) -> list[Finding]:
    """The newest entry of each listed column is at most ``max_age_days`` old on the audit day."""
    limit = params["max_age_days"]
    expected = f"最近更新不超过{limit}天"
    why = home_unreachable(snapshot)
    if why:
        return [Finding("、".join(params["columns"]), UNVERIFIED, expected=expected, message=why)]
    cols = find_columns(snapshot, {norm_name(n) for n in params["columns"]})
    if cols.empty:
        return [Finding("、".join(params["columns"]), NA, expected=expected,
                        message="网站未设置此类栏目（是否应设置见“必设栏目”检查）")]
    out = []
    for _, c in cols.iterrows():
        ev = page_evidence(snapshot, c["url"])
        newest = c["newest_date"]
        if newest is None or pd.isna(newest):
            status = UNVERIFIED if int(c["item_count"]) else FAIL
            msg = "栏目有信息但未识别出发布日期" if status == UNVERIFIED else "栏目没有任何信息"
            out.append(Finding(c["path"], status, expected=expected, measured="无日期", message=msg, **ev))
            continue
        entries = snapshot.entries
        newest_urls = entries[(entries["column_path"] == c["path"]) & (entries["date"] == newest)]["url"]
        why = next((w for u in newest_urls if (w := ctx.invalid("entries", u))), None)
        if why:
            out.append(Finding(c["path"], UNVERIFIED, expected=expected, measured=f"最近日期{newest}", message=why, **ev))
            continue
        age = (ctx.as_of - newest).days
        ok = age <= limit
        out.append(Finding(c["path"], PASS if ok else FAIL, measured=f"最近更新{newest:%Y-%m-%d}（{age}天前）",
                           expected=expected, message="" if ok else f"“{c['name']}”已{age}天未更新", **ev))
    return out
