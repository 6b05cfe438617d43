"""Hand-read structural facts of the three real portal copies in tests/fixtures/portals (from shared/corpus).

Every fact here was read from the pages by hand (grep/sed over the HTML, with the quoted snippet in the
reading notes), never copied from the tool's output. Paths are site paths on the loopback copy.
"""
from __future__ import annotations

# (column name as the portal shows it, list/landing page path, class id or None for "no class")
COLUMNS = {
    "daozhen-hrss": [
        ("公示公告", "/zwgk/gsgg/index.html", "notice"),          # 您当前所在位置：首页 » 政务公开 » 公示公告
        ("通知公告", "/gzdt/tzgg/index.html", "notice"),
        ("政策法规", "/zwgk/zcfg_62459/index.html", "policy_documents"),
        ("部门文件", "/zwgk/bmwj/index.html", "policy_documents"),
        ("政策解读", "/zwgk/zcjd/index.html", "interpretation"),  # an empty <ul>: blank, no 暂无信息
        ("规划计划", "/zwgk/ghjh/index.html", "planning"),
        ("人事信息", "/zwgk/rsxx/index.html", "personnel"),
        ("依申请公开", "/zwgk/ysqgk/index.html", "on_request"),
        ("业务要闻", "/gzdt/ywyw/index.html", "news"),
        ("行业动态", "/gzdt/xydt/index.html", "news"),
        ("办事指南", "/bmgk/jycy/bszn/index.html", "service_guide"),
        ("扶贫工作", "/zwgk/fpgz/index.html", None),
        ("党建信息", "/zwgk/djxx/index.html", None),
    ],
    "sichuan-edu": [
        ("信息公开指南", "/scedu/c100528/zfxxgk_xxgkzn.html", "guide"),   # ColumnName; no breadcrumb
        ("信息公开制度", "/scedu/xxgkzd/zfxxgk_xxgkzd.html", "system"),
        ("信息公开年报", "/scedu/c100529/zfxxgk_xxgkzd.html", "annual_report"),
        ("政策文件", "/scedu/c100538/xxgk_list.html", "policy_documents"),
        ("行政规范性文件", "/scedu/c102594/zfxxgk_gknrz.html", "policy_documents"),
        ("川教发文件", "/scedu/cjfwj/zfxxgk_gknrz.html", "policy_documents"),
        ("政策解读", "/scedu/c100503/xwzx_list.html", "interpretation"),
        ("通知公告", "/scedu/c100495/xwzx_list.html", "notice"),
        ("教育要闻", "/scedu/c100494/xwzx_list.html", "news"),
        ("规划信息", "/scedu/c100562/xxgk_list.html", "planning"),
        ("财政预决算", "/scedu/c100573/list_2.html", "finance"),
        ("人大代表建议政协委员提案", "/scedu/c100580/list_2.html", "proposals"),
        ("统计信息", "/scedu/c100563/xxgk_list.html", None),
    ],
    "pingdingshan-edu": [
        ("政府信息公开年度报告", "/channels/2146.html", "annual_report"),
        ("组织机构", "/channels/2150.html", "institution"),
        ("机构职能", "/channels/2152.html", "institution"),
        ("人大代表建议回复", "/channels/2163.html", "proposals"),
        ("三公经费", "/channels/2169.html", "finance"),
        ("政策解读", "/channels/10320.html", "interpretation"),
        ("新闻动态", "/channels/18287.html", "news"),   # entries are <a class="box"><h3>标题(2020-12-29)</h3></a>
        ("县区动态", "/channels/18376.html", "news"),
        ("政策法规", "/channels/19173.html", "policy_documents"),
        ("局长信箱", "/channels/18296.html", "interaction"),
    ],
}

# (article path, the column that holds it: by its list page and/or its own breadcrumb)
DOCUMENTS = {
    "daozhen-hrss": [
        ("/zwgk/gsgg/202012/t20201230_65849083.html", "公示公告"),
        ("/zwgk/bmwj/201810/t20181018_21761544.html", "部门文件"),
        ("/zwgk/zcfg_62459/202004/t20200430_58388861.html", "政策法规"),
        ("/gzdt/tzgg/202011/t20201127_65399695.html", "通知公告"),
        ("/bmgk/jycy/bszn/201708/t20170811_21250646.html", "办事指南"),
    ],
    "sichuan-edu": [
        ("/scedu/c100495/2021/1/7/339798c960354086a33471ae50e30deb.html", "通知公告"),
        ("/scedu/c100503/2021/1/8/2eec4615bc4e435f97d7e27f23773107.html", "政策解读"),
        ("/scedu/c100529/2020/1/17/71d85ae47e094df0a1b32b1954b1f45c.html", "信息公开年报"),  # no breadcrumb
        ("/scedu/xxgkzd/2019/5/6/535ad0afd1db43598b2fceac37645b39.html", "信息公开制度"),  # no breadcrumb
    ],
    "pingdingshan-edu": [
        ("/contents/18287/388334.html", "新闻动态"),
        ("/contents/18291/388243.html", "通知公告"),
        ("/contents/19174/385105.html", "通知公告"),
        ("/contents/2146/133484.html", "政府信息公开年度报告"),
    ],
}

# columns whose list shows no entry at all (empty <ul>, 共 0 条, pager total 0)
BLANK = {
    "daozhen-hrss": {"/zwgk/fpgz/index.html", "/zwgk/ggzypz/index.html", "/zwgk/zcjd/index.html", "/zwgk/ghjh/index.html"},
    "sichuan-edu": {"/scedu/zdxm/zfxxgk_gknrz.html"},
    "pingdingshan-edu": {"/channels/18235.html", "/channels/18236.html", "/channels/18272.html", "/channels/18298.html",
                         "/channels/18300.html", "/channels/18420.html"},
}
# dated rows whose every link is javascript:; — not blank, not judgeable
DEAD_LINK_LISTS = {
    "daozhen-hrss": {"/bmgk/jycy/gzdt_62430/index.html", "/bmgk/jcdd/tzgg_62444/index.html"},
}
# classes with no column anywhere in the copy (grep over every file)
NO_CLASS = {
    "daozhen-hrss": {"guide", "system", "statutory", "annual_report"},
    "pingdingshan-edu": {"statutory"},
    "sichuan-edu": set(),
}
FOOTER = {
    "daozhen-hrss": {"site_code": None, "icp": None, "psb": None},
    "sichuan-edu": {"site_code": "5100000016", "icp": "蜀ICP备19002444号-1", "psb": "川公网安备 51010502010674号"},
    "pingdingshan-edu": {"site_code": "4104000017", "icp": "陕ICP备08003687号-1", "psb": None},
}
# the 政府信息公开 platform as the portal names it, and where a 61号文 column sits under it
PLATFORM = {
    "daozhen-hrss": "政务公开",      # top nav 政务公开; no page says 政府信息公开
    "sichuan-edu": "政府信息公开",   # <h1>政府信息公开</h1> over the zfxxgk pages' shared left menu
}

# documents of national bodies reposted on the agency's policy columns (title and 落款 read by hand)
REPOSTS = {
    "daozhen-hrss": {"/bmgk/jycy/zcfg/201708/t20170811_21250614.html",   # 国务院关于…的意见（国发〔2017〕28号）, signed 国务院
                     "/bmgk/jycy/zcfg/201708/t20170811_21250633.html"},  # 财政部 税务总局 人力资源社会保障部 … 的通知
    "sichuan-edu": {"/scedu/c101518/2021/1/8/1b22995493c842b8be19bac123fdfedd.html"},  # 教育部关于印发…（教督〔2020〕5号）
    "pingdingshan-edu": set(),
}

# whose site it is (条例第四十九条 / 第二十一条 depend on it), as the pages name their owner — read by hand:
# (kind the pages state, levels the pages state, what says so). daozhen's pages call themselves only
# "道真县人力资源网" (<title>, 主办：道真县人力资源网 on all 230 pages; a second <title>道真人社局</title> later in the
# home page's head is not the page's title): a website's name, not a body's — the kind is not stated, the place is a 县
# (the owner is 道真仡佬族苗族自治县人力资源和社会保障局, a 部门, which no page names in full). pingdingshan-edu's copy
# says 岚皋县教育体育局 everywhere (SiteName on 405 pages, 主办单位：岚皋县教育体育局 on 367, <title>[…]-岚皋县教育体育局):
# a 部门 of a 县 as printed (the copy's place names were rewritten: 地址：岚皋县市新城区). sichuan-edu's SiteName and footer
# say 主办：四川省教育厅科学技术处 (a division of the 省教育厅, a 部门 of the 省).
AGENCY = {
    "daozhen-hrss": (None, ("县",)),
    "pingdingshan-edu": ("部门", ("县",)),
    "sichuan-edu": ("部门", ("省",)),
}
# 19号文 互动回应差 / 服务不实用 on each copy, read by hand (as_of 2021-06-30):
# daozhen-hrss — no 互动/信箱/留言/咨询 link on any page (grep of every <a> text); two 办事指南 columns
#   (/bmgk/jycy/bszn/, /bmgk/sbjb/bszn_62436/): the 社保经办 guides print only "（法律法规依据：…）" under the title,
#   遵义市高校毕业生就业见习政策 prints 一、就业见习对象 … 四、其他待遇 (no element label), two guides are only a
#   .doc link (href javascript:;, the copier's).
# pingdingshan-edu — 局长信箱 (/channels/18296.html) lists one letter, /contents/18296/20507.html: 提交时间 2020-12-21,
#   回复部门 市教育体育局, 回复时间 2020-12-23; the 企业投诉平台 list (/channels/12719.html) is the city portal's
#   (网站标识码 4104000031, not the site's 4104000017); 政务服务 in the top menu is <a href="javascript:;">.
# sichuan-edu — 厅长信箱 (/scedu/c100582/hdjl.html): its 来信选登 <ul id="hd_xjlist"> is empty (filled by script),
#   我要写信/来信选登 links are javascript:;, 问答精选 rows link javascript:;; the footer's 四川政务服务网 is
#   <a href="javascript:;">; index1.html is the provincial portal's copy (网站标识码 5100000062).
VETO_INTERACTION = {"daozhen-hrss": "fail", "pingdingshan-edu": "pass", "sichuan-edu": "unverified"}
LETTERS = {"pingdingshan-edu": [("/contents/18296/20507.html", "2020-12-21", "2020-12-23", "市教育体育局")]}
GUIDES_MISSING = {  # guide page -> the elements it lacks (事项名称 is its title); None: only an attached file
    "daozhen-hrss": {
        "/bmgk/sbjb/bszn_62436/201708/t20170811_21250786.html": ["申请条件", "办理材料", "办理流程", "办理时限", "收费标准", "咨询方式"],
        "/bmgk/sbjb/bszn_62436/201708/t20170811_21250765.html": ["申请条件", "办理材料", "办理流程", "办理时限", "收费标准", "咨询方式"],
        "/bmgk/sbjb/bszn_62436/201708/t20170811_21250729.html": ["申请条件", "办理材料", "办理流程", "办理时限", "收费标准", "咨询方式"],
        "/bmgk/sbjb/bszn_62436/201708/t20170811_21250686.html": ["申请条件", "办理材料", "办理流程", "办理时限", "收费标准", "咨询方式"],
        "/bmgk/jycy/bszn/201708/t20170811_21250646.html": ["设定依据", "申请条件", "办理材料", "办理流程", "办理时限", "收费标准",
                                                          "咨询方式"],
        "/bmgk/jycy/bszn/201708/t20170811_21250644.html": None,
        "/bmgk/jycy/bszn/201708/t20170811_21250638.html": None,
    },
    "pingdingshan-edu": {},
    "sichuan-edu": {},
}
# no guide read: why 办事服务 cannot be judged (the entrance whose link has no address)
SERVICE_ENTRANCE = {"pingdingshan-edu": "政务服务", "sichuan-edu": "四川政务服务网"}
