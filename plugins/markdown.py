"""Markdown writer: clean CommonMark.

- Paragraphs are never hard-wrapped: a line break inside Chinese text becomes a space in most
  renderers.
- Characters are escaped only where CommonMark would otherwise parse them: `` ` ``, `[`, `]` and
  `\\` always; `*` unless its run has white space on both sides; `_` unless it sits inside a
  word; `<` before a tag-like character; `&` before an entity; `!` before a link; `#`, `>`, `-`,
  `+`, `*`, `1.`, fences and thematic breaks only where they start a line; a trailing `#` run in
  a heading only after a blank. Blanks at the edges of a paragraph or heading are kept as
  character references (markdown-it strips all Unicode white space there, U+3000 included).
- Each paragraph and heading is checked by reading it back: emphasis is written with `*`/`**`
  where that parses to the same inlines, and as `<em>`/`<strong>` (which the reader reads back)
  where it does not, e.g. next to CJK punctuation (`期间**“双十一”**`) or beside other emphasis.
- Lists are written tight unless an item holds blocks that need a blank line between them
  (the model does not record tight/loose); two adjacent lists alternate their marker.
- Metadata is YAML front matter unless `--no-front-matter`.
- Idempotent: Markdown → model → Markdown gives the same bytes (tests/test_markdown_roundtrip.py).
"""

from __future__ import annotations

import re
import unicodedata

from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import (
    BlockQuote, BulletList, Code, CodeBlock, Div, Document, Emph, Heading, LineBreak, Link,
    Metadata, OrderedList, Para, Span, Strong, Text, ThematicBreak,
)
from wenzhuan.plugins.front_matter import dump as front_matter_yaml
from wenzhuan.registry import Option, WriteContext, Writer
from wenzhuan.walk import chapters, merge_text

_ENTITY = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")
_ATX_START = re.compile(r"^#{1,6}(?=[ \t]|$)")
_BULLET_START = re.compile(r"^[-+*](?=[ \t]|$)")
_BREAK_LINE = re.compile(r"^(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$")
# What str.strip() removes, less the line endings (Text never holds them): markdown-it-py strips
# these from both ends of a paragraph and a heading, and from the start of every line.
# (Spelled out: computing it walks all of Unicode, 35 ms at every start; a test checks it.)
_BLANKS = ("\t\x0b\x0c\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
           "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# What escape_text may have to escape; a run without any of these is written as it is.
_SPECIAL = re.compile(r"[\\*`\[\]_<&!]")
_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def is_punct(ch: str) -> bool:
    """CommonMark's punctuation: ASCII punctuation and Unicode P* and S* categories."""
    return ch in _ASCII_PUNCT or (bool(ch) and unicodedata.category(ch)[0] in "PS")


def is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def escape_text(s: str, *, line_start: bool, prev: str, next_: str, before_link: bool) -> str:
    """Escape one Text run. `prev`/`next_` are the characters around it in the output."""
    s = s.replace("\n", " ").replace("\0", "\ufffd")  # CommonMark reads U+0000 as U+FFFD
    if _SPECIAL.search(s) is None:  # most runs: nothing to escape, no walk over the characters
        return escape_line_start(s) if line_start else s
    out = []
    n = len(s)
    for i, ch in enumerate(s):
        if ch == "*":
            # a `*` run with white space on both sides can neither open nor close emphasis
            a, b = i, i
            while a > 0 and s[a - 1] == "*":
                a -= 1
            while b + 1 < n and s[b + 1] == "*":
                b += 1
            left = s[a - 1] if a > 0 else prev
            right = s[b + 1] if b + 1 < n else next_
            spaced = left != "" and left.isspace() and right != "" and right.isspace()
            out.append("*" if spaced else "\\*")
        elif ch in "\\`[]":
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
            out.append("\\&" if _ENTITY.match(s, i) else "&")
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
    lead = len(text) - len(text.lstrip(_BLANKS))
    if lead:  # leading blanks would be stripped (or start a code block): keep them as references
        return _char_refs(text[:lead]) + text[lead:]
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


def _char_refs(blanks: str) -> str:
    # A reference to a C0/C1 control character reads as U+FFFD; CommonMark has no way to keep
    # those (VT, FS to US, NEL) at the edge of a paragraph, so they are left out there.
    return "".join(f"&#{ord(c)};" for c in blanks if not _is_control(c))


def _is_control(c: str) -> bool:
    o = ord(c)
    return o < 0x20 and c not in "\t\n\x0c\r" or 0x7F <= o <= 0x9F


def _protect_edges(text: str) -> str:
    """Blanks at the start or end of a paragraph or heading would be stripped (markdown-it strips
    all Unicode white space there, NBSP and U+3000 included): keep them as character references."""
    body = text.strip(_BLANKS)
    if not body:
        return _char_refs(text)
    start = text.index(body)
    return _char_refs(text[:start]) + body + _char_refs(text[start + len(body):])


def _protect_trailing(text: str) -> str:
    """Blanks at the end of a paragraph would be dropped: keep them as character references."""
    body = text.rstrip(_BLANKS)
    return body + _char_refs(text[len(body):])


def _walk_inlines(nodes):
    for n in nodes:
        yield n
        if isinstance(n, (Emph, Strong, Link, Span)):
            yield from _walk_inlines(n.content)


class _Inlines:
    """Render inline nodes to one string (no newlines except hard breaks)."""

    def __init__(self, ctx: WriteContext | None):
        self.ctx = ctx
        self.single_line = False  # in a heading: hard breaks are written as `<br />`
        self.html_emphasis = False  # the fallback: every Emph/Strong as `<em>`/`<strong>`

    def render(self, nodes, *, in_link: bool = False, prev: str = "", next_: str = "",
               line_start: bool = True) -> str:
        parts: list[str] = []
        nodes = list(expected_inlines(nodes, in_link=in_link))
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
            if prev == "`":  # right after another code span the backtick runs would join
                return "<code>" + escape_text(node.text, line_start=False, prev=">", next_="<",
                                              before_link=False) + "</code>"
            return code_span(node.text)
        if isinstance(node, LineBreak):
            return "<br />" if self.single_line else "\\\n"
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
        # a `*` next to another `*` would join its delimiter run
        nested = inner.startswith("*") or inner.endswith("*") or prev == "*" or next_ == "*"
        if opens and closes and not nested and not self.html_emphasis:
            return f"{delim}{inner}{delim}"
        # `*` would not parse here (CJK punctuation beside a letter, or nested delimiters)
        inner = self.render(node.content, in_link=in_link, prev=">", next_="<", line_start=False)
        return f"<{tag}>{inner}</{tag}>"


# Characters that can mean something to CommonMark inside a line of text (its commonmark preset:
# no linkify, no typographer), and every white space but the space and U+3000 (line breaks to
# some readers, stripped at the edges by markdown-it). One class, the white space spelled out
# (what `[^\S \u3000]` matches): an alternation is several times slower to search for.
_UNSAFE_IN_LINE = re.compile("[\\\\`*_\\[\\]<&\x00-\x1f\x7f-\x9f\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f]")


def is_plain(text: str) -> bool:
    """Whether a paragraph of just this text reads back as itself when written as it is: no
    character with a meaning in a line, no block marker at its start (ASCII punctuation, a list
    number), no blank at either end. Tested against reading it back (tests/test_markdown_writer.py)."""
    if not text or _UNSAFE_IN_LINE.search(text):
        return False
    first, last = text[0], text[-1]
    return ((first not in _ASCII_PUNCT or first in "\"'(") and not first.isspace() and not last.isspace()
            and not (first.isdigit() and _ORDERED_START.match(text)))


def _read_back(chunk: str) -> tuple:
    from wenzhuan.plugins.readers.markdown import read_markdown

    return read_markdown(chunk).blocks


def expected_inlines(nodes, *, in_link: bool = False, edge_breaks: bool = True) -> tuple:
    """The inlines as the Markdown reader will read back what the writer writes: spans written
    in place, attributes dropped (Markdown has no syntax for them), nested links as their text,
    adjacent text runs merged, empty code spans dropped, newlines in text and code as spaces;
    with `edge_breaks=False` (a paragraph) line breaks at either end are dropped, since
    CommonMark has no hard break there."""
    out: list = []
    for node in nodes:
        if isinstance(node, Span):
            out.extend(expected_inlines(node.content, in_link=in_link))
        elif isinstance(node, Link) and in_link:
            out.extend(expected_inlines(node.content, in_link=True))
        elif isinstance(node, Link):
            out.append(Link(expected_inlines(node.content, in_link=True),
                            _plain(re.sub(r"[\r\n]", "", node.url)), _plain(node.title)))
        elif isinstance(node, (Emph, Strong)):
            out.append(type(node)(expected_inlines(node.content, in_link=in_link)))
        elif isinstance(node, Code):
            if node.text:
                out.append(Code(_one_line(node.text)))
        elif isinstance(node, Text):
            out.append(Text(_STRIPPED_CONTROLS.sub("", _one_line(node.text))))
        else:
            out.append(node)
    merged = list(merge_text(out))
    if not edge_breaks:
        while merged and isinstance(merged[0], LineBreak):
            merged.pop(0)
        while merged and isinstance(merged[-1], LineBreak):
            merged.pop()
    return tuple(merged)


# Control characters markdown-it strips at the edges of lines and that no character reference
# can stand for (VT, the information separators FS to US, NEL): dropped from text.
_STRIPPED_CONTROLS = re.compile("[\x0b\x1c-\x1f\x85]")


def _plain(text: str) -> str:
    return text.replace("\0", "\ufffd")  # CommonMark reads U+0000 as U+FFFD


def _one_line(text: str) -> str:
    return _plain(re.sub(r"\r\n?|\n", " ", text))


def code_span(text: str) -> str:
    text = text.replace("\n", " ")
    runs = [len(m) for m in re.findall(r"`+", text)]
    fence = "`" * next(n for n in range(1, len(text) + 2) if n not in runs)
    pad = " " if text.startswith("`") or text.endswith("`") or (
        text.startswith(" ") and text.endswith(" ") and text.strip(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link_destination(url: str) -> str:
    url = url.replace("\0", "\ufffd")
    if url == "" or re.search(r"[\s<>()\\]|[\x00-\x1f\x7f]", url) or _ENTITY.search(url):
        escaped = re.sub(r"([<>\\])", r"\\\1", re.sub(r"[\r\n]", "", url))
        return f"<{_keep_entities(escaped)}>"
    return url


def link_title(title: str) -> str:
    if not title:
        return ""
    return ' "' + _keep_entities(title.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def _keep_entities(text: str) -> str:
    """`&amp;` in a URL or title is literal text: escaped, so a reader does not decode it."""
    return _ENTITY.sub(lambda m: "\\" + m.group(0), text)


class _Blocks:
    def __init__(self, ctx: WriteContext | None):
        self.ctx = ctx
        self.inl = _Inlines(ctx)

    def render_all(self, blocks) -> list[str]:
        """Each block as a chunk of lines; chunks are joined by one blank line."""
        chunks: list[str] = []
        prev_list: tuple[type, str] | None = None
        for block in blocks:
            for b in (self.flatten(block) if isinstance(block, Div) else (block,)):
                variant = ""
                is_list = isinstance(b, (BulletList, OrderedList))
                if is_list and prev_list and prev_list[0] is type(b):
                    # two lists in a row would merge into one: alternate the marker
                    variant = "alt" if prev_list[1] == "" else ""
                chunk = self.block(b, variant)
                if chunk is None:
                    continue
                prev_list = (type(b), variant) if is_list else None
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
            return self.inline_block(b)
        if isinstance(b, Heading):
            return self.inline_block(b)
        if isinstance(b, BlockQuote):
            inner = "\n\n".join(self.render_all(b.blocks))
            return "\n".join((">" + (" " + line if line else "")) for line in inner.split("\n")) if inner else ">"
        if isinstance(b, (BulletList, OrderedList)):
            return self.list_block(b, variant) if b.items else None
        if isinstance(b, CodeBlock):
            text = re.sub(r"\r\n?", "\n", b.text)  # CommonMark reads a lone CR as a line end
            runs = [len(m) for m in re.findall(r"^ {0,3}(`{3,})", text, re.M)]
            fence = "`" * max([3] + [n + 1 for n in runs])
            info = b.attr.classes[0] if b.attr.classes else ""
            if "`" in info:
                info = ""
            body = text + "\n" if text else ""
            return f"{fence}{info}\n{body}{fence}"
        if isinstance(b, ThematicBreak):
            return "***"
        if self.ctx:
            self.ctx.warn(f"{type(b).__name__} not rendered in Markdown")
        return None

    # -- tight and loose lists. The model does not record list spacing: a list is written tight
    # (no blank lines) unless one of its items holds two blocks that need a blank line between
    # them, in which case CommonMark makes the whole list loose.

    def can_be_tight(self, b) -> bool:
        for item in b.items:
            blocks = [x for x in self.flatten_all(item) if not self.is_dropped(x)]
            if any(self.needs_blank(x, y) for x, y in zip(blocks, blocks[1:])):
                return False
        return True

    def flatten_all(self, blocks) -> list:
        return [x for block in blocks for x in self.flatten(block)]

    def is_dropped(self, b) -> bool:
        """Whether `b` is written as nothing at all."""
        if isinstance(b, Para):
            return not _protect_trailing(self.inl.render(expected_inlines(b.content, edge_breaks=False))).strip()
        return isinstance(b, (BulletList, OrderedList)) and not b.items

    def ends_in_paragraph(self, b) -> bool:
        """Whether `b` ends with a paragraph that a following line could continue (lazily)."""
        if isinstance(b, Para):
            return True
        if isinstance(b, BlockQuote):
            inner = [x for x in self.flatten_all(b.blocks) if not self.is_dropped(x)]
            return bool(inner) and self.ends_in_paragraph(inner[-1])
        if isinstance(b, (BulletList, OrderedList)):
            if not b.items:
                return False
            inner = [x for x in self.flatten_all(b.items[-1]) if not self.is_dropped(x)]
            return bool(inner) and self.ends_in_paragraph(inner[-1])
        return False

    def needs_blank(self, a, b) -> bool:
        """Whether block `b` written on the line after block `a` would be read differently."""
        if isinstance(b, Para):  # it would continue a's (last) paragraph
            return self.ends_in_paragraph(a)
        if isinstance(a, BlockQuote) and isinstance(b, BlockQuote):  # they would join
            return True
        if isinstance(a, Para) and isinstance(b, (BulletList, OrderedList)):
            # a list interrupts a paragraph only when its first item is not empty and, if
            # ordered, it starts at 1
            first_line = (self.list_block(b, "") or "").split("\n")[0]
            return bool(_BARE_MARKER.match(first_line)) or (isinstance(b, OrderedList) and b.start != 1)
        return False

    def inline_block(self, b) -> str | None:
        """A paragraph or heading. Written with `*` emphasis where it parses back to the same
        inlines; checked by reading it back, and written with `<em>`/`<strong>` where not."""
        heading = isinstance(b, Heading)
        content = b.content
        if not heading and len(content) == 1 and type(content[0]) is Text and is_plain(content[0].text):
            # most paragraphs of prose, before the work below: plain text reads back as itself
            return content[0].text
        expected = expected_inlines(content, edge_breaks=heading)
        if not heading and not expected:
            return None
        if not heading and len(expected) == 1 and isinstance(expected[0], Text) and is_plain(expected[0].text):
            return expected[0].text  # most paragraphs of prose: nothing to escape or check
        chunk = ""
        for html in (False, True):
            self.inl.html_emphasis = html
            self.inl.single_line = heading
            try:
                if heading:
                    text = self.inl.render(expected, line_start=False)
                    # a trailing # run after a blank (or alone) would close the heading
                    text = re.sub(r"(^|[ \t])(#+)$", r"\1\\\2", text)
                    text = _protect_edges(text)
                    chunk = ("#" * b.level + " " + text) if text else "#" * b.level
                else:
                    chunk = _protect_trailing(self.inl.render(expected))
                    if not chunk.strip():  # nothing CommonMark can keep (control characters)
                        return None
            finally:
                self.inl.html_emphasis = self.inl.single_line = False
            want = Heading(b.level, expected) if heading else Para(expected)
            if _read_back(chunk) == (want,):
                return chunk
        if self.ctx:
            self.ctx.warn(f"{type(b).__name__.lower()} may not read back exactly: {chunk[:60]!r}")
        return chunk

    def list_block(self, b, variant: str) -> str:
        ordered = isinstance(b, OrderedList)
        tight = self.can_be_tight(b)
        out_items = []
        start = b.start if ordered else 0
        if ordered and not 0 <= start <= _MAX_START:
            if self.ctx:
                self.ctx.warn(f"ordered list start {start} is outside CommonMark's 0-{_MAX_START}; clamped")
            start = min(max(start, 0), _MAX_START)
        for n, item in enumerate(b.items):
            if ordered:  # only the first number counts; the others must stay within nine digits
                marker = f"{min(start + n, _MAX_START)}{')' if variant else '.'} "
            else:
                marker = ("+ " if variant else "- ")  # not `*`: `* ***` is a thematic break
            chunks = self.render_all(item)
            body = ("\n" if tight else "\n\n").join(chunks)
            if not body:
                out_items.append(marker.rstrip())
                continue
            pad = " " * len(marker)
            lines = body.split("\n")
            if _DASH_BREAK.match(marker + lines[0]):  # `- - -` would be a thematic break:
                lines.insert(0, "")  # start the item with a blank line instead
            rendered = [(marker + lines[0]).rstrip()] + [(pad + line) if line else "" for line in lines[1:]]
            out_items.append("\n".join(rendered))
        return ("\n" if tight else "\n\n").join(out_items)


_MAX_START = 999_999_999
_DASH_BREAK = re.compile(r"^(?:-[ \t]*){3,}$")
_BARE_MARKER = re.compile(r"^(?:[-+]|\d{1,9}[.)])$")
_FRONT_ORDER = ("title", "subtitle", "authors", "date", "source", "url", "tags", "language")


# Front matter keys the Markdown reader maps onto Metadata fields: an `extra` entry by one of
# these names would be read back as the field, so it is not written (`date` is kept when the
# field is empty: the reader leaves a date it cannot parse in `extra`).
_FIELD_KEYS = frozenset(_FRONT_ORDER) | {"author", "lang"}


def front_matter(meta: Metadata, ctx: WriteContext | None = None) -> str:
    """The metadata as a YAML front matter block (empty when there is no metadata).

    Strings are written stripped and empty names left out, as the reader reads them; YAML
    quotes any string that would otherwise read as another type (`yes`, `null`, `2020-01-01`).
    """
    out: dict = {}
    for key in _FRONT_ORDER:
        value = getattr(meta, key)
        if key == "date":
            if value is not None:
                out[key] = value
        elif isinstance(value, tuple):
            names = [v.strip() for v in value if v.strip()]
            if names:
                out[key] = names
        elif value.strip():
            out[key] = value.strip()
    for key, value in meta.extra.items():
        if key in _FIELD_KEYS and not (key == "date" and meta.date is None):
            if ctx:
                ctx.warn(f"extra metadata key {key!r} clashes with a front matter field; not written")
            continue
        out[key] = value
    if not out:
        return ""
    return f"---\n{front_matter_yaml(out)}---\n"


def render_markdown(doc: Document, *, front: bool = True, ctx: WriteContext | None = None) -> str:
    parts = []
    if front:
        fm = front_matter(doc.metadata, ctx)
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
    body = "\n\n".join(chunks).replace("\0", "\ufffd")  # CommonMark reads U+0000 as U+FFFD
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
