"""The bundled sample portal: a generator with planted defects and a loopback server.

    from zwgk_audit.sample import SampleConfig, Defects, generate, SampleServer
    portal = generate(SampleConfig(seed=1, defects=Defects(late_documents=2)))
    with SampleServer(portal) as srv:
        ...  # crawl srv.url; portal.manifest says what was planted
"""
from .generator import Page, SamplePortal, generate
from .model import COLUMN_NAMES, DEMO_DEFECTS, Defects, SampleConfig
from .server import SampleServer, ipv6_loopback_available

__all__ = ["Page", "SamplePortal", "generate", "COLUMN_NAMES", "DEMO_DEFECTS", "Defects", "SampleConfig",
           "SampleServer", "ipv6_loopback_available"]
