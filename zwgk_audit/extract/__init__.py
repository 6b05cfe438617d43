"""Turn fetched pages into facts: columns, list entries, article metadata, links."""
from .dates import parse_date
from .page import Link, PageFacts, extract
from .urls import canonical, host_of, path_of

__all__ = ["Link", "PageFacts", "extract", "parse_date", "canonical", "host_of", "path_of"]
