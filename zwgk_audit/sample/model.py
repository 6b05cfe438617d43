"""What the sample portal contains: columns, documents, planted defects.

The generator is deterministic from ``(seed, as_of)``; every defect it plants
is written to the manifest, which is the ground truth the tests hold the
checks to.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

# (name, slug, parent name, class, pagination style)
# class: news 动态要闻, notice 通知公告/政策文件, slow 人事/规划, static 指南/制度/年报,
#        interaction 互动交流 hub, messages 咨询留言 (a mailbox's list of 留言 and its message pages)
COLUMNS: list[tuple[str, str, str | None, str, str]] = [
    ("政务动态", "zwdt", None, "news", "trs"),
    ("通知公告", "tzgg", None, "notice", "query"),
    ("政府信息公开", "zfxxgk", None, "platform", "none"),
    ("政府信息公开指南", "zfxxgk/gkzn", "政府信息公开", "static", "none"),
    ("政府信息公开制度", "zfxxgk/gkzd", "政府信息公开", "static", "none"),
    ("法定主动公开内容", "zfxxgk/fdzdgknr", "政府信息公开", "platform", "none"),
    ("机构职能", "zfxxgk/fdzdgknr/jgzn", "法定主动公开内容", "static", "none"),
    ("政策文件", "zfxxgk/fdzdgknr/zcwj", "法定主动公开内容", "notice", "query"),
    ("政策解读", "zfxxgk/fdzdgknr/zcjd", "法定主动公开内容", "notice", "next"),
    ("规划计划", "zfxxgk/fdzdgknr/ghjh", "法定主动公开内容", "slow", "none"),
    ("财政预决算", "zfxxgk/fdzdgknr/czyjs", "法定主动公开内容", "slow", "none"),
    ("行政执法公示", "zfxxgk/fdzdgknr/xzzf", "法定主动公开内容", "notice", "trs"),
    ("办事指南", "zfxxgk/fdzdgknr/bszn", "法定主动公开内容", "slow", "none"),
    ("人事信息", "zfxxgk/fdzdgknr/rsxx", "法定主动公开内容", "slow", "none"),
    ("建议提案办理", "zfxxgk/fdzdgknr/jyta", "法定主动公开内容", "slow", "none"),
    ("双随机一公开", "zfxxgk/fdzdgknr/sjyk", "法定主动公开内容", "slow", "none"),
    ("意见征集", "zfxxgk/fdzdgknr/yjzj", "法定主动公开内容", "slow", "none"),
    ("政府信息公开年报", "zfxxgk/ndbg", "政府信息公开", "static", "none"),
    ("依申请公开", "zfxxgk/ysqgk", "政府信息公开", "static", "none"),
    ("互动交流", "hdjl", None, "interaction", "none"),
    ("咨询留言", "hdjl/zxly", "互动交流", "messages", "none"),
]
COLUMN_NAMES = [c[0] for c in COLUMNS]
# columns other columns live under: removing or emptying them would remove their children too
CONTAINER_COLUMNS = {"政府信息公开", "法定主动公开内容", "互动交流"}
MESSAGE_COUNT = 13  # 咨询留言: one about every 30 days back from the audit day; the 13th is older than a year
PLANTABLE_MESSAGES = 8  # the messages left 100–320 days before the audit day: planted unanswered ones are among them
GUIDE_COUNT = 3  # the 办事指南 column's guides

PAGE_SIZE = 10
STALE_HOME_DAYS = 30  # stale_home: the home page lists nothing newer than this many days before as_of


@dataclass
class Defects:
    """Defects to plant. Each one lands in the manifest with the URL that shows it."""

    missing_columns: list[str] = field(default_factory=list)
    empty_columns: list[str] = field(default_factory=list)
    stale_columns: list[str] = field(default_factory=list)
    late_documents: int = 0
    interpretations_missing: int = 0
    interpretations_one_way: int = 0  # alternates: document lacks the link / interpretation lacks it
    broken_links: int = 0
    no_footer_identity: bool = False
    incomplete_metadata: int = 0
    late_annual_report: bool = False  # the latest 年报 published after 31 January
    # 19号文 vetoes 站点无法访问 / 首页不更新 (issue 17): the server holds every ``slow_home_every``-th request for the
    # home page (0 or 1: every one) ``slow_home`` seconds before answering; the home page lists nothing newer
    # than STALE_HOME_DAYS
    slow_home: float = 0.0
    slow_home_every: int = 0
    stale_home: bool = False
    unanswered_messages: int = 0  # 咨询留言 of the past year answered > 3 months later, or not at all (alternating)
    no_interaction: bool = False  # no 互动交流 area: no consultation channel at all
    guide_missing_elements: int = 0  # 办事指南 pages missing key elements (设定依据, 收费标准)
    no_services: bool = False  # no 办事指南 column and no link to a 政务服务网

    @classmethod
    def from_pairs(cls, pairs: list[str]) -> "Defects":
        """Parse CLI ``key=value`` pairs, e.g. ``late_documents=2 missing_columns=政府信息公开年报,政策解读``."""
        d = cls()
        known = {f.name: f for f in fields(cls)}
        for pair in pairs:
            key, _, value = pair.partition("=")
            key = key.strip()
            if key not in known:
                raise ValueError(f"unknown defect {key!r}; known: {', '.join(known)}")
            current = getattr(d, key)
            if isinstance(current, list):
                setattr(d, key, [v.strip() for v in value.split(",") if v.strip()])
            elif isinstance(current, bool):
                setattr(d, key, value.strip().lower() in {"", "1", "true", "yes"})
            elif isinstance(current, float):
                setattr(d, key, float(value))
            else:
                setattr(d, key, int(value))
        d.validate()
        return d

    def validate(self) -> None:
        for name in (*self.missing_columns, *self.empty_columns, *self.stale_columns):
            if name not in COLUMN_NAMES:
                raise ValueError(f"unknown sample column {name!r}; columns: {', '.join(COLUMN_NAMES)}")
        for name in (*self.empty_columns, *self.stale_columns):
            if name in CONTAINER_COLUMNS:
                raise ValueError(f"{name!r} holds other columns; it cannot be planted empty or stale")
        if self.slow_home < 0 or self.slow_home_every < 0:
            raise ValueError("slow_home (seconds) and slow_home_every (every n-th home request) cannot be negative")
        if not 0 <= self.unanswered_messages <= PLANTABLE_MESSAGES:
            raise ValueError(f"unanswered_messages must be 0–{PLANTABLE_MESSAGES} (the messages of the past year)")
        if not 0 <= self.guide_missing_elements <= GUIDE_COUNT:
            raise ValueError(f"guide_missing_elements must be 0–{GUIDE_COUNT} (the 办事指南 column's guides)")

    def any(self) -> bool:
        return any(bool(getattr(self, f.name)) for f in fields(self))


DEMO_DEFECTS = Defects(
    missing_columns=["政府信息公开年报"],
    empty_columns=["建议提案办理"],
    stale_columns=["通知公告"],
    late_documents=2,
    interpretations_missing=1,
    interpretations_one_way=2,
    broken_links=2,
    incomplete_metadata=1,
)


@dataclass
class SampleConfig:
    seed: int = 0
    as_of: dt.date = field(default_factory=dt.date.today)
    encoding: str = "utf-8"  # or "gbk" (sent as GB18030 bytes, declared gbk)
    dialect: str = "trs"  # how the portal is drawn: trs | ucap | hanweb | gkmlpt | plain (sample/dialects.py)
    agency: str = "示范市应急管理局"
    policy_documents: int = 14
    news_items: int = 23
    defects: Defects = field(default_factory=Defects)

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "encoding": self.encoding,
            "dialect": self.dialect,
            "agency": self.agency,
            "policy_documents": self.policy_documents,
            "news_items": self.news_items,
            "defects": {f.name: getattr(self.defects, f.name) for f in fields(self.defects)},
        }
