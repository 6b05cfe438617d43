"""zwgk-audit: thin commands over the library (demo, audit, serve-sample)."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

DEMO_CHECKLISTS = ["baseline.yaml", "panjin-sfj-2019.yaml"]
# exit codes: 0 audited (whatever the findings); 2 bad input (arguments, checklist, file); 3 the site could not be
# audited (DNS failure, refused, home page unreachable or blocked) — outputs are still written, saying why;
# 1 `ipv6`: the portal is 不符合
EXIT_OK, EXIT_NONCOMPLIANT, EXIT_INPUT, EXIT_NOT_AUDITED = 0, 1, 2, 3


def target_or_error(target: str) -> str:
    """An http(s) URL or an existing audit folder/WARC; anything else is a mistyped URL, said in words (the batch
    CSV's addresses are checked by the same :func:`~zwgk_audit.extract.urls.check_url`)."""
    from .extract.urls import check_url

    if Path(target).exists():
        return target
    if target.lower().endswith((".gz", ".warc", ".json", ".csv", ".yaml", ".xlsx")):
        raise FileNotFoundError(f"文件不存在：{target} [no such file]")
    url, why = check_url(target)
    if url:
        return target
    if "是否应为" in why:
        raise ValueError(why)
    raise FileNotFoundError(f"“{target}”既不是网址，也不是已保存的评估目录或WARC文件 [not a URL, and no snapshot at {target}]")


def _progress_bar(max_pages: int):
    """A tqdm bar on a terminal (pages fetched of the cap, queue, elapsed, ETA); None when stderr is not a TTY."""
    if not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=max_pages, unit="页", desc="抓取", file=sys.stderr, dynamic_ncols=True)

    def update(fetched: int, queued: int) -> None:
        bar.update(fetched - bar.n)
        bar.set_postfix_str(f"待抓取 {queued}", refresh=False)

    return bar, update


def _print_summary(audit, paths: dict) -> None:
    s = audit.score
    print(f"评估对象 {audit.snapshot.start_url}  清单 {audit.checklist.id}")
    if getattr(audit, "agency", None) is not None:
        print(f"机关类型与层级 agency: {audit.agency.describe()}")
    print(f"总分 score: {'未测' if s.score is None else f'{s.score:.1f}'} / 100   测量覆盖率 coverage: {s.coverage:.0%}")
    if not audit.complete:
        print(f"评估不完整 incomplete audit：{'；'.join(audit.incomplete)}")
        if audit.unjudged:
            print(f"  因此未能判断 left unjudged: {'、'.join(audit.unjudged)}")
    if s.appraisal_share is not None:
        pts = "—" if s.appraisal_points is None else f"{s.appraisal_points:.2f}"
        print(f"绩效考核折算 appraisal points: {pts} / {s.appraisal_share:g}")
    if s.vetoed:
        print(f"单项否决 veto: {', '.join(s.vetoed)}")
    failed = [i for i in s.items if i.state in ("fail", "partial")]
    print(f"不符合项目 failed items: {len(failed)}")
    for i in failed:
        print(f"  - {i.item_id} {i.title}（{i.failed}处不符合）")
    unmeasured = [i for i in s.items if i.state == "unmeasured"]
    if unmeasured:
        print(f"无法核验项目 unverified items: {len(unmeasured)}（{', '.join(i.item_id for i in unmeasured)}）")
    print("输出 outputs:")
    for name, p in paths.items():
        print(f"  {name}: {p}")


def cmd_demo(args) -> int:
    from .checklist import load_checklists

    from .audit import audit
    from .crawl.crawler import crawl
    from .sample import DEMO_DEFECTS, SampleConfig, SampleServer, generate

    out = Path(args.out)
    portal = generate(SampleConfig(seed=args.seed, as_of=dt.date.today(), defects=DEMO_DEFECTS, dialect=args.dialect))
    # the plan's checklist names its own agency (盘锦市司法局): the demo audits the sample portal's
    checklist = load_checklists(DEMO_CHECKLISTS).model_copy(update={"agency": portal.config.agency})
    with SampleServer(portal) as srv:
        print(f"示例门户 sample portal: {srv.url}（已植入缺陷 {len(portal.manifest['defects'])} 处）")
        t0 = time.monotonic()
        # the sample links real government sites: the demo never contacts them (links_valid says so)
        snap = crawl(srv.url, out=out, rate=0, max_pages=args.max_pages, check_external=False)
        print(f"抓取 crawled {len(snap.pages)} pages in {time.monotonic() - t0:.1f}s")
    a = audit(snap, checklist)
    paths = a.write(out)
    (out / "manifest.json").write_text(__import__("json").dumps(portal.manifest, ensure_ascii=False, indent=2),
                                       encoding="utf-8")
    _print_summary(a, paths)
    return 0


def cmd_audit(args) -> int:
    from .checklist import load_checklists

    from .audit import audit
    from .checks.evidence import home_unreachable
    from .crawl.crawler import crawl
    from .selection import Selection
    from .snapshot import Snapshot

    target = target_or_error(args.target)
    checklist = load_checklists(args.checklist)
    Selection.parse(args.period, args.sample, args.sample_seed)  # a bad --period fails before the crawl, not after
    if args.agency_kind or args.level:  # stated by the evaluator: wins over the checklist's and the site's name
        checklist = checklist.model_copy(update={k: v for k, v in (("agency_kind", args.agency_kind),
                                                                   ("level", args.level)) if v})
    if args.review:  # the file's own mistakes (format, unknown items) stop the audit before the crawl
        from .review import load_reviews

        load_reviews(args.review, {i.id for i in checklist.items})
    out = Path(args.out)
    if target.startswith(("http://", "https://")):
        if not (args.contact or os.environ.get("ZWGK_AUDIT_CONTACT")):
            print("zwgk-audit: 提示：未指定 --contact，网站管理员无法从 User-Agent 联系评估人（可设 --contact 或环境变量 "
                  "ZWGK_AUDIT_CONTACT）[no --contact given]", file=sys.stderr)
        servers, port = _nameserver(args.nameserver)
        bar, progress = _progress_bar(args.max_pages)
        t0 = time.monotonic()
        try:
            snap = crawl(target, out=out, progress=progress, max_pages=args.max_pages, rate=args.rate,
                         contact=args.contact, probe_ipv6=any(i.check == "ipv6_support" for i in checklist.items),
                         ipv6_url=args.ipv6_url, dns_nameservers=servers, dns_port=port,
                         extra_hosts=tuple(args.extra_host or ()), insecure_fallback=args.insecure,
                         scope=args.scope, check_external=not args.no_external, **_probe_option(args))
        finally:
            if bar is not None:
                bar.close()
        print(f"抓取完成 crawled: {snap.meta.get('pages_fetched', len(snap.pages))}页，用时{time.monotonic() - t0:.0f}秒",
              file=sys.stderr)
    else:
        snap = Snapshot.load(target)
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    a = audit(snap, checklist, as_of=as_of, manual_results=args.manual, column_map=args.column_map,
              period=args.period, sample=args.sample, sample_seed=args.sample_seed, monitoring=args.monitoring,
              review=args.review)  # a review naming a subject the audit did not judge stops here, before writing
    paths = a.write(out, issuer=args.issuer, office=args.office, evidence_copies=args.evidence_copies,
                    screenshots=args.screenshots)
    _print_summary(a, paths)
    _print_review_and_evidence(a)
    if (why := home_unreachable(snap)):
        print(f"zwgk-audit: 无法评估 not audited：{why}（已写出证据与报告）", file=sys.stderr)
        return EXIT_NOT_AUDITED
    return EXIT_OK


def _print_review_and_evidence(a) -> None:
    """What the 复核 changed and which page copies were written (after the summary)."""
    if a.reviews:
        changed = sum(r["from"] != r["to"] for r in a.reviews)
        print(f"复核：{len(a.reviews)}条（改判{changed}条，维持{len(a.reviews) - changed}条），分数按复核后结果计算")
    if a.evidence is not None and a.evidence.describe():
        print(f"页面副本：{a.evidence.describe()}")


def cmd_monitor(args) -> int:
    from .monitor import run_monitor

    try:
        run_monitor(args.url, args.days, args.per_day, args.out, slow_seconds=args.slow_seconds, seed=args.seed,
                    clock_scale=args.clock_scale, contact=args.contact,
                    progress=lambda m: print(m, flush=True))
    except KeyboardInterrupt:
        print(f"监测已中断；已记录的探测保存在 {args.out}，用同一命令续跑", file=sys.stderr)
        return 130
    return 0


def cmd_serve_sample(args) -> int:
    import json

    from .sample import DEMO_DEFECTS, Defects, SampleConfig, SampleServer, generate

    defects = DEMO_DEFECTS if args.demo_defects else Defects.from_pairs(args.plant or [])
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    portal = generate(SampleConfig(seed=args.seed, as_of=as_of, encoding=args.encoding, defects=defects,
                                   dialect=args.dialect))
    if args.manifest:
        Path(args.manifest).write_text(json.dumps(portal.manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    srv = SampleServer(portal, port=args.port).start()
    print(f"sample portal on {srv.url}" + (f" and {srv.url_v6}" if srv.url_v6 else "") + " — Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
    return 0


FORM_NAMES = {"text": "文本", "html": "网页", "docx": "Word文档", "xlsx": "Excel表格", "xls": "Excel表格（旧版）",
              "pdf": "PDF", "ofd": "OFD版式文件"}


def cmd_derive(args) -> int:
    from .checklist import checklist_path, load_checklist
    from .plans import derive_checklist, parse_plan
    from .plans.parse import plan_year

    from .plans.sources import PlanFormatError, read_plan

    path = Path(args.plan)
    try:
        source = read_plan(path.read_bytes(), name=str(path))  # the form by its content: text, web page, Word…
    except PlanFormatError as exc:
        print(f"zwgk-audit: {exc}", file=sys.stderr)
        return 2
    plan = parse_plan(source.text)
    sections = len({c.section for c in plan.clauses if c.section})
    units = len({u for c in plan.clauses for u in c.responsible_units})
    print(f"读取 read: {path.name}（{FORM_NAMES.get(source.form, source.form)}"
          f"{f'，{source.tables}个表格按表格读取' if source.tables else ''}）：{sections}个部分，{len(plan.clauses)}项任务，"
          f"{sum(1 for c in plan.clauses if c.responsible_units)}项写明责任单位（共{units}个单位）")
    if not plan.clauses:
        print(f"zwgk-audit: {path}：未找到编号任务（一、/（一）/1./（1）编号未识别）[no task clauses found]", file=sys.stderr)
        return 2
    baseline = load_checklist(checklist_path(args.baseline)) if args.baseline else None
    year = args.year or plan_year(plan)
    derived = derive_checklist(plan, plan_id=args.id or path.stem, agency=args.agency, year=year, source=str(path))
    folded = set()
    if baseline is not None:  # checked, not copied: items asking what the baseline asks fold into it at audit time
        merged = baseline.merge(derived)
        kept = {i.id for i in merged.items}
        folded = {i.id for i in derived.items if i.id not in kept}
    out = Path(args.out) if args.out else None
    use = (f"# 与基线一同使用 use with the baseline: zwgk-audit audit URL -c {args.baseline} -c {out.name}\n"
           if baseline is not None and out else "")
    header = (f"# Derived by `zwgk-audit derive` from {path.name} — review before use.\n"
              f"# Every item cites its clause; `manual` items need an evaluator.\n{use}")
    if out:  # written before the table is printed: a closed pipe must not lose the file
        out.write_text(header + derived.to_yaml(), encoding="utf-8")
        print(f"写出 checklist: {out}")
    if folded:
        print(f"其中{len(folded)}个检查项与基线清单要求相同，合并评估时并入基线检查项（只判一次，引用双方依据，取较严格参数）")
    print(f"{plan.title}：{len(plan.clauses)} 项任务，{len(derived.items)} 个检查项"
          f"（自动 {sum(i.check != 'manual' for i in derived.items)}，人工 {sum(i.check == 'manual' for i in derived.items)}）")
    print(f"{'条款':<8}{'任务':<28}{'责任单位':<30}检查项")
    for clause in plan.clauses:
        mine = [i for i in derived.items if i.basis.clause.endswith(f"{clause.number}{clause.title}")]
        units = "、".join(clause.responsible_units) or "（未写明）"
        items = "；".join(("人工" if i.check == "manual" else i.check) + f":{i.title}" + ("（并入基线）" if i.id in folded else "")
                         for i in mine)
        print(f"{clause.number:<8}{clause.title[:26]:<28}{units[:28]:<30}{items}")
    if plan.appraisal_share is None:
        print(f"注意：计划未写明考核分值权重，appraisal_share 取默认值 {derived.appraisal_share:g}")
    return 0


def _agency_kind(value: str) -> str:
    from .site.agency import normalize_kind

    try:
        return normalize_kind(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _level(value: str) -> str:
    from .site.agency import normalize_level

    try:
        return normalize_level(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _nameserver(value: str | None) -> tuple[tuple[str, ...], int]:
    if not value:
        return (), 53
    host, _, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
    return ((host or value),), int(port or 53)


def _probe_target(value: str) -> str:
    """argparse type for --internet-probe: HOST:PORT, or "none" (kept as "") to switch the probe off."""
    from .crawl.reachability import parse_target

    try:
        target = parse_target(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return "" if target is None else value.strip()


def _probe_option(args) -> dict:
    """The crawl option for --internet-probe; nothing when it was not given (the configured default holds)."""
    value = getattr(args, "internet_probe", None)
    return {} if value is None else {"internet_probe": value or None}


def cmd_ipv6(args) -> int:
    from .checks import STATUS_LABELS
    from .ipv6 import make_resolver, probe

    servers, port = _nameserver(args.nameserver)
    resolver = make_resolver(list(servers), port) if servers else make_resolver()
    result = probe(args.url, args.link or [], resolver=resolver, depth_ratio=args.depth_ratio)
    if not result.auditor_has_ipv6:
        print("注意：评估机器没有IPv6路由（auditor has no IPv6）：可访问性与内容一致性记为“无法核验”，不是不合格。")
    print(f"IPv6支持检测 {result.url}（主机 {result.host}）：{STATUS_LABELS.get(result.status, result.status)}")
    for t in result.tests:
        print(f"  [{STATUS_LABELS.get(t.status, t.status)}] {t.title}：{t.detail}")
        if t.status == "fail":
            print(f"      整改：{t.remediation}")
    if args.json:
        Path(args.json).write_text(__import__("json").dumps(result.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    return EXIT_NONCOMPLIANT if result.status == "fail" else EXIT_OK


def cmd_rectify(args) -> int:
    import json

    from . import rectify
    from .recheck import compare

    for d, what in ((args.new, "本次评估"), (args.previous, "上次评估")):
        for name in ("findings.csv", "score.json"):
            if not (Path(d) / name).exists():
                raise FileNotFoundError(f"{what}目录 {d} 中没有 {name}（not an audit output folder）")
    if not args.as_recorded:
        print(f"按本次评估的检查清单和规则重新评判上次评估的证据存档（{Path(args.previous) / 'snapshot.warc.gz'}）……",
              flush=True)
    c = compare(args.new, args.previous, rejudge=not args.as_recorded)
    diff, change = c.diff, c.change
    note = change["note"] or ("按两次评估记录的结果比较（--as-recorded），规则变更可能影响比较" if args.as_recorded else "")
    out = Path(args.out or args.new)
    out.mkdir(parents=True, exist_ok=True)
    xlsx = out / "rectification_diff.xlsx"
    rectify.to_excel(diff, xlsx, title="整改复查")
    _add_note_sheet(xlsx, [("本次评估", str(args.new)), ("本次评估日期", change["current_as_of"] or ""),
                           ("上次评估", str(args.previous)), ("上次评估日期", change["previous_as_of"] or ""),
                           ("比较方式", note)])
    rectify.to_csv(diff, out / "rectification_diff.csv")
    (out / "rectification_diff.md").write_text(f"> {note}\n\n" + rectify.to_markdown(diff) if note else
                                               rectify.to_markdown(diff), encoding="utf-8")
    (out / "rectification_diff.json").write_text(json.dumps({**change, "note": note}, ensure_ascii=False, indent=2,
                                                            default=str), encoding="utf-8")
    if c.previous is not None:
        rectify.to_csv(rectify.clean_findings(c.previous), out / "previous_rejudged_findings.csv")
    if c.current is not None:
        rectify.to_csv(rectify.clean_findings(c.current), out / "current_rejudged_findings.csv")
    prev, cur = change["previous"], change["current"]
    shown = lambda v: "未测" if v is None else f"{v:.1f}"  # noqa: E731
    delta = "" if change["change"] is None else f"（{change['change']:+.2f}）"
    print(f"整改复查：本次 {args.new}（评估日期 {change['current_as_of'] or '未记录'}）对比上次 {args.previous}"
          f"（评估日期 {change['previous_as_of'] or '未记录'}）")
    if note:
        print(note)
    recorded = change["previous_recorded"]
    again = f"（上次记录为{shown(recorded)}，按本次规则重判为{shown(prev)}）" if change["rejudged"] and recorded != prev else ""
    print(f"总分：上次 {shown(prev)} → 本次 {shown(cur)}{delta}{again}")
    print(f"已整改 {change['fixed']} 条，未整改 {change['persisting']} 条，新发现 {change['new']} 条"
          + (f"，无法确认是否整改 {change['unconfirmed']} 条" if change["unconfirmed"] else ""))
    print(f"写出 {xlsx}")
    return 0


def _add_note_sheet(path: Path, rows: list[tuple[str, str]]) -> None:
    """A 说明 sheet after the diff's own: what was compared, and how (re-judged or as recorded)."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font

    from .rectify import xlsx_value

    wb = load_workbook(path)
    ws = wb.create_sheet("说明")
    for k, v in rows:
        ws.append([xlsx_value(k), xlsx_value(v)])
    for cell in ws["A"]:
        cell.font = Font(bold=True)
    for cell in ws["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(cell.value, str):
            cell.data_type = "s"
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100
    wb.save(path)


def _selection_arguments(p) -> None:
    """--period / --sample / --sample-seed, the same for one audit and for a batch."""
    p.add_argument("--period", metavar="START:END", help="assessment period: judge only documents dated inside it, "
                   "e.g. 2024-01-01:2024-12-31 (columns and the home page are judged whole, on the audit day)")
    p.add_argument("--sample", type=int, metavar="N", help="judge a seeded random N documents per column (large portals)")
    p.add_argument("--sample-seed", type=int, default=0, help="seed of --sample (default 0): the same seed re-draws "
                   "the same documents")


def cmd_batch(args) -> int:
    from .batch import run_batch

    opts = {"max_pages": args.max_pages, "rate": args.rate, "check_external": not args.no_external,
            **_probe_option(args)}
    if args.contact:
        opts["contact"] = args.contact
    summary = run_batch(args.agencies, args.out, args.checklist or ["baseline.yaml"], workers=args.workers,
                        scheduler=args.scheduler, dask_local=args.dask_local, crawl_options=opts,
                        progress=not args.quiet, audit_options={"period": args.period, "sample": args.sample,
                                                                "sample_seed": args.sample_seed},
                        skip_bad_rows=args.skip_bad_rows, retry_failed=args.retry_failed)
    print(f"部门 {summary['agencies']} 个，完成 {summary['finished']} 个（本次续跑跳过 {summary['resumed']} 个"
          + (f"，重新评估上次无法评估/出错的 {summary['retried']} 个" if args.retry_failed else "") + "）："
          + "，".join(f"{k} {v}" for k, v in summary["status_labels"].items()))
    if summary["skipped_rows"]:
        print(f"跳过有问题的行 {len(summary['skipped_rows'])} 行（见上方 stderr 列出的行号）")
    print(f"排名 {summary['ranking']}；汇总 {summary['summary']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zwgk-audit",
        description="政务公开第三方评估：按检查清单抓取政府网站、保存WARC证据、逐项检查、评分并生成整改清单和报告。",
    )
    from .sample.dialects import DIALECTS

    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="start the bundled sample portal with planted defects, audit it, write reports",
                       description="启动内置示例门户（植入若干缺陷），抓取并按基线清单和盘锦市司法局2019年方案清单评估，"
                                   "输出 report.html、findings.csv、score.json、rectification.xlsx 和 WARC。")
    d.add_argument("--out", default="reports/demo", help="output directory (default: reports/demo)")
    d.add_argument("--seed", type=int, default=2026, help="sample portal seed (default 2026)")
    d.add_argument("--max-pages", type=int, default=1000, help="most pages to fetch (default 1000)")
    d.add_argument("--dialect", choices=sorted(DIALECTS), default="trs",
                   help="draw the sample portal as this CMS family does (default trs)")
    d.set_defaults(func=cmd_demo)

    a = sub.add_parser("audit", help="audit a portal URL or a saved snapshot against one or more checklists",
                       description="评估一个网站（URL）或已保存的快照（WARC 或其目录）。多个 -c 清单合并（基线 + 年度方案）。")
    a.add_argument("target", help="portal URL (http/https) or path to snapshot.warc.gz / its directory")
    a.add_argument("-c", "--checklist", action="append", required=True, help="checklist YAML; repeat to merge")
    a.add_argument("-o", "--out", required=True, help="output directory")
    a.add_argument("--max-pages", type=int, default=500, help="most pages to fetch (default 500); the report says "
                   "when the cap cut the crawl short")
    a.add_argument("--rate", type=float, default=1.0, help="requests per second per host (default 1)")
    a.add_argument("--contact", help="e-mail added to the User-Agent so webmasters can reach you")
    a.add_argument("--extra-host", action="append", help="another host in the portal's scope (e.g. the 信息公开 platform)")
    a.add_argument("--scope", metavar="URL_PREFIX",
                   help="audit only this path of a shared (集约化) portal, e.g. https://www.example.gov.cn/bm/yjj/: "
                        "the crawl stays inside it, plus the lists and documents outside it that it links to")
    a.add_argument("--nameserver", help="DNS server for the IPv6 probe, IP[:PORT]")
    a.add_argument("--ipv6-url", help="probe IPv6 on this URL (the portal under its DNS name) instead of TARGET")
    a.add_argument("--no-external", action="store_true", help="do not HEAD-check links to other sites")
    a.add_argument("--internet-probe", metavar="HOST:PORT", type=_probe_target,
                   help="before checking links to other sites, resolve and connect to HOST:PORT "
                        "(default www.gov.cn:443); if that fails the machine is taken as offline and external "
                        "links are left unverified, not failed. 'none' = no probe")
    a.add_argument("--insecure", action="store_true", help="read pages despite TLS errors (the TLS failure is still recorded)")
    a.add_argument("--as-of", help="judge as of this date (YYYY-MM-DD); default: the crawl day")
    _selection_arguments(a)
    a.add_argument("--agency-kind", type=_agency_kind, metavar="KIND",
                   help="机关类型 人民政府 | 部门 | 其他 (default: read from the site's name, and said so)")
    a.add_argument("--level", type=_level, metavar="LEVEL",
                   help="层级 国家 | 省 | 设区的市 | 县 | 乡镇 (市级, 区县 … accepted; default: read from the site's name)")
    a.add_argument("--manual", help="evaluator's results for manual items (YAML or CSV, see zwgk_audit.manual)")
    a.add_argument("--monitoring", metavar="DIR",
                   help="a folder written by `zwgk-audit monitor` (or its probes.csv): judges 站点无法访问 and "
                        "首页不更新 from days of probes")
    a.add_argument("--review", metavar="FILE",
                   help="复核: evaluators' overrides of single findings (YAML or CSV: item_id, subject, status, reason, "
                        "reviewer[, date]; see zwgk_audit.review); applied before scoring and shown in every output")
    a.add_argument("--evidence-copies", type=int, default=500, metavar="N",
                   help="write at most N page copies (evidence/<n>.html: the captured page behind a failing finding, "
                        "from the WARC, scripts removed); default 500, 0 = none")
    a.add_argument("--screenshots", action="store_true",
                   help="also screenshot each page copy (evidence/<n>.png) with headless Chromium, if installed")
    a.add_argument("--column-map", help="YAML: real column name or list-page URL → column class (政策文件类 …), "
                                        "overriding data/columns.yaml; recorded in the outputs")
    a.add_argument("--issuer", default="评估组",
                   help="下发单位: the body sending out the 整改清单 and signing the 整改通知 (default 评估组)")
    a.add_argument("--office", default="办公室",
                   help="the agency's unit that receives problems no checklist assigns (default 办公室)")
    a.set_defaults(func=cmd_audit)

    dv = sub.add_parser("derive", help="derive a draft checklist from a plan text or HTML page",
                        description="从政务公开工作要点/实施方案（文本或HTML）解析任务条款（编号、责任单位、时限、截止日期），"
                                    "按映射规则生成检查清单草稿；无法自动检查的任务生成“人工核查”项。")
    dv.add_argument("plan", help="plan file (.txt or .html; UTF-8 or GBK)")
    dv.add_argument("-o", "--out", help="write the checklist YAML here")
    dv.add_argument("--baseline", help="merge with this checklist (e.g. baseline.yaml): stricter limits win")
    dv.add_argument("--id", help="checklist id (default: the file name)")
    dv.add_argument("--agency", help="the agency the plan binds, written into the checklist (reports name it)")
    dv.add_argument("--year", type=int, help="the plan's year (default: read from its title or date)")
    dv.set_defaults(func=cmd_derive)

    b = sub.add_parser("batch", help="audit many agencies from a CSV: resumable, ranked, threads or Dask",
                       description="批量评估：CSV 含 agency,url（可选 checklist,region,level,kind,share,scope）。每个部门原子写入 "
                                   "OUT/agencies/<slug>/，中断后重跑同一命令会跳过已完成部门；输出 ranking.csv/.xlsx 和 summary.html。")
    b.add_argument("agencies", help="CSV with columns agency,url[,checklist,region,level,kind,share,scope]")
    b.add_argument("-o", "--out", required=True, help="output folder: one sub-folder per agency, ranking and summary")
    b.add_argument("-c", "--checklist", action="append", help="default checklist(s) (default: baseline.yaml)")
    b.add_argument("--workers", type=int,
                   help="agencies crawled at once, one per host whatever the number (default: 50 per CPU)")
    b.add_argument("--scheduler", help="run on an existing Dask cluster, e.g. tcp://host:8786 (OUT must be shared)")
    b.add_argument("--dask-local", type=int, metavar="N",
                   help="processes of the local Dask cluster (default: one per CPU; 0 = threads in this process)")
    b.add_argument("--max-pages", type=int, default=500, help="most pages to fetch per agency (default 500)")
    b.add_argument("--rate", type=float, default=1.0, help="requests per second per host (default 1)")
    b.add_argument("--contact", help="e-mail added to the User-Agent so webmasters can reach you")
    b.add_argument("--no-external", action="store_true", help="do not HEAD-check links to other sites")
    b.add_argument("--internet-probe", metavar="HOST:PORT", type=_probe_target,
                   help="as for audit: the reachability probe before external link checks ('none' = no probe)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--skip-bad-rows", action="store_true",
                   help="skip CSV rows that cannot be used (listed with their line numbers) and audit the rest; "
                        "default: any bad row stops the batch before anything is crawled")
    b.add_argument("--retry-failed", action="store_true",
                   help="audit again the agencies whose last result was 无法评估 (unreachable) or 出错 (error); "
                        "finished agencies are still skipped")
    _selection_arguments(b)
    b.set_defaults(func=cmd_batch)

    rc = sub.add_parser("rectify", help="re-audit: compare an audit with the previous one (已整改/未整改/新发现)",
                        description="整改复查：先按本次评估的检查清单和规则重新评判上次评估的WARC证据（上次的评估日期），再比较两次评估"
                                    "（两个输出目录），逐条标注已整改、未整改、新发现，并给出分数变化；检查项改名或参数调整不会被当作已整改或新发现。")
    rc.add_argument("new", help="this audit's output directory (findings.csv, score.json)")
    rc.add_argument("--previous", required=True, help="the previous audit's output directory")
    rc.add_argument("-o", "--out", help="where to write rectification_diff.* (default: NEW)")
    rc.add_argument("--as-recorded", action="store_true",
                    help="compare the two audits' recorded findings without re-judging PREVIOUS's WARC by NEW's "
                         "checklist (a changed rule or item id then shows up as 已整改/新发现)")
    rc.set_defaults(func=cmd_rectify)

    v6 = sub.add_parser("ipv6", help="judge a portal's IPv6 support: DNS, reachability, IPv4/IPv6 parity, depth",
                        description="检测门户网站IPv6支持：AAAA与IPv6域名服务器、IPv6可访问、IPv4/IPv6内容一致（≥90%）、"
                                    "二三级链接覆盖率。评估机器无IPv6时可访问性与一致性记为无法核验。")
    v6.add_argument("url", help="the portal's home page URL (under its DNS name)")
    v6.add_argument("--nameserver", help="DNS server to ask, IP[:PORT] (default: the system's)")
    v6.add_argument("--link", action="append", help="a second/third-level page URL for the depth test (repeatable)")
    v6.add_argument("--depth-ratio", type=float, default=0.9, help="share of links whose hosts must pass (default 0.9)")
    v6.add_argument("--json", help="also write the result as JSON here")
    v6.set_defaults(func=cmd_ipv6)

    mo = sub.add_parser("monitor", help="probe a home page at spread times for days (19号文 站点无法访问/首页不更新)",
                        description="站点可用性监测：按国办秘函〔2019〕19号“监测1周,每天间隔性访问20次以上”，把每天分成 --per-day "
                                    "个时段，每个时段内随机（可复现的种子）时刻访问首页一次；每次探测写入 DIR/probes.warc.gz 和 "
                                    "DIR/probes.csv。超过(含) --slow-seconds 秒仍打不开计为失败。进程被中断后用同一命令续跑，"
                                    "已记录的探测保留，只补做其余时段。")
    mo.add_argument("url", help="the home page to probe")
    mo.add_argument("--days", type=int, default=7, help="days to monitor (default 7; 首页不更新 needs 14)")
    mo.add_argument("--per-day", type=int, default=20, help="probes per day, one per equal slot (default 20)")
    mo.add_argument("-o", "--out", required=True, help="output folder (re-run with the same folder to resume)")
    mo.add_argument("--slow-seconds", type=float, default=15.0,
                    help="a probe not complete within this many seconds fails; also its timeout (default 15)")
    mo.add_argument("--seed", type=int, help="seed of the probe times (default: random, recorded in monitor.json)")
    mo.add_argument("--clock-scale", type=float, default=None,
                    help="run the clock this many times faster (tests and demonstrations; recorded, a resumed run "
                         "must use the same)")
    mo.add_argument("--contact", help="e-mail added to the User-Agent")
    mo.set_defaults(func=cmd_monitor)

    s = sub.add_parser("serve-sample", help="serve the sample portal on loopback for exploring",
                       description="在本机回环地址上运行示例门户。--plant key=value 植入缺陷，如 late_documents=2、"
                                   "missing_columns=政府信息公开年报；--manifest 写出植入清单。")
    s.add_argument("--port", type=int, default=8000, help="loopback port to serve on (default 8000)")
    s.add_argument("--seed", type=int, default=2026, help="sample portal seed: the same seed, the same portal (default 2026)")
    s.add_argument("--as-of", help="the portal's 'today' (YYYY-MM-DD)")
    s.add_argument("--encoding", choices=["utf-8", "gbk"], default="utf-8", help="encoding the portal is served in (gbk: GB18030 bytes, declared gbk)")
    s.add_argument("--dialect", choices=sorted(DIALECTS), default="trs",
                   help="draw the portal as this CMS family does: " + "; ".join(f"{d.id} = {d.cms}" for d in DIALECTS.values()))
    s.add_argument("--plant", action="append", metavar="KEY=VALUE", help="plant a defect (repeatable)")
    s.add_argument("--demo-defects", action="store_true", help="plant the demo's set of defects")
    s.add_argument("--manifest", help="write the manifest of planted defects to this JSON file")
    s.set_defaults(func=cmd_serve_sample)
    return p


def main(argv: list[str] | None = None) -> int:
    from .checklist import ChecklistError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ChecklistError as exc:
        print(f"zwgk-audit: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (FileNotFoundError, ValueError) as exc:  # ChecklistError, ManualResultsError, bad dates: one clear line
        print(f"zwgk-audit: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # output piped into head(1): the work is done and written
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
