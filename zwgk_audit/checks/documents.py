"""Document checks: publication within N working days, interpretations linked, metadata complete."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .. import calendar as wd
from .base import FAIL, NA, PASS, UNVERIFIED, Finding, check
from .evidence import (columns_of_class, home_unreachable, memo, page_evidence, page_problem, records,
                       structure_unknown)


def _in_columns(snapshot, refs: list[str]) -> pd.DataFrame:
    """Documents held by a column of the classes ``refs`` name (own breadcrumb or listed on the column's pages)."""
    wanted = columns_of_class(snapshot, refs)
    return snapshot.documents_in(wanted.found["path"]) if len(wanted.found) else snapshot.articles.iloc[0:0]


def _documents(snapshot, columns: list[str], expected: str, ctx) -> tuple[pd.DataFrame, list[Finding]]:
    """Documents in columns of the classes ``columns`` name, or the one finding that says why none can be judged.

    ``not_applicable`` only when the whole site's column tree was read and no column of the class exists;
    a class column with no readable document, a cut crawl or an unclassified column that could be the class
    leave the item ``unverified``, saying which."""
    wanted = columns_of_class(snapshot, columns)
    subject = wanted.label
    why = home_unreachable(snapshot)
    if why:
        return snapshot.articles.iloc[0:0], [Finding(subject, UNVERIFIED, expected=expected, message=why)]
    docs = snapshot.documents_in(wanted.found["path"]) if len(wanted.found) else snapshot.articles.iloc[0:0]
    if ctx.selection and not docs.empty:  # the assessment period and sample narrow what is judged
        chosen = ctx.selection.apply(docs)
        if chosen.empty:
            return chosen, [Finding(subject, NA, expected=expected,
                                    message=f"评估期内无此类文件（{ctx.selection.describe(docs)}）")]
        docs = chosen
    if not docs.empty:
        docs, aside = _own(snapshot, docs, expected)
        docs, other_rule = _in_force(snapshot, docs, expected, ctx)
        return docs, aside + other_rule
    if len(wanted.found):
        names = "、".join(f"“{p}”" for p in wanted.found["path"][:5])
        cut = "（抓取达到页面上限）" if snapshot.truncated else ""
        return docs, [Finding(subject, UNVERIFIED, expected=expected,
                              message=f"{names}栏目中未读取到文件{cut}，无法判断", evidence_url=_first_url(wanted.found))]
    if (why := structure_unknown(snapshot)):
        return docs, [Finding(subject, UNVERIFIED, expected=expected, message=f"{why}，未见“{subject}”类栏目")]
    if wanted.could_be:
        return docs, [Finding(subject, UNVERIFIED, expected=expected,
                              message=f"未找到名称可识别的“{subject}”类栏目；以下未归类栏目可能是："
                                      f"{'、'.join(wanted.could_be[:5])}（可用 --column-map 指定）")]
    return docs, [Finding(subject, NA, expected=expected, message=f"网站未设置“{subject}”类栏目（是否应设置见“必设栏目”检查）")]


def _own(snapshot, docs: pd.DataFrame, expected: str) -> tuple[pd.DataFrame, list[Finding]]:
    """The agency's own documents (and those nothing says are not), and one not_applicable finding per repost:
    a national or higher government's document reposted here is not judged as the agency's (site/ownership.py)."""
    from ..site.ownership import ownership, site_names

    names = memo(snapshot, "pages", "site_names", lambda: site_names(snapshot.pages))
    keep, aside = [], []
    for idx, d in zip(docs.index, records(docs)):
        own, why = ownership(d.get("publisher"), d.get("doc_no"), names, d.get("signer"), d.get("title"))
        if own is False:
            aside.append(Finding(d["url"], NA, expected=expected, message=f"{why}，不作为本机关文件评判",
                                 **page_evidence(snapshot, d["url"])))
        else:
            keep.append(idx)
    return docs.loc[keep], aside


def _in_force(snapshot, docs: pd.DataFrame, expected: str, ctx) -> tuple[pd.DataFrame, list[Finding]]:
    """The documents the item's rule governed, by the rule in force on each one's 成文日期 (its 发布日期 when it
    shows none, saying so; the audit day when it shows neither), and one not_applicable finding per other one."""
    if ctx is None or ctx.rule is None:
        return docs, []
    keep, aside = [], []
    for idx, d in zip(docs.index, records(docs)):
        if not _blank(d["document_date"]):
            why = ctx.rule_for(d["document_date"], "文件成文日期", d["url"])
        elif not _blank(d["publish_date"]):
            why = ctx.rule_for(d["publish_date"], "文件发布日期", d["url"], note="文件未标注成文日期，按发布日期确定适用的规定")
        else:
            why = ctx.rule_for(None, "", d["url"])
        if why:
            aside.append(Finding(d["url"], NA, expected=expected, message=why, **page_evidence(snapshot, d["url"])))
        else:
            keep.append(idx)
    return docs.loc[keep], aside


def _first_url(found: pd.DataFrame) -> str:
    urls = [u for u in found["url"] if isinstance(u, str)]
    return urls[0] if urls else ""


# where a value was read when no label gave it (extract/metadata.py), as findings cite it
SOURCE_NAMES = {"body": "正文文号行", "title": "标题", "signature": "正文落款", "byline": "来源行", "meta": "页面隐藏元数据",
                "attachment": "附件正文"}


def _sources(d) -> dict:
    return d.get("field_sources") if isinstance(d.get("field_sources"), dict) else {}


def _show(v) -> str:
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def _cited(d, field: str, label: str) -> str:
    """"成文日期取自正文落款" when a value came from the text or hidden meta rather than a labelled block."""
    where = SOURCE_NAMES.get(_sources(d).get(field)) if _sources(d).get(field) != "byline" else None
    return f"{label}取自{where}" if where else ""


def _reposts(findings: list[Finding]) -> bool:
    from ..site.ownership import REPOST

    return any(f.status == NA and f.message.startswith(REPOST) for f in findings)


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or (isinstance(v, str) and not v.strip())


@check(
    "publication_timeliness",
    title="信息发布及时性",
    basis="《中华人民共和国政府信息公开条例》（2019年修订）第二十六条：属于主动公开范围的政府信息，"
          "应当自该政府信息形成或者变更之日起20个工作日内及时公开（条文据国务院令第711号公布文本，经 LawRefBook/Laws 转录与网络转载核对）",
    remediation="自成文之日起在规定的工作日时限内公开文件，并准确标注成文日期和发布日期。",
    params={"max_working_days": 20, "columns": ["政策文件"]},
    types={"max_working_days": int, "columns": list},
    dated="subject",
)
def publication_timeliness(snapshot, params, ctx) -> list[Finding]:
    """发布日期 − 成文日期 ≤ ``max_working_days`` 工作日 (official holidays and 调休 counted)."""
    limit = params["max_working_days"]
    expected = f"成文后{limit}个工作日内发布"
    docs, cannot = _documents(snapshot, params["columns"], expected, ctx)
    if cannot and docs.empty:
        return cannot
    out = list(cannot)  # reposts set aside
    for d in records(docs):
        ev = page_evidence(snapshot, d["url"])
        formed, published = d["document_date"], d["publish_date"]
        if (why := ctx.invalid("articles", d["url"])):
            out.append(Finding(d["url"], UNVERIFIED, expected=expected, message=why, **ev))
            continue
        if _blank(formed) or _blank(published):
            missing = "成文日期" if _blank(formed) else "发布日期"
            note = d.get("attachment_note") if isinstance(d.get("attachment_note"), str) else ""
            where = f"{note}，" if note and "未能读取" in note else "页面"
            out.append(Finding(d["url"], UNVERIFIED, expected=expected,
                               message=f"{where}未标注{missing}，无法计算时限" if not note or where == "页面"
                               else f"{where}无法得到{missing}，无法计算时限", **ev))
            continue
        try:
            days = wd.working_days_between(formed, published)
        except wd.CalendarUnknown as exc:
            lo, hi = wd.working_days_bounds(formed, published)
            measured = f"成文{formed:%Y-%m-%d}，发布{published:%Y-%m-%d}，间隔{lo}–{hi}个工作日（节假日安排未知）"
            if hi <= limit:
                out.append(Finding(d["url"], PASS, measured=measured, expected=expected, **ev))
            elif lo > limit:
                out.append(Finding(d["url"], FAIL, measured=measured, expected=expected,
                                   message=f"《{d['title']}》无论节假日如何安排均超过{limit}个工作日才发布", **ev))
            else:
                out.append(Finding(d["url"], UNVERIFIED, measured=measured, expected=expected,
                                   message=f"工作日历未知(calendar unknown)，结果取决于节假日安排：{exc}", **ev))
            continue
        conflicts = d.get("field_conflicts") if isinstance(d.get("field_conflicts"), dict) else {}
        cited = "；".join(c for c in (_cited(d, "document_date", "成文日期"), _cited(d, "publish_date", "发布日期"),
                                     *(f"另：{FIELD_LABELS.get(k, k)}{v}" for k, v in conflicts.items()
                                       if k in ("document_date", "publish_date"))) if c)
        measured = f"成文{formed:%Y-%m-%d}，发布{published:%Y-%m-%d}，间隔{days}个工作日" + (f"（{cited}）" if cited else "")
        if days < 0:
            out.append(Finding(d["url"], UNVERIFIED, measured=measured, expected=expected,
                               message="发布日期早于成文日期，日期标注有误，无法判断", **ev))
        elif days <= limit:
            out.append(Finding(d["url"], PASS, measured=measured, expected=expected, **ev))
        else:
            out.append(Finding(d["url"], FAIL, measured=measured, expected=expected,
                               message=f"《{d['title']}》超过{limit}个工作日才发布（{days}个工作日）", **ev))
    return out


@check(
    "interpretation_linked",
    title="政策解读关联",
    basis="政策性文件与解读材料同步组织、同步审签、同步部署；门户网站上发布的文件与解读材料应互为链接"
          "（盘锦市司法局2019年实施方案（二），据盘政公协发〔2019〕1号）；国办秘函〔2019〕19号检查中"
          "“解读稿未与政策原文做好双向关联”列为问题",
    remediation="为政策文件发布解读材料，并在文件页与解读页之间互相添加链接（文件页“相关解读”，解读页“原文链接”）。",
    params={"document_columns": ["政策文件"], "interpretation_columns": ["政策解读"], "mutual": False,
            "within_days": None, "require_doc_no": True},
    types={"document_columns": list, "interpretation_columns": list, "mutual": bool,
           "within_days": (int, type(None)), "require_doc_no": bool},
    dated="subject",
)
def interpretation_linked(snapshot, params, ctx) -> list[Finding]:
    """Each policy document has a 解读; with ``mutual`` the two link each other; with ``within_days`` the 解读 is timely."""
    mutual = params["mutual"]
    expected = "文件与解读互为链接" if mutual else "文件有对应解读"
    if params["within_days"] is not None:
        expected += f"，解读在文件发布后{params['within_days']}个工作日内发布"
    why = home_unreachable(snapshot)
    if why:
        return [Finding("政策文件", UNVERIFIED, expected=expected, message=why)]
    arts = snapshot.articles
    docs, aside = _documents(snapshot, params["document_columns"], expected, ctx)
    if aside and docs.empty and not _reposts(aside):
        return aside
    if params["require_doc_no"] and not docs.empty:
        numbered = docs[~docs["doc_no"].map(_blank)]
        if numbered.empty and not docs["metadata_fields"].map(lambda f: "doc_no" in (f or [])).any():
            return aside + [Finding("政策文件", UNVERIFIED, expected=expected,
                            message=f"“政策文件”类栏目中的{len(docs)}个文件均未读取到文号字段（文号可能只在标题或正文中），"
                                    "无法判断哪些文件需要解读", **page_evidence(snapshot, docs["url"].iloc[0]))]
        docs = numbered
    if docs.empty:
        from ..site.ownership import REPOST

        reposted = sum(1 for f in aside if f.status == NA and f.message.startswith(REPOST))
        other_time = len(aside) - reposted  # documents dated outside this rule's time in force (_in_force)
        why = ("未发现需要解读的政策文件（有文号的政策文件）" if not aside else
               f"“政策文件”类栏目中的{reposted}件均为转载文件，未发现本机关需要解读的政策文件" if not other_time else
               f"“政策文件”类栏目中{reposted}件为转载文件、{other_time}件成文于本项规定施行期之外，未发现本项需评判的政策文件")
        return aside + [Finding("政策文件", NA, expected=expected, message=why)]
    interps = _in_columns(snapshot, params["interpretation_columns"])
    interps = pd.concat([interps, arts[arts["title"].fillna("").str.contains("解读")]]).drop_duplicates("url")
    interp_rows = records(interps)
    interp_by_url = {r["url"]: r for r in interp_rows}
    back: dict[str, list[str]] = {}
    for i in interp_rows:
        for src in i["source_links"]:
            back.setdefault(src, []).append(i["url"])
    out = list(aside)
    for d in records(docs):
        ev = page_evidence(snapshot, d["url"])
        forward = list(d["interpretation_links"])
        backward = back.get(d["url"], [])
        if not forward and not backward:
            named = _named_interpretation(d, interp_rows)
            if named is not None:  # the pages name each other but do not link: the 解读 exists
                status = FAIL if mutual else PASS
                out.append(Finding(d["url"], status, measured="有解读但未互相链接", expected=expected,
                                   message=f"《{d['title']}》有解读《{named['title']}》，但文件与解读页面未互相链接",
                                   **ev))
                continue
            if d.get("scripted_interpretation") is True:
                out.append(Finding(d["url"], UNVERIFIED, expected=expected,
                                   message="文件页的“相关解读”栏由脚本加载（页面HTML中为空），未能读取", **ev))
                continue
            if snapshot.truncated:
                out.append(Finding(d["url"], UNVERIFIED, expected=expected,
                                   message="未发现解读，但抓取达到页面上限，无法确认", **ev))
            else:
                out.append(Finding(d["url"], FAIL, measured="未发现解读", expected=expected,
                                   message=f"《{d['title']}》无政策解读", **ev))
            continue
        target = forward[0] if forward else backward[0]
        if target not in interp_by_url:
            problem = page_problem(snapshot, target)
            reason = problem[1] if problem else "链接目标不是解读页面"
            status = FAIL if problem and problem[0] == FAIL else UNVERIFIED
            out.append(Finding(d["url"], status, measured="文件页有解读链接", expected=expected,
                               message=f"解读页面无法核验：{reason}", evidence_url=target))
            continue
        interp = interp_by_url[target]
        has_back = d["url"] in interp["source_links"]
        has_fwd = target in forward
        measured = f"文件→解读：{'有' if has_fwd else '无'}；解读→文件：{'有' if has_back else '无'}"
        if mutual and not (has_fwd and has_back):
            lacking = "文件页未链接解读" if not has_fwd else "解读页未链接原文"
            out.append(Finding(d["url"], FAIL, measured=measured, expected=expected,
                               message=f"《{d['title']}》与解读仅单向链接：{lacking}", **ev))
            continue
        if params["within_days"] is not None:
            why = ctx.invalid("articles", d["url"]) or ctx.invalid("articles", target)
            if why:
                out.append(Finding(d["url"], UNVERIFIED, measured=measured, expected=expected, message=why, **ev))
                continue
            try:
                days = wd.working_days_between(d["publish_date"], interp["publish_date"])
            except (wd.CalendarUnknown, TypeError) as exc:
                out.append(Finding(d["url"], UNVERIFIED, measured=measured, expected=expected,
                                   message=f"无法计算解读时限：{exc}", **ev))
                continue
            measured += f"；解读晚于文件{days}个工作日"
            if days > params["within_days"]:
                out.append(Finding(d["url"], FAIL, measured=measured, expected=expected,
                                   message=f"《{d['title']}》的解读晚于文件{days}个工作日发布", **ev))
                continue
        out.append(Finding(d["url"], PASS, measured=measured, expected=expected, **ev))
    return out


BOOK_TITLE = re.compile(r"《([^《》]{4,60})》")


def _named_interpretation(d, interps: list[dict]):
    """The 解读 page whose title names this document's 《…》 (pages that name each other without a link)."""
    books = set(BOOK_TITLE.findall(str(d.get("title") or "")))
    if not books:
        return None
    for i in interps:
        if i["url"] != d["url"] and books & set(BOOK_TITLE.findall(str(i.get("title") or ""))):
            return i
    return None


FIELD_LABELS = {"index_no": "索引号", "publisher": "发布机构", "doc_no": "文号", "document_date": "成文日期",
                "publish_date": "发布日期", "validity": "有效性"}


@check(
    "metadata_complete",
    title="政府信息元数据完整性",
    basis="政府信息公开目录规范（如《政府信息公开目录系统实施指引（试行）》，文本待核对）：主动公开信息应标注索引号、发布机构、"
          "成文日期、发布日期等要素（文号依文件实际情况标注）",
    remediation="补全文件页面的索引号、发布机构、成文日期、发布日期等元数据。",
    params={"columns": ["政策文件"], "fields": ["index_no", "publisher", "doc_no", "document_date", "publish_date"]},
    types={"columns": list, "fields": list},
    dated="subject",
)
def metadata_complete(snapshot, params, ctx) -> list[Finding]:
    """Documents in ``columns`` show every field in ``fields`` with a value (文号 only where the page has the field)."""
    fields = params["fields"]
    expected = "、".join(FIELD_LABELS.get(f, f) for f in fields) + "齐全"
    docs, cannot = _documents(snapshot, params["columns"], expected, ctx)
    if cannot and docs.empty:
        return cannot
    out = list(cannot)  # reposts set aside
    for d in records(docs):
        shown = set(d.get("metadata_fields") or [])  # labelled on the page (block or byline)
        sources = _sources(d)
        # 文号 only where the page has a 文号 field: many documents legitimately have none
        wanted = [f for f in fields if f != "doc_no" or "doc_no" in shown]
        missing = [f for f in wanted if _blank(d.get(f)) or f not in shown]
        ev = page_evidence(snapshot, d["url"])
        if missing:
            names = [FIELD_LABELS.get(f, f) for f in missing]
            elsewhere = [f"{FIELD_LABELS.get(f, f)}见于{SOURCE_NAMES[sources[f]]}：{_show(d.get(f))}"
                         for f in missing if not _blank(d.get(f)) and sources.get(f) in SOURCE_NAMES]
            note = f"（{'；'.join(elsewhere)}）" if elsewhere else ""
            out.append(Finding(d["url"], FAIL, measured="缺少" + "、".join(names), expected=expected,
                               message=f"《{d['title']}》未标注{'、'.join(names)}{note}", **ev))
        else:
            out.append(Finding(d["url"], PASS, measured="要素齐全", expected=expected, **ev))
    return out


@check(
    "manual",
    title="人工核查事项",
    basis="工作要点/实施方案所列任务中无法由网站抓取自动判断的事项",
    remediation="由评估人员对照任务要求人工核查并记录结果。",
    params={"how": ""},
    types={"how": str},
)
def manual(snapshot, params, ctx) -> list[Finding]:
    """Always ``unverified``: the task needs a person (meetings held, training given, …)."""
    how = params.get("how") or "需人工核查"
    return [Finding("人工核查", UNVERIFIED, message=f"需人工核查：{how}")]


# 条例（2019）第四十九条: a 县级以上人民政府部门 publishes by 1月31日; the 主管部门 of a 县级以上地方人民政府 publishes
# the government's own report by 3月31日
DEPARTMENT_DUE, GOVERNMENT_DUE = (1, 31), (3, 31)
COUNTY_OR_ABOVE = {"省", "设区的市", "县"}


def _report_due(params, agency) -> tuple[tuple[int, int], tuple[int, int], str]:
    """(earliest due, latest due, why) for the annual report: one day when the checklist states it or the agency's
    kind and level decide it; 1月31日 and 3月31日 when they do not (a verdict between them is then unverified)."""
    if params.get("due"):
        month, day = (int(x) for x in params["due"].split("-"))
        return (month, day), (month, day), f"按清单规定的期限{month}月{day}日前公布"
    kind, levels = getattr(agency, "kind", None), tuple(getattr(agency, "levels", ()) or ())
    told = agency.kind_text() if agency is not None else "机关类型未能确定"
    if kind == "部门":
        return DEPARTMENT_DUE, DEPARTMENT_DUE, f"{told}：县级以上人民政府部门1月31日前公布（第四十九条第一款）"
    if kind == "人民政府" and levels and set(levels) <= COUNTY_OR_ABOVE:
        where = agency.level_text()
        return GOVERNMENT_DUE, GOVERNMENT_DUE, (f"{told}，{where}：县级以上地方人民政府年度报告3月31日前公布"
                                                "（第四十九条第二款）")
    if kind == "人民政府":
        gap = ("第四十九条未规定乡（镇）人民政府年度报告的期限" if levels == ("乡镇",) else
               "第四十九条的3月31日期限适用于县级以上地方人民政府")
        return DEPARTMENT_DUE, GOVERNMENT_DUE, f"{told}，{agency.level_text()}；{gap}"
    if kind == "其他":
        return DEPARTMENT_DUE, GOVERNMENT_DUE, f"{told}：第四十九条未规定此类机关的年度报告期限（部门1月31日、县级以上地方人民政府3月31日）"
    return DEPARTMENT_DUE, GOVERNMENT_DUE, f"{told}：部门1月31日前、县级以上地方人民政府3月31日前公布（第四十九条）"


@check(
    "annual_report_timely",
    title="政府信息公开工作年度报告按时发布",
    basis="《中华人民共和国政府信息公开条例》（2019年修订）第四十九条：县级以上人民政府部门应当在每年1月31日前"
          "……公布本行政机关上一年度政府信息公开工作年度报告；县级以上地方人民政府的政府信息公开工作主管部门应当在每年"
          "3月31日前向社会公布本级政府上一年度政府信息公开工作年度报告（条文据国务院令第711号公布文本，"
          "经 LawRefBook/Laws 转录与网络转载核对）",
    remediation="按期限（部门1月31日前，县级以上地方人民政府3月31日前）在政府信息公开平台“政府信息公开年报”栏目发布上一年度报告。",
    params={"due": None},
    types={"due": (str, type(None))},
    dated="subject",
)
def annual_report_timely(snapshot, params, ctx) -> list[Finding]:
    """The previous year's 政府信息公开工作年度报告 is on the portal and was published by its due day: ``due``
    ("MM-DD") when the checklist states it, else by the agency's kind and level (条例第四十九条: a 部门 by 1月31日,
    a 县级以上地方人民政府 by 3月31日). When they are unknown, a report published by 1月31日 passes, one published
    after 3月31日 fails, and one in between is unverified: a late verdict never rests on a guessed kind.

    Before the (earliest) due day of the audit year, the report judged is the one due a year earlier; the rule in
    force on the due day governs it."""
    (m1, d1), (m2, d2), why_due = _report_due(params, ctx.agency)
    due_year = ctx.as_of.year if ctx.as_of > dt.date(ctx.as_of.year, m1, d1) else ctx.as_of.year - 1
    year = due_year - 1
    due, late_due = dt.date(due_year, m1, d1), dt.date(due_year, m2, d2)
    certain = due == late_due
    subject = f"{year}年度报告"
    expected = (f"{due:%Y-%m-%d}前发布{year}年度政府信息公开工作年度报告" if certain else
                f"{due:%Y-%m-%d}（部门）或{late_due:%Y-%m-%d}（县级以上地方人民政府）前发布{year}年度政府信息公开工作年度报告")
    if (why := ctx.rule_for(due, "年度报告应公布日")):
        return [Finding(subject, NA, expected=expected, message=why)]
    why = home_unreachable(snapshot)
    if why:
        return [Finding(subject, UNVERIFIED, expected=expected, message=why)]
    named = f"{year}年"
    is_report = lambda t: isinstance(t, str) and named in t and ("年度报告" in t or "年报" in t)  # noqa: E731
    arts = snapshot.articles[snapshot.articles["title"].map(is_report)] if len(snapshot.articles) else snapshot.articles
    rows = list(zip(arts["url"], arts["publish_date"]))
    if not rows and len(snapshot.entries):
        ent = snapshot.entries[snapshot.entries["title"].map(is_report)]
        rows = list(zip(ent["url"], ent["date"]))
    if not rows:
        if snapshot.truncated:
            return [Finding(subject, UNVERIFIED, expected=expected, message="抓取达到页面上限，未见年度报告，无法确认")]
        if not certain and ctx.as_of <= late_due:
            return [Finding(subject, UNVERIFIED, expected=expected,
                            message=f"未见{year}年度报告；{why_due}，期限取决于机关类型，无法判断是否逾期")]
        return [Finding(subject, FAIL, measured="未找到", expected=expected,
                        message=f"网站未发布{year}年度政府信息公开工作年度报告（{why_due}）",
                        **page_evidence(snapshot, snapshot.start_url))]
    url, published = min(rows, key=lambda r: (r[1] is None or pd.isna(r[1]), r[1] or dt.date.max))
    ev = page_evidence(snapshot, url)
    if _blank(published):
        return [Finding(subject, UNVERIFIED, expected=expected, message="年度报告页面未标注发布日期", **ev)]
    if (why := ctx.invalid("articles", url)):
        return [Finding(subject, UNVERIFIED, expected=expected, message=why, **ev)]
    measured = f"{published:%Y-%m-%d}发布"
    if published <= due:
        return [Finding(subject, PASS, measured=measured, expected=expected, message=why_due, **ev)]
    if published <= late_due:
        return [Finding(subject, UNVERIFIED, measured=measured, expected=expected,
                        message=f"{year}年度报告于{published:%Y-%m-%d}发布，晚于1月31日、未晚于3月31日；{why_due}，"
                                "是否逾期取决于机关类型", **ev)]
    return [Finding(subject, FAIL, measured=measured, expected=expected,
                    message=f"{year}年度报告晚于{late_due:%m月%d日}发布（{published:%Y-%m-%d}；{why_due}）", **ev)]


@check(
    "count_at_least",
    title="发布数量达到要求",
    basis="工作要点/实施方案规定的频次要求（如主要负责人“每年至少1次”解读重大政策、“年内一般不少于2次”）",
    remediation="按计划规定的频次发布相应信息，并在网站相应栏目公开。",
    params={"pattern": None, "columns": [], "min_count": 1, "period": "year", "what": "相关信息"},
    required=("pattern",),
    types={"pattern": str, "columns": list, "min_count": int, "period": str, "what": str},
)
def count_at_least(snapshot, params, ctx) -> list[Finding]:
    """At least ``min_count`` articles whose title matches ``pattern`` were published in ``period``
    (``year``: the audit's calendar year so far; ``365d``: the last 365 days)."""
    import re

    n, what = params["min_count"], params["what"]
    start = dt.date(ctx.as_of.year, 1, 1) if params["period"] == "year" else ctx.as_of - dt.timedelta(days=365)
    subject = f"{what}（{start:%Y-%m-%d}至{ctx.as_of:%Y-%m-%d}）"
    expected = f"不少于{n}条"
    why = home_unreachable(snapshot)
    if why:
        return [Finding(subject, UNVERIFIED, expected=expected, message=why)]
    arts = snapshot.articles
    if params["columns"]:
        arts = _in_columns(snapshot, params["columns"])
    pattern = re.compile(params["pattern"])
    rows = [r for r in records(arts) if isinstance(r["title"], str) and pattern.search(r["title"])
            and not _blank(r["publish_date"]) and start <= r["publish_date"] <= ctx.as_of]
    urls = [r["url"] for r in rows]
    ev = page_evidence(snapshot, urls[0]) if urls else page_evidence(snapshot, snapshot.start_url)
    measured = f"{len(rows)}条"
    if len(rows) >= n:
        return [Finding(subject, PASS, measured=measured, expected=expected, **ev)]
    if snapshot.truncated:
        return [Finding(subject, UNVERIFIED, measured=measured, expected=expected,
                        message=f"已见{len(rows)}条，但抓取达到页面上限，无法确认不足", **ev)]
    return [Finding(subject, FAIL, measured=measured, expected=expected,
                    message=f"{what}仅{len(rows)}条，少于要求的{n}条", **ev)]
