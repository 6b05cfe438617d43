"""Whose document is it? The agency's own, or one it reposts (a 部门 reposting a 国务院办公厅 notice).

Timeliness, 解读 and metadata rules bind the agency for its own documents; a reposted national or provincial
document was formed and numbered by someone else. The decision is conservative: a document is set aside as
reposted only on positive evidence — its 发布机构 or 落款 is a national body or a government above the site's
owner, or its 文号 is one of theirs — and stays judged when nothing says so.
"""
from __future__ import annotations

import re
from collections import Counter

import pandas as pd

NATIONAL = re.compile(r"^(?:国务院|中共中央|中央|全国人民代表大会|全国人大|国家|中华人民共和国)|^[\u4e00-\u9fff]{1,6}部$")
NATIONAL_DOC_NO = re.compile(r"^(?:国发|国办发|国办函|国函|中发|中办发|国务院令|中华人民共和国国务院令|[\u4e00-\u9fff]{1,4}部令)"
                             r"|^(?:教|财|人社部|发改|民)[\u4e00-\u9fff]{0,4}[〔﹝\[［【（(]")
GOVERNMENT = re.compile(r"人民政府|政府办公厅|政府办公室|^中共[\u4e00-\u9fff]{2,8}委")
PLACE = re.compile(r"^([\u4e00-\u9fff]{2,7}?(?:省|自治区|市|自治州|州|盟|县|自治县|区|旗))")


def site_names(pages: pd.DataFrame) -> list[str]:
    """What the site calls its owner: the commonest SiteName meta and 主办单位 of its pages."""
    names = []
    for column in ("site_name", "host"):
        if column in pages.columns:
            counted = Counter(v for v in pages[column] if isinstance(v, str) and v.strip())
            names += [v for v, _n in counted.most_common(2)]
    return list(dict.fromkeys(names))


def _shares(a: str, b: str, size: int = 4) -> bool:
    return any(a[i:i + size] in b for i in range(max(0, len(a) - size + 1)))


def ownership(publisher, doc_no, names: list[str], signer=None) -> tuple[bool | None, str]:
    """(True own / False reposted / None unknown, why) for one document; the signer (落款) outranks a byline."""
    sig = re.sub(r"\s+", "", signer) if isinstance(signer, str) else ""
    if sig and sig != (publisher or "").strip():
        verdict = ownership(sig, doc_no, names)
        if verdict[0] is False:
            return False, verdict[1].replace("发布机构为", "落款为")
    pub = re.sub(r"\s+", "", publisher) if isinstance(publisher, str) else ""
    number = re.sub(r"\s+", "", doc_no) if isinstance(doc_no, str) else ""
    if pub and any(_shares(pub, n) or _shares(n, pub) for n in names):
        return True, f"发布机构“{pub}”即本网站主办机关"
    if pub and NATIONAL.search(pub) and not any(NATIONAL.search(n) for n in names):
        return False, f"转载文件：发布机构为“{pub}”"
    if number and NATIONAL_DOC_NO.search(number) and not any(NATIONAL.search(n) for n in names):
        return False, f"转载文件：文号“{number}”为国家层面文号"
    if pub and GOVERNMENT.search(pub) and not any(GOVERNMENT.search(n) for n in names):
        place = PLACE.match(pub.removeprefix("中共"))
        if place and not any(place.group(1)[:2] in n for n in names):
            return None, ""
        return False, f"转载文件：发布机构为上级政府“{pub}”"
    return None, ""
