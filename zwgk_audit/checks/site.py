"""Site-wide checks: broken links (错链/死链) and footer identity (网站标识码, ICP备案, 公安备案)."""
from __future__ import annotations

import pandas as pd

from .base import FAIL, PASS, UNVERIFIED, Finding, check
from .evidence import home_unreachable, page_evidence, page_problem


@check(
    "links_valid",
    title="首页及栏目页链接可用性",
    basis="国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》：首页及栏目页存在错链、断链（死链）的，按个数扣分",
    remediation="修复或删除无法访问的链接，定期开展链接可用性检测。",
    params={"pages": "home_and_columns"},
    types={"pages": str},
)
def links_valid(snapshot, params, ctx) -> list[Finding]:
    """Every link on the home page and column pages leads to a page that answers (HTTP < 400).

    Same-site links are judged from the crawl; links to other sites from the crawl's HEAD checks.
    A link nobody requested (checks switched off, cap reached, a private address the portal is not in,
    the auditing machine offline by the crawl's internet probe) is counted in one ``unverified`` finding,
    never passed silently, never failed.
    """
    from ..crawl.reachability import offline_reason

    why = home_unreachable(snapshot)
    if why:
        return [Finding("首页及栏目页链接", UNVERIFIED, message=why)]
    pages = snapshot.pages
    sources = {snapshot.start_url}
    if params["pages"] == "home_and_columns":
        sources |= set(pages.loc[pages["kind"] == "list", "url"])
    links = snapshot.links[snapshot.links["from_url"].isin(sources)]
    out: list[Finding] = []
    unchecked: list[str] = []
    offline = offline_reason(snapshot.meta.get("internet"))  # the auditor's network, not the portal's fault
    first = links.drop_duplicates("to_url").sort_values("to_url")  # one finding per target, cited where first seen
    for url, source, text in zip(first["to_url"], first["from_url"], first["text"]):
        row = snapshot.page_row(url)
        external = not snapshot.in_scope(url)
        if row is None or row["kind"] in ("robots_blocked", "external_skipped") or (external and offline):
            if external:
                unchecked.append(url)
            continue  # same-site files this crawler does not fetch, or pages robots.txt keeps us from
        problem = page_problem(snapshot, url)
        if problem and external and row["kind"] == "error" and "timeout" not in str(row["error"]):
            problem = ("fail", f"无法访问：{row['error']}")  # another site that does not answer is a dead link
        ev = page_evidence(snapshot, url)
        if problem is None:
            out.append(Finding(url, PASS, measured=f"HTTP {int(row['status'])}", expected="可正常访问", **ev))
        else:
            status, reason = problem
            out.append(Finding(url, status, measured=reason, expected="可正常访问",
                               message=f"“{text}”链接（位于 {source}）{reason}", **ev))
    if unchecked and offline:
        out.append(Finding(f"外部链接（{len(unchecked)}个）", UNVERIFIED, measured="未检测", expected="可正常访问",
                           message=f"评估机器无法访问互联网，外部链接未检测（{offline}）：共{len(unchecked)}个"))
    elif unchecked:
        off = "" if snapshot.meta.get("check_external", False) else "（抓取时未启用外部链接检测）"
        out.append(Finding(f"外部链接（{len(unchecked)}个）", UNVERIFIED, expected="可正常访问",
                           message=f"{len(unchecked)}个外部链接未检测{off}"))
    return out


IDENTITY = {"site_code": "网站标识码", "icp": "ICP备案编号", "psb": "公安机关备案标识"}


@check(
    "site_identity",
    title="网站标识（网站标识码、ICP备案、公安备案）",
    basis="《政府网站发展指引》（国办发〔2017〕47号）：政府网站页面底部功能区应列明网站标识码、ICP备案编号、公安机关备案标识等",
    remediation="在网站页面底部功能区补充网站标识码、ICP备案编号和公安机关备案标识。",
    params={"fields": ["site_code", "icp", "psb"]},
    types={"fields": list},
)
def site_identity(snapshot, params, ctx) -> list[Finding]:
    """The home page footer shows each identity in ``fields``."""
    why = home_unreachable(snapshot)
    if why:
        return [Finding("首页底部标识", UNVERIFIED, message=why)]
    home = snapshot.page_row(snapshot.start_url)
    ev = page_evidence(snapshot, snapshot.start_url)
    out = []
    for field in params["fields"]:
        label = IDENTITY.get(field, field)
        value = home.get(field)
        if value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip():
            out.append(Finding(label, FAIL, measured="未找到", expected=f"页面底部标注{label}",
                               message=f"首页未标注{label}", **ev))
        else:
            out.append(Finding(label, PASS, measured=str(value), expected=f"页面底部标注{label}", **ev))
    return out


@check(
    "ipv6_support",
    title="门户网站支持IPv6",
    basis="《推进互联网协议第六版（IPv6）规模部署行动计划》（2017）及中央网信办等《深入推进IPv6规模部署和应用2022年工作安排》"
          "（县级以上政府门户网站IPv6支持）；判定方法参照 internet.nl：AAAA及≥2台IPv6域名服务器、IPv6可访问、IPv4/IPv6内容相似度≥90%",
    remediation="为网站及其二、三级页面所在主机配置IPv6：添加AAAA记录、在IPv6上提供与IPv4相同的服务。",
    params={"deadline": None, "depth_ratio": 0.9},
    types={"deadline": (str, type(None)), "depth_ratio": (int, float)},
)
def ipv6_support(snapshot, params, ctx) -> list[Finding]:
    """The four sub-tests recorded by the crawl's IPv6 probe, one finding each; before ``deadline`` informational
    (``not_applicable`` carrying the result), after it a failure counts."""
    import datetime as dt

    from ..ipv6 import IPv6Result

    probes = snapshot.meta.get("ipv6") or []
    if not probes:
        return [Finding("IPv6", UNVERIFIED, message="抓取时未执行IPv6探测（zwgk-audit audit 会在清单含 ipv6_support 时执行）")]
    result = IPv6Result.from_json(probes[0])
    deadline = dt.date.fromisoformat(str(params["deadline"])) if params.get("deadline") else None
    before = deadline is not None and ctx.as_of <= deadline
    out = []
    prefix = "" if result.auditor_has_ipv6 else "（评估机器没有IPv6路由）"
    for t in result.tests:
        status = t.status
        message = "" if status == PASS else f"{t.detail}。{t.remediation if status == FAIL else ''}"
        if before and status in (PASS, FAIL):
            message = f"截止日期{deadline}前，仅供参考：{'符合' if status == PASS else '不符合'}。{message}"
            status = "not_applicable"
        if status in (UNVERIFIED, "not_applicable") and not message:
            message = t.detail
        out.append(Finding(f"{t.title}{prefix}", status, measured=t.detail, expected=t.title,
                           evidence_url=result.url, message=message))
    return out
