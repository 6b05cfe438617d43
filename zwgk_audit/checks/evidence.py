"""Shared look-ups checks use to point at evidence and to say why they cannot decide."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..site.vocabulary import norm_name  # noqa: F401  (checks compare names the way the site model does)
from .base import Finding


@dataclass
class ClassColumns:
    """The columns that stand for a checklist's column reference (a class id or any name), and why."""

    label: str  # what findings call the class: its canonical name, or the literal name asked for
    found: pd.DataFrame  # columns of the class (or named like the reference / an alias)
    why: dict[str, str]  # column path -> "行政规范性文件 → 政策文件：同义名称"
    could_be: list[str]  # unclassified columns that might be it ("公文通知（含“公文”）")

    def explain(self, path: str) -> str:
        return self.why.get(path, "")


def columns_of_class(snapshot, refs, aliases=()) -> ClassColumns:
    """Resolve column references through the vocabulary (``data/columns.yaml``): ``政策文件``, ``policy_documents``
    and ``行政规范性文件`` all ask for the policy-document class; a name no rule knows is matched literally.

    Resolved once per snapshot's column table and reference (:func:`memo`): an audit asks for the same classes
    many times."""
    key = (refs if isinstance(refs, str) else tuple(refs), tuple(aliases))
    lists = memo(snapshot, "columns", "lists", lambda: _column_lists(snapshot.columns))
    return memo(snapshot, "columns", ("class", key), lambda: _columns_of_class(snapshot.columns, lists, refs, aliases))


def memo(snapshot, table: str, key, make):
    """``make()``, once per snapshot and ``key`` while the snapshot's ``table`` (``links``, ``entries``…) stays the
    same object: an audit asks the same questions of one snapshot many times. The answer is shared: read it, never
    change it."""
    store = snapshot.__dict__.setdefault("_memo", {})
    frame = getattr(snapshot, table)
    hit = store.get((table, key))
    if hit is None or hit[0] is not frame:
        hit = store[(table, key)] = (frame, make())
    return hit[1]


def _column_lists(cols) -> dict[str, list]:
    """The column table's fields the class look-up reads, as plain lists (the table is small: pandas costs per
    operation, not per row)."""
    fields = ("name", "path", "class", "class_name", "class_rule")
    return {f: cols[f].tolist() for f in fields} if cols is not None and len(cols) else {f: [] for f in fields}


def _columns_of_class(cols, lists, refs, aliases=()) -> ClassColumns:
    from ..site.vocabulary import vocabulary

    vocab = vocabulary()
    refs = [refs] if isinstance(refs, str) else [r for r in refs if r]
    classes = {c.id: c for r in refs if (c := vocab.resolve(r)) is not None}
    literal = {norm_name(r) for r in [*refs, *aliases] if r}
    names, paths, klasses = lists["name"], lists["path"], lists["class"]
    if cols is None or cols.empty:
        found = cols if cols is not None else pd.DataFrame(columns=["path", "name", "class"])
        why: dict[str, str] = {}
    else:
        in_class = [isinstance(k, str) and k in classes for k in klasses]
        rows = [i for i, (name, hit) in enumerate(zip(names, in_class)) if hit or norm_name(name) in literal]
        found = cols.iloc[rows]
        why = {}
        for i in rows:
            why[paths[i]] = (f"{names[i]} → {lists['class_name'][i]}：{lists['class_rule'][i]}" if in_class[i]
                             else f"{names[i]}：与清单所列名称相同")
    could_be = []
    if classes:
        for name, path, klass in zip(names, paths, klasses):
            if isinstance(klass, str) or path in why:
                continue
            hint = next((h for c in classes for h in [vocab.could_be(name, c)] if h), None)
            if hint:
                could_be.append(f"“{name}”（含“{hint}”）")
    label = "、".join(dict.fromkeys(c.name for c in classes.values())) or "、".join(refs)
    return ClassColumns(label, found, why, list(dict.fromkeys(could_be)))


def records(df: pd.DataFrame) -> list[dict]:
    """The rows of ``df`` as plain dicts holding what ``iterrows`` would give: one conversion for the frame, not a
    pandas Series per row (``to_dict("records")`` costs more still)."""
    columns = df.columns.tolist()
    return [dict(zip(columns, row)) for row in df.to_numpy(dtype=object).tolist()]


def structure_unknown(snapshot) -> str | None:
    """Why the column tree may be incomplete (None when every column page found was fetched)."""
    if snapshot.structure_complete:
        return None
    return "抓取达到页面上限，栏目结构未抓取完整"


def page_evidence(snapshot, url: str | None) -> dict[str, str]:
    if not url:
        return {}
    row = snapshot.page_row(url)
    if row is None:
        return {"evidence_url": url}
    return {"evidence_url": url, "warc_record_id": _s(row["warc_record_id"]), "fetched_at": _s(row["fetched_at"])}


def _s(v) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def home_unreachable(snapshot) -> str | None:
    """Why nothing can be judged: the home page itself failed (None when it was fetched), in Chinese
    (``首页无法访问（连接被拒绝）``; the fetcher's own text stays in the WARC and ``pages.error``)."""
    from ..crawl.errors import fetch_error_zh, http_status_zh

    row = snapshot.page_row(snapshot.start_url)
    if row is None:
        return "首页未抓取"
    if row["kind"] == "robots_blocked":
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(snapshot.start_url)
        robots = snapshot.page_row(urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", "")))
        if robots is not None and not pd.isna(robots["status"]) and robots["status"] >= 500:  # the server is down
            return (f"首页无法访问：robots.txt返回{http_status_zh(int(robots['status']))}，"
                    f"按RFC 9309视为全站禁止抓取")
        return "首页被robots.txt禁止抓取"
    if row["kind"] == "error":
        return f"首页无法访问（{fetch_error_zh(_s(row['error']))}）"
    if row["kind"] == "blocked":
        return f"首页{_s(row['error'])}，无法核验（拦截不等于不合规）"
    if not pd.isna(row["status"]) and row["status"] >= 400:
        return f"首页返回{http_status_zh(int(row['status']))}"
    return None


def page_problem(snapshot, url: str) -> tuple[str, str] | None:
    """For a URL that should have been read: (status, reason) when it was not read fine."""
    row = snapshot.page_row(url)
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
