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
class Context:
    """What a check may know besides the snapshot: the day the audit judges, which rows failed validation, and
    the monitoring of the portal over days when the audit was given one."""

    as_of: dt.date
    quality: Any = None  # zwgk_audit.quality.QualityReport
    selection: Any = None  # zwgk_audit.selection.Selection: the assessment period and sample of documents judged
    monitoring: Any = None  # zwgk_audit.monitor.Monitoring: probes of the home page over days (站点无法访问, 首页不更新)

    def invalid(self, table: str, url: str) -> str | None:
        """Why a row failed data validation (None when it passed or was not validated)."""
        reasons = self.quality.reasons(table, url) if self.quality is not None else []
        return f"数据校验未通过（{'；'.join(reasons)}），无法判断" if reasons else None


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

    def validate_params(self, params: dict[str, Any]) -> list[tuple[tuple, str]]:
        problems: list[tuple[tuple, str]] = []
        for key in self.required:
            if key not in params:
                problems.append(((key,), f"{self.type} needs parameter {key!r}"))
        for key, value in params.items():
            want = self.param_types.get(key)
            if want is not None and not isinstance(value, want):
                names = want.__name__ if isinstance(want, type) else "/".join(t.__name__ for t in want)
                problems.append(((key,), f"{key} must be {names}, got {type(value).__name__} {value!r}"))
        return problems

    def run(self, snapshot, params: dict[str, Any], ctx: Context) -> list[Finding]:
        merged = {**self.params, **(params or {})}
        return self.func(snapshot, merged, ctx)


registry: dict[str, CheckSpec] = {}


def check(type: str, *, title: str, basis: str, remediation: str, params: dict[str, Any] | None = None,
          required: tuple[str, ...] = (), types: dict[str, type | tuple[type, ...]] | None = None):
    """Register a check function under ``type`` with its metadata."""

    def deco(fn: Callable[..., list[Finding]]) -> Callable[..., list[Finding]]:
        if type in registry:
            raise ValueError(f"check type {type!r} registered twice")
        registry[type] = CheckSpec(type, title, basis, remediation, dict(params or {}), fn, required,
                                   dict(types or {}), (fn.__doc__ or "").strip())
        return fn

    return deco
