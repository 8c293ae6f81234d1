"""Hypothesis strategies for the document model."""

from hypothesis import strategies as st

from wenzhuan.model import (
    Attr, BlockQuote, BulletList, Code, CodeBlock, Div, Document, Emph, Heading, LineBreak, Link,
    Metadata, OrderedList, Para, Span, Strong, Text, ThematicBreak,
)

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
text_chars = st.one_of(HAN, st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"))
words = st.text(text_chars, max_size=12)
names = st.text(st.characters(min_codepoint=0x61, max_codepoint=0x7A), min_size=1, max_size=6)

attrs = st.builds(
    Attr,
    id=st.one_of(st.just(""), names),
    classes=st.lists(names, max_size=2).map(tuple),
    kv=st.lists(st.tuples(names, words), max_size=2).map(tuple),
    lang=st.sampled_from(["", "zh-Hans", "zh-Hant", "en"]),
)

inlines = st.recursive(
    st.one_of(st.builds(Text, words), st.builds(Code, words, attrs), st.just(LineBreak())),
    lambda children: st.one_of(
        st.builds(Emph, st.lists(children, max_size=3)),
        st.builds(Strong, st.lists(children, max_size=3)),
        st.builds(Link, st.lists(children, max_size=3), words, words, attrs),
        st.builds(Span, st.lists(children, max_size=3), attrs),
    ),
    max_leaves=8,
)
inline_lists = st.lists(inlines, max_size=4)

blocks = st.recursive(
    st.one_of(
        st.builds(Para, inline_lists, attrs),
        st.builds(Heading, st.integers(1, 6), inline_lists, attrs),
        st.builds(CodeBlock, st.text(max_size=30), attrs),
        st.builds(ThematicBreak, attrs),
    ),
    lambda children: st.one_of(
        st.builds(BlockQuote, st.lists(children, max_size=3), attrs),
        st.builds(BulletList, st.lists(st.lists(children, max_size=2), max_size=3), attrs),
        st.builds(OrderedList, st.lists(st.lists(children, max_size=2), max_size=3), st.integers(0, 99), attrs),
        st.builds(Div, st.lists(children, max_size=3), attrs),
    ),
    max_leaves=10,
)

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), words),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(names, children, max_size=3)),
    max_leaves=6,
)

metadata = st.builds(
    Metadata,
    title=words, subtitle=words,
    authors=st.lists(words, max_size=3).map(tuple),
    date=st.one_of(st.none(), st.dates()),
    source=words, url=words,
    tags=st.lists(words, max_size=3).map(tuple),
    language=st.sampled_from(["", "zh-Hans", "zh-Hant", "zh-Hant-TW"]),
    extra=st.dictionaries(names, json_values, max_size=3),
)

documents = st.builds(Document, metadata, st.lists(blocks, max_size=5).map(tuple))


# ------------------------------------------------------------- Markdown-representable documents
#
# Documents the Markdown writer can express exactly, in the form the Markdown reader produces:
# no attributes (Markdown has no syntax for them; a code block keeps its first class as the
# info string), no divisions or spans (the writer writes their content in place), no nested
# links, no newline inside text or code (the model keeps line breaks as `LineBreak`), no
# paragraph or heading that starts or ends with a line break (CommonMark drops those), no empty
# code span, and front matter values the reader maps back (stripped strings, no empty names).
# `tests/test_markdown_roundtrip.py` lists the normalizations the reader applies on top
# (adjacent text runs merged).

# Characters that exercise the escaping rules: ASCII punctuation, spaces, CJK text and
# punctuation, a few Unicode spaces.
MD_PUNCT = st.sampled_from(list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))
MD_CJK_PUNCT = st.sampled_from(list("，。、；：？！“”‘’「」『』（）《》【】—…·"))
MD_SPACES = st.sampled_from([" ", " ", "\t", "\u00a0", "\u3000"])
md_chars = st.one_of(
    st.characters(min_codepoint=0x61, max_codepoint=0x7A), HAN, MD_PUNCT, MD_CJK_PUNCT, MD_SPACES,
    st.sampled_from(list("0123456789ABZé")),
)
md_words = st.text(md_chars, min_size=1, max_size=10)
md_code_text = st.text(st.one_of(md_chars, st.just("`")), min_size=1, max_size=8)
md_urls = st.one_of(
    st.text(st.one_of(st.characters(min_codepoint=0x21, max_codepoint=0x7E), HAN, st.just(" ")), max_size=12),
    st.sampled_from(["https://example.com/a_b(c)", "/url", "mailto:a@b.cn", "http://例子.中国/路径?q=1&r=2", ""]),
).filter(lambda u: not u.lower().lstrip().startswith(("javascript:", "vbscript:", "file:", "data:")))
md_titles = st.one_of(st.just(""), st.text(st.one_of(md_chars, st.just('"')), max_size=8))


def _no_edge_breaks(inlines):
    inlines = list(inlines)
    while inlines and isinstance(inlines[0], LineBreak):
        inlines.pop(0)
    while inlines and isinstance(inlines[-1], LineBreak):
        inlines.pop()
    return tuple(inlines)


def _md_inlines(in_link: bool):
    leaves = st.one_of(st.builds(Text, md_words), st.builds(Code, md_code_text), st.just(LineBreak()))

    def extend(children):
        options = [
            st.builds(Emph, st.lists(children, min_size=1, max_size=3)),
            st.builds(Strong, st.lists(children, min_size=1, max_size=3)),
        ]
        return st.one_of(*options)

    inner = st.recursive(leaves, extend, max_leaves=6)
    if in_link:
        return inner
    link = st.builds(Link, st.lists(inner, max_size=3), md_urls, md_titles)
    return st.recursive(st.one_of(leaves, link), lambda ch: st.one_of(
        st.builds(Emph, st.lists(ch, min_size=1, max_size=3)),
        st.builds(Strong, st.lists(ch, min_size=1, max_size=3)),
    ), max_leaves=8)


md_inline_lists = st.lists(_md_inlines(False), min_size=1, max_size=5).map(_no_edge_breaks).filter(bool)
md_heading_inlines = st.lists(_md_inlines(False), max_size=4).map(
    lambda xs: tuple(x for x in xs if not isinstance(x, LineBreak)))

md_blocks = st.recursive(
    st.one_of(
        st.builds(Para, md_inline_lists),
        st.builds(Heading, st.integers(1, 6), md_heading_inlines),
        st.builds(CodeBlock, st.text(st.one_of(md_chars, st.sampled_from(["\n", "`", "~"])), max_size=30),
                  st.one_of(st.just(Attr()), st.builds(lambda c: Attr(classes=(c,)), names))),
        st.builds(ThematicBreak),
    ),
    lambda children: st.one_of(
        st.builds(BlockQuote, st.lists(children, max_size=3)),
        st.builds(BulletList, st.lists(st.lists(children, max_size=3), min_size=1, max_size=3)),
        st.builds(OrderedList, st.lists(st.lists(children, max_size=3), min_size=1, max_size=3),
                  st.integers(0, 999_999_999)),
    ),
    max_leaves=10,
)

_meta_text = st.text(st.one_of(md_chars, st.sampled_from(list(":-'\"#{}[]|>&*!%@`"))), max_size=12).map(
    lambda s: s.strip()).filter(lambda s: "\n" not in s)
_meta_names = st.lists(_meta_text.filter(bool), max_size=3).map(tuple)
# Keys the reader maps onto Metadata fields (or their aliases) cannot also live in `extra`.
_RESERVED = {"title", "subtitle", "authors", "author", "date", "source", "url", "tags", "language", "lang"}
_yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), _meta_text,
                          st.sampled_from(["yes", "no", "null", "~", "2020-01-01", "1e3", "0x1F", ": x", "'", '"']))
md_metadata = st.builds(
    Metadata,
    title=st.one_of(_meta_text, st.sampled_from(["yes", "null", "2020-01-01", ": colon", "'quoted'", '"dq"'])),
    subtitle=_meta_text,
    authors=_meta_names,
    date=st.one_of(st.none(), st.dates()),
    source=_meta_text,
    url=_meta_text,
    tags=_meta_names,
    language=st.sampled_from(["", "zh-Hans", "zh-Hant", "zh-Hant-TW", "en"]),
    extra=st.dictionaries(names.filter(lambda k: k not in _RESERVED), st.recursive(
        _yaml_scalars, lambda ch: st.one_of(st.lists(ch, max_size=3), st.dictionaries(names, ch, max_size=3)),
        max_leaves=5), max_size=3),
)

md_documents = st.builds(Document, md_metadata, st.lists(md_blocks, max_size=5).map(tuple))
