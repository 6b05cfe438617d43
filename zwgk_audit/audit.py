"""One audit: a Snapshot judged against a Checklist, with everything an assessor hands over.

    audit = za.audit(snapshot, checklist)
    audit.findings          # DataFrame, one row per (item, subject)
    audit.score             # Score: total, coverage, categories, appraisal points
    audit.rectification()   # 整改清单 DataFrame
    audit.write("reports/x/")   # report.html, findings.csv, score.json, rectification.xlsx/.docx, WARC
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
from functools import lru_cache
from html import escape
from pathlib import Path

import pandas as pd

from . import rectify
from .checklist import Checklist
from .checks import NA, STATUS_LABELS, Context, Finding, registry
from .checks.base import RuleWindow
from .scoring import Score, score
from .selection import Selection
from .snapshot import Snapshot

AUDIT_STATUS = {"ok": "已评估", "partial": "部分评估", "unreachable": "无法评估", "error": "出错"}
PARTIAL_COVERAGE = 0.5  # below this share of the weight measured, an audit of a reachable site is 部分评估

FINDING_COLUMNS = ["item_id", "item_title", "check", "category", "subject", "status", "measured", "expected",
                   "evidence_url", "warc_record_id", "fetched_at", "basis", "responsible_unit", "veto", "message",
                   "original_status", "review", "evidence_copy", "evidence_screenshot"]
# original_status: what the checks found (status differs only after a 复核); review: the 复核 said in Chinese ("" when
# none); evidence_copy / evidence_screenshot: the page as captured, relative to the output folder (written by write())
CHECKLIST_FILE = "checklist.yaml"  # the merged checklist as judged, beside score.json: rectify re-judges with it


def run_checks(snapshot: Snapshot, checklist: Checklist, as_of: dt.date, quality=None,
               manual_results: dict | None = None, selection: Selection | None = None, monitoring=None,
               agency=None) -> pd.DataFrame:
    """Every item's findings. ``agency`` (site/agency.py) defaults to the checklist's stated kind and level, the
    rest read from the site. An item judges only bodies it binds (``applies_to``) and only under its rule's time in
    force (``effective_from`` / ``effective_until``): a column or site check by the audit day, a document check per
    document by its own date (the check asks ``Context.rule_for``). ``selection`` narrows the documents judged
    (assessment period, sample); ``monitoring`` holds days of home-page probes."""
    if agency is None:
        from .site.agency import agency_profile

        agency = agency_profile(snapshot, checklist.agency_kind, checklist.level)
    rows = []
    for item in checklist.items:
        spec = registry[item.check]
        ctx = Context(as_of=as_of, quality=quality, selection=selection, monitoring=monitoring, agency=agency,
                      rule=rule_window(item))
        recorded = (manual_results or {}).get(item.id)
        try:
            if (outside := _outside_rule(item, spec, ctx)) is not None:
                results = [outside]
            elif recorded is not None:
                who = f"（评估人员：{recorded.evaluator}）" if recorded.evaluator else ""
                results = [Finding("人工核查", recorded.status, measured=f"人工记录{who}", evidence_url=recorded.evidence,
                                   message=recorded.note or "评估人员记录")]
            else:
                results = spec.run(snapshot, item.params, ctx)
        except Exception as exc:  # a check bug must not pass silently nor stop the other items
            results = [Finding(item.title, "unverified", message=f"检查程序出错，无法判断：{type(exc).__name__}: {exc}")]
        basis = item.basis.clause + (f"：{item.basis.text}" if item.basis.text else "")
        inferred = item.applies_to is not None and not (agency.kind_explicit and agency.level_from == "评估人员指定")
        for f in results:
            told = (agency.kind_text(), agency.level_text()) if inferred else ()
            extra = [n for n in (ctx.notes.get(f.subject), *told) if n and n not in f.message]
            if extra:
                f.message = "；".join([f.message, *extra]) if f.message else "；".join(extra)
            rows.append({
                "item_id": item.id, "item_title": item.title, "check": item.check, "category": item.category,
                "subject": f.subject, "status": f.status, "measured": f.measured, "expected": f.expected,
                "evidence_url": f.evidence_url, "warc_record_id": f.warc_record_id, "fetched_at": f.fetched_at,
                "basis": basis, "responsible_unit": item.responsible_unit or "", "veto": item.veto,
                "message": f.message, "original_status": f.status, "review": "", "evidence_copy": "",
                "evidence_screenshot": "",
            })
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def rule_window(item) -> RuleWindow | None:
    """When the item's rule is in force (None: it states no dates)."""
    if not item.dated:
        return None
    return RuleWindow(item.effective_from, item.effective_until, item.basis.clause, item.superseded_by)


def _outside_rule(item, spec, ctx: Context) -> Finding | None:
    """The one finding for an item that binds neither this agency (``applies_to``) nor, on the audit day, anyone:
    a rule not yet in force judges nothing; a rule no longer in force still judges the documents dated in its time
    (checks that date their subjects), nothing else."""
    rule = ctx.rule
    why = rule.why_not(ctx.as_of, "评估日") if rule is not None else None
    if why and (spec.dated != "subject" or (rule.effective_from is not None and ctx.as_of < rule.effective_from)):
        return Finding(item.title, NA, message=why)
    if item.applies_to is not None and ctx.agency is not None:
        ruled = ctx.agency.applies(item.applies_to.agency_kind, item.applies_to.level, item.applies_to.note)
        if ruled is not None:
            return Finding(item.title, ruled[0], message=ruled[1])
    return None


class Audit:
    def __init__(self, snapshot: Snapshot, checklist: Checklist, as_of: dt.date | None = None,
                 manual_results: str | Path | dict | None = None, column_map: str | Path | dict | None = None,
                 selection: Selection | None = None, monitoring=None, review=None):
        if monitoring is not None and not hasattr(monitoring, "probes"):  # a monitoring folder or its CSV
            from .monitor import load_monitoring

            monitoring = load_monitoring(monitoring)
        self.monitoring = monitoring
        if column_map is not None:
            if not isinstance(column_map, dict):
                from .site.column_map import load_column_map

                column_map = load_column_map(column_map)
            snapshot.apply_column_map(column_map)
        self.snapshot = snapshot
        self.checklist = checklist
        self.as_of = as_of or snapshot.as_of
        self.quality = snapshot.quality()
        if manual_results is not None and not isinstance(manual_results, dict):
            from .manual import load_manual_results

            manual_results = load_manual_results(manual_results, {i.id for i in checklist.items})
        self.manual_results = manual_results or {}
        from .site.agency import agency_profile

        self.agency = agency_profile(snapshot, checklist.agency_kind, checklist.level)  # stated, else read from the site
        self.selection = selection or Selection()
        findings = run_checks(snapshot, checklist, self.as_of, self.quality, self.manual_results, self.selection,
                              monitoring, self.agency)
        self.reviews: list[dict] = []  # 复核: applied after the checks, before scoring
        self.review_file: str | None = str(review) if isinstance(review, (str, Path)) else None
        if review is not None:
            from .review import apply_reviews, load_reviews

            reviews = load_reviews(review, {i.id for i in checklist.items})
            findings, self.reviews = apply_reviews(findings, reviews, self.review_file or "review")
        self.findings = findings
        self.evidence = None  # evidence copies: what write() made (evidence.EvidenceCopies)
        self.score: Score = score(self.findings, checklist)
        self.incomplete: list[str] = incompleteness(snapshot)
        self.unjudged: list[str] = [
            f"{i.item_id} {i.title}" for i in self.score.items
            if i.state == "unmeasured" and checklist.item(i.item_id).check != "manual"]

    @property
    def reposts(self) -> list[str]:
        """Documents set aside as another body's, reposted here (not judged as the agency's own)."""
        from .site.ownership import REPOST

        f = self.findings
        return sorted({s for s, st, m in zip(f["subject"], f["status"], f["message"])
                       if isinstance(s, str) and isinstance(st, str) and st == "not_applicable"
                       and isinstance(m, str) and m.startswith(REPOST)})

    @property
    def unauditable(self) -> str | None:
        """Why the site could not be audited at all (its home page was not read: DNS failure, refused, timeout,
        HTTP 4xx/5xx, blocked), in Chinese; None when it was read."""
        from .checks.evidence import home_unreachable

        return home_unreachable(self.snapshot)

    @property
    def status(self) -> str:
        """``ok`` / ``partial`` (under half the weight measured) / ``unreachable``; :data:`AUDIT_STATUS` names them."""
        if self.unauditable:
            return "unreachable"
        return "partial" if self.score.coverage < PARTIAL_COVERAGE else "ok"

    @property
    def complete(self) -> bool:
        """False when the crawl was cut short or the auditing machine could not judge part of the site (评估不完整)."""
        return not self.incomplete

    def rescore(self, weights: dict[str, float] | None = None, categories: dict[str, float] | None = None,
                share: float | None = None, scheme: str | None = None) -> Score:
        """What-if: the same findings under other item weights, category weights, appraisal share or scheme."""
        items = [it.model_copy(update={"weight": weights[it.id]}) if weights and it.id in weights else it
                 for it in self.checklist.items]
        cats = [c.model_copy(update={"weight": categories[c.id]}) if categories and c.id in categories else c
                for c in self.checklist.categories]
        update: dict = {"items": items, "categories": cats}
        if share is not None:
            update["appraisal_share"] = share
        if scheme is not None:
            update["scheme"] = scheme
        return score(self.findings, self.checklist.model_copy(update=update))

    def rectification(self, working_days: int = 20, office: str = rectify.OFFICE) -> pd.DataFrame:
        """The 整改清单 (a copy: the files and the report written later use the same rows). A problem whose item
        names no responsible unit goes to ``office`` (the agency's 办公室), with a note saying so."""
        cache = self.__dict__.setdefault("_rectification", {})
        key = working_days if office == rectify.OFFICE else (working_days, office)
        if key not in cache and (why := self.unauditable):  # one row saying so, never an empty list
            cache[key] = rectify.unauditable_rows(why, self.snapshot.start_url, self.as_of, office)
        if key not in cache:
            cache[key] = rectify.rectification_rows(self.findings, self.checklist, self.as_of, working_days,
                                                    office=office)
        return cache[key].copy()

    def agency_name(self) -> str:
        """The audited body as the 整改清单 names it: the checklist's agency, else the site's own name (网站名称,
        首页标题, 页脚主办单位), else the portal's address."""
        if self.checklist.agency:
            return self.checklist.agency
        named = next((e.name for e in getattr(self.agency, "evidence", ()) if e.name), None)
        return named or self.snapshot.start_url or "被评估单位"

    def notice_info(self, issuer: str = rectify.ISSUER, office: str = rectify.OFFICE, agency_name: str | None = None,
                    working_days: int = 20) -> rectify.NoticeInfo:
        """What the 整改清单's title block and the 整改通知 say: agency, evaluation, 评估日期, checklists, issuing body,
        the 整改时限 rule (from the parameters the deadlines are counted with) and, when incomplete, why."""
        rows = self.rectification(working_days, office)
        shown = set(rows[rectify.KEY])
        own = tuple((i.id, i.rectify_days) for i in self.checklist.items if i.rectify_days and i.id in shown)
        return rectify.NoticeInfo(
            agency=agency_name or self.agency_name(), evaluation=self.checklist.title, as_of=self.as_of,
            checklists=tuple(x for x in self.checklist.id.split("+") if x), issuer=issuer or rectify.ISSUER,
            working_days=working_days, veto_days=rectify.VETO_RECTIFY_DAYS, office=office,
            url=self.snapshot.start_url or "", incomplete=tuple(self.incomplete), own_days=own)

    def summary(self) -> dict:
        s = self.score
        return {
            "score": s.score, "coverage": s.coverage, "appraisal_share": s.appraisal_share,
            "appraisal_points": s.appraisal_points, "vetoed": s.vetoed,
            "failed": [f"{i.item_id} {i.title}" for i in s.items if i.state in ("fail", "partial")],
        }

    def write(self, out_dir: str | Path, issuer: str = rectify.ISSUER, office: str = rectify.OFFICE,
              agency_name: str | None = None, evidence_copies: int | None = None, screenshots: bool = False
              ) -> dict[str, Path]:
        """Write report.html, findings.csv, score.json, rectification.xlsx/.csv/.md, the 整改通知
        rectification.docx, the WARC, the checklist as judged (checklist.yaml) and ``evidence/<n>.html`` — the
        captured page behind each failing finding, at most ``evidence_copies`` (default 500; 0 for none), with
        ``evidence/<n>.png`` screenshots when ``screenshots`` and Chromium is installed — into ``out_dir``.
        ``issuer`` is the body sending the 整改清单 out (named in its title block and signing the notice);
        ``office`` receives problems no checklist assigns; ``agency_name`` overrides the audited body's name
        (default :meth:`agency_name`)."""
        from .page_copies import DEFAULT_LIMIT, write_copies
        from .report import write_html

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        limit = DEFAULT_LIMIT if evidence_copies is None else max(0, int(evidence_copies))
        copies, shots, self.evidence = write_copies(self.findings, self.snapshot, out, limit, screenshots)
        self.findings = self.findings.assign(evidence_copy=copies, evidence_screenshot=shots)
        if self.evidence.copies:
            paths["evidence"] = out / "evidence"
        paths["checklist"] = out / CHECKLIST_FILE
        checklist_yaml = self.checklist.to_yaml()
        paths["checklist"].write_text(checklist_yaml, encoding="utf-8")
        paths["findings"] = out / "findings.csv"
        rectify.to_csv(rectify.clean_findings(self.findings), paths["findings"])
        paths["score"] = out / "score.json"
        data = {
            "checklist": self.checklist.id, "agency": self.checklist.agency, "url": self.snapshot.start_url,
            "as_of": self.as_of.isoformat(), "status": AUDIT_STATUS[self.status], "status_code": self.status,
            "reason": f"无法评估：{self.unauditable}" if self.unauditable else "；".join(self.incomplete),
            "complete": self.complete,
            "completeness": "完整" if self.complete else "评估不完整", "incomplete_reasons": self.incomplete,
            "unjudged_items": self.unjudged, "reposts_set_aside": self.reposts, "agency_profile": self.agency.to_json(),
            "selection": self.selection.describe(self.snapshot.articles),
            "column_map": self.snapshot.column_map, **self.score.to_json(),
            "monitoring": self.monitoring.describe() if self.monitoring is not None else None,
            **self.provenance(checklist_yaml),
            "selection_params": self.selection_params(),
            "manual_results": {k: {"status": v.status, "note": v.note, "evidence": v.evidence, "evaluator": v.evaluator}
                               for k, v in self.manual_results.items()},
            "reviews": self.reviews, "review_file": self.review_file,
            "evidence_copies": self.evidence.to_json(),
        }
        paths["score"].write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        paths["quality"] = out / "quality.json"
        paths["quality"].write_text(json.dumps(self.quality.to_json(), ensure_ascii=False, indent=2, default=str),
                                    encoding="utf-8")
        rect = self.rectification(office=office)
        info = self.notice_info(issuer, office, agency_name)
        paths["rectification"] = out / "rectification.xlsx"
        rectify.to_rectification_xlsx(rect, paths["rectification"], info)
        rectify.to_csv(rectify.public(rect), out / "rectification.csv")
        (out / "rectification.md").write_text(rectify.to_markdown(rect), encoding="utf-8")
        from .notice import write_notice

        paths["notice"] = write_notice(rect, out / "rectification.docx", info)
        if self.snapshot.warc_path:
            target = out / "snapshot.warc.gz"
            if self.snapshot.warc_path.resolve() != target.resolve():
                shutil.copyfile(self.snapshot.warc_path, target)
            paths["warc"] = target
        paths["report"] = write_html(self, out / "report.html")
        return paths

    # alias matching the notebook idiom in ARCHITECTURE.md
    report = write

    def provenance(self, checklist_yaml: str | None = None) -> dict:
        """What score.json records so the audit can be redone with the same rules: the tool's version, the
        checklists (ids, files, SHA-256) and the merged checklist as judged (``checklist.yaml``)."""
        text = checklist_yaml if checklist_yaml is not None else self.checklist.to_yaml()
        files = self.checklist.sources
        return {
            "tool": tool_info(), "tool_version": tool_info()["version"],
            "checklist_ids": [f["id"] for f in files] or [self.checklist.id],
            "checklist_files": files,
            "checklist_file": CHECKLIST_FILE,
            "checklist_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }

    def selection_params(self) -> dict:
        """The period and sample as options (``--period``/``--sample``/``--sample-seed``), to draw them again."""
        sel = self.selection
        period = None
        if sel.period is not None:
            start, end = sel.period
            period = f"{'' if start == dt.date.min else start.isoformat()}:{'' if end == dt.date.max else end.isoformat()}"
        return {"period": period, "sample": sel.sample, "sample_seed": sel.seed}

    def _repr_html_(self) -> str:
        s = self.score
        head = (f"<h3>政务公开评估：{escape(self.checklist.agency or self.snapshot.start_url)}</h3>"
                f"<p>总分 <b>{'未测' if s.score is None else f'{s.score:.1f}'}</b>，覆盖率 {s.coverage:.0%}，"
                f"绩效折算 {s.appraisal_points if s.appraisal_points is not None else '—'} / "
                f"{s.appraisal_share if s.appraisal_share is not None else '—'} 分</p>")
        if s.vetoed:
            head += f"<p style='color:#c62828'>单项否决：{escape(', '.join(s.vetoed))}</p>"
        cats = pd.DataFrame(s.categories)[["title", "weight", "score", "coverage", "failed_items"]].rename(
            columns={"title": "分类", "weight": "权重", "score": "得分", "coverage": "覆盖率", "failed_items": "不符合项目"})
        failed = self.findings[self.findings["status"] == "fail"][["item_id", "item_title", "subject", "message"]].rename(
            columns={"item_id": "编号", "item_title": "检查项", "subject": "对象", "message": "说明"})
        return (head + cats.to_html(index=False, escape=True)
                + "<h4>不符合</h4>" + failed.head(50).to_html(index=False, escape=True))

    def __repr__(self) -> str:
        s = self.score
        counts = {STATUS_LABELS[k]: int((self.findings["status"] == k).sum()) for k in STATUS_LABELS}
        return f"<Audit {self.snapshot.start_url} score={s.score} coverage={s.coverage:.0%} {counts}>"


@lru_cache(maxsize=1)
def tool_info() -> dict:
    """This zwgk-audit: its version and, when run from a git checkout, the commit (the rules are code too)."""
    try:
        from importlib.metadata import version

        ver = version("zwgk_audit")
    except Exception:  # not installed as a distribution: the package's own number
        from . import __version__ as ver
    commit = None
    here = Path(__file__).resolve().parent.parent
    if (here / ".git").exists():
        try:
            done = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True,
                                  timeout=5, check=False)
            if done.returncode == 0 and len(done.stdout.strip()) == 40:
                commit = done.stdout.strip()
                dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no",
                                        "--", "zwgk_audit"], capture_output=True, text=True, timeout=5, check=False)
                if dirty.returncode == 0 and dirty.stdout.strip():
                    commit += "+modified"
        except (OSError, subprocess.TimeoutExpired):
            pass
    return {"name": "zwgk-audit", "version": ver, "commit": commit}


def incompleteness(snapshot: Snapshot) -> list[str]:
    """Why an audit cannot read like a clean one (empty when the crawl saw the whole reachable site)."""
    from .checks.evidence import home_unreachable
    from .crawl.reachability import offline_reason

    reasons = []
    if (why := home_unreachable(snapshot)):
        reasons.append(why)
    if snapshot.truncated:
        queued = snapshot.meta.get("queued_not_fetched")
        left = f"，另有{queued}个已发现页面未抓取" if queued else ""
        structure = "" if snapshot.structure_complete else "；栏目结构未抓取完整，栏目缺失等判断无法确认"
        reasons.append(f"抓取达到页面上限（{snapshot.meta.get('max_pages', '?')}页）{left}{structure}")
    if (offline := offline_reason(snapshot.meta.get("internet"))):  # old WARCs have no probe: no reason
        reasons.append(f"评估机器无法访问互联网（{offline}），外部链接未检测")
    pages = snapshot.pages
    blocked = int((pages["kind"] == "blocked").sum()) if len(pages) else 0
    if blocked:  # robots.txt refusals are the site's own choice (search forms…), findings needing them say so
        reasons.append(f"{blocked}个页面被网站防护（WAF/验证）拦截，未能读取")
    return reasons


def audit(snapshot: Snapshot, checklist: Checklist, as_of: dt.date | None = None,
          manual_results: str | Path | dict | None = None, column_map: str | Path | dict | None = None,
          period: str | None = None, sample: int | None = None, sample_seed: int = 0, monitoring=None,
          review=None) -> Audit:
    """Run every checklist item on ``snapshot``; ``as_of`` defaults to the crawl day.

    ``manual_results`` (a YAML/CSV file, see :mod:`zwgk_audit.manual`) records what evaluators found for
    items no check can decide; a recorded result replaces the check's own finding for that item.
    ``column_map`` (a YAML file or a dict: real column name or URL → class id, see
    :mod:`zwgk_audit.site.column_map`) overrides the vocabulary's classes for this snapshot.
    ``period`` (``2024-01-01:2024-12-31``) limits the documents judged to those dated inside it; ``sample`` judges a
    seeded random ``sample`` documents per column (:mod:`zwgk_audit.selection`); the report states both.
    ``monitoring`` (a folder written by ``zwgk-audit monitor``, its ``probes.csv``, or a
    :class:`zwgk_audit.monitor.Monitoring`) lets the 站点无法访问 and 首页不更新 checks judge days of probes.
    ``review`` (a YAML/CSV file or a list of dicts, see :mod:`zwgk_audit.review`) is the evaluators' 复核: each
    overrides one finding's status, with a reason and a name, after the checks and before scoring.
    """
    return Audit(snapshot, checklist, as_of, manual_results, column_map, Selection.parse(period, sample, sample_seed),
                 monitoring, review)
