"""The quick "does the page mention these words" test answers as a search of the page itself would."""
import re

import pytest

from zwgk_audit.extract.source_words import SourceWords, ascii_free

WORDS = re.compile("留言时间|答复时间|已回复")


@pytest.mark.parametrize("html, expected", [
    ("<td>留言时间</td>", True),
    ("<td>留言<b>时间</b></td>", False),  # joined only once the markup is dropped: not in the page
    ("<script>var s='已回复';</script>", True),  # in a script is still in the source
    ("<p>回复</p>", False),
    ("", False),
    ("\ud800 lone surrogate 答复时间", True),  # decoded text can carry one; it survives the round trip
])
def test_mention_is_the_page_search(html, expected):
    assert SourceWords(html).mention(WORDS) is expected
    assert (WORDS.search(html) is not None) is expected


def test_a_vocabulary_with_ascii_words_is_refused():
    with pytest.raises(ValueError, match="ASCII"):
        ascii_free(["留言时间", "状态:"], "data/messages.yaml")
