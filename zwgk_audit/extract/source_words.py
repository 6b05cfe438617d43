"""Whether a page's source mentions a word of a Chinese vocabulary — answered without scanning the whole page.

The 留言 and 办事指南 readers run only on pages whose source names one of their labels. A regular expression of
dozens of Chinese words scans a 120 KB page in about half a millisecond (issue 19 profile); the page's non-ASCII
characters alone (markup, scripts and Latin text dropped: 1–7% of a real page) are scanned in a tenth of that.
A word with no ASCII character in it that is absent there is absent from the page, so only a hit is confirmed on
the page itself, and the answer is always the page's own.
"""
from __future__ import annotations

import re

ASCII = bytes(range(128))


def ascii_free(words: list[str], vocabulary: str) -> list[str]:
    """``words``, refused if one holds an ASCII character (the quick test would miss it): a vocabulary's load check."""
    bad = [w for w in words if any(c.isascii() for c in w)]
    if bad:
        raise ValueError(f"{vocabulary}: trigger words must be Chinese without ASCII characters: {bad}")
    return words


class SourceWords:
    """One page's source, asked which vocabularies (patterns of ASCII-free words) it mentions."""

    def __init__(self, html: str) -> None:
        self.html = html
        self._wide: str | None = None

    def mention(self, words: re.Pattern) -> bool:
        if self._wide is None:  # dropping the ASCII bytes of UTF-8 leaves whole multi-byte characters: valid UTF-8
            self._wide = self.html.encode("utf-8", "surrogatepass").translate(None, ASCII).decode("utf-8",
                                                                                                   "surrogatepass")
        return words.search(self._wide) is not None and words.search(self.html) is not None
