"""The `toc` transform: a table of contents built from the document's headings.

    wenzhuan convert article.md -o article.epub --transform toc -T toc.depth=2

It is registered through `register_transforms`, exactly as a third-party transform would be.

- The table is a `Div(classes=("toc",), id="toc")`: a title paragraph (`目录`, or `目錄` for a
  Traditional document, unless `-T toc.title=...`) and a nested bullet list of links to the
  headings, levels 1 to `depth`.
- Headings without an id get one, GitHub-style (lower case, punctuation dropped, spaces become
  `-`, repeats numbered `-1`, `-2`), so the links also work where Markdown is rendered on GitHub.
  Each id given is reported as a change.
- A single article gets the table at the top. A collection (`wenzhuan.walk.collect`) lists each
  chapter's title with its headings under it, and gets the table as its first chapter, so every
  writer still sees a collection of chapters.
- Applying it twice replaces the first table rather than adding a second.
"""

from __future__ import annotations

import dataclasses
import re

from wenzhuan.api import (
    Attr, BulletList, Div, Document, Heading, LineBreak, Link, Metadata, Option, OptionError, Para, Strong,
    Text, Transform, hookimpl, map_blocks, map_inlines, query, stringify,
)
from wenzhuan.walk import chapter, chapters

TOC_CLASS = "toc"
_NOT_SLUG = re.compile(r"[^\w\- ]", re.UNICODE)


def slugify(text: str) -> str:
    """GitHub's heading anchors: lower case, punctuation dropped, each space a hyphen."""
    return _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def default_title(language: str) -> str:
    lang = language.lower()
    return "目錄" if lang.startswith("zh-hant") or lang in ("zh-tw", "zh-hk", "zh-mo") else "目录"


def _link_text(inlines) -> tuple:
    """A heading's inlines made safe inside a link: no nested links, no line breaks."""

    def visit(node):
        if isinstance(node, Link):
            return list(node.content)
        if isinstance(node, LineBreak):
            return Text(" ")
        return None

    return map_inlines(Document(blocks=(Para(inlines),)), visit).blocks[0].content


class TableOfContents(Transform):
    name = "toc"
    description = "a table of contents from the headings, with links to them"
    options = (
        Option("depth", int, 3, "deepest heading level listed (1-6)"),
        Option("title", str, "", "title of the table; default 目录, or 目錄 for Traditional text"),
    )

    def apply(self, doc: Document, ctx) -> Document:
        depth = ctx.options["depth"]
        if not 1 <= depth <= 6:
            raise OptionError(f"option 'depth' of transform 'toc' takes 1 to 6, not {depth}")
        # a table from an earlier run is replaced, not listed
        doc = Document(doc.metadata, tuple(b for b in doc.blocks if not _is_toc(b)))
        arts = chapters(doc)
        used: set[str] = {n.attr.id for n in query(doc, (Heading, Div)) if n.attr.id}
        entries: list[tuple[int, tuple, str]] = []

        def visit(block):
            if not isinstance(block, Heading):
                return None
            new = block
            if not block.attr.id:
                ident = _unique(slugify(stringify(block)) or "section", used)
                new = dataclasses.replace(block, attr=dataclasses.replace(block.attr, id=ident))
                ctx.change("heading id", stringify(block), ident)
            if block.level <= depth:
                entries.append((block.level, _link_text(block.content), new.attr.id))
            return new

        if arts is None:
            doc = map_blocks(doc, visit)
        else:  # a collection: each chapter's title is an entry, its headings under it
            divs = []
            for div, art in zip(doc.blocks, arts):
                ident = div.attr.id or _unique(slugify(art.metadata.title) or "chapter", used)
                if art.metadata.title:
                    entries.append((0, (Text(art.metadata.title),), ident))
                body = map_blocks(Document(blocks=div.blocks), visit).blocks
                divs.append(dataclasses.replace(div, blocks=body, attr=dataclasses.replace(div.attr, id=ident)))
            doc = Document(doc.metadata, tuple(divs))
        language = doc.metadata.language or next((a.metadata.language for a in arts or () if a.metadata.language), "")
        title = ctx.options["title"] or default_title(language)
        if not entries:
            ctx.warn("no headings to list; the table of contents is left out")
            return doc
        ident = _unique("toc", used)
        if arts is not None:  # a collection: the table is its first chapter, titled like the others
            div = chapter(Document(Metadata(title=title, language=language), (_nest(entries),)))
            toc = dataclasses.replace(div, attr=dataclasses.replace(
                div.attr, id=ident, classes=div.attr.classes + (TOC_CLASS,)))
        else:
            toc = Div((Para((Strong((Text(title),)),)), _nest(entries)), Attr(id=ident, classes=(TOC_CLASS,)))
        return Document(doc.metadata, (toc, *doc.blocks))


def _is_toc(block) -> bool:
    return isinstance(block, Div) and TOC_CLASS in block.attr.classes


def _unique(slug: str, used: set[str]) -> str:
    candidate, n = slug, 0
    while candidate in used:
        n += 1
        candidate = f"{slug}-{n}"
    used.add(candidate)
    return candidate


def _nest(entries: list[tuple[int, tuple, str]]) -> BulletList:
    """Headings in document order → nested bullet lists. A heading nests under the nearest
    earlier heading of a lower level, so skipped levels (h1 then h3) nest one step only."""
    depths, open_levels = [], []
    for level, _, _ in entries:
        while open_levels and open_levels[-1] >= level:
            open_levels.pop()
        depths.append(len(open_levels))
        open_levels.append(level)

    def build(i: int, d: int) -> tuple[BulletList, int]:
        items: list[tuple] = []
        while i < len(entries) and depths[i] >= d:
            if depths[i] == d:
                _, content, ident = entries[i]
                items.append((Para((Link(content, "#" + ident),)),))
                i += 1
            else:  # one level deeper, under the item just added
                sub, i = build(i, d + 1)
                items[-1] = items[-1] + (sub,)
        return BulletList(items), i

    return build(0, 0)[0]


@hookimpl
def register_transforms(register):
    register(TableOfContents())
