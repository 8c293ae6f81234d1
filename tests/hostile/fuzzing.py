"""Fuzzing the whole pipeline: hostile text and HTML in, every built-in format out.

The property (`check_input`, `check_document`): the only exceptions are wenzhuan's documented
error types (`WenzhuanError` and its subclasses), and every output parses as its format:
DOCX opens with python-docx and all its XML parts are well-formed, EPUB's XHTML is well-formed,
JSON reads back to the very document written, Markdown reads back to a document that writes
the same Markdown again (the writer's documented normalizations happen once: a fixpoint; for
documents read from files, see `check_document`), and
no output holds a character XML cannot hold or an unsafe link.

Used by tests/hostile/test_fuzz.py (a CI-sized run) and scripts/fuzz.py (a long run).
"""

from __future__ import annotations

import io
import re

from hypothesis import strategies as st

from wenzhuan.errors import WenzhuanError
from wenzhuan.manager import PluginHost
from wenzhuan.model import Document, Link, from_json
from wenzhuan.pipeline import Source, load, render
from wenzhuan.report import ChangeReport
from wenzhuan.sanitize import clean_document, has_text, is_unsafe_url
from wenzhuan.walk import walk

from .kit import builtin_writers, xml_parts

# ------------------------------------------------------------------------------ strategies

SIMPLIFIED = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
TRADITIONAL = st.sampled_from("國語說話學習體發電腦經濟醫藥運動鐵路歷史環境們這個會時來為對")
PUNCT = st.sampled_from("，。、；：？！“”‘’「」『』（）《》〈〉…—·～　,.;:?!\"'()[]")
ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
ARTIFACTS = st.sampled_from([
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x80", "\x85", "\x9b", "\x9f", "\ufeff", "\ufffe",
    "\uffff", "\u200b", "\u202e", "\u2028", "\r\n", "\r", "\t", "&nbsp;", "&amp;nbsp;", "&#0;", "&#12290;",
    "&lol;", "<br>", "</p>", "<p class=x>", "<script>alert(1)</script>", "<!--", "-->", "]]>", "<![CDATA[",
    "*", "**", "_", "`", "```", "[", "](javascript:alert(1))", "# ", "> ", "- ", "1. ", "\\", "|", "<", ">", "&",
    "ä¸\xadæ\x96\x87", "锟斤拷", "Ã©", "閱讀數：123", "返回首页", "上一篇：", "---\n", "\n\n",
    "http://example.com/a?b=1&c=<2>", "java\tscript:alert(1)", "data:text/html,x", "ｗｅｂ", "１２３",
])
pieces = st.one_of(SIMPLIFIED, TRADITIONAL, PUNCT, ASCII, ARTIFACTS, st.just("\n"), st.characters())
hostile_text = st.lists(pieces, max_size=60).map("".join)

TAGS = ["p", "div", "span", "a", "em", "strong", "b", "i", "code", "pre", "h1", "h2", "h6", "ul", "ol", "li",
        "blockquote", "br", "hr", "table", "tr", "td", "script", "style", "svg", "iframe", "img", "noscript",
        "template", "title", "head", "body", "font", "center", "kbd", "sup"]
ATTRS = st.sampled_from([
    "", ' href="https://example.com/x"', ' href="javascript:alert(1)"', ' href=" JaVa&#x09;script:x"',
    ' href="data:text/html,<b>x</b>"', ' href="file:///etc/passwd"', ' href="#sec"', ' onclick="alert(1)"',
    ' style="x:url(javascript:1)"', ' lang="zh-Hant"', ' start="3"', ' start="x"', ' src="http://127.0.0.1:9/x"',
    ' title="&lt;标题&gt;"', " class=a b", ' href=\'"><script>x</script>\'',
])


@st.composite
def html_nodes(draw, depth: int = 0) -> str:
    if depth > 6 or draw(st.integers(0, 3)) == 0:
        return draw(hostile_text).replace("<", "&lt;") if draw(st.booleans()) else draw(hostile_text)
    tag = draw(st.sampled_from(TAGS))
    children = draw(st.lists(html_nodes(depth + 1), max_size=4))
    close = draw(st.sampled_from(["</%s>" % tag, "", "</p>", "</div>"]))
    return f"<{tag}{draw(ATTRS)}>{''.join(children)}{close}"


PROLOGUES = st.sampled_from([
    "", "<!DOCTYPE html>\n", '<?xml version="1.0" encoding="utf-8"?>\n',
    '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n',
    '<!DOCTYPE html SYSTEM "http://127.0.0.1:9/x.dtd">\n', '<meta charset="big5">',
])


@st.composite
def hostile_html(draw) -> str:
    body = "".join(draw(st.lists(html_nodes(), min_size=1, max_size=5)))
    if draw(st.booleans()):
        body = f"<html><head><title>{draw(hostile_text)}</title></head><body>{body}</body></html>"
    return draw(PROLOGUES) + body


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"])


@st.composite
def hostile_inputs(draw) -> tuple[bytes, str]:
    """(bytes, file name): hostile text or HTML, encoded as a user's file might be."""
    kind = draw(st.sampled_from(["txt", "md", "html"]))
    text = draw(hostile_html()) if kind == "html" else draw(hostile_text)
    encoding = draw(ENCODINGS)
    data = text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    return data, f"fuzz.{kind}"


# ----------------------------------------------------------------------------- properties

_HOST: list[PluginHost] = []
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def host() -> PluginHost:
    if not _HOST:
        _HOST.append(PluginHost(entry_points=False))
    return _HOST[0]


def check_input(data: bytes, name: str) -> int:
    """Load and write `data` to every built-in format; the number of outputs checked."""
    catalog = host().catalog
    try:
        loaded = load(Source(data, name), host=host())
    except WenzhuanError:
        return 0
    return check_document(loaded.document)


def check_document(doc: Document, *, fixpoint: bool = True) -> int:
    """Write `doc` to every built-in format and check each output. `fixpoint=False` for documents
    built with the API: the Markdown writer's round trip is documented for documents read from
    text, not for every shape the model allows (a line break ending a heading, an empty quote)."""
    catalog = host().catalog
    n = 0
    for fmt in builtin_writers():
        try:
            data = render(doc, catalog.writer(fmt), {}, ChangeReport(), catalog=catalog)
        except WenzhuanError:
            continue
        if not data and not has_text(clean_document(doc)):  # nothing to write, nothing written: fine
            continue
        check_output(fmt, data, fixpoint=fixpoint)
        n += 1
    return n


def check_output(fmt: str, data: bytes, *, fixpoint: bool = True) -> None:
    assert isinstance(data, bytes) and data, f"{fmt}: no bytes"
    if data[:2] == b"PK":  # DOCX, EPUB: every XML part well-formed
        from lxml import etree

        for name, blob in xml_parts(data).items():  # no attribute (a link target) holds an unsafe URL
            for el in etree.fromstring(blob).iter():
                bad = [v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] in ("href", "Target", "src")
                       and is_unsafe_url(v)]
                assert not bad, f"{fmt}: {name} links to {bad}"
        if fmt == "docx":
            import docx

            docx.Document(io.BytesIO(data))
        return
    text = data.decode("utf-8")
    assert not _XML_BAD.search(text), f"{fmt}: {_XML_BAD.search(text).group(0)!r} in the output"
    if fmt == "json":
        doc = from_json(text)
        assert not [n.url for n in walk(doc) if isinstance(n, Link) and is_unsafe_url(n.url)]
        again = render(doc, host().catalog.writer("json"), {}, ChangeReport(), catalog=host().catalog)
        assert again == data, "json: the document read back writes different JSON"
    elif fmt == "markdown":
        first = _reread(text)
        assert not [n.url for n in walk(first) if isinstance(n, Link) and is_unsafe_url(n.url)]
        md2 = render(first, host().catalog.writer("markdown"), {}, ChangeReport(), catalog=host().catalog)
        second = _reread(md2.decode("utf-8"))
        if fixpoint:
            assert second == first, "markdown: reading the written Markdown back gives another document"
    else:
        _reread(text) if fmt == "bilingual" else None


def _reread(text: str) -> Document:
    """The Markdown reader alone (no normalizer passes): what the writer's output means."""
    from wenzhuan.plugins.readers.markdown import read_markdown

    return read_markdown(text)
