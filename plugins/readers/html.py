"""HTML reader: documents and fragments, parsed with lxml's HTML parser.

Safe by construction: lxml's HTML parser never fetches anything (`no_network`) and never resolves
DTDs or external entities; comments, processing instructions, scripts, styles and other
non-content elements are dropped; entities arrive decoded; an internal DTD subset is dropped
unread (so no entity it declares is ever expanded). Links with schemes that run code or reach
local files (`javascript:`, `data:`, `vbscript:`, `file:`, however disguised: see
`wenzhuan.sanitize.is_unsafe_url`) become their plain text. Markup nested deeper than 255
elements is refused with a clear error rather than read with its deepest text missing.

Whitespace follows CSS: a run of spaces and newlines is one space, and a run containing a newline
between two wide (CJK) characters vanishes, as browsers render Chinese. Two or more `<br>` in a
row separate paragraphs (how many CMSs mark them); one `<br>` is a line break.

`html_blocks(fragment)` is also used by the Markdown reader for raw HTML blocks.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from itertools import islice
from typing import Iterable

from wenzhuan import regex_cache
from wenzhuan.errors import InputError
from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import (
    Attr, BlockQuote, BulletList, Code, CodeBlock, Document, Emph, Heading, LineBreak, Link, Metadata,
    OrderedList, Para, Span, Strong, Text, ThematicBreak,
)
from wenzhuan.plugins.hanzi import headline_of_title, is_wide
from wenzhuan.plugins.readers.html_content import keep_span, left_out, main_content
from wenzhuan.registry import ReadContext, Reader
from wenzhuan.sanitize import UNSAFE_SCHEMES, is_unsafe_url  # noqa: F401 - UNSAFE_SCHEMES re-exported
from wenzhuan.walk import merge_text


@functools.lru_cache(maxsize=1)
def _parser():
    """lxml's HTML parser, imported on first use: most batches read no HTML (Markdown imports
    this module for its HTML blocks), and importing lxml costs about 10 ms."""
    from lxml import html as lxml_html

    return lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True,
                                huge_tree=False)


DROP = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "svg",
    "math", "head", "nav", "form", "button", "select", "input", "textarea", "canvas", "audio", "video",
    "map", "link", "meta", "base", "title",
    # ruby annotations: <ruby>漢<rt>hàn</rt></ruby> is the character; its reading in the text
    # would be the very pinyin artifact the normalizer removes elsewhere
    "rt", "rp",
})
HEADINGS = {f"h{i}": i for i in range(1, 7)}
# Elements whose content is blocks; everything not listed here or in DROP is inline.
CONTAINERS = frozenset({
    "html", "body", "div", "section", "article", "main", "header", "footer", "aside", "center",
    "address", "details", "summary", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr",
    "td", "th", "caption", "dl", "dt", "dd", "li", "fieldset", "legend",
})
BLOCKS = CONTAINERS | {"p", "blockquote", "ul", "ol", "pre", "hr"} | set(HEADINGS)
EMPH = frozenset({"em", "i", "cite", "dfn", "var"})
STRONG = frozenset({"strong", "b"})
CODE = frozenset({"code", "kbd", "samp", "tt"})

_XML_DECL = re.compile(r"\A\s*<\?xml[^>]*\?>")
# A DOCTYPE with an internal subset (`<!DOCTYPE x [ <!ENTITY ...> ]>`): the HTML parser never
# expands or fetches what it declares, but would show its tail as text; it is dropped whole.
_DOCTYPE_SUBSET = re.compile(r"\s*<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.I | re.S)
MAX_DEPTH = 255  # libxml2's limit without XML_PARSE_HUGE, which stays off
_WS = " \t\n\r\f"  # HTML's whitespace (not NBSP, not U+3000)
_WS_RUN = re.compile(f"[{_WS}]+")
_SNIFF_DOC = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<!doctype\s+html|\A\s*<html[\s>]", re.I | re.S)
_SNIFF_TAGS = re.compile(r"<(?:p|div|br|h[1-6]|span|table|ul|ol|li|a\s|strong|em|section|article)\b[^<>]*>", re.I)


def _tag(el) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def parse(text: str):
    """The parsed tree's root element, or None for empty input."""
    text = _XML_DECL.sub("", text, count=1)
    m = _DOCTYPE_SUBSET.match(text)
    if m:
        text = "\n" * m.group(0).count("\n") + text[m.end():]  # lines kept in step for the report
    if not text.strip():
        return None
    from lxml import etree

    parser = _parser()
    root = etree.fromstring(text, parser=parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 stops descending at its depth limit and drops what is deeper: refuse rather
        # than convert a document with its text silently missing
        raise InputError(f"its HTML is nested more than {MAX_DEPTH} elements deep; wenzhuan does not "
                         "read deeper nesting", hint="flatten the document's markup")
    return root


class _Converter:
    def __init__(self, ctx: ReadContext | None = None, line_offset: int = 0):
        self.ctx = ctx
        self.line_offset = line_offset
        self.warned: set[str] = set()

    def warn_once(self, message: str) -> None:
        if self.ctx is not None and message not in self.warned:
            self.warned.add(message)
            self.ctx.warn(message)

    def line(self, el) -> int | None:
        return el.sourceline + self.line_offset if el is not None and el.sourceline else None

    # ------------------------------------------------------------------ blocks

    def blocks(self, el) -> list[tuple]:
        """(block, line) pairs for the content of `el`, a block container."""
        out: list[tuple] = []
        pending: list = []
        pending_line: list[int | None] = [self.line(el)]

        def flush():
            if pending:
                # (white space alone, the usual tail of a block, makes no paragraph)
                if len(pending) > 1 or type(pending[0]) is not Text or pending[0].text.strip(_WS):
                    out.extend((p, pending_line[0]) for p in paragraphs(pending))
                pending.clear()

        if el.text:
            pending.append(Text(el.text))
        for child in el:
            tag = _tag(child)
            if tag in DROP or not tag:
                pass
            elif tag in BLOCKS:
                flush()
                out.extend(self.block(child))
            else:
                if not pending:
                    pending_line[0] = self.line(child)
                pending.extend(self.inline(child))
            if child.tail:
                if not pending:
                    pending_line[0] = self.line(child)
                pending.append(Text(child.tail))
        flush()
        return out

    def block(self, el) -> list[tuple]:
        tag = _tag(el)
        line = self.line(el)
        if tag == "p":
            return [(p, line) for p in paragraphs(self.inlines_of(el))]
        if tag in HEADINGS:
            content = finish(self.inlines_of(el))
            return [(Heading(HEADINGS[tag], content), line)] if content else []
        if tag == "blockquote":
            inner = [b for b, _ in self.blocks(el)]
            return [(BlockQuote(inner), line)] if inner else []
        if tag in ("ul", "ol"):
            items = []
            for child in el:
                ctag = _tag(child)
                if ctag in DROP or not ctag:
                    continue
                blocks = [b for b, _ in (self.blocks(child) if ctag in CONTAINERS else self.block(child)
                                         if ctag in BLOCKS else self._inline_para(child))]
                if blocks:
                    items.append(blocks)
            if not items:
                return []
            if tag == "ol":
                try:
                    start = int(el.get("start", "1"))
                except ValueError:
                    start = 1
                return [(OrderedList(items, start), line)]
            return [(BulletList(items), line)]
        if tag == "pre":
            text = el.text_content()
            text = text[1:] if text.startswith("\n") else text
            text = text.rstrip("\n")
            return [(CodeBlock(text), line)] if text.strip() else []
        if tag == "hr":
            return [(ThematicBreak(), line)]
        return self.blocks(el)

    def _inline_para(self, el) -> list[tuple]:
        return [(p, self.line(el)) for p in paragraphs(self.inline(el))]

    # ----------------------------------------------------------------- inlines

    def inlines_of(self, el) -> list:
        out: list = []
        if el.text:
            out.append(Text(el.text))
        for child in el:
            out.extend(self.inline(child))
            if child.tail:
                out.append(Text(child.tail))
        return out

    def inline(self, el) -> list:
        tag = _tag(el)
        if tag in DROP or not tag:
            return []
        if tag == "br":
            return [LineBreak()]
        if tag == "img":
            self.warn_once("images are not supported; dropped")
            return []
        if tag in CODE:
            text = _WS_RUN.sub(" ", el.text_content())
            return [Code(text)] if text else []
        content = self.inlines_of(el)
        if tag in BLOCKS:  # a block inside inline content (invalid HTML): keep its text, break around it
            return [LineBreak(), LineBreak(), *content, LineBreak(), LineBreak()]
        if tag in EMPH:
            return [Emph(content)]
        if tag in STRONG:
            return [Strong(content)]
        if tag == "a":
            href = (el.get("href") or "").strip()
            if not href or is_unsafe_url(href):
                return content
            return [Link(content, href, (el.get("title") or "").strip())]
        if tag == "span" and el.get("lang"):
            return [Span(content, Attr(lang=el.get("lang")))]
        return content


# ------------------------------------------------------------------------- whitespace


def _flat(nodes, out: list) -> None:
    for n in nodes:
        if isinstance(n, (Text, Code)):
            out.append(n.text)
        elif isinstance(n, LineBreak):
            out.append("\x00")
        else:
            _flat(n.content, out)


def _wide(ch: str) -> bool:
    return is_wide(ch)


def finish(nodes: Iterable) -> tuple:
    """Collapse HTML whitespace in an inline list (see the module docstring) and trim its ends."""
    nodes = list(nodes)
    runs = [n for n in nodes if type(n) is not LineBreak]
    if len(runs) == 1 and type(runs[0]) is Text:
        # Most paragraphs: one text run, maybe line breaks before or after it (all trimmed).
        # Whitespace at its ends goes; a run inside, between two other characters, becomes one
        # space; a newline (it vanishes between wide characters) or a NUL (the general walk's
        # mark for a line break) inside takes the general walk.
        core = runs[0].text.strip(_WS)
        if "\n" not in core and "\r" not in core and "\x00" not in core:
            if "  " in core or "\t" in core or "\f" in core:  # (else there is no run to collapse)
                core = _WS_RUN.sub(" ", core)
            return (Text(core),) if core else ()
    return _collapse(nodes)


def _collapse(nodes: list) -> tuple:
    """`finish` in general: whitespace collapsed run by run, with each run's neighbours."""
    parts: list[str] = []
    _flat(nodes, parts)
    flat = "".join(parts)
    state = {"pos": 0, "prev": ""}

    def next_char(pos: int) -> str:
        m = _NON_WS.search(flat, pos)
        return m.group(0) if m else ""

    def text(value: str) -> str:
        start = state["pos"]
        out = []
        last = 0
        for m in _WS_RUN.finditer(value):
            out.append(value[last:m.start()])
            if m.start() > last:
                state["prev"] = value[m.start() - 1]
            prev = state["prev"]
            nxt = next_char(start + m.end())
            keep = not (prev in ("", "\x00", " ") or nxt in ("", "\x00")
                        or ("\n" in m.group(0) or "\r" in m.group(0)) and _wide(prev) and _wide(nxt))
            if keep:
                out.append(" ")
                state["prev"] = " "
            last = m.end()
        out.append(value[last:])
        if len(value) > last:
            state["prev"] = value[-1]
        state["pos"] = start + len(value)
        return "".join(out)

    def visit(seq) -> list:
        result = []
        for n in seq:
            if isinstance(n, Text):
                t = text(n.text)
                if t:
                    result.append(Text(t))
            elif isinstance(n, Code):
                state["pos"] += len(n.text)
                state["prev"] = n.text[-1:] or state["prev"]
                result.append(n)
            elif isinstance(n, LineBreak):
                state["pos"] += 1
                if result and isinstance(result[-1], Text) and result[-1].text.endswith(" "):
                    result[-1] = Text(result[-1].text.rstrip(" "))
                state["prev"] = "\x00"
                result.append(n)
            else:
                content = merge_text(visit(n.content))
                if content:
                    result.append(dataclasses.replace(n, content=content))
        return result

    out = list(merge_text(visit(nodes)))
    # trim line breaks and spaces at both ends
    while out and isinstance(out[0], LineBreak):
        out.pop(0)
    while out and isinstance(out[-1], LineBreak):
        out.pop()
    if out and isinstance(out[-1], Text):
        stripped = out[-1].text.rstrip(" ")
        out[-1:] = [Text(stripped)] if stripped else []
    return merge_text(out)


_NON_WS = re.compile(r"[^ \t\n\r\f]")


def paragraphs(nodes: list) -> list[Para]:
    """Split an inline list at runs of two or more line breaks; one paragraph per piece."""
    if len(nodes) == 1 and type(nodes[0]) is Text:  # most paragraphs: one run of text, no break
        content = finish(nodes)
        return [Para(content)] if content else []
    pieces: list[list] = [[]]
    breaks = 0
    for n in nodes:
        if isinstance(n, LineBreak):
            breaks += 1
            pieces[-1].append(n)
            continue
        if isinstance(n, Text) and not n.text.strip(" \t\n\r\f"):
            pieces[-1].append(n)
            continue
        if breaks >= 2:
            pieces.append([])
        breaks = 0
        pieces[-1].append(n)
    out = []
    for piece in pieces:
        content = finish(piece)
        if content:
            out.append(Para(content))
    return out


# ----------------------------------------------------------------------------- reading


def html_blocks(fragment: str, ctx: ReadContext | None = None, line_offset: int = 0) -> list[tuple]:
    """Blocks of an HTML fragment or document, as (block, 1-based line) pairs."""
    simple = _simple_paragraphs(fragment)
    if simple is not None:
        return [(p, line + line_offset) for text, line in simple for p in paragraphs([Text(text)] if text else [])]
    root = parse(fragment)
    if root is None:
        return []
    return _Converter(ctx, line_offset).blocks(root)


# One `<p>` of plain text: no markup, no entity, no character the HTML parser treats specially
# (controls but tab and line feed, non-characters, surrogates).
_SIMPLE_P = regex_cache.compile("[ \t\n]*<p>([^<>&\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]*)</p>")


def _simple_paragraphs(fragment: str) -> list[tuple[str, int]] | None:
    """(text, 1-based line) of each paragraph when `fragment` is nothing but `<p>` elements of
    plain text and white space between them (a Jekyll post's body), else None: what lxml's
    parse would give, without parsing and walking a tree."""
    out = []
    pos, line, end = 0, 1, len(fragment)
    match = _SIMPLE_P.match
    while pos < end:
        m = match(fragment, pos)
        if m is None:  # the end, or something else
            return out if out and not fragment[pos:].strip(" \t\n") else None
        line += fragment.count("\n", pos, m.start(1))
        out.append((m.group(1), line))
        line += m.group(1).count("\n")
        pos = m.end()
    return out or None


# A web page's own header, footer and sidebars (site links, copyright, share buttons, related
# articles) are not the article; inside an <article> or <main> they are (its heading, byline).
_CHROME = ("header", "footer", "aside")
_CONTENT = ("article", "main")


def _article_root(root, ctx: ReadContext | None, page: bool):
    """The part of a page that is the article: its one <main> (else its one <article>), else the
    page without the header, footer and sidebars outside any <article> or <main>. A page header
    holding the page's only <h1> (the title) is kept. A full `page` is then cut to its main
    content container when one clearly wins (see html_content). What is left out is reported."""
    chrome = _chrome(root)
    for tag in _CONTENT:
        found = list(islice(root.iter(tag), 2))
        if len(found) == 1 and found[0].text_content().strip():
            _report_dropped(left_out(root, found[0], found[0]), ctx)
            return found[0]
    h1 = list(islice(root.iter("h1"), 2))
    if len(h1) == 1:  # the title in the page's header: kept
        chrome = [el for el in chrome if el is not h1[0] and el not in h1[0].iterancestors()]
    dropped = [(el, None) for el in chrome]
    for el in chrome:
        el.drop_tree()
    if page:
        found = main_content(root, BLOCKS)
        if found is not None:
            dropped += keep_span(root, *found)
    _report_dropped(dropped, ctx)
    return root


def _chrome(root) -> list:
    """The outermost headers, footers and sidebars outside every <article> and <main>, in one
    walk (a check of each one's ancestors would be quadratic on deeply nested input)."""
    from lxml import etree

    found, content, inside = [], 0, 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if tag in _CONTENT:
            content += 1 if event == "start" else -1
        elif tag in _CHROME:
            if event == "start":
                if not content and not inside:
                    found.append(el)
                inside += 1
            else:
                inside -= 1
    return found


def _report_dropped(dropped: list[tuple], ctx: ReadContext | None) -> None:
    """One change per region left out of the page: (element, None) for an element, (element,
    text) for loose text; elements never read (scripts, the head, navigation) are not reported."""
    if ctx is None:
        return
    for el, text in dropped:
        if _tag(el) in DROP:
            continue
        if text is None:  # its text as read, without scripts and styles; a space between pieces
            text = " ".join(el.xpath(_VISIBLE_TEXT))
        text = _WS_RUN.sub(" ", text).strip()
        if text:
            ctx.change("page chrome", f"{_label(el)} {text[:60]}{'…' if len(text) > 60 else ''}", "",
                       line=el.sourceline)


_VISIBLE_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"


def _label(el) -> str:
    """`<div class="right">`: the element's tag with its id or class, to find it in the page."""
    for name in ("id", "class"):
        value = (el.get(name) or "").strip()
        if value:
            return f'<{el.tag} {name}="{value[:30]}">'
    return f"<{el.tag}>"


def _page_title(root, ctx: ReadContext | None) -> str:
    """The page's <title>, without the site's name after an <h1>'s text (reported)."""
    title_el = root.find(".//title")
    title = _WS_RUN.sub(" ", title_el.text_content()).strip() if title_el is not None else ""
    if not title:
        return title
    headings = [_WS_RUN.sub(" ", h.text_content()).strip() for h in islice(root.iter("h1", "h2", "h3"), 16)]
    for h1 in islice(root.iter("h1"), 8):
        heading = _WS_RUN.sub(" ", h1.text_content()).strip()
        if headline_of_title(title, heading, headings):
            if ctx is not None:
                ctx.change("page title", title, heading, line=title_el.sourceline,
                           message="the site's name after the headline dropped")
            return heading
    return title


def read_html(text: str, ctx: ReadContext | None = None) -> Document:
    root = parse(text)
    if root is None:
        return Document()
    title = _page_title(root, ctx)
    page = _SNIFF_DOC.match(text[:20000]) is not None
    pairs = _Converter(ctx).blocks(_article_root(root, ctx, page))
    if ctx is not None:
        ctx.block_lines.extend(line or 0 for _, line in pairs)
    return Document(Metadata(title=title), tuple(b for b, _ in pairs))


class HtmlReader(Reader):
    name = "html"
    extensions = ("html", "htm", "xhtml")
    description = "HTML documents and fragments (lxml; no network, no external entities)"

    def sniff(self, text: str) -> float:
        head = text[:20000]
        if _SNIFF_DOC.match(head):
            return 0.95
        if head.startswith("---"):
            return 0.0  # front matter: a Markdown post, even when its body is raw HTML
        tags = len(_SNIFF_TAGS.findall(head))
        if tags >= 3 and head.lstrip().startswith("<"):
            return 0.75
        return 0.3 if tags >= 3 else 0.0

    def read(self, text: str, ctx: ReadContext) -> Document:
        return read_html(text, ctx)


@hookimpl
def register_readers(register):
    register(HtmlReader())
