"""What a check is: a pure function of a Snapshot, with its metadata kept beside it as data.

Each check declares its type name, a Chinese title, the basis (依据) it
enforces, the remediation wording (整改要求) a rectification list prints, and
its default parameters. It returns one :class:`Finding` per subject (a
column, a document, a link). It never touches the network.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

PASS, FAIL, NA, UNVERIFIED = "pass", "fail", "not_applicable", "unverified"
STATUSES = (PASS, FAIL, NA, UNVERIFIED)
STATUS_LABELS = {PASS: "符合", FAIL: "不符合", NA: "不适用", UNVERIFIED: "无法核验"}


@dataclass
class Finding:
    subject: str
    status: str
    measured: str = ""
    expected: str = ""
    evidence_url: str = ""
    warc_record_id: str = ""
    fetched_at: str = ""
    message: str = ""

    def __post_init__(self) -> None:
        for name in ("subject", "measured", "expected", "evidence_url", "warc_record_id", "fetched_at", "message"):
            value = getattr(self, name)
            if not isinstance(value, str):  # a NaN read from a table (an empty URL) is no text: keep outputs typed
                from ..rectify import plain_text  # None/NaN/NA → "", bytes decoded, a failing __str__ survived

                setattr(self, name, plain_text(value))
        if self.status not in STATUSES:
            raise ValueError(f"unknown finding status {self.status!r}")
        if self.status == UNVERIFIED and not self.message:
            raise ValueError("an unverified finding must say why")


@dataclass(frozen=True)
class RuleWindow:
    """When the item's rule is in force (施行), and what to cite when it is not."""

    effective_from: dt.date | None
    effective_until: dt.date | None
    clause: str
    superseded_by: str | None = None

    def why_not(self, day: dt.date, what: str) -> str | None:
        """Why the rule did not govern something judged by ``day`` (``what``: 评估日, 文件成文日期…); None when it did."""
        if self.effective_from is not None and day < self.effective_from:
            return f"规定尚未施行：{self.clause}自{self.effective_from:%Y-%m-%d}起施行（{what}{day:%Y-%m-%d}）"
        if self.effective_until is not None and day > self.effective_until:
            then = f"，此后由{self.superseded_by}判定" if self.superseded_by else ""
            return f"规定已不适用：{self.clause}适用至{self.effective_until:%Y-%m-%d}（{what}{day:%Y-%m-%d}）{then}"
        return None


@dataclass(frozen=True)
class Context:
    """What a check may know besides the snapshot: the day the audit judges, which rows failed validation, the
    agency's kind and level (site/agency.py), when the item's rule is in force, the documents selected (assessment
    period, sample) and the monitoring of the portal over days when the audit was given one."""

    as_of: dt.date
    quality: Any = None  # zwgk_audit.quality.QualityReport
    selection: Any = None  # zwgk_audit.selection.Selection: the assessment period and sample of documents judged
    monitoring: Any = None  # zwgk_audit.monitor.Monitoring: probes of the home page over days (站点无法访问, 首页不更新)
    agency: Any = None  # zwgk_audit.site.agency.AgencyProfile
    rule: RuleWindow | None = None  # None: the item states no dates
    notes: dict[str, str] = field(default_factory=dict)  # subject -> what decided its rule (added to its findings)

    def invalid(self, table: str, url: str) -> str | None:
        """Why a row failed data validation (None when it passed or was not validated)."""
        reasons = self.quality.reasons(table, url) if self.quality is not None else []
        return f"数据校验未通过（{'；'.join(reasons)}），无法判断" if reasons else None

    def rule_for(self, day: dt.date | None, what: str, subject: str | None = None, note: str = "") -> str | None:
        """For a check that dates its subjects (a document by its 成文日期, a report by its due day): why the item's
        rule did not govern this one (it is then ``not_applicable`` with this reason), None when it did. ``note``
        (e.g. "未标注成文日期，按发布日期") is kept for the subject's findings."""
        if self.rule is None:
            return None
        why = self.rule.why_not(day or self.as_of, what if day else "文件未标注日期，按评估日")
        if why is None and note and subject:
            self.notes[subject] = note
        return f"{why}（{note}）" if why and note else why


ParamValidator = Callable[[dict[str, Any]], list[tuple[tuple, str]]]


@dataclass(frozen=True)
class CheckSpec:
    type: str
    title: str
    basis: str
    remediation: str
    params: dict[str, Any]
    func: Callable[..., list[Finding]]
    required: tuple[str, ...] = ()
    param_types: dict[str, type | tuple[type, ...]] = field(default_factory=dict)
    description: str = ""
    dated: str = "as_of"  # "subject": the check dates each subject itself (ctx.rule_for); else the audit day does

    def validate_params(self, params: dict[str, Any]) -> list[tuple[tuple, str]]:
        problems: list[tuple[tuple, str]] = []
        for key in self.required:
            if key not in params:
                problems.append(((key,), f"检查 {self.type} 需要参数 {key!r} [{self.type} needs parameter {key!r}]"))
        for key, value in params.items():
            want = self.param_types.get(key)
            if want is not None and not isinstance(value, want):
                names = want.__name__ if isinstance(want, type) else "/".join(t.__name__ for t in want)
                problems.append(((key,), f"参数 {key} 的类型应为 {names}，实为 {type(value).__name__} {value!r} "
                                         f"[{key} must be {names}]"))
        return problems

    def run(self, snapshot, params: dict[str, Any], ctx: Context) -> list[Finding]:
        merged = {**self.params, **(params or {})}
        return self.func(snapshot, merged, ctx)


registry: dict[str, CheckSpec] = {}


def check(type: str, *, title: str, basis: str, remediation: str, params: dict[str, Any] | None = None,
          required: tuple[str, ...] = (), types: dict[str, type | tuple[type, ...]] | None = None,
          dated: str = "as_of"):
    """Register a check function under ``type`` with its metadata. ``dated="subject"``: the check judges each
    subject by the rule in force on the subject's own date (``Context.rule_for``); otherwise an item whose rule is
    not in force on the audit day is ``not_applicable`` as a whole (audit.run_checks)."""

    def deco(fn: Callable[..., list[Finding]]) -> Callable[..., list[Finding]]:
        if type in registry:
            raise ValueError(f"check type {type!r} registered twice")
        registry[type] = CheckSpec(type, title, basis, remediation, dict(params or {}), fn, required,
                                   dict(types or {}), (fn.__doc__ or "").strip(), dated)
        return fn

    return deco
