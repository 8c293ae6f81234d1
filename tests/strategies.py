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
