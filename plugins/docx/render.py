"""Blocks and inlines → WordprocessingML.

The body is built as XML text (text escaped, attributes quoted as lxml quotes them), several times
faster than python-docx's object API, and streamed out in pieces (`BodyBuilder.sink`), so a large
document is never held as one string or tree. Every construct is explicit: `w:pStyle`/`w:rStyle`
for all formatting, `w:numPr` for lists, `w:hyperlink` with an external relationship for links,
`w:br` for line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Mapping
from xml.sax.saxutils import escape

from lxml import etree

from wenzhuan.model import (
    BlockQuote, BulletList, Code, CodeBlock, Div, Emph, Heading, LineBreak, Link, OrderedList, Para,
    Span, Strong, Text, ThematicBreak,
)
from wenzhuan.sanitize import is_unsafe_url

from .fonts import Script, script_of
from .styles import LIST_INDENT, abstract_num_xml, num_xml

# Characters XML 1.0 cannot hold (tab, newline and carriage return are allowed).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BOOKMARK_CHARS = re.compile(r"[^\w]")
_ATTR_ESCAPES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def attr(value: str) -> str:
    """An attribute value quoted and escaped as lxml serializes it (the streamed body is written
    as python-docx would save the same markup parsed)."""
    return f'"{escape(value, _ATTR_ESCAPES)}"'


class Cleaner:
    """Removes characters XML cannot hold, reporting each removal once per piece of text."""

    def __init__(self, report: Callable[..., None]):
        self._report = report
        self.block: int | None = None

    def __call__(self, text: str) -> str:
        if not XML_ILLEGAL.search(text):
            return text
        removed = sorted({f"U+{ord(c):04X}" for c in XML_ILLEGAL.findall(text)})
        cleaned = XML_ILLEGAL.sub("", text)
        self._report("control characters removed", text[:60].encode("unicode_escape").decode("ascii"),
                     cleaned[:60], block=self.block,
                     message=f"{', '.join(removed)} cannot be stored in a Word document")
        return cleaned


@dataclass(frozen=True)
class Env:
    """Where a block or inline is being written."""

    lang: str = ""           # BCP 47 tag in effect ("" = the document's language)
    converted: bool = False  # inside the converted half of a bilingual pair
    quote: int = 0           # block-quote depth
    list_level: int = -1     # -1 outside lists


@dataclass(frozen=True)
class Marks:
    emph: bool = False
    strong: bool = False
    code: bool = False
    link: bool = False
    diff: bool = False
    lang: str = ""


class Numbering:
    """Adds list definitions to numbering.xml: one multilevel bullet and one ordered abstract
    definition, and one `w:num` instance per list (ordered lists carry their start). The saved
    part is parsed only when the document has a list."""

    def __init__(self, saved: bytes):
        self._saved = saved
        self.el = None
        self._abstract: dict[bool, int] = {}

    def _element(self):
        if self.el is None:
            from docx.oxml import parse_xml

            self.el = element = parse_xml(self._saved)
            w = element.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            self._w = "{%s}" % w
            ids = [int(e.get(self._w + "abstractNumId", "0")) for e in element.findall(self._w + "abstractNum")]
            nums = [int(e.get(self._w + "numId", "0")) for e in element.findall(self._w + "num")]
            self._next_abstract = max(ids, default=-1) + 1
            self._next_num = max(nums, default=0) + 1
        return self.el

    def _abstract_id(self, ordered: bool) -> int:
        if ordered not in self._abstract:
            from docx.oxml import parse_xml

            aid = self._next_abstract
            self._next_abstract += 1
            node = parse_xml(abstract_num_xml(aid, ordered))
            existing = self.el.findall(self._w + "abstractNum")
            first_num = self.el.find(self._w + "num")
            if existing:
                existing[-1].addnext(node)
            elif first_num is not None:
                first_num.addprevious(node)
            else:
                self.el.append(node)
            self._abstract[ordered] = aid
        return self._abstract[ordered]

    def new_list(self, ordered: bool, level: int, start: int | None) -> int:
        from docx.oxml import parse_xml

        self._element()
        aid = self._abstract_id(ordered)
        nid = self._next_num
        self._next_num += 1
        self.el.append(parse_xml(num_xml(nid, aid, level, start if ordered else None)))
        return nid

    def xml(self) -> bytes:
        """numbering.xml as python-docx saves it."""
        if self.el is None:
            return self._saved
        return etree.tostring(self.el, encoding="UTF-8", standalone=True)


_MAX_T = 1_000_000  # characters per w:t: lxml-based readers (python-docx) refuse text nodes over 10 MB


def _t(text: str) -> str:
    if len(text) > _MAX_T:  # several w:t in one run read as one text
        return "".join(_t(text[i:i + _MAX_T]) for i in range(0, len(text), _MAX_T))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() or "  " in text else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def text_runs_body(text: str) -> str:
    """The run content for `text`: w:t pieces with w:tab for tabs and w:br for newlines."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return _t(text) if text else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(_t(piece))
    return "".join(parts)


class BodyBuilder:
    """Writes the blocks of one document as XML strings into `self.out`; with a `sink`, the
    finished paragraphs and tables are passed on in pieces as the blocks are written."""

    _PIECE = 256  # paragraphs (or tables) per piece passed to the sink

    def __init__(self, *, styles: Mapping[str, str], numbering: Numbering, rel_ids: Iterable[str],
                 script: Script, converted_script: Script | None, doc_lang: str, clean: Cleaner,
                 change: Callable[..., None], warn: Callable[..., None], text_width: int):
        self.styles = styles
        self.numbering = numbering
        self.script = script
        self.converted_script = converted_script
        self.doc_lang = doc_lang
        self.clean = clean
        self.change = change
        self.warn = warn
        self.text_width = text_width
        self.out: list[str] = []
        self._body = self.out  # `out` is swapped while a table cell is written
        self.sink: Callable[[str], object] | None = None
        self._last = ""  # the last piece passed on
        self.pending_break = False
        self._bookmark = 0
        self.links: dict[str, str] = {}  # url → relationship id, in order of first use
        self._rel_ids = set(rel_ids)
        self._next_rid = 1 + max((int(r[3:]) for r in self._rel_ids if r[:3] == "rId" and r[3:].isdigit()),
                                 default=0)

    def _pass_on(self) -> None:
        if self.sink is not None and self.out is self._body and self.out:
            self._last = self.out[-1]
            self.sink("".join(self.out))
            self.out.clear()

    def finish(self) -> None:
        """End the body: Word wants a paragraph after a table at its end."""
        if (self.out[-1] if self.out else self._last).startswith("<w:tbl>"):
            self.out.append("<w:p/>")
        self._pass_on()

    # ------------------------------------------------------------------------ paragraphs

    def paragraph(self, style: str, runs: str, *, extra_ppr: str = "", before_runs: str = "") -> None:
        ppr = f'<w:pStyle w:val={attr(self.styles[style])}/>'
        if self.pending_break:
            ppr += "<w:pageBreakBefore/>"
            self.pending_break = False
        self.out.append(f"<w:p><w:pPr>{ppr}{extra_ppr}</w:pPr>{before_runs}{runs}</w:p>")

    def _before_table(self) -> None:
        if self.pending_break:
            self.out.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
            self.pending_break = False

    def bookmark(self, ident: str) -> tuple[str, str]:
        if not ident:
            return "", ""
        name = bookmark_name(self.clean(ident))
        self._bookmark += 1
        n = self._bookmark
        return (f'<w:bookmarkStart w:id="{n}" w:name={attr(name)}/>',
                f'<w:bookmarkEnd w:id="{n}"/>')

    # ---------------------------------------------------------------------------- blocks

    def blocks(self, blocks, env: Env, *, top: bool = False) -> None:
        """Write `blocks`; `top` marks the document's own blocks (reports name their index)."""
        i = 0
        blocks = list(blocks)
        while i < len(blocks):
            b = blocks[i]
            if top:
                self.clean.block = i + 1
            if isinstance(b, Div) and "bilingual" in b.attr.classes and "side-by-side" in b.attr.classes:
                group = []
                while i < len(blocks) and isinstance(blocks[i], Div) and "bilingual" in blocks[i].attr.classes \
                        and "side-by-side" in blocks[i].attr.classes:
                    group.append(blocks[i])
                    i += 1
                self.side_by_side(group, env)
                continue
            self.block(b, env)
            i += 1
            if len(self.out) >= self._PIECE:
                self._pass_on()

    def block(self, b, env: Env) -> None:
        if isinstance(b, Para):
            if not b.content:
                return
            style = "Quote" if env.quote else ("Converted" if env.converted and self.converted_script
                                               else "Body Text")
            start, end = self.bookmark(b.attr.id)
            self.paragraph(style, start + self.inlines(b.content, self._run_env(env, b.attr.lang), style) + end)
        elif isinstance(b, Heading):
            style = f"heading {min(b.level, 6)}"
            start, end = self.bookmark(b.attr.id)
            self.paragraph(style, start + self.inlines(b.content, self._run_env(env, b.attr.lang), style) + end)
        elif isinstance(b, BlockQuote):
            self.blocks(b.blocks, replace(env, quote=env.quote + 1, lang=b.attr.lang or env.lang))
        elif isinstance(b, (BulletList, OrderedList)):
            self.list_(b, env)
        elif isinstance(b, CodeBlock):
            runs = self.run(self.clean(b.text), Marks(lang=env.lang), "Source Code") if b.text else ""
            self.paragraph("Source Code", runs)
        elif isinstance(b, ThematicBreak):
            self.paragraph("Thematic Break", "")
        elif isinstance(b, Div):
            self.div(b, env)
        else:
            self.warn(f"{type(b).__name__} not rendered in DOCX")

    def _run_env(self, env: Env, lang: str) -> Env:
        return replace(env, lang=lang) if lang else env

    def div(self, b: Div, env: Env) -> None:
        classes = b.attr.classes
        if "bilingual" in classes:  # interleaved (side-by-side is grouped in `blocks`)
            for half in b.blocks:
                self.half(half, env)
            return
        if "bilingual-converted" in classes or "bilingual-original" in classes:
            self.half(b, env)
            return
        self.blocks(b.blocks, replace(env, lang=b.attr.lang or env.lang))

    def half(self, b, env: Env) -> None:
        if isinstance(b, Div):
            converted = "bilingual-converted" in b.attr.classes
            self.blocks(b.blocks, replace(env, lang=b.attr.lang or env.lang, converted=converted or env.converted))
        else:
            self.block(b, env)

    def side_by_side(self, group: list[Div], env: Env) -> None:
        self._before_table()
        col = self.text_width // 2
        rows = []
        for div in group:
            cells = []
            halves = list(div.blocks)[:2]
            for half in halves + [Div(())] * (2 - len(halves)):
                saved, self.out = self.out, []
                self.half(half, env)
                content, self.out = self.out, saved
                if not content or not content[-1].startswith("<w:p>") and not content[-1].startswith("<w:p "):
                    content.append("<w:p/>")
                cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{col}" w:type="dxa"/></w:tcPr>{"".join(content)}</w:tc>')
            rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
        self.out.append(
            '<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:top w:w="60" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="60" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/></w:tblPr>'
            f'<w:tblGrid><w:gridCol w:w="{col}"/><w:gridCol w:w="{col}"/></w:tblGrid>{"".join(rows)}</w:tbl>')

    def list_(self, b, env: Env) -> None:
        ordered = isinstance(b, OrderedList)
        level = min(env.list_level + 1, 8)
        num_id = self.numbering.new_list(ordered, level, b.start if ordered else None)
        style = "List Number" if ordered else "List Bullet"
        inner = replace(env, list_level=level, lang=b.attr.lang or env.lang)
        numpr = f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
        cont = f'<w:ind w:left="{LIST_INDENT * (level + 1)}" w:firstLineChars="0" w:firstLine="0"/>'
        for item in b.items:
            first = True
            for block in item:
                if isinstance(block, Para) and first:
                    self.paragraph(style, self.inlines(block.content, self._run_env(inner, block.attr.lang), style),
                                   extra_ppr=numpr)
                elif isinstance(block, Para):
                    self.paragraph("List Continue",
                                   self.inlines(block.content, self._run_env(inner, block.attr.lang), "List Continue"),
                                   extra_ppr=cont)
                else:
                    if first:  # an item that starts with a list or a heading: its marker on its own line
                        self.paragraph(style, "", extra_ppr=numpr)
                    self.block(block, inner)
                first = False
            if first:  # an empty item
                self.paragraph(style, "", extra_ppr=numpr)

    # --------------------------------------------------------------------------- inlines

    def inlines(self, nodes, env: Env, para_style: str) -> str:
        self._para_script = self.converted_script if para_style == "Converted" else self.script
        self._para_lang = "converted" if para_style == "Converted" else ""
        self._heading = para_style.startswith("heading") or para_style == "Title"
        return "".join(self._inline(n, Marks(lang=env.lang), env) for n in nodes)

    def _inline(self, node, marks: Marks, env: Env) -> str:
        if isinstance(node, Text):
            return self.run(self.clean(node.text), marks) if node.text else ""
        if isinstance(node, Emph):
            return "".join(self._inline(n, replace(marks, emph=True), env) for n in node.content)
        if isinstance(node, Strong):
            return "".join(self._inline(n, replace(marks, strong=True), env) for n in node.content)
        if isinstance(node, Code):
            return self.run(self.clean(node.text), replace(marks, code=True)) if node.text else ""
        if isinstance(node, LineBreak):
            return f"<w:r>{self._rpr(marks)}<w:br/></w:r>"
        if isinstance(node, Span):
            inner = replace(marks, diff=marks.diff or "script-diff" in node.attr.classes,
                            lang=node.attr.lang or marks.lang)
            return "".join(self._inline(n, inner, env) for n in node.content)
        if isinstance(node, Link):
            return self.link(node, marks, env)
        self.warn(f"{type(node).__name__} not rendered in DOCX")
        return ""

    def link(self, node: Link, marks: Marks, env: Env) -> str:
        content = "".join(self._inline(n, replace(marks, link=True), env) for n in node.content)
        if marks.link:  # Word hyperlinks cannot nest: the inner one is written as its text
            self.warn(f"nested link to {node.url!r} written as plain text")
            return content
        url = self.clean(node.url).strip()
        if not url:
            return "".join(self._inline(n, marks, env) for n in node.content)
        if is_unsafe_url(url):  # the pipeline's sanitizer removed these already; a direct call is guarded too
            self.change("unsafe link removed", node.url[:80], "",
                        message="javascript:, vbscript:, data: and file: links are not written; the text is kept")
            return "".join(self._inline(n, marks, env) for n in node.content)
        tooltip = f" w:tooltip={attr(self.clean(node.title))}" if node.title else ""
        if url.startswith("#"):
            target = f"w:anchor={attr(bookmark_name(url[1:]))}"
        else:
            target = f"r:id={attr(self.hyperlink_rel(url))}"
        if not content:  # as lxml writes an empty element
            return f'<w:hyperlink {target}{tooltip} w:history="1"/>'
        return f'<w:hyperlink {target}{tooltip} w:history="1">{content}</w:hyperlink>'


    def hyperlink_rel(self, url: str) -> str:
        """The relationship id of an external hyperlink, one per distinct URL."""
        rid = self.links.get(url)
        if rid is None:
            while f"rId{self._next_rid}" in self._rel_ids:
                self._next_rid += 1
            rid = f"rId{self._next_rid}"
            self._next_rid += 1
            self.links[url] = rid
        return rid

    def _rpr(self, marks: Marks) -> str:
        props = []
        style = ("Hyperlink" if marks.link else "Verbatim Char" if marks.code else
                 "Script Difference" if marks.diff else "Strong" if marks.strong else
                 "Emphasis" if marks.emph else None)
        if style:
            props.append(f'<w:rStyle w:val={attr(self.styles[style])}/>')
        lang_xml = ""
        if marks.lang:
            script = script_of(marks.lang)
            para_script = getattr(self, "_para_script", None) or self.script
            if script is not None and script is not para_script:
                font = script.heading if getattr(self, "_heading", False) else script.body
                props.append(f'<w:rFonts w:eastAsia={attr(font)} w:hint="eastAsia"/>')
            if script is not None:
                if script is not para_script:
                    lang_xml = f'<w:lang w:eastAsia="{script.word_lang}"/>'
            elif marks.lang != self.doc_lang:
                lang_xml = f'<w:lang w:val={attr(marks.lang)}/>'
        if marks.strong and style != "Strong":
            props.append("<w:b/><w:bCs/>")
        if marks.emph and style != "Emphasis":
            props.append("<w:i/><w:iCs/>")
        if marks.diff and style != "Script Difference":
            props.append('<w:shd w:val="clear" w:color="auto" w:fill="FFF2CC"/>')
        props.append(lang_xml)
        inner = "".join(props)
        return f"<w:rPr>{inner}</w:rPr>" if inner else ""

    def run(self, text: str, marks: Marks, para_style: str | None = None) -> str:
        if para_style is not None:
            self._para_script = self.script
            self._heading = False
        body = text_runs_body(text)
        if not body:
            return ""
        return f"<w:r>{self._rpr(marks)}{body}</w:r>"


def bookmark_name(ident: str) -> str:
    """Word bookmark names: a letter first, word characters only, at most 40 characters."""
    name = _BOOKMARK_CHARS.sub("_", ident)
    if not name[:1].isalpha():
        name = "_" + name if name else "_anchor"
    return name[:40]
