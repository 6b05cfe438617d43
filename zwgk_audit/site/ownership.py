"""Whose document is it? The agency's own, or one it reposts (a 部门 reposting a 国务院办公厅 notice).

Timeliness, 解读 and metadata rules bind the agency for its own documents; a reposted national or higher-level
document was formed and numbered by someone else. The decision is conservative: a document is set aside as
reposted only on positive evidence — the body that signed it (落款), the issuer its title names ("X关于…"), its
发布机构 or its 文号 is a national body or one of a higher place than the site's owner — and stays judged when
nothing says so. The strongest evidence decides: the signature, then the title, then the metadata block.
"""
from __future__ import annotations

import re
from collections import Counter

import pandas as pd

REPOST = "转载文件"  # opens every repost's reason: the findings that set a repost aside are found by it

# national bodies: 国务院…, 中共中央…, 国家…局, a ministry (X部, X部办公厅) named with no place before it
NATIONAL = re.compile(r"^(?:国务院|中共中央|中央|全国人民代表大会|全国人大|国家|中华人民共和国)"
                      r"|^(?![\u4e00-\u9fff]*?(?:省|市|县|区|州|旗|盟|镇|乡))[\u4e00-\u9fff]{1,10}部(?:办公厅)?$")
NATIONAL_DOC_NO = re.compile(r"^(?:国发|国办发|国办函|国函|中发|中办发|国务院令|中华人民共和国[\u4e00-\u9fff]{0,8}令"
                             r"|人社部|人社厅|教[\u4e00-\u9fff]{0,3}|财[\u4e00-\u9fff]{0,3}|发改[\u4e00-\u9fff]{0,3})"
                             r"[\u4e00-\u9fff]{0,2}[〔﹝\[［【（(第]")
TITLE_DECREE = re.compile(r"([\u4e00-\u9fff]{2,20}(?:人民政府|部|委员会))令(?:第\d+号)?$")  # "…实施办法贵州省人民政府令"
PLACE = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,7}?(?:自治区|自治州|自治县|省|市|州|盟|县|区|旗))")
LEVEL = {"省": 3, "自治区": 3, "市": 2, "州": 2, "自治州": 2, "盟": 2, "县": 1, "自治县": 1, "区": 1, "旗": 1}
GOVERNMENT = re.compile(r"人民政府|政府办公厅|政府办公室|^中共[\u4e00-\u9fff]{2,10}委(?:员会)?(?:办公室)?$")
PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
             "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西",
             "甘肃", "青海", "宁夏", "新疆", "国务院")
ORG_INSIDE = re.compile(r"(?:部|局|厅|委|委员会|政府|办公厅|院|署)(?=[\u4e00-\u9fff])")
TITLE_ISSUER = re.compile(r"^([\u4e00-\u9fff、（）()·]{2,60}?)关于")
ORG_END = re.compile(r"(?:部|局|厅|委|委员会|政府|办公厅|办公室|院|会|署|总局|组|联|社)$")


def site_names(pages: pd.DataFrame) -> list[str]:
    """What the site calls its owner: the commonest SiteName meta and the commonest 主办单位 of its pages."""
    names = []
    for column in ("site_name", "host"):
        if column in pages.columns:
            counted = Counter(v for v in pages[column] if isinstance(v, str) and v.strip())
            names += [v for v, _n in counted.most_common(1)]
    return list(dict.fromkeys(names))


def _shares(a: str, b: str, size: int = 4) -> bool:
    return any(a[i:i + size] in b for i in range(max(0, len(a) - size + 1)))


def _place(name: str) -> tuple[str, int] | None:
    m = PLACE.match(name)
    if not m:
        return None
    place = m.group(1)
    suffix = next(s for s in sorted(LEVEL, key=len, reverse=True) if place.endswith(s))
    return place, LEVEL[suffix]


def _own(name: str, site: str) -> bool:
    """The site's owner (or one of its divisions): the same name, or one inside the other, or a shared part
    under the same place (人力资源社会保障部 shares 人力资源 with 道真县人力资源网, but not the place)."""
    if name in site or site in name:
        return True
    mine, theirs = _place(site), _place(name)  # 道真县 and 道真自治县 are one place
    return bool(mine and theirs and mine[0][:2] == theirs[0][:2]
                and _shares(name[len(theirs[0]):], site[len(mine[0]):]))


def _national(name: str) -> bool:
    """A national body, or joint issuers led by one (人力资源社会保障部教育部全国总工会…)."""
    return bool(NATIONAL.search(name)) or any(NATIONAL.search(name[:m.end()]) for m in ORG_INSIDE.finditer(name))


def _verdict(name: str, names: list[str], what: str) -> tuple[bool | None, str]:
    """Own / another body's / cannot tell, for one named issuer."""
    if any(_own(name, n) for n in names):
        return True, f"{what}“{name}”即本网站主办机关"
    if _national(name) and not any(_national(n) for n in names):
        return False, f"{REPOST}：{what}为“{name}”"
    mine, theirs = next((p for n in names if (p := _place(n))), None), _place(name)
    if mine and theirs and theirs[0][:2] != mine[0][:2] and theirs[1] > mine[1]:
        return False, f"{REPOST}：{what}为上级“{name}”"
    if names and GOVERNMENT.search(name) and not any(GOVERNMENT.search(n) for n in names) and (
            not mine or not theirs or theirs[0][:2] == mine[0][:2] or theirs[1] > mine[1]):
        return False, f"{REPOST}：{what}为上级“{name}”"  # the place's government or party committee, above a 部门
    return None, ""


def ownership(publisher, doc_no, names: list[str], signer=None, title=None) -> tuple[bool | None, str]:
    """(True own / False reposted / None unknown, why) for one document; the signature outranks the title,
    the title the metadata block."""
    def clean(v) -> str:
        return re.sub(r"\s+", "", v) if isinstance(v, str) else ""

    issuer, heading = "", clean(title)
    if (m := TITLE_ISSUER.match(heading)) and ORG_END.search(m.group(1)):
        issuer = m.group(1)
    elif (m := TITLE_DECREE.search(heading)):
        raw = m.group(1)  # "…实施办法贵州省人民政府": the issuer starts at the last province named
        starts = [raw.rfind(p) for p in PROVINCES if p in raw]
        issuer = raw[max(starts):] if starts else raw
    elif heading.startswith("中华人民共和国") and not any(n.startswith("中华人民共和国") for n in names):
        return False, f"{REPOST}：国家法律法规《{heading}》"
    for name, what in ((clean(signer), "落款"), (issuer, "标题所列发文机关"), (clean(publisher), "发布机构")):
        if name:
            verdict = _verdict(name, names, what)
            if verdict[0] is not None:
                return verdict
    number = clean(doc_no)
    if number and NATIONAL_DOC_NO.search(number) and not any(NATIONAL.search(n) for n in names):
        return False, f"{REPOST}：文号“{number}”为国家层面文号"
    return None, ""
