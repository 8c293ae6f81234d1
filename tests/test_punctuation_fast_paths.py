"""The punctuation pass finds its work with string searches where the regex engine would be
slow; each must find exactly what the plain regular expression finds. And converting twice
changes nothing more than converting once."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenzhuan.plugins.hanzi import INDENT
from wenzhuan.plugins.passes.punctuation import (_FW, _PERIOD, _SPACE_AFTER_DOUBLED, _first_space, _needs_work,
                                                 _stray_spaces, convert_fully)

_SPACES = " \u3000\u00a0\t"
# what convert may change: a half-width mark, a straight double quote, an ellipsis or a double
# hyphen, a space beside full-width punctuation or after a doubled ellipsis or dash, indentation
# at the start or the end, a full stop typed `.` that ends a Chinese sentence
WORK = re.compile(f'[,;:!?()"]|\\.\\.\\.|。。。|--|[{_SPACES}][{_FW}]|[{_FW}][{_SPACES}]|^[{INDENT}]|[{INDENT}]$'
                  f'|{_PERIOD.pattern}|{_SPACE_AFTER_DOUBLED.pattern}')
SPACE_RUN = re.compile(f"[{_SPACES}]+")

_TEXT = st.lists(st.sampled_from([" ", "\u3000", "\u00a0", "\t", "\n", "汉", "字", "a", "1", ",", "(", ")", "，",
                                  "。", "“", "”", "《", "》", '"', ".", "...", "-", "--", "?", "……", "——"]),
                  max_size=12).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_TEXT)
def test_work_is_found_as_the_regex_finds_it(text):
    assert _needs_work(text) == (WORK.search(text) is not None)


@settings(max_examples=1000, deadline=None)
@given(_TEXT)
def test_stray_spaces_are_found_from_the_first_space(text):
    first = _first_space(text)
    runs = [m.span() for m in SPACE_RUN.finditer(text)]
    assert first == (runs[0][0] if runs else -1)
    n = len(text)
    stray = [(a, b) for a, b in runs if (b < n and text[b] in _FW) or (a > 0 and text[a - 1] in _FW)
             or _SPACE_AFTER_DOUBLED.match(text, a) is not None]
    assert _stray_spaces(text, max(first, 0)) == stray


_MARKS_TEXT = st.lists(st.sampled_from([" ", "\u3000", "\u00a0", "汉", "字", "a", "1", ",", ";", ":", "!", "?", "(",
                                        ")", "，", "。", "“", "”", "《", "》", '"', ".", "...", "-", "--", "……"]),
                       max_size=12).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_MARKS_TEXT)
def test_converting_again_changes_nothing(text):
    once, _ = convert_fully(text)
    assert convert_fully(once) == (once, [])


@pytest.mark.parametrize("text, expected", [
    ("汉,,", "汉，，"), ("!,汉", "！，汉"), ("《\u00a0!", "《！"), ("') ，'", "'），'"), ("(》;", "（》；"),
    ("1) 第一条", "1) 第一条"), ("汉。。 。", "汉……"), ('发布"新规"...', "发布“新规”……"), ("f(x) 和 g(x)", "f(x) 和 g(x)"),
    # a second round: the mark converted in the first makes the quotes hold Chinese
    ('"a!" 汉', "“a！” 汉"),
    # full stops typed `.`, and the spaces a soft line break left after them or after an ellipsis
    ("去公园.然后走了.这是第二句. 比分是3.5比2.真的.... 这是", "去公园.然后走了.这是第二句。比分是3.5比2.真的……这是"),
    ("他说“走了”.", "他说“走了”。"), ("约翰.史密斯", "约翰.史密斯"), ("访问www.x.cn.", "访问www.x.cn."),
    ("去公园. Then", "去公园. Then"), ("城市-- 故乡", "城市-- 故乡"), ("城市——  故乡", "城市——故乡"),
    # ordinals numbering sections keep their dots
    ("一. 总则", "一. 总则"), ("第一.  加强领导", "第一.  加强领导"), ("甲. 乙. 丙.", "甲. 乙. 丙."),
    ("十二. 附则", "十二. 附则"), ("这是第十.", "这是第十。"),
    # removing the stray space brings the closer to the full stop, which then ends the sentence
    ("汉. 》", "汉。》"), ("（走了. ）", "（走了。）"), ('他走了. "你好"他说', "他走了。“你好”他说"),
])
def test_marks_beside_converted_ones(text, expected):
    assert convert_fully(text)[0] == expected


@pytest.mark.parametrize("text, nxt, expected", [("约翰.", "史", "约翰."), ("走了.", "", "走了。"),
                                                 ("走了.", "\n", "走了。"), ("走了.", "他", "走了.")])
def test_a_full_stop_at_the_end_of_a_run_looks_at_what_follows_it(text, nxt, expected):
    # the next run of the paragraph (`约翰.**史密斯**`), its end, a line break
    assert convert_fully(text, "", nxt)[0] == expected
