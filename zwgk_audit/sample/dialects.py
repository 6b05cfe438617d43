"""The sample portal's dialects: the same agency, planted defects and ground truth, drawn the way five real
CMS families draw a portal — their column names, URL schemes, breadcrumbs, list mechanics and metadata blocks.

A dialect that cannot show something a check asks for says so (``declared``): the plain CMS prints no
索引号, so every policy document fails 元数据完整性 there by design, and its manifest lists that.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dialect:
    id: str
    cms: str  # who draws portals this way (user-facing)
    names: dict[str, str] = field(default_factory=dict)  # sample column name -> the name this portal shows
    crumb_label: str | None = "当前位置："  # None: no breadcrumb on any page
    column_meta: bool = True  # <meta name="ColumnName">
    lists: str = "mixed"  # mixed (TRS createPageHTML / ?page= / 下一页 per column) | ucap | hanweb | gkmlpt | plain
    metadata: str = "table"  # table | dl | hanweb | gkmlpt | inline
    index_no: bool = True  # prints 索引号 on policy documents
    # what this dialect fails on purpose: (check, subject, reason); subject "documents" = every policy document
    # and interpretation. Written out by hand from the rules, never derived from the checks' own vocabulary.
    declared: tuple[tuple[str, str, str], ...] = ()

    def show(self, name: str) -> str:
        return self.names.get(name, name)


# 国办发〔2019〕61号 names the platform 政府信息公开; a hub called 信息公开 is the platform under a non-standard name
HUB_NAME = ("column_name_standard", "信息公开", "平台栏目名为“信息公开”，规范名称为“政府信息公开”（国办发〔2019〕61号）")

DIALECTS: dict[str, Dialect] = {d.id: d for d in (
    Dialect("trs", "TRS WCM（拓尔思）：createPageHTML 分页、meta ColumnName、表格式元数据"),
    Dialect("ucap", "开普云 ucap：createPageHTML('page_div',…) 分页、dl 元数据块、“您现在的位置”",
            names={"政策文件": "规范性文件", "政策解读": "解读回应", "通知公告": "公示公告"},
            crumb_label="您现在的位置：", lists="ucap", metadata="dl"),
    Dialect("hanweb", "大汉 Hanweb（jpage）：datastore 列表、dataproxy.jsp POST 翻页、/col/colN/ 与 /art/ 地址",
            names={"政府信息公开": "信息公开", "政策文件": "行政规范性文件", "通知公告": "公告公示", "咨询留言": "局长信箱"},
            column_meta=False, lists="hanweb", metadata="hanweb", declared=(HUB_NAME,)),
    Dialect("gkmlpt", "广东政府信息公开目录平台 gkmlpt：_CONFIG 栏目树、/gkmlpt/api/all JSON 列表、_CONFIG.DETAIL 元数据",
            names={"政策文件": "文件资料"}, lists="gkmlpt", metadata="gkmlpt"),
    Dialect("plain", "普通 CMS（帝国 EmpireCMS 类）：index_N.html 分页、无面包屑、无索引号",
            names={"政府信息公开": "信息公开", "政策文件": "政府文件", "通知公告": "公示公告", "互动交流": "政民互动",
                   "咨询留言": "在线咨询"},
            crumb_label=None, column_meta=False, lists="plain", metadata="inline", index_no=False,
            declared=(HUB_NAME, ("metadata_complete", "documents", "该CMS模板不显示索引号"))),
)}


def dialect(name: str) -> Dialect:
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown sample dialect {name!r}; dialects: {', '.join(DIALECTS)}") from None
