"""Own documents vs reposted ones, against documents read by hand (labels' ``own``) and hand-picked cases."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from zwgk_audit.extract import article_metadata
from zwgk_audit.site.ownership import ownership

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from extract_accuracy import BASE, labels, page_bytes  # noqa: E402

# the owners the copies' own pages name (SiteName / 主办单位 / the bureau's signature), read by hand
OWNERS = {"pingdingshan-edu": ["岚皋县教育体育局"], "daozhen-hrss": ["道真县人力资源网"],
          "sichuan-edu": ["四川省教育厅科学技术处-四川省教育服务公共平台网站"]}


def test_no_own_document_is_set_aside_and_reposts_are_found():
    right = wrong = 0
    for label in labels():
        if label.get("own") is None or label["portal"] not in OWNERS:
            continue
        md = article_metadata(page_bytes(label), BASE + label["path"])
        own, why = ownership(md["publisher"], md["doc_no"], OWNERS[label["portal"]], md["signer"], md["title"])
        if own is None:
            continue  # nothing says: judged as the agency's, as before
        assert own == label["own"], (label["path"], why)
        right += own == label["own"]
        wrong += own != label["own"]
    assert right >= 20 and wrong == 0


@pytest.mark.parametrize("publisher,signer,title,doc_no,own", [
    (None, "财政部", "财政部税务总局民政部关于继续实施扶持自主就业退役士兵创业就业有关税收政策的通知", None, False),
    (None, None, "人力资源社会保障部教育部全国总工会全国工商联关于开展2017年全国民营企业招聘周活动的通知", "人社部函〔2017〕45号", False),
    (None, None, "贵州省建设工程务工人员工资支付保障金实施办法贵州省人民政府令", None, False),
    (None, None, "中华人民共和国劳动争议调解仲裁法", None, False),
    ("道真县人力资源网", "中共道真县委", "关于做好2020年就业工作的通知", None, False),   # the place's party committee
    (None, "道真自治县人力资源和社会保障局", "关于切实做好2017年创业贷款贴息工作的通知", "道人社〔2017〕32号", True),
    (None, None, "关于做好防汛工作的通知", None, None),   # nothing says whose: judged as the agency's
])
def test_hand_picked_cases(publisher, signer, title, doc_no, own):
    assert ownership(publisher, doc_no, ["道真县人力资源网"], signer, title)[0] is own
