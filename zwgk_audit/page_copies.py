"""Evidence a unit can open: the pages behind failing findings, as captured, copied out of the WARC.

The live URL in a finding may show something else by the time the responsible unit looks. For every failing
finding the audit writes ``evidence/<n>.html`` into its output folder (one copy per captured page, at most
``limit``): the captured bytes decoded with the page's own encoding, written as UTF-8, with a banner on top —
原始网址, 抓取时间, WARC记录编号, HTTP状态 and "此为评估时抓取的页面副本".

Nothing in a copy runs: scripts, frames, objects, refreshes, ``<base>``, event handlers and ``javascript:`` /
``data:`` addresses are removed, and a Content-Security-Policy forbids scripts, frames and form submission
besides. Relative links, images and style sheets point at the original absolute URLs (the live site: they
may have changed or gone); the text is the capture. A fetch that got no page (refused, timed out, blocked by
robots.txt) or a file that is not a web page gets a copy holding the banner and what the WARC says.

With ``screenshots=True`` and a Chromium on the PATH, ``evidence/<n>.png`` is a screenshot of the copy.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import urljoin

import pandas as pd

DEFAULT_LIMIT = 500
FOLDER = "evidence"
NOTICE = "此为评估时抓取的页面副本"
CSP = ("default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; form-action 'none'; "
       "base-uri 'none'; img-src * data:; style-src * 'unsafe-inline'; font-src * data:; media-src *")
DROP_TAGS = ("script", "iframe", "frame", "object", "embed", "applet", "base", "portal", "noscript", "template")
URL_ATTRS = ("href", "src", "background", "poster", "cite", "longdesc", "xlink:href")
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
BEIJING = dt.timezone(dt.timedelta(hours=8))
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


@dataclass
class Captured:
    """One WARC record as the copy needs it."""

    record_id: str
    url: str
    requested: str = ""
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    fetched_at: str = ""
    truncated: bool = False
    error: str = ""  # a fetch with no response (an event record): why
    kind: str = "page"


@dataclass
class EvidenceCopies:
    """What :func:`write_copies` did, for score.json and the report."""

    copies: int = 0
    limit: int = DEFAULT_LIMIT
    wanted: int = 0  # distinct captured pages behind failing findings
    not_found: int = 0  # failing findings whose page is not in the WARC
    screenshots: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return self.wanted > self.copies + self.not_found

    def to_json(self) -> dict:
        return {"folder": FOLDER, "copies": self.copies, "limit": self.limit, "pages": self.wanted,
                "capped": self.capped, "not_found": self.not_found, "screenshots": self.screenshots,
                "notes": list(self.notes)}

    def describe(self) -> str:
        """One line in Chinese for the report and the console."""
        if not self.wanted:
            return "；".join(self.notes)
        text = f"不符合项涉及{self.wanted}个抓取页面，已生成页面副本{self.copies}份（{FOLDER}/ 目录）"
        return "；".join([text, *self.notes])


def chromium_binary() -> str | None:
    """A Chromium or Chrome on the PATH, else None (the browser tests use this too)."""
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    return None


# ------------------------------------------------------------------ reading the WARC


def read_records(warc_path: str | Path, ids: set[str]) -> dict[str, Captured]:
    """The response or event records named in ``ids``, in one pass over the WARC (other payloads unread)."""
    from warcio.archiveiterator import ArchiveIterator

    from .crawl.warc import EVENT_TYPE, KIND, REQUESTED, _from_warc_date

    out: dict[str, Captured] = {}
    with open(warc_path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            rid = rec.rec_headers.get_header("WARC-Record-ID")
            if rid not in ids:
                continue
            h = rec.rec_headers
            when = _from_warc_date(h.get_header("WARC-Date") or "")
            if rec.rec_type == "response":
                http = rec.http_headers
                status = http.get_statuscode() if http else None
                out[rid] = Captured(
                    rid, h.get_header("WARC-Target-URI") or "", requested=h.get_header(REQUESTED) or "",
                    status=int(status) if status and status.isdigit() else None,
                    content_type=(http.get_header("Content-Type") or "") if http else "",
                    body=rec.content_stream().read(), fetched_at=when, truncated=bool(h.get_header("WARC-Truncated")),
                    kind=h.get_header(KIND) or "page")
            elif rec.rec_type == "metadata" and h.get_header("Content-Type") == EVENT_TYPE:
                try:
                    payload = json.loads(rec.content_stream().read().decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    payload = {}
                out[rid] = Captured(rid, payload.get("url") or h.get_header("WARC-Target-URI") or "",
                                    fetched_at=payload.get("fetched_at") or when,
                                    error=str(payload.get("error") or "未取得页面"), kind=h.get_header(KIND) or "error")
            if len(out) == len(ids):
                break
    return out


# ------------------------------------------------------------------ rendering one copy


def beijing_time(iso: str) -> str:
    """``2026-06-30T02:00:00+00:00`` → ``2026-06-30 10:00:00（北京时间）``; what cannot be read, as it is."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or "未知"
    if when.tzinfo is None:
        return when.isoformat(sep=" ")
    return when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）"


def banner(cap: Captured, cited: list[str], warc_name: str, encoding: str | None = None) -> str:
    """The banner at the top of every copy (all text escaped: the URL and titles come from the site)."""
    url = cap.url or cap.requested
    link = (f'<a href="{escape(url)}" rel="noreferrer" style="color:#0b57d0">{escape(url)}</a>'
            if url.startswith(("http://", "https://")) else escape(url))
    lines = [f"<strong style=\"font-size:16px\">{NOTICE}</strong>"
             "（评估时的页面内容，不代表网站现状；页面脚本已移除，链接和图片指向原网站）",
             f"原始网址：{link}"]
    if cap.requested and cap.requested != cap.url:
        lines.append(f"请求网址：{escape(cap.requested)}（经跳转）")
    lines.append(f"抓取时间：{escape(beijing_time(cap.fetched_at))}")
    lines.append(f"WARC记录编号：{escape(cap.record_id)}（证据文件 {escape(warc_name)}）")
    state = f"HTTP状态：{cap.status}" if cap.status is not None else f"抓取结果：{escape(cap.error)}"
    if encoding:
        state += f"；原网页编码：{escape(encoding)}"
    if cap.truncated:
        state += "；响应过大或超时，已截断"
    lines.append(state)
    if cited:
        shown = "；".join(cited[:8]) + (f"……等{len(cited)}项" if len(cited) > 8 else "")
        lines.append(f"涉及检查项：{escape(shown)}")
    return ('<div id="zwgk-evidence-banner" style="all:initial;display:block;box-sizing:border-box;width:100%;'
            'background:#fff8e1;border-bottom:3px solid #c62828;color:#222;padding:10px 14px;'
            'font:14px/1.6 \'Noto Sans CJK SC\',\'PingFang SC\',\'Microsoft YaHei\',sans-serif;'
            'word-break:break-all;position:relative;z-index:2147483647">'
            + "<br>".join(lines) + "</div>")


def _head(title: str) -> str:
    return (f'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="referrer" content="no-referrer"><title>{escape(title)}</title>')


def _plain_page(cap: Captured, cited: list[str], warc_name: str, body_html: str) -> str:
    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head>" + _head(f"[页面副本] {cap.url}") + "</head><body>"
            + banner(cap, cited, warc_name) + body_html + "</body></html>")


def render(cap: Captured, cited: list[str] | None = None, warc_name: str = "snapshot.warc.gz") -> str:
    """The copy of one captured record as inert UTF-8 HTML with the banner on top."""
    cited = cited or []
    if cap.status is None:
        what = "robots.txt 禁止抓取该页面" if cap.kind == "robots_blocked" else cap.error
        return _plain_page(cap, cited, warc_name,
                           f"<p style=\"padding:1em\">评估时未能取得该页面：{escape(what)}</p>")
    ctype = cap.content_type.split(";")[0].strip().lower()
    if ctype and "html" not in ctype and "xml" not in ctype:
        if ctype.startswith("text/") or ctype.endswith("json"):
            from .crawl.encoding import decode_html

            text, _enc, _how = decode_html(cap.body, cap.content_type)
            return _plain_page(cap, cited, warc_name,
                               f"<pre style=\"white-space:pre-wrap;padding:1em\">{escape(text)}</pre>")
        return _plain_page(cap, cited, warc_name,
                           f"<p style=\"padding:1em\">该记录不是网页（{escape(ctype)}，{len(cap.body)}字节），"
                           "原文件保存在WARC证据文件中，未生成页面副本。</p>")
    return sanitise(cap, cited, warc_name)


def _absolute(base: str, value: str) -> str | None:
    """An attribute URL made absolute against the page; None for an unsafe or unusable one."""
    v = value.strip()
    if not v:
        return None
    low = "".join(v.split()).lower()  # "java\tscript:" is javascript: to a browser
    if low.startswith(UNSAFE_SCHEMES):
        return None
    if v.startswith("#"):
        return v
    try:
        return urljoin(base, v)
    except ValueError:
        return None


def sanitise(cap: Captured, cited: list[str], warc_name: str) -> str:
    """The captured HTML, decoded with its detected encoding, made inert, links absolute, banner on top."""
    from bs4 import BeautifulSoup, Comment

    from .crawl.encoding import decode_html
    from .extract.urls import split_key

    text, enc, _how = decode_html(cap.body, cap.content_type)
    soup = BeautifulSoup(text, "lxml")
    page_url = split_key(cap.url)[0] if cap.url else ""
    base = page_url
    tag = soup.find("base", href=True)
    if tag is not None and (b := _absolute(page_url, tag["href"])) and b.startswith(("http://", "https://")):
        base = b
    for t in soup.find_all(["iframe", "frame"]):
        src = _absolute(base, t.get("src") or "") or ""
        note = soup.new_tag("p")
        note.string = "［嵌入页面未包含在副本中："
        if src.startswith(("http://", "https://")):
            a = soup.new_tag("a", href=src, rel="noreferrer")
            a.string = src
            note.append(a)
        note.append("］")
        t.replace_with(note)
    for t in soup.find_all(DROP_TAGS):
        t.decompose()
    for t in soup.find_all("frameset"):
        t.name = "div"
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()  # conditional comments (<!--[if IE]><script>…) are markup to some browsers
    for t in soup.find_all("meta"):
        equiv = (t.get("http-equiv") or "").lower()
        if t.has_attr("charset") or equiv in ("refresh", "content-type", "set-cookie", "content-security-policy",
                                              "x-ua-compatible", "default-style"):
            t.decompose()
    for t in soup.find_all("link"):
        rel = {r.lower() for r in (t.get("rel") or [])}
        if not rel & {"stylesheet", "icon", "shortcut"}:
            t.decompose()
    for t in soup.find_all(True):
        for attr in list(t.attrs):
            name = attr.lower()
            if name.startswith("on") or name in ("srcdoc", "formaction", "action", "ping", "http-equiv"):
                del t[attr]
            elif name in URL_ATTRS or name.endswith(":href"):
                value = t[attr] if isinstance(t[attr], str) else " ".join(t[attr])
                if t.name == "img" and name == "src" and value.strip().lower().startswith("data:image/"):
                    continue  # an inline image is a picture, not a script
                fixed = _absolute(base, value)
                if fixed is None:
                    del t[attr]
                else:
                    t[attr] = fixed
            elif name == "srcset":
                parts = []
                for candidate in str(t[attr]).split(","):
                    bits = candidate.split()
                    if bits and (u := _absolute(base, bits[0])):
                        parts.append(" ".join([u, *bits[1:]]))
                t[attr] = ", ".join(parts)
            elif name == "style" and ("expression" in t[attr].lower() or "javascript:" in t[attr].lower()):
                del t[attr]
    if soup.html is None:
        soup.append(soup.new_tag("html"))
    html = soup.html
    if soup.head is None:
        html.insert(0, soup.new_tag("head"))
    head = soup.head
    title = head.find("title")
    shown = (title.get_text(" ", strip=True) if title else "") or cap.url
    if title is not None:
        title.decompose()
    head.insert(0, BeautifulSoup(_head(f"[页面副本] {shown}"), "html.parser"))
    if soup.body is None:
        body = soup.new_tag("body")
        for node in list(html.contents):
            if node is not head:
                body.append(node.extract())
        html.append(body)
    soup.body.insert(0, BeautifulSoup(banner(cap, cited, warc_name, enc), "html.parser"))
    has_doctype = any(type(n).__name__ == "Doctype" for n in soup.contents)
    return ("" if has_doctype else "<!DOCTYPE html>\n") + str(soup)


# ------------------------------------------------------------------ the audit's copies


def _record_of(row, snapshot) -> str:
    rid = row.get("warc_record_id")
    if isinstance(rid, str) and rid.strip():
        return rid.strip()
    url = row.get("evidence_url")
    if isinstance(url, str) and url and snapshot is not None and hasattr(snapshot, "page"):
        page = snapshot.page(url)
        if page is not None and isinstance(page.get("warc_record_id"), str):
            return page["warc_record_id"]
    return ""


def write_copies(findings: pd.DataFrame, snapshot, out_dir: str | Path, limit: int = DEFAULT_LIMIT,
                 screenshots: bool = False) -> tuple[pd.Series, pd.Series, EvidenceCopies]:
    """Write ``evidence/<n>.html`` for the captured pages behind failing findings (one per page, the first
    ``limit`` in findings order) and, when asked and Chromium is there, ``evidence/<n>.png``.

    Returns the ``evidence_copy`` and ``evidence_screenshot`` columns (paths relative to ``out_dir``, "" for
    none) and what was done."""
    from .rectify import plain_text

    info = EvidenceCopies(limit=limit)
    copy_col = pd.Series([""] * len(findings), index=findings.index, dtype=object)
    shot_col = copy_col.copy()
    warc = getattr(snapshot, "warc_path", None)
    if "status" not in findings.columns or findings.empty:
        return copy_col, shot_col, info
    failing = findings[findings["status"].map(lambda s: isinstance(s, str) and s == "fail")]
    if failing.empty:
        return copy_col, shot_col, info
    if not warc or not Path(warc).exists():
        info.notes.append("无WARC证据存档，未生成页面副本")
        return copy_col, shot_col, info
    order: list[str] = []
    rows_of: dict[str, list] = {}
    cited: dict[str, list[str]] = {}
    for idx, row in failing.iterrows():
        rid = _record_of(row, snapshot)
        if not rid:
            continue
        if rid not in rows_of:
            order.append(rid)
            rows_of[rid], cited[rid] = [], []
        rows_of[rid].append(idx)
        label = f"{plain_text(row.get('item_id'))} {plain_text(row.get('item_title'))}".strip()
        if label not in cited[rid]:
            cited[rid].append(label)
    info.wanted = len(order)
    chosen = order[:limit] if limit > 0 else []
    records = read_records(warc, set(chosen)) if chosen else {}
    folder = Path(out_dir) / FOLDER
    if folder.exists():  # copies of an earlier write of this folder would otherwise stay and mislead
        for old in folder.glob("*"):
            if old.suffix in (".html", ".png") and old.stem.isdigit():
                old.unlink()
    written: list[tuple[int, str, Path]] = []
    for rid in chosen:
        cap = records.get(rid)
        if cap is None:
            info.not_found += 1
            continue
        folder.mkdir(parents=True, exist_ok=True)
        n = len(written) + 1
        path = folder / f"{n}.html"
        path.write_text(render(cap, cited[rid], Path(warc).name), encoding="utf-8")
        written.append((n, rid, path))
        for idx in rows_of[rid]:
            copy_col.at[idx] = f"{FOLDER}/{n}.html"
    info.copies = len(written)
    if info.not_found:
        info.notes.append(f"{info.not_found}个证据页面在WARC中未找到记录，未生成副本")
    if len(order) > len(chosen):
        info.notes.append(f"页面副本已达上限{limit}份，另有{len(order) - len(chosen)}个页面未生成副本"
                          "（可用 --evidence-copies 调整上限）")
    if screenshots and written:
        done = take_screenshots([p for _n, _rid, p in written], info)
        for (_n, rid, path) in written:
            if path.with_suffix(".png") in done:
                for idx in rows_of[rid]:
                    shot_col.at[idx] = f"{FOLDER}/{path.stem}.png"
    return copy_col, shot_col, info


def _font_env(scratch: Path) -> dict[str, str]:
    """The environment for Chromium: the system's fonts plus the CJK font bundled with ``mplfonts`` (a bare
    machine has no Chinese glyphs, and a screenshot of boxes is no evidence)."""
    env = dict(os.environ)
    try:
        import mplfonts

        fonts = Path(mplfonts.__file__).parent / "fonts"
    except ImportError:
        return env
    if not fonts.is_dir():
        return env
    conf = scratch / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
                    f"  <dir>{escape(str(fonts))}</dir>\n  <cachedir>{escape(str(scratch / 'cache'))}</cachedir>\n"
                    "</fontconfig>\n", encoding="utf-8")
    env["FONTCONFIG_FILE"] = str(conf)
    return env


def take_screenshots(pages: list[Path], info: EvidenceCopies, workers: int = 3,
                     timeout: float = 60.0) -> set[Path]:
    """PNG screenshots of the copies with headless Chromium; never required — without a browser, or when one
    fails, the copies stand alone and ``info.notes`` says so."""
    binary = chromium_binary()
    if binary is None:
        info.notes.append("未找到Chromium浏览器，未生成截图（安装 chromium 后可用 --screenshots）")
        return set()
    done: set[Path] = set()
    failures: list[str] = []
    scratch = tempfile.TemporaryDirectory(prefix="zwgk-chromium-fonts-")
    env = _font_env(Path(scratch.name))

    def shoot(page: Path) -> None:
        png = page.with_suffix(".png")
        with tempfile.TemporaryDirectory(prefix="zwgk-chromium-") as profile:
            cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--window-size=1280,1600", f"--screenshot={png.resolve()}",
                   page.resolve().as_uri()]
            try:
                subprocess.run(cmd, capture_output=True, timeout=timeout, check=False, env=env)
            except (OSError, subprocess.TimeoutExpired) as exc:
                failures.append(f"{page.name}: {type(exc).__name__}")
                return
        if png.exists() and png.stat().st_size > 0:
            done.add(png)
        else:
            failures.append(page.name)

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(shoot, pages))
    finally:
        scratch.cleanup()
    info.screenshots = len(done)
    if failures:
        info.notes.append(f"{len(failures)}份截图未能生成（{'、'.join(sorted(failures)[:5])}）")
    return done
