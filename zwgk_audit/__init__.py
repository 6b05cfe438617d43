"""zwgk_audit: third-party assessment of 政务公开 on government portals.

    import zwgk_audit as za
    checklist = za.load_checklist("checklists/baseline.yaml")
    snap = za.crawl("https://example.gov.cn/", max_pages=2000)   # or za.Snapshot.load(path)
    audit = za.audit(snap, checklist)
    audit.write("reports/example/")
"""
from .audit import Audit, audit
from .checklist import Checklist, ChecklistError, load_checklist
from .crawl import CrawlConfig
from .crawl.crawler import crawl
from .snapshot import Snapshot

__version__ = "0.1.0"
__all__ = ["Audit", "audit", "Checklist", "ChecklistError", "load_checklist", "CrawlConfig", "crawl", "Snapshot",
           "__version__"]
