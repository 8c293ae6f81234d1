"""Idempotence and round trips of the Markdown writer and reader.

- Markdown → model → Markdown → model → Markdown: the second Markdown is byte-identical to the
  first, for any document (property test), for the samples in samples/ and ../shared/samples/.
- model → Markdown → model gives the same model for Markdown-representable documents
  (`strategies.md_documents`), modulo the reader's one normalization: adjacent text runs are
  merged (`normalize` below). Divisions are written in place (flattened) and spans as their
  content, so those documents only promise idempotence, which the first property checks.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from wenzhuan.model import (
    BlockQuote, BulletList, Document, Emph, Heading, LineBreak, Link, OrderedList, Para, Span, Strong,
    Text,
)
from wenzhuan.plugins.markdown import render_markdown
from wenzhuan.plugins.readers.markdown import read_markdown
from wenzhuan.registry import WriteContext
from wenzhuan.report import ChangeReport
from wenzhuan.walk import merge_text

from .conftest import SAMPLES, SHARED
from .strategies import documents, md_documents


def normalize(node):
    """Merge adjacent text runs everywhere (what the reader does)."""
    if isinstance(node, Document):
        return dataclasses.replace(node, blocks=tuple(normalize(b) for b in node.blocks))
    if isinstance(node, (Para, Heading, Emph, Strong, Link, Span)):
        return dataclasses.replace(node, content=merge_text(normalize(c) for c in node.content))
    if isinstance(node, BlockQuote):
        return dataclasses.replace(node, blocks=tuple(normalize(b) for b in node.blocks))
    if isinstance(node, (BulletList, OrderedList)):
        return dataclasses.replace(node, items=tuple(tuple(normalize(b) for b in item) for item in node.items))
    return node


def md(doc: Document) -> str:
    return render_markdown(doc)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(md_documents)
def test_representable_documents_round_trip_through_markdown(doc):
    ctx = WriteContext(ChangeReport(), "write:markdown")
    text = render_markdown(doc, ctx=ctx)
    assert ctx.report.warnings == []
    back = read_markdown(text)
    assert back == normalize(doc), text
    assert md(back) == text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_markdown_output_is_idempotent_for_any_document(doc):
    first = md(doc)
    second = md(read_markdown(first))
    assert md(read_markdown(second)) == second
    assert second == first, first


def _sample_files() -> list[Path]:
    files = sorted(SAMPLES.glob("*"))
    shared = SHARED / "samples"
    if shared.is_dir():
        files += sorted(p for p in shared.glob("*") if p.suffix in (".txt", ".md"))
    return [p for p in files if p.is_file()]


@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: p.name)
def test_samples_are_idempotent(path):
    from wenzhuan.pipeline import Source, load

    loaded = load(Source.from_path(path))
    first = md(loaded.document)
    again = read_markdown(first)
    assert again == normalize(loaded.document)  # the samples hold only representable nodes
    assert md(again) == first
    # and converting the Markdown output as a file again gives the same bytes
    assert md(load(Source(first.encode("utf-8"), "out.md", Path("out.md"))).document) == first


# ------------------------------------------------------------------------ soft line breaks


@pytest.mark.parametrize("source, expected", [
    ("中文段落\n继续一行\n", "中文段落继续一行"),
    ("English words\nwrapped here\n", "English words wrapped here"),
    ("中文\nEnglish\n", "中文 English"),
    ("English\n中文\n", "English 中文"),
    ("句号。\n下一句\n", "句号。下一句"),
    ("真的……\n这是\n", "真的……这是"), ("他说：“\n你好”\n", "他说：“你好”"),
    ("“a”\n“b”\n", "“a” “b”"), ("wait…\nwhat\n", "wait… what"),
    ("行尾空格  \n不是软换行\n", None),
])
def test_soft_line_breaks_join_han_without_a_space(source, expected):
    doc = read_markdown(source)
    if expected is None:  # two trailing spaces: a hard break, kept
        assert doc.blocks == (Para((Text("行尾空格"), LineBreak(), Text("不是软换行"))),)
    else:
        assert doc.blocks == (Para((Text(expected),)),)
        assert md(doc) == expected + "\n"


def test_soft_break_around_emphasis_looks_at_the_neighbouring_characters():
    doc = read_markdown("这是**重点**\n继续\n")
    assert doc.blocks == (Para((Text("这是"), Strong((Text("重点"),)), Text("继续"))),)
    doc = read_markdown("see *this*\nand that\n")
    assert doc.blocks == (Para((Text("see "), Emph((Text("this"),)), Text(" and that"))),)


@pytest.mark.parametrize("url, title", [("http://x", "&#9;"), ("http://x?a=1&amp;b", "t &lt; &#x41;")])
def test_entity_like_text_in_links_stays_literal(url, title):
    doc = Document(blocks=(Para((Link((Text("a"),), url, title=title),)),))
    ctx = WriteContext(ChangeReport(), "write:markdown")
    back = read_markdown(render_markdown(doc, ctx=ctx))
    assert ctx.report.warnings == []
    assert (back.blocks[0].content[0].url, back.blocks[0].content[0].title) == (url, title)
