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


PAGE = ('<html><head><title>政策文件</title></head><body><div class="crumb">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/zcwj/">政策文件</a></div><div class="list">{}</div></body></html>')


@pytest.mark.parametrize("says, empty", [
    ("共 0 条记录", True),
    ("共0页", True),
    ("没有相关信息", True),
    ("无记录", True),
    ("暂无", True),
    ("共 10 条记录", False),
    ("没有<b>相关</b>信息", False),  # the words are split by markup: the source never says it
    ("本栏目信息更新中", False),
])
def test_a_list_page_saying_it_is_empty(says, empty):
    from zwgk_audit.extract.page import extract

    facts = extract("http://127.0.0.1/zcwj/index.html", PAGE.format(says))
    assert facts.column_path == ("政策文件",)
    assert facts.says_empty is empty
    assert facts.kind == ("list" if empty else "other")
