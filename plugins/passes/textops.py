"""Helpers the normalizer passes share: rewriting text runs with their neighbours in view,
removing top-level blocks while keeping the reader's line numbers in step, and recording many
small changes cheaply (`ChangeBatch`)."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable, Sequence

from wenzhuan.model import (
    BlockQuote, BulletList, Code, Div, Document, Heading, LineBreak, OrderedList, Para, Text,
)
from wenzhuan.registry import PassContext
from wenzhuan.walk import merge_text

# fn(text, previous character, next character) -> new text; the neighbours come from the
# surrounding inline content (across emphasis, links and code), "" at the ends, "\n" at breaks.
TextFn = Callable[[str, str, str], str]

_CONTAINERS = (BlockQuote, Div)


class ChangeBatch:
    """Changes a pass makes in many places, recorded with `ctx.defer` a batch at a time and
    described (`describe(item)` -> the item's changes, in order) only if the report is read.

    One deferred entry per batch costs a paragraph a list append instead of a closure; batches
    of about `size` changes keep a long document from holding every paragraph's record until the
    pass ends, when the report keeps only its first changes in detail (`ChangeReport.defer` drops
    what is past its limit). The report gets the same changes, in the same order, either way."""

    def __init__(self, ctx: PassContext, describe: Callable[[Any], Sequence[tuple]], size: int = 1000):
        self.ctx, self.describe, self.size = ctx, describe, size
        self.items: list = []
        self.count = 0

    def add(self, count: int, item: Any) -> None:
        """`count` changes that `describe(item)` lists."""
        self.items.append(item)
        self.count += count
        if self.count >= self.size:
            self.flush()

    def flush(self) -> None:
        items, describe = self.items, self.describe
        self.ctx.defer(self.count, lambda: [change for item in items for change in describe(item)])
        self.items, self.count = [], 0


def _flat(nodes, out: list) -> None:
    for n in nodes:
        if isinstance(n, (Text, Code)):
            out.append(n.text)
        elif isinstance(n, LineBreak):
            out.append("\n")
        else:
            _flat(n.content, out)


def rewrite_inlines(content: tuple, fn: TextFn) -> tuple:
    if len(content) == 1 and type(content[0]) is Text:
        # the common case, a paragraph of plain text: no neighbours to find, nothing to merge
        text = content[0].text
        new = fn(text, "", "")
        if new == text:
            return content
        return (Text(new),) if new else ()
    parts: list[str] = []
    _flat(content, parts)
    flat = "".join(parts)
    pos = 0

    def visit(seq) -> tuple:
        nonlocal pos
        out = []
        changed = False
        for n in seq:
            if isinstance(n, Text):
                start, end = pos, pos + len(n.text)
                pos = end
                new = fn(n.text, flat[start - 1:start], flat[end:end + 1])
                if new != n.text:
                    changed = True
                    if new:
                        out.append(Text(new))
                    continue
                out.append(n)
            elif isinstance(n, Code):
                pos += len(n.text)
                out.append(n)
            elif isinstance(n, LineBreak):
                pos += 1
                out.append(n)
            else:
                inner = visit(n.content)
                if inner is not n.content:
                    changed = True
                    n = dataclasses.replace(n, content=inner)
                out.append(n)
        return merge_text(out) if changed else seq

    return visit(content)


def rewrite_block(block, fn: TextFn):
    """`block` with `fn` applied to every text run in it (code is left alone)."""
    if isinstance(block, (Para, Heading)):
        content = rewrite_inlines(block.content, fn)
        if content is block.content:
            return block
        # what dataclasses.replace does, without its generic overhead
        if type(block) is Para:
            return Para(content, block.attr)
        if type(block) is Heading:
            return Heading(block.level, content, block.attr)
        return dataclasses.replace(block, content=content)
    if isinstance(block, _CONTAINERS):
        inner = tuple(rewrite_block(b, fn) for b in block.blocks)
        return block if inner == block.blocks else dataclasses.replace(block, blocks=inner)
    if isinstance(block, (BulletList, OrderedList)):
        items = tuple(tuple(rewrite_block(b, fn) for b in item) for item in block.items)
        return block if items == block.items else dataclasses.replace(block, items=items)
    return block


def rewrite_document(doc: Document, make_fn: Callable[[int], TextFn]) -> Document:
    """Apply `make_fn(i)` (a text function that knows the top-level block index `i`, for
    reporting locations) to every text run in every block."""
    blocks = tuple([rewrite_block(b, make_fn(i)) for i, b in enumerate(doc.blocks)])
    return doc if blocks == doc.blocks else Document(doc.metadata, blocks)  # (dataclasses.replace, faster)


def without_blocks(doc: Document, ctx: PassContext, indices: Iterable[int]) -> Document:
    """`doc` without the top-level blocks at `indices`; the line table shrinks to match, so
    later passes still report the right input lines."""
    drop = set(indices)
    if not drop:
        return doc
    for i in sorted(drop, reverse=True):
        if i < len(ctx.block_lines):
            del ctx.block_lines[i]
    return Document(doc.metadata, tuple([b for i, b in enumerate(doc.blocks) if i not in drop]))


def snippet(text: str, start: int, end: int, radius: int = 4) -> str:
    """`text[start:end]` with a little context either side, for the change report."""
    return text[max(0, start - radius):end + radius]
