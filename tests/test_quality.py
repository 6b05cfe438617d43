"""Great Expectations validation: bad readings become unverified findings, not passes or fails."""
import subprocess
import sys

from zwgk_audit.audit import audit
from zwgk_audit.sample import Defects, SampleConfig, generate

from .conftest import AS_OF, crawl_portal


def test_import_does_not_load_great_expectations():
    code = "import zwgk_audit, sys; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_clean_snapshot_validates(clean_snapshot):
    q = clean_snapshot.quality()
    assert q.success, [r for r in q.results if not r["success"]]
    assert {r["table"] for r in q.results} == {"pages", "articles", "entries"}


def misprinted_portal():
    """A clean portal with two misprinted articles: 成文日期 after 发布日期, and a 1970 发布日期."""
    portal = generate(SampleConfig(seed=17, as_of=AS_OF, defects=Defects()))
    docs = portal.manifest["documents"]
    bad_order, bad_year = docs[0], docs[1]
    p = portal.pages[bad_order["url"]]  # 成文日期 after 发布日期: a misprinted page
    p.body = p.body.replace(f"<td>{bad_order['document_date']}</td>", "<td>2026-06-29</td>")
    p = portal.pages[bad_year["url"]]  # a year no portal published in
    p.body = p.body.replace(f"<th>发布日期：</th><td>{bad_year['publish_date']}</td>", "<th>发布日期：</th><td>1970-01-01</td>")
    return portal, bad_order, bad_year


def test_rows_failing_validation_make_dependent_findings_unverified(checklist, tmp_path):
    portal, bad_order, bad_year = misprinted_portal()
    docs = portal.manifest["documents"]
    snap, _ = crawl_portal(portal, tmp_path)
    q = snap.quality()
    assert not q.success
    assert "成文日期晚于发布日期" in q.reasons("articles", snap.start_url.rstrip("/") + bad_order["url"])
    a = audit(snap, checklist, as_of=AS_OF)
    t = a.findings[a.findings["item_id"] == "B-TIME-01"].set_index("subject")
    for d in (bad_order, bad_year):
        row = t.loc[snap.start_url.rstrip("/") + d["url"]]
        assert row["status"] == "unverified" and "数据校验未通过" in row["message"]
    assert (t["status"] == "pass").sum() == len(docs) - 2
    assert a.quality is q


def test_validations_in_one_process_and_from_threads_do_not_leak_into_each_other(clean_snapshot, tmp_path):
    """The context, batch definitions and suites are made once per process: results must not carry over."""
    from concurrent.futures import ThreadPoolExecutor

    from zwgk_audit.quality import validate

    bad, _ = crawl_portal(misprinted_portal()[0], tmp_path)
    alone = {"bad": validate(bad).to_json(), "clean": validate(clean_snapshot).to_json()}
    assert not alone["bad"]["success"] and alone["clean"]["success"]
    with ThreadPoolExecutor(4) as pool:
        again = list(pool.map(lambda s: validate(s).to_json(), [clean_snapshot, bad] * 4))
    assert again == [alone["clean"], alone["bad"]] * 4


def test_each_table_is_judged_by_its_own_rules_in_the_stacked_frame():
    """Duplicates count within pages or articles only; a document listed twice in column lists is normal."""
    import datetime as dt
    from types import SimpleNamespace

    import pandas as pd

    from zwgk_audit.quality import validate

    u = "http://a.test/"
    snap = SimpleNamespace(
        fetched_at=dt.datetime(2026, 7, 1, tzinfo=dt.timezone.utc),
        pages=pd.DataFrame({"url": [u, u + "x.html", u + "x.html", "x/relative.html"], "status": [200, 200, 200, 999],
                            "title": ["t"] * 4}),
        articles=pd.DataFrame({"url": [u + "x.html"], "publish_date": ["2026-06-01"], "document_date": ["2026-05-30"]}),
        entries=pd.DataFrame({"url": [u + "x.html", u + "x.html", u + "y.html"],
                              "date": ["2026-06-01", "2026-06-01", "1970-01-01"]}),
    )
    q = validate(snap)
    assert q.reasons("pages", u + "x.html") == ["同一URL重复抓取"]
    assert set(q.reasons("pages", "x/relative.html")) == {"URL不是绝对地址", "HTTP状态码无效"}
    assert q.reasons("pages", u) == [] and q.reasons("articles", u + "x.html") == []
    assert q.reasons("entries", u + "x.html") == [] and q.reasons("entries", u + "y.html") == ["列表日期不在1990年至抓取日之间"]
    failed = {(r["table"], r["description"]): r["unexpected_count"] for r in q.results if not r["success"]}
    assert failed == {("pages", "同一URL重复抓取"): 2, ("pages", "URL不是绝对地址"): 1, ("pages", "HTTP状态码无效"): 1,
                      ("entries", "列表日期不在1990年至抓取日之间"): 1}
    assert len(q.results) == 10  # 3 rules for pages, 5 for articles, 2 for entries
