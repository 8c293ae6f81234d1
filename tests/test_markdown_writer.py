"""The Markdown writer's escaping and layout rules, as exact outputs, each read back.

Escaping is minimal but safe: a character is escaped only where CommonMark would otherwise
read it as syntax. Every case also checks that the Markdown reader reads the output back to
the same document.
"""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenzhuan.model import (
    Attr, BlockQuote, BulletList, Code, CodeBlock, Document, Emph, Heading, LineBreak, Link,
    Metadata, OrderedList, Para, Strong, Text, ThematicBreak,
)
from wenzhuan.plugins.markdown import render_markdown
from wenzhuan.plugins.readers.markdown import read_markdown
from wenzhuan.registry import WriteContext
from wenzhuan.report import ChangeReport


def write(*blocks, meta: Metadata = Metadata()) -> str:
    ctx = WriteContext(ChangeReport(), "write:markdown")
    out = render_markdown(Document(meta, blocks), ctx=ctx)
    assert ctx.report.warnings == []
    return out


def para(*inlines) -> Para:
    return Para(tuple(Text(i) if isinstance(i, str) else i for i in inlines))


def check(blocks, expected: str, meta: Metadata = Metadata()):
    blocks = blocks if isinstance(blocks, tuple) else (blocks,)
    out = write(*blocks, meta=meta)
    assert out == expected
    assert read_markdown(out) == Document(meta, blocks)
    return out


@pytest.mark.parametrize("text, expected", [
    # block starts at the beginning of a line of text
    ("# 不是标题", "\\# 不是标题"),
    ("###### 六", "\\###### 六"),
    ("#话题", "#话题"),               # no space after #: not a heading
    ("####### 七个", "####### 七个"),  # seven #: not a heading
    ("1. 不是列表", "1\\. 不是列表"),
    ("2020) 年", "2020\\) 年"),
    ("1.5 倍", "1.5 倍"),
    ("2020年", "2020年"),
    ("- 不是列表", "\\- 不是列表"),
    ("+ 加", "\\+ 加"),
    ("* 星", "\\* 星"),
    ("-5 度", "-5 度"),
    ("> 不是引用", "\\> 不是引用"),
    (">>", "\\>>"),
    ("---", "\\---"),
    ("___", "\\_\\_\\_"),
    ("***", "\\*\\*\\*"),
    ("```py", "\\`\\`\\`py"),
    ("~~~", "\\~~~"),
    ("~x", "~x"),
    # inline syntax, only where it would parse
    ("snake_case_name", "snake_case_name"),
    ("_lead and trail_", "\\_lead and trail\\_"),
    ("a < b", "a < b"),
    ("a <b> c", "a \\<b> c"),
    ("<!-- x -->", "\\<!-- x -->"),
    ("5 * 3", "5 * 3"),
    ("5*3", "5\\*3"),
    ("a ** b", "a ** b"),
    ("[注]", "\\[注\\]"),
    ("a `b` c", "a \\`b\\` c"),
    ("AT&T", "AT&T"),
    ("&amp; &#20013;", "\\&amp; \\&#20013;"),
    ("50% off!", "50% off!"),
    ("C:\\path", "C:\\\\path"),
    ("引号“中文”（括号）《书名》", "引号“中文”（括号）《书名》"),
])
def test_text_is_escaped_only_where_it_would_parse(text, expected):
    check(para(text), expected + "\n")


def test_bang_before_a_link_is_escaped():
    check(para("看!", Link((Text("这里"),), "/x")), "看\\![这里](/x)\n")


def test_leading_and_trailing_blanks_are_kept_as_character_references():
    check(para("  缩进"), "&#32;&#32;缩进\n")
    check(para("尾巴 "), "尾巴&#32;\n")
    check(para("\u3000\u3000段落"), "&#12288;&#12288;段落\n")
    check(para("\u00a0a\tb"), "&#160;a\tb\n")
    check(Heading(2, (Text(" 标题 "),)), "## &#32;标题&#32;\n")


def test_cjk_strong_next_to_cjk_punctuation_falls_back_to_html():
    out = check(para("期间", Strong((Text("“双十一”"),)), "销量大增"),
                "期间<strong>“双十一”</strong>销量大增\n")
    assert read_markdown("期间**“双十一”**销量大增\n").blocks == (para("期间**“双十一”**销量大增"),)
    assert out != "期间**“双十一”**销量大增\n"
    check(para("这是", Emph((Text("（注）"),)), "内容"), "这是<em>（注）</em>内容\n")


def test_cjk_emphasis_that_parses_uses_asterisks():
    check(para("这是", Strong((Text("重点"),)), "。"), "这是**重点**。\n")
    check(para("“", Strong((Text("双十一"),)), "”"), "“**双十一**”\n")
    check(para("an ", Emph((Text("emph"),)), " word"), "an *emph* word\n")
    check(para(Strong((Text("粗"), Emph((Text("斜"),)), Text("体"))),), "**粗*斜*体**\n")


def test_adjacent_emphasis_does_not_merge_delimiters():
    check(para(Strong((Text("a"),)), Emph((Text("b"),))), "<strong>a</strong>*b*\n")


@pytest.mark.parametrize("link, expected", [
    (Link((Text("文档"),), "https://example.com/a_b"), "[文档](https://example.com/a_b)"),
    (Link((Text("x"),), "/a b"), "[x](</a b>)"),
    (Link((Text("x"),), "/a(b)c"), "[x](</a(b)c>)"),
    (Link((Text("x"),), "/a<b>"), "[x](</a\\<b\\>>)"),
    (Link((Text("x"),), ""), "[x](<>)"),
    (Link((Text("x"),), "/u", 'say "hi"'), '[x](/u "say \\"hi\\"")'),
    (Link((Text("x"),), "/u", "a\\b"), '[x](/u "a\\\\b")'),
    (Link((Text("[1]"),), "/n"), "[\\[1\\]](/n)"),
    (Link((Strong((Text("粗"),)),), "/s"), "[**粗**](/s)"),
])
def test_links(link, expected):
    check(para(link), expected + "\n")


@pytest.mark.parametrize("code, expected", [
    ("x", "`x`"),
    ("a`b", "``a`b``"),
    ("``", "` `` `"),
    ("`x`", "`` `x` ``"),
    (" x ", "`  x  `"),
    ("  ", "`  `"),
    ("*no* _emph_", "`*no* _emph_`"),
])
def test_code_spans(code, expected):
    check(para(Code(code)), expected + "\n")


def test_code_spans_side_by_side():
    check(para(Code("a"), Code("b")), "`a`<code>b</code>\n")


def test_fenced_code_is_longer_than_any_backtick_run_inside():
    check(CodeBlock("x\n```\ny", Attr(classes=("python",))), "````python\nx\n```\ny\n````\n")
    check(CodeBlock("plain"), "```\nplain\n```\n")
    check(CodeBlock(""), "```\n```\n")


def test_headings():
    check(Heading(1, (Text("标题"),)), "# 标题\n")
    check(Heading(2, (Text("C#"),)), "## C#\n")              # no blank before #: not a closing sequence
    check(Heading(2, (Text("标题 #"),)), "## 标题 \\#\n")
    check(Heading(2, (Text("#"),)), "## \\#\n")
    check(Heading(3, ()), "###\n")
    check(Heading(2, (Text("一"), LineBreak(), Text("二"))), "## 一<br />二\n")


def test_hard_breaks_followed_by_block_starts():
    check(para("第一行", LineBreak(), "# 第二行"), "第一行\\\n\\# 第二行\n")
    check(para("a", LineBreak(), "1. b"), "a\\\n1\\. b\n")
    check(para("a", LineBreak(), "==="), "a\\\n\\===\n")
    check(para("a", LineBreak(), "- b"), "a\\\n\\- b\n")
    check(para("a", LineBreak(), "  b"), "a\\\n&#32;&#32;b\n")


def test_lists_in_lists_and_tight_lists():
    inner = BulletList(((para("b"),), (para("c"),)))
    check(BulletList(((para("a"), inner), (para("d"),))), "- a\n  - b\n  - c\n- d\n")
    check(OrderedList(((para("一"),), (para("二"),)), start=9), "9. 一\n10. 二\n")
    check(OrderedList(((para("x"),),), start=0), "0. x\n")


def test_items_with_two_paragraphs_make_the_list_loose():
    check(OrderedList(((para("一"), para("二")), (para("三"),)), start=3), "3. 一\n\n   二\n\n4. 三\n")


def test_list_after_paragraph_in_an_item_that_cannot_interrupt_it():
    # an ordered list starting at 2 cannot interrupt a paragraph: the item needs a blank line
    check(BulletList(((para("a"), OrderedList(((para("b"),),), start=2)),)), "- a\n\n  2. b\n")


def test_block_quotes_with_lists():
    check(BlockQuote((BulletList(((para("q"),), (para("r"),))), para("s"))), "> - q\n> - r\n>\n> s\n")
    check(BulletList(((para("a"), BlockQuote((para("q"),))), (para("b"),))), "- a\n  > q\n- b\n")


def test_two_adjacent_lists_stay_two_lists():
    check((BulletList(((para("x"),),)), BulletList(((para("y"),),)), BulletList(((para("z"),),))),
          "- x\n\n+ y\n\n- z\n")
    check((OrderedList(((para("x"),),)), OrderedList(((para("y"),),))), "1. x\n\n1) y\n")


def test_thematic_break_and_blank_line_between_blocks():
    check((para("上"), ThematicBreak(), para("下")), "上\n\n***\n\n下\n")


def test_empty_list_items_that_would_read_as_a_thematic_break():
    nested = BulletList(((BulletList(((BulletList(((),)),),)),),))
    check(nested, "-\n  - -\n")


def test_paragraphs_are_never_wrapped():
    long = "很长的一段中文" * 60
    assert check(para(long), long + "\n").count("\n") == 1


FULL_META = Metadata(
    title="标题：副标题", subtitle="yes", authors=("张三", "李四"), date=dt.date(2020, 1, 1),
    source="null", url="https://example.com/a?b=1&c=2", tags=("新闻", "2020-01-01"),
    language="zh-Hans", extra={"layout": "post", "categories": ["a", "b"], "draft": False, "n": 3},
)


def test_front_matter_with_every_field_and_extra_keys():
    out = check(para("正文"), "\n".join([
        "---",
        "title: 标题：副标题",
        "subtitle: 'yes'",
        "authors:",
        "- 张三",
        "- 李四",
        "date: 2020-01-01",
        "source: 'null'",
        "url: https://example.com/a?b=1&c=2",
        "tags:",
        "- 新闻",
        "- '2020-01-01'",
        "language: zh-Hans",
        "layout: post",
        "categories:",
        "- a",
        "- b",
        "draft: false",
        "n: 3",
        "---",
        "",
        "正文",
        "",
    ]), meta=FULL_META)
    assert render_markdown(Document(FULL_META, (para("正文"),)), front=False) == "正文\n"
    assert out.startswith("---\n")


@pytest.mark.parametrize("title", [
    "yes", "no", "null", "~", "2020-01-01", ": colon", "a: b", "'single'", '"double"', "#tag",
    "- dash", "[list]", "{map}", "123", "1e3", "true", "@at", "`tick`", "%percent", "*star", "&anchor",
    "!tag", "|pipe", ">fold", "tab\there", "行\u2028分隔",
])
def test_yaml_special_titles_round_trip_as_strings(title):
    meta = Metadata(title=title, extra={"note": title})
    out = write(para("x"), meta=meta)
    back = read_markdown(out)
    assert back.metadata.title == title
    assert back.metadata.extra == {"note": title}
    assert render_markdown(back) == out


def test_extra_key_that_clashes_with_a_field_is_reported_not_written():
    ctx = WriteContext(ChangeReport(), "write:markdown")
    out = render_markdown(Document(Metadata(title="t", extra={"author": "x"}), ()), ctx=ctx)
    assert out == "---\ntitle: t\n---\n"
    assert [w.message for w in ctx.report.warnings] == [
        "extra metadata key 'author' clashes with a front matter field; not written"]


def test_spans_and_divisions_are_written_in_place():
    from wenzhuan.model import Div, Span

    doc = Document(blocks=(Div((Para((Span((Text("a_"),), Attr(lang="en")), Text("b"))),), Attr(lang="en")),))
    assert render_markdown(doc) == "a_b\n"


# -- the plain-paragraph shortcut: text the writer writes as it is, without reading it back

_MARKUPISH = st.one_of(
    st.sampled_from(list("\\`*_[]<>&!#+-=~|:.)( \t\u3000\u00a0\u2028\u0085\x0b\x0c\ufeff\"'0123456789")),
    st.sampled_from(["1.", "1)", "```", "~~~", "---", "&amp;", "<a>", "http://x.y", "**", "__"]),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_MARKUPISH, min_size=1, max_size=12).map("".join))
def test_plain_paragraphs_read_back_as_written(text):
    from wenzhuan.plugins.markdown import expected_inlines, is_plain

    (expected,) = expected_inlines((Text(text),)) or (None,)
    if expected is None or not is_plain(expected.text):
        return
    assert read_markdown(expected.text).blocks == (Para((expected,)),)
    with patch("wenzhuan.plugins.markdown.is_plain", return_value=False):  # the checked path
        assert write(Para((Text(text),))) == expected.text + "\n"


@pytest.mark.parametrize("text, plain", [
    ("据了解，今年1-6月共完成投资3.2亿元。", True), ("2023年4月15日", True), ('"引号"开头', True),
    ("1. 列表", False), ("# 标题", False), ("- 列表", False), ("a_b", False), ("结尾空格 ", False),
    ("\u3000缩进", False), ("中\u3000间", True), ("换\u2028行", False), ("", False),
])
def test_which_paragraphs_are_plain(text, plain):
    from wenzhuan.plugins.markdown import is_plain

    assert is_plain(text) is plain


def test_blanks_are_what_str_strip_removes_but_line_endings():
    from wenzhuan.plugins.markdown import _BLANKS

    assert _BLANKS == "".join(chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in "\n\r")


def test_unsafe_in_line_is_markup_controls_and_white_space_but_space_and_u3000():
    import re

    from wenzhuan.plugins.markdown import _UNSAFE_IN_LINE

    # the spelled-out class matches what its readable form, an alternation, would
    readable = re.compile(r"[\\`*_\[\]<&\x00-\x1f\x7f-\x9f]|[^\S \u3000]")
    assert [c for c in range(0x110000) if bool(_UNSAFE_IN_LINE.match(chr(c))) != bool(readable.match(chr(c)))] == []
