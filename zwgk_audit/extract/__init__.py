"""Turn fetched pages into facts: columns, list entries, article metadata, links."""
from .dates import parse_date
from .page import Link, PageFacts, article_metadata, extract
from .urls import canonical, host_of, path_of

__all__ = ["Link", "PageFacts", "article_metadata", "extract", "parse_date", "canonical", "host_of", "path_of"]
