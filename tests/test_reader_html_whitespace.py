"""HTML whitespace: a paragraph of one text run takes a fast path; it must collapse exactly as
the general run-by-run rules do."""

from hypothesis import given, settings
from hypothesis import strategies as st

from wenzhuan.model import LineBreak, Text
from wenzhuan.plugins.readers.html import _collapse, finish, read_html

_PIECES = st.sampled_from([" ", "  ", "\n", "\t", "\r\n", "\f", "\xa0", "\u3000", "汉", "字", "a", "b", ",", "。", "“", "\x00"])
_RUN = st.lists(_PIECES, max_size=8).map("".join)
_BREAKS = st.lists(st.just(LineBreak()), max_size=2)


@settings(max_examples=500, deadline=None)
@given(_BREAKS, _RUN, _BREAKS)
def test_one_run_paragraphs_take_the_fast_path_to_the_same_result(before, text, after):
    nodes = [*before, Text(text), *after]
    assert finish(nodes) == _collapse(nodes)


def test_paragraph_ends_are_trimmed_and_inner_whitespace_collapsed():
    doc = read_html("<p>\n  城西社区 图书馆\n扩建完工。 </p><p>&nbsp;&nbsp;周末起延长开放时间。<br></p><p> \n </p>")
    assert [b.content for b in doc.blocks] == [(Text("城西社区 图书馆扩建完工。"),),
                                               (Text("\xa0\xa0周末起延长开放时间。"),)]


def test_nested_page_chrome_is_dropped_whole():
    nested = "<aside>" * 200 + "旁" + "</aside>" * 200
    page = "<body>" + nested * 200 + "<p>正文。</p></body>"
    doc = read_html(page)
    assert [b.content for b in doc.blocks] == [(Text("正文。"),)]


_P_TEXT = st.lists(st.sampled_from(["汉", "a", " ", "  ", "\n", "\t", "\u3000", "\xa0", ">", "\r", "\x85", "\ufffe", "𠮷"]),
                   max_size=6).map("".join)
_P_GAP = st.sampled_from(["", " ", "\n", "\n\n", " \n\t"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_P_GAP, _P_TEXT), max_size=4), _P_GAP, st.integers(0, 9))
def test_plain_paragraph_fragments_take_the_fast_path_to_the_same_blocks_and_lines(paras, tail, offset):
    from wenzhuan.plugins.readers.html import _Converter, html_blocks, parse

    fragment = "".join(f"{gap}<p>{text}</p>" for gap, text in paras) + tail
    root = parse(fragment)
    assert html_blocks(fragment, line_offset=offset) == ([] if root is None else _Converter(None, offset).blocks(root))
