"""Walk, query and rebuild documents, so passes, transforms and writers stay short.

- `walk(node)` yields every node below (and including) `node`, depth first, in document order.
- `stringify(node)` is the plain text of a node or document.
- `map_blocks(doc, fn)` / `map_inlines(doc, fn)` rebuild a document bottom-up, calling `fn` on
  each block / inline; `fn` returns a replacement node, a sequence of nodes (to splice), or None
  (to keep the node as is).
- `collect(docs, metadata)` builds one collection document of chapters; `chapters(doc)` reads it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Callable, Iterable, Iterator, Sequence, Union

from .model import (
    Attr, Block, BlockQuote, BulletList, Code, CodeBlock, Div, Document, Emph, Heading, Inline,
    LineBreak, Link, Metadata, OrderedList, Para, Span, Strong, Text, metadata_from_dict,
    metadata_to_dict,
)

Node = Union[Block, Inline, Document]
Replacement = Union[None, Block, Inline, Sequence]

# Which fields of a node hold children: ("content" -> inlines, "blocks" -> blocks, "items" -> list items)
_CHILDREN: dict[type, str] = {
    Emph: "content", Strong: "content", Link: "content", Span: "content",
    Para: "content", Heading: "content",
    BlockQuote: "blocks", Div: "blocks", Document: "blocks",
    BulletList: "items", OrderedList: "items",
}


def children(node: Node) -> Iterator:
    name = _CHILDREN.get(type(node))
    if name is None:
        return
    value = getattr(node, name)
    if name == "items":
        for item in value:
            yield from item
    else:
        yield from value


def walk(node: Node) -> Iterator:
    """Every node at and below `node`, depth first, in document order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        kids = list(children(current))
        stack.extend(reversed(kids))


def query(node: Node, kind: type | tuple[type, ...]) -> list:
    """All nodes of the given type(s) at and below `node`."""
    return [n for n in walk(node) if isinstance(n, kind)]


def stringify(node: Node | Iterable) -> str:
    """Plain text: text and code as they are, line breaks as newlines, blocks joined by newlines."""
    kind = type(node)
    if kind is Text:  # the most frequent node, first
        return node.text
    if kind is Para:  # then the most frequent block, most often one text run
        content = node.content
        if len(content) == 1 and type(content[0]) is Text:
            return content[0].text
        return "".join(map(stringify, content))
    if isinstance(node, (list, tuple)):
        return "".join(stringify(n) for n in node)
    if isinstance(node, (Text, Code)):
        return node.text
    if isinstance(node, LineBreak):
        return "\n"
    if isinstance(node, CodeBlock):
        return node.text
    if isinstance(node, (Emph, Strong, Link, Span, Para, Heading)):
        return "".join(map(stringify, node.content))
    if isinstance(node, (BlockQuote, Div, Document)):
        return "\n".join(map(stringify, node.blocks))
    if isinstance(node, (BulletList, OrderedList)):
        return "\n".join("\n".join(stringify(b) for b in item) for item in node.items)
    return ""


def _splice(result: Replacement, original) -> list:
    if result is None:
        return [original]
    if isinstance(result, (list, tuple)):
        return list(result)
    return [result]


def _rebuild(node, fn_block, fn_inline):
    name = _CHILDREN.get(type(node))
    if name is not None:
        value = getattr(node, name)
        if name == "items":
            new = tuple(_map_seq(item, fn_block, fn_inline) for item in value)
        else:
            new = _map_seq(value, fn_block, fn_inline)
        if new != value:
            node = dataclasses.replace(node, **{name: new})
    return node


def _map_seq(seq, fn_block, fn_inline) -> tuple:
    out: list = []
    for child in seq:
        child2 = _rebuild(child, fn_block, fn_inline)
        fn = fn_inline if _is_inline(child2) else fn_block
        out.extend(_splice(fn(child2), child2) if fn else [child2])
    return tuple(out)


def _is_inline(node) -> bool:
    return isinstance(node, (Text, Emph, Strong, Link, Code, LineBreak, Span))


def map_blocks(doc: Document, fn: Callable[[Block], Replacement]) -> Document:
    """Rebuild `doc` bottom-up, replacing each block with what `fn` returns (None keeps it)."""
    return _rebuild(doc, fn, None)


def map_inlines(doc: Document, fn: Callable[[Inline], Replacement]) -> Document:
    """Rebuild `doc` bottom-up, replacing each inline with what `fn` returns (None keeps it)."""
    return _rebuild(doc, None, fn)


def map_text(doc: Document, fn: Callable[[str], str]) -> Document:
    """Apply `fn` to every `Text` run (not to code)."""

    def visit(node):
        if isinstance(node, Text):
            new = fn(node.text)
            return Text(new) if new != node.text else None
        return None

    return map_inlines(doc, visit)


def merge_text(inlines: Iterable[Inline]) -> tuple[Inline, ...]:
    """Join adjacent `Text` runs and drop empty ones."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text):
            if not node.text:
                continue
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + node.text)
                continue
        out.append(node)
    return tuple(out)


# ------------------------------------------------------------------------------- builders


def para(*parts: str | Inline, attr: Attr = Attr()) -> Para:
    """`para("一段", Strong([Text("重点")]))`: strings become Text nodes."""
    return Para(merge_text(Text(p) if isinstance(p, str) else p for p in parts), attr)


def heading(level: int, *parts: str | Inline, attr: Attr = Attr()) -> Heading:
    return Heading(level, merge_text(Text(p) if isinstance(p, str) else p for p in parts), attr)


# ------------------------------------------------------------------------------ collections

CHAPTER_CLASS = "chapter"
_CHAPTER_META_KEY = "wz-metadata"


def chapter(doc: Document) -> Div:
    """One article of a collection: a `chapter` division carrying the article's metadata."""
    meta = json.dumps(metadata_to_dict(doc.metadata), ensure_ascii=False, sort_keys=True)
    return Div(doc.blocks, Attr(classes=(CHAPTER_CLASS,), kv=((_CHAPTER_META_KEY, meta),),
                                lang=doc.metadata.language))


def collect(docs: Sequence[Document], metadata: Metadata) -> Document:
    """Many articles → one document whose blocks are chapter divisions (a book, a collection)."""
    return Document(metadata, tuple(chapter(d) for d in docs))


def chapters(doc: Document) -> list[Document] | None:
    """The articles of a collection built by `collect`, or None when `doc` is a single article."""
    if not doc.blocks or not all(
        isinstance(b, Div) and CHAPTER_CLASS in b.attr.classes for b in doc.blocks
    ):
        return None
    out = []
    for div in doc.blocks:
        raw = div.attr.get(_CHAPTER_META_KEY)
        meta = metadata_from_dict(json.loads(raw)) if raw else Metadata()
        out.append(Document(meta, div.blocks))
    return out
