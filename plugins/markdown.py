"""Markdown writer: clean CommonMark.

- Paragraphs are never hard-wrapped: a line break inside Chinese text becomes a space in most
  renderers.
- Characters are escaped only where CommonMark would otherwise parse them: `*`, `` ` ``, `[`,
  `]` and `\\` always; `_` unless it sits inside a word; `<` before a tag-like character; `&`
  before an entity; `#`, `>`, `-`, `+`, `1.` and fences only where they start a line.
- Emphasis whose `*` delimiters would not parse next to CJK punctuation (`期间**“双十一”**`)
  is written as `<em>`/`<strong>`, which the Markdown reader reads back.
- Metadata is YAML front matter unless `--no-front-matter`.
- A line break inside a heading becomes a space (an ATX heading is one line).
- Idempotent: Markdown → model → Markdown gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import yaml

from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import (
    BlockQuote, BulletList, Code, CodeBlock, Div, Document, Emph, Heading, LineBreak, Link,
    Metadata, OrderedList, Para, Span, Strong, Text, ThematicBreak, metadata_to_dict,
)
from wenzhuan.registry import Option, WriteContext, Writer
from wenzhuan.walk import chapters

_ENTITY = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")
_ATX_START = re.compile(r"^#{1,6}(?=[ \t]|$)")
_BULLET_START = re.compile(r"^[-+](?=[ \t]|$)")
_BREAK_LINE = re.compile(r"^(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$")
_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def is_punct(ch: str) -> bool:
    """CommonMark's punctuation: ASCII punctuation and Unicode P* and S* categories."""
    return ch in _ASCII_PUNCT or (bool(ch) and unicodedata.category(ch)[0] in "PS")


def is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def escape_text(s: str, *, line_start: bool, prev: str, next_: str, before_link: bool) -> str:
    """Escape one Text run. `prev`/`next_` are the characters around it in the output."""
    s = s.replace("\n", " ")
    out = []
    n = len(s)
    for i, ch in enumerate(s):
        if ch in "\\*`[]":
            out.append("\\" + ch)
        elif ch == "_":
            left = s[i - 1] if i > 0 else prev
            right = s[i + 1] if i + 1 < n else next_
            inside_word = left and right and not is_space(left) and not is_space(right) \
                and not is_punct(left) and not is_punct(right)
            out.append("_" if inside_word else "\\_")
        elif ch == "<":
            right = s[i + 1] if i + 1 < n else next_
            out.append("\\<" if (not right or right.isascii() and (right.isalpha() or right in "/!?")) else "<")
        elif ch == "&":
            out.append("\\&" if _ENTITY.match(s, i) or i + 1 == n else "&")
        elif ch == "!" and i + 1 == n and before_link:
            out.append("\\!")
        else:
            out.append(ch)
    text = "".join(out)
    if line_start:
        text = escape_line_start(text)
    return text


def escape_line_start(text: str) -> str:
    """Escape what would start a block construct at the beginning of a line."""
    if not text:
        return text
    lead = len(text) - len(text.lstrip(" \t"))
    if lead:  # leading blanks would be stripped (or start a code block): keep them as references
        text = "".join("&#32;" if c == " " else "&#9;" for c in text[:lead]) + text[lead:]
        return text
    if _ATX_START.match(text) or text[0] == ">":
        return "\\" + text
    if _BULLET_START.match(text) or _BREAK_LINE.match(text):
        return "\\" + text
    if text.startswith(("~~~", "```")):
        return "\\" + text
    m = _ORDERED_START.match(text)
    if m:
        return m.group(1) + "\\" + text[len(m.group(1)):]
    return text


def _protect_trailing(text: str) -> str:
    """Trailing blanks at the end of a line are dropped by CommonMark: keep them as references."""
    stripped = text.rstrip(" \t")
    tail = text[len(stripped):]
    return stripped + "".join("&#32;" if c == " " else "&#9;" for c in tail)


def _one_line(content: tuple) -> tuple:
    """A heading's inlines for an ATX heading, which is one line: line breaks become spaces, and
    blanks at either end (inside emphasis too) are dropped."""
    def flat(nodes) -> list:
        out = []
        for n in nodes:
            if isinstance(n, LineBreak):
                n = Text(" ")
            elif isinstance(n, (Emph, Strong, Link, Span)):
                n = dataclasses.replace(n, content=tuple(flat(n.content)))
            if out and isinstance(n, Text) and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + n.text)
            else:
                out.append(n)
        return out

    def strip(nodes: list, end: int) -> list:  # end -1: the right end, 0: the left end
        while nodes:
            n = nodes[end]
            if isinstance(n, Text):
                t = n.text.rstrip(" ") if end else n.text.lstrip(" ")
                if t:
                    nodes[end] = Text(t)
                    break
                nodes.pop(end)
            elif isinstance(n, (Emph, Strong, Link, Span)):
                inner = strip(list(n.content), end)
                nodes[end] = dataclasses.replace(n, content=tuple(inner))
                if inner or isinstance(n, Link):
                    break
                nodes.pop(end)
            else:
                break
        return nodes

    if not any(isinstance(n, LineBreak) for n in _walk_inlines(content)):
        return content
    return tuple(strip(strip(flat(content), -1), 0))


def _walk_inlines(nodes):
    for n in nodes:
        yield n
        if isinstance(n, (Emph, Strong, Link, Span)):
            yield from _walk_inlines(n.content)


class _Inlines:
    """Render inline nodes to one string (no newlines except hard breaks)."""

    def __init__(self, ctx: WriteContext | None):
        self.ctx = ctx

    def render(self, nodes, *, in_link: bool = False, prev: str = "", next_: str = "",
               line_start: bool = True) -> str:
        parts: list[str] = []
        nodes = list(nodes)
        for i, node in enumerate(nodes):
            p = (parts[-1][-1:] if parts and parts[-1] else prev)
            nxt_node = nodes[i + 1] if i + 1 < len(nodes) else None
            nx = self._first_output_char(nxt_node) if nxt_node is not None else next_
            at_start = line_start and not "".join(parts) or (parts and parts[-1].endswith("\\\n"))
            parts.append(self.one(node, prev=p, next_=nx, line_start=bool(at_start), in_link=in_link,
                                  before_link=isinstance(nxt_node, Link)))
        return "".join(parts)

    def _first_output_char(self, node) -> str:
        if isinstance(node, Text):
            return node.text[:1]
        if isinstance(node, (Emph, Strong)):
            return "*"
        if isinstance(node, Code):
            return "`"
        if isinstance(node, Link):
            return "["
        if isinstance(node, LineBreak):
            return "\\"
        if isinstance(node, Span):
            return self._first_output_char(node.content[0]) if node.content else ""
        return ""

    def one(self, node, *, prev: str, next_: str, line_start: bool, in_link: bool, before_link: bool) -> str:
        if isinstance(node, Text):
            return escape_text(node.text, line_start=line_start, prev=prev, next_=next_, before_link=before_link)
        if isinstance(node, (Emph, Strong)):
            return self.emphasis(node, prev=prev, next_=next_, in_link=in_link)
        if isinstance(node, Code):
            return code_span(node.text)
        if isinstance(node, LineBreak):
            return "\\\n"
        if isinstance(node, Link):
            if in_link:  # CommonMark links cannot nest: keep the inner link's text
                if self.ctx:
                    self.ctx.warn(f"nested link to {node.url!r} written as plain text")
                return self.render(node.content, in_link=True, prev=prev, next_=next_, line_start=line_start)
            inner = self.render(node.content, in_link=True, prev="[", next_="]", line_start=False)
            return f"[{inner}]({link_destination(node.url)}{link_title(node.title)})"
        if isinstance(node, Span):
            return self.render(node.content, in_link=in_link, prev=prev, next_=next_, line_start=line_start)
        return ""

    def emphasis(self, node, *, prev: str, next_: str, in_link: bool) -> str:
        inner = self.render(node.content, in_link=in_link, prev="*", next_="*", line_start=False)
        tag = "em" if isinstance(node, Emph) else "strong"
        delim = "*" if tag == "em" else "**"
        first, last = inner[:1], inner[-1:]
        opens = first and not is_space(first) and (not is_punct(first) or is_space(prev) or is_punct(prev))
        closes = last and not is_space(last) and (not is_punct(last) or is_space(next_) or is_punct(next_))
        nested = inner.startswith("*") or inner.endswith("*") or "\\\n" in inner
        if opens and closes and not nested:
            return f"{delim}{inner}{delim}"
        # `*` would not parse here (CJK punctuation beside a letter, or nested delimiters)
        inner = self.render(node.content, in_link=in_link, prev=">", next_="<", line_start=False)
        return f"<{tag}>{inner}</{tag}>"


def code_span(text: str) -> str:
    text = text.replace("\n", " ")
    runs = [len(m) for m in re.findall(r"`+", text)]
    fence = "`" * next(n for n in range(1, len(text) + 2) if n not in runs)
    pad = " " if text.startswith("`") or text.endswith("`") or (
        text.startswith(" ") and text.endswith(" ") and text.strip(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link_destination(url: str) -> str:
    if url == "" or re.search(r"[\s<>()\\]|[\x00-\x1f]", url):
        escaped = re.sub(r"([<>\\])", r"\\\1", re.sub(r"[\r\n]", "", url))
        return f"<{escaped}>"
    return url


def link_title(title: str) -> str:
    if not title:
        return ""
    return ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Blocks:
    def __init__(self, ctx: WriteContext | None):
        self.ctx = ctx
        self.inl = _Inlines(ctx)

    def render_all(self, blocks) -> list[str]:
        """Each block as a chunk of lines; chunks are joined by one blank line."""
        chunks: list[str] = []
        prev_list: tuple[type, str] | None = None
        for block in blocks:
            for b in self.flatten(block):
                marker_variant = ""
                if isinstance(b, (BulletList, OrderedList)):
                    # two lists in a row would merge into one: alternate the marker
                    if prev_list and prev_list[0] is type(b):
                        marker_variant = "alt" if prev_list[1] == "" else ""
                    prev_list = (type(b), marker_variant)
                else:
                    prev_list = None
                chunk = self.block(b, marker_variant)
                if chunk is not None:
                    chunks.append(chunk)
        return chunks

    def flatten(self, block):
        """Divisions have no Markdown form: their blocks are written in their place."""
        if isinstance(block, Div):
            for b in block.blocks:
                yield from self.flatten(b)
        else:
            yield block

    def block(self, b, variant: str = "") -> str | None:
        if isinstance(b, Para):
            text = self.inl.render(b.content)
            return _protect_trailing(text) if text.strip() else None
        if isinstance(b, Heading):
            text = self.inl.render(_one_line(b.content), line_start=False)
            text = re.sub(r"(#+)$", r"\\\1", text)  # a trailing # run would be a closing sequence
            return ("#" * b.level + " " + _protect_trailing(text)).rstrip()
        if isinstance(b, BlockQuote):
            inner = "\n\n".join(self.render_all(b.blocks))
            return "\n".join((">" + (" " + line if line else "")) for line in inner.split("\n")) if inner else ">"
        if isinstance(b, (BulletList, OrderedList)):
            return self.list_block(b, variant)
        if isinstance(b, CodeBlock):
            runs = [len(m) for m in re.findall(r"^ {0,3}(`{3,})", b.text, re.M)]
            fence = "`" * max([3] + [n + 1 for n in runs])
            info = b.attr.classes[0] if b.attr.classes else ""
            if "`" in info:
                info = ""
            body = b.text + "\n" if b.text else ""
            return f"{fence}{info}\n{body}{fence}"
        if isinstance(b, ThematicBreak):
            return "***"
        if self.ctx:
            self.ctx.warn(f"{type(b).__name__} not rendered in Markdown")
        return None

    def list_block(self, b, variant: str) -> str:
        ordered = isinstance(b, OrderedList)
        tight = all(len(item) <= 1 and all(isinstance(x, Para) for x in item) for item in b.items)
        out_items = []
        for n, item in enumerate(b.items):
            if ordered:
                marker = f"{b.start + n}{')' if variant else '.'} "
            else:
                marker = ("* " if variant else "- ")
            chunks = self.render_all(item)
            body = ("\n" if tight else "\n\n").join(chunks)
            if not body:
                out_items.append(marker.rstrip())
                continue
            pad = " " * len(marker)
            lines = body.split("\n")
            rendered = [marker + lines[0]] + [(pad + line) if line else "" for line in lines[1:]]
            out_items.append("\n".join(rendered))
        return ("\n" if tight else "\n\n").join(out_items)


_FRONT_ORDER = ("title", "subtitle", "authors", "date", "source", "url", "tags", "language")


def front_matter(meta: Metadata) -> str:
    data = metadata_to_dict(meta)
    out: dict = {}
    for key in _FRONT_ORDER:
        value = data[key]
        if value:
            out[key] = meta.date if key == "date" else value
    for key, value in meta.extra.items():
        if key not in out:
            out[key] = value
    if not out:
        return ""
    dumped = yaml.safe_dump(out, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10**9)
    return f"---\n{dumped}---\n"


def render_markdown(doc: Document, *, front: bool = True, ctx: WriteContext | None = None) -> str:
    parts = []
    if front:
        fm = front_matter(doc.metadata)
        if fm:
            parts.append(fm)
    renderer = _Blocks(ctx)
    arts = chapters(doc)
    if arts is None:
        chunks = renderer.render_all(doc.blocks)
    else:  # a collection: each article under its own title
        chunks = []
        for art in arts:
            if art.metadata.title:
                chunks.append("# " + renderer.inl.render([Text(art.metadata.title)], line_start=False))
            chunks.extend(renderer.render_all(art.blocks))
    body = "\n\n".join(chunks)
    if body:
        parts.append(("\n" if parts else "") + body + "\n")
    return "".join(parts)


class MarkdownWriter(Writer):
    name = "markdown"
    aliases = ("md", "commonmark")
    extensions = ("md", "markdown")
    media_type = "text/markdown; charset=utf-8"
    binary = False
    description = "clean CommonMark with YAML front matter, never hard-wrapped"
    options = (Option("front_matter", bool, True, "write the metadata as YAML front matter"),)

    def write(self, doc, out, ctx):
        out.write(render_markdown(doc, front=ctx.options["front_matter"], ctx=ctx).encode("utf-8"))


@hookimpl
def register_writers(register):
    register(MarkdownWriter())
