"""服务不实用 (19号文 veto): the portal provides 办事服务, and its 办事指南 show the key elements.

Guides are the documents of 办事指南-class columns (and pages titled …办事指南); their elements come from the
snapshot's ``guides`` table (extract/guides.py, labels as data in ``data/guide_elements.yaml``). A link to a
政务服务网 counts as providing service — the guides then live outside the audited site and are not judged here.
"""
from __future__ import annotations

import pandas as pd

from ..extract import guides as gx
from ..site.vocabulary import norm_name
from .base import FAIL, PASS, UNVERIFIED, Finding, check
from .evidence import columns_of_class, home_unreachable, page_evidence, page_problem, structure_unknown
from .interaction import dead_entrances, other_site_pages

DEFAULT_ELEMENTS = ["事项名称", "设定依据", "申请条件", "办理材料", "办理流程", "办理时限", "收费标准", "咨询方式"]
HOW = {"cell": "表格", "heading": "序号小标题", "colon": "“名称：内容”", "bracket": "【】小标题", "title": "页面标题"}


def service_links(snapshot) -> list[tuple[str, str, str, str]]:
    """(url, text, from, why) of links to an online service hall (政务服务网 hosts or names), from the audited site's
    own pages."""
    links = snapshot.links
    if not len(links):
        return []
    other = other_site_pages(snapshot)
    out = []
    for frm, to, text, kind in zip(links["from_url"], links["to_url"], links["text"], links["kind"]):
        if frm in other:
            continue
        why = gx.service_link(to, text if isinstance(text, str) else "")
        if why and (kind == "external" or not snapshot.in_scope(to)):
            out.append((to, text, frm, why))
    return list(dict.fromkeys(out))


def _guide_urls(snapshot, found: pd.DataFrame) -> list[str]:
    """Guide pages: documents of 办事指南 columns (a broader 办事服务/政务服务 column's pages only when they label
    elements or are titled …指南), and any page titled …办事指南."""
    strict = {p for p, n in zip(found["path"], found["name"]) if norm_name(n).endswith("指南")} if len(found) else set()
    broad = set(found["path"]) - strict if len(found) else set()
    urls: dict[str, bool] = {}  # url -> in a strict guide column
    if len(found):
        mem = snapshot.memberships
        if mem is not None and len(mem):
            for url, path in zip(mem["doc_url"], mem["column_path"]):
                if path in strict or path in broad:
                    urls[url] = urls.get(url, False) or path in strict
        ent = snapshot.entries
        if len(ent):
            for url, path in zip(ent["url"], ent["column_path"]):
                if path in strict or path in broad:
                    urls[url] = urls.get(url, False) or path in strict
    g = snapshot.guides
    titled = set(g.loc[g["title"].map(gx.is_guide_title), "url"]) if g is not None and len(g) else set()
    rows = {u: r for u, r in zip(g["url"], g.to_dict("records"))} if g is not None and len(g) else {}
    out = []
    for url, is_strict in urls.items():
        r = rows.get(url)
        if is_strict or r is None or url in titled or len([k for k, how in r["elements"].items() if how != "title"]) >= 2:
            out.append(url)
    out += sorted(titled - set(out))
    return out


@check(
    "service_practical",
    title="办事服务实用（服务不实用）",
    basis="国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》单项否决指标“服务不实用”：未提供办事服务；"
          "或办事指南重点要素（事项名称、设定依据、申请条件、办理材料、…）缺失（指标表据该通知转载全文 "
          "sntec.org.cn/info/1015/4213.htm）。转载文本所列要素止于“办理材料、…”，其余要素（办理流程、办理时限、收费标准、"
          "咨询方式）取自各地政务服务网办事指南的通行要素；缺失几项即判否决的数目未能查到原文，由参数 max_missing 设定"
          "（默认0，即缺任一项即不符合）",
    remediation="在网站提供办事服务（办事指南栏目或链接至政务服务网），逐项补全办事指南的事项名称、设定依据、申请条件、"
                "办理材料、办理流程、办理时限、收费标准、咨询方式等要素。",
    params={"elements": DEFAULT_ELEMENTS, "max_missing": 0, "columns": ["service_guide"]},
    types={"elements": list, "max_missing": int, "columns": list},
)
def service_practical(snapshot, params, ctx) -> list[Finding]:
    """The portal provides 办事服务 — a column of the ``columns`` classes (办事指南, 办事服务, 网上办事…) or a link to a
    政务服务网 — and each 办事指南 shows the ``elements`` (labels as data: 申请材料 counts as 办理材料, 法定时限 as
    办理时限, 咨询电话 as 咨询方式…), at most ``max_missing`` of them missing.

    ``max_missing``: how many key elements a guide may lack before the veto. 19号文's own number was not recovered
    (the republished table lists 事项名称、设定依据、申请条件、办理材料、… and stops there); 0 is this tool's default,
    a checklist may set another and should cite its source.

    A link to a provincial 政务服务网 (zwfw…) passes the first clause, noting that the guides live outside the audited
    site and were not judged. ``unverified``, with the reason: a guide whose page labels nothing and links an attached
    file; a guide page not fetched or blocked; a 政务服务 entrance whose link has no address (``javascript:;``)."""
    limit = params["max_missing"]
    elements = [gx.element_of(e) or e for e in params["elements"]]
    expected = f"提供办事服务；办事指南列明{'、'.join(elements)}（缺失不超过{limit}项）"
    subject = "办事服务"
    why = home_unreachable(snapshot)
    if why:
        return [Finding(subject, UNVERIFIED, expected=expected, message=why)]
    wanted = columns_of_class(snapshot, params["columns"])
    found = wanted.found
    links = service_links(snapshot)
    out = []
    g = snapshot.guides
    rows = {u: r for u, r in zip(g["url"], g.to_dict("records"))} if g is not None and len(g) else {}
    for url in _guide_urls(snapshot, found):
        ev = page_evidence(snapshot, url)
        r = rows.get(url)
        if r is None:
            problem = page_problem(snapshot, url)
            reason = problem[1] if problem else "页面不是可读取的文章页（可能由脚本生成）"
            out.append(Finding(url, UNVERIFIED, expected=expected, message=f"办事指南页面无法读取：{reason}", **ev))
            continue
        title = r["title"] or url
        if r["attachment_only"]:
            out.append(Finding(url, UNVERIFIED, measured="页面未标注任何要素，附有文件", expected=expected,
                               message=f"《{title}》页面未列明办事指南要素，内容可能在附件中（附件未读取），无法核验", **ev))
            continue
        shown = r["elements"]
        missing = [e for e in elements if e not in shown]
        blank = [e for e in missing if e in (r["blank"] or [])]
        from_title = "；事项名称取自页面标题" if shown.get("事项名称") == "title" and "事项名称" in elements else ""
        note = f"（{'、'.join(blank)}有标签但内容为空）" if blank else ""
        if len(missing) > limit:
            out.append(Finding(url, FAIL, measured=f"缺少{len(missing)}项：{'、'.join(missing)}{note}", expected=expected,
                               message=f"《{title}》办事指南缺少{'、'.join(missing)}{note}{from_title}", **ev))
        else:
            have = "、".join(f"{e}（{HOW.get(shown[e], shown[e])}）" for e in elements if e in shown)
            out.append(Finding(url, PASS, measured=("要素齐全" if not missing else f"缺少{'、'.join(missing)}") + note,
                               expected=expected, message=f"《{title}》列明：{have}", **ev))
    if out:
        return out
    # no guide read: is 办事服务 provided at all?
    if links:
        to, text, frm, why = links[0]
        cols = f"；另有栏目{'、'.join(found['path'][:3])}未读取到办事指南" if len(found) else ""
        return [Finding(subject, PASS, measured=f"链接至政务服务平台：{text}（{to}）", expected=expected,
                        message=f"办事服务由外部平台提供（“{text}”→{to}，{why}，链接位于 {frm}）；办事指南位于被评估网站之外，"
                                f"未评判其要素{cols}", evidence_url=frm)]
    if len(found):
        return [_columns_without_guides(snapshot, found, wanted, expected)]
    dead = dead_entrances(snapshot, gx.entrance_named)
    if dead:
        frm, text = dead[0]
        return [Finding(subject, UNVERIFIED, measured=f"入口“{text}”无链接地址", expected=expected,
                        message=f"页面有“{text}”入口，但链接无有效地址（javascript:或空链接，可能由脚本打开），"
                                f"无法确认是否提供办事服务（位于 {frm}）", evidence_url=frm)]
    if (why := structure_unknown(snapshot)):
        return [Finding(subject, UNVERIFIED, expected=expected, message=f"{why}，未见办事服务但无法确认其不存在")]
    if wanted.could_be:
        return [Finding(subject, UNVERIFIED, expected=expected,
                        message=f"未找到名称可识别的办事服务栏目；以下未归类栏目可能是：{'、'.join(wanted.could_be[:5])}"
                                "（可用 --column-map 指定）")]
    return [Finding(subject, FAIL, measured="未发现办事服务", expected=expected,
                    message=f"网站未提供办事服务：无办事指南/办事服务类栏目，也无链接至政务服务网（抓取全部 {len(snapshot.pages)} "
                            "个页面未见）", **page_evidence(snapshot, snapshot.start_url))]


def _columns_without_guides(snapshot, found: pd.DataFrame, wanted, expected: str) -> Finding:
    """办事服务 columns exist but no guide was read from them: empty (fail), or unreadable (unverified)."""
    reasons, empty = [], []
    for row in found.to_dict("records"):
        url = row["url"] if isinstance(row["url"], str) else None
        if url and (problem := page_problem(snapshot, url)):
            reasons.append(f"“{row['name']}”页面：{problem[1]}")
        elif int(row["dead_items"]):
            reasons.append(f"“{row['name']}”列表有{int(row['dead_items'])}条信息但链接无效")
        elif not row["has_list_page"] and url:
            reasons.append(f"“{row['name']}”页面未读取到办事指南列表（可能由脚本生成或链接至其他系统）")
        elif int(row["item_count"]):
            reasons.append(f"“{row['name']}”列出{int(row['item_count'])}条信息，但均不是办事指南")
        elif row["has_list_page"]:
            empty.append(row)
        else:
            reasons.append(f"“{row['name']}”无栏目页面")
    if empty and not reasons:
        row = empty[0]
        return Finding(row["path"], FAIL, measured="0条", expected=expected,
                       message=f"办事服务栏目“{row['name']}”没有任何办事指南（{wanted.explain(row['path'])}）",
                       **page_evidence(snapshot, row["url"]))
    return Finding("办事服务", UNVERIFIED, expected=expected, message="未读取到办事指南：" + "；".join(reasons),
                   **page_evidence(snapshot, next((u for u in found["url"] if isinstance(u, str)), None)))
