"""Crawling: polite fetcher, encodings, WARC evidence, and the crawl loop (:func:`crawl`)."""
from .fetcher import CrawlConfig, Fetched, Fetcher

__all__ = ["crawl", "CrawlConfig", "Fetcher", "Fetched"]


def __getattr__(name):
    # the crawl loop builds Snapshots, and snapshot.py reads this package's encodings: import it late
    if name in {"crawl", "default_out_dir"}:
        from . import crawler

        return getattr(crawler, name)
    raise AttributeError(name)
