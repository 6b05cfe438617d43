"""Shared look-ups checks use to point at evidence and to say why they cannot decide."""
from __future__ import annotations

import functools
import re
import unicodedata

import pandas as pd

from .base import Finding


@functools.lru_cache(maxsize=4096)
def norm_name(name: str) -> str:
    """Column names compare without spaces, punctuation width or 栏目 suffixes (cached: a portal repeats a few
    dozen names on every page)."""
    s = unicodedata.normalize("NFKC", name or "")
    s = re.sub(r"[\s\u3000·•:：\"“”'‘’]+", "", s)
    return s.removesuffix("栏目").removesuffix("专栏") or s


def page_evidence(snapshot, url: str | None) -> dict[str, str]:
    if not url:
        return {}
    row = snapshot.page(url)
    if row is None:
        return {"evidence_url": url}
    return {"evidence_url": url, "warc_record_id": _s(row["warc_record_id"]), "fetched_at": _s(row["fetched_at"])}


def _s(v) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def home_unreachable(snapshot) -> str | None:
    """Why nothing can be judged: the home page itself failed (None when it was fetched)."""
    row = snapshot.page(snapshot.start_url)
    if row is None:
        return "首页未抓取"
    if row["kind"] == "robots_blocked":
        return "首页被robots.txt禁止抓取"
    if row["kind"] == "error":
        return f"首页无法访问：{_s(row['error'])}"
    if row["kind"] == "blocked":
        return f"首页{_s(row['error'])}，无法核验（拦截不等于不合规）"
    if not pd.isna(row["status"]) and row["status"] >= 400:
        return f"首页返回HTTP {int(row['status'])}"
    return None


def page_problem(snapshot, url: str) -> tuple[str, str] | None:
    """For a URL that should have been read: (status, reason) when it was not read fine."""
    row = snapshot.page(url)
    if row is None:
        if snapshot.truncated:
            return "unverified", "抓取达到页面上限，该页面未抓取"
        return "unverified", "该页面未抓取"
    if row["kind"] == "robots_blocked":
        return "unverified", "被robots.txt禁止抓取(blocked by robots.txt)，无法核验"
    if row["kind"] == "error":
        return "unverified", f"页面无法访问：{_s(row['error'])}"
    if row["kind"] == "blocked":
        return "unverified", f"{_s(row['error'])}，无法核验"
    status = row["status"]
    if not pd.isna(status) and status in (401, 403, 412, 429):
        return "unverified", f"页面被拦截(HTTP {int(status)})，无法核验"
    if not pd.isna(status) and status >= 400:
        return "fail", f"页面返回HTTP {int(status)}"
    return None


def unverified_all(subject: str, reason: str, **kw) -> list[Finding]:
    return [Finding(subject=subject, status="unverified", message=reason, **kw)]
