import datetime as dt

import pytest
import requests

from zwgk_audit.sample import DEMO_DEFECTS, Defects, SampleConfig, SampleServer, generate, ipv6_loopback_available

AS_OF = dt.date(2026, 6, 30)


def test_generation_is_deterministic_from_seed_and_date():
    a = generate(SampleConfig(seed=3, as_of=AS_OF, defects=DEMO_DEFECTS))
    b = generate(SampleConfig(seed=3, as_of=AS_OF, defects=DEMO_DEFECTS))
    c = generate(SampleConfig(seed=4, as_of=AS_OF, defects=DEMO_DEFECTS))
    assert {k: v.body for k, v in a.pages.items()} == {k: v.body for k, v in b.pages.items()}
    assert a.manifest == b.manifest
    assert a.manifest["defects"] != c.manifest["defects"]


def test_manifest_records_every_planted_defect():
    p = generate(SampleConfig(seed=5, as_of=AS_OF, defects=DEMO_DEFECTS))
    kinds = [d["type"] for d in p.manifest["defects"]]
    assert kinds.count("late_document") == 2
    assert kinds.count("interpretation_missing") == 1
    assert kinds.count("interpretation_one_way") == 2
    assert kinds.count("broken_link") == 2
    assert {"missing_column", "empty_column", "stale_column", "incomplete_metadata"} <= set(kinds)
    late = [d for d in p.manifest["defects"] if d["type"] == "late_document"]
    assert all(d["detail"]["working_days"] > 20 for d in late)
    clean = generate(SampleConfig(seed=5, as_of=AS_OF))
    assert clean.manifest["defects"] == []
    assert all(d["working_days"] <= 20 for d in clean.manifest["documents"])


def test_defect_pairs_parse_and_reject_unknown():
    d = Defects.from_pairs(["late_documents=3", "missing_columns=政府信息公开年报,政策解读", "no_footer_identity=true"])
    assert d.late_documents == 3 and d.missing_columns == ["政府信息公开年报", "政策解读"] and d.no_footer_identity
    with pytest.raises(ValueError, match="unknown defect"):
        Defects.from_pairs(["lateness=1"])
    with pytest.raises(ValueError, match="unknown sample column"):
        Defects.from_pairs(["missing_columns=不存在的栏目"])


def test_server_serves_pages_pagination_robots_and_gbk():
    portal = generate(SampleConfig(seed=1, as_of=AS_OF, encoding="gbk"))
    with SampleServer(portal) as srv:
        home = requests.get(srv.url, timeout=5)
        assert home.status_code == 200 and "charset=gbk" in home.headers["Content-Type"]
        assert "网站标识码" in home.content.decode("gb18030")
        assert requests.get(srv.url + "robots.txt", timeout=5).text.startswith("User-agent")
        assert requests.get(srv.url + "tzgg/index.html?page=2", timeout=5).status_code == 200
        assert requests.get(srv.url + "zwdt/index_1.html", timeout=5).status_code == 200
        assert requests.get(srv.url + "no/such/page.html", timeout=5).status_code == 404
        if ipv6_loopback_available():
            assert srv.url_v6 and requests.get(srv.url_v6, timeout=5).status_code == 200
