"""wenzhuan-plaintext: plain text wrapped at a chosen width, for terminals and e-mail.

CJK characters count as two columns. Lines break between CJK characters or at spaces, never
inside a word, and follow the Chinese line-breaking rules (禁则): no line starts with closing
punctuation, no line ends with opening punctuation.
"""

from __future__ import annotations

import unicodedata

from wenzhuan.api import (
    BlockQuote, BulletList, Code, CodeBlock, Div, Document, Heading, LineBreak, Link, OptionError,
    OrderedList, Para, Text, ThematicBreak, Option, Writer, chapters, hookimpl,
)

# 禁则: characters that may not start a line, and characters that may not end one
NO_START = set("，。、；：？！）」』”’》〉】〕〗｝］…—·‧,.;:?!)]}%％")
NO_END = set("（「『“‘《〈【〔〖｛［([{")
MIN_WIDTH = 8


def is_wide(ch: str) -> bool:
    """Wide and full-width characters, and the ambiguous-width punctuation Chinese text uses
    (“”‘’…—·), which CJK fonts draw two columns wide."""
    eaw = unicodedata.east_asian_width(ch)
    return eaw in "WF" or (eaw == "A" and unicodedata.category(ch)[0] == "P")


def columns(text: str) -> int:
    """Display width: wide characters take two columns, combining marks none, the rest one."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if is_wide(ch) else 1
    return total


def _atoms(line: str) -> list[tuple[str, bool]]:
    """Split a line into unbreakable pieces, each with whether a space came before it."""
    atoms: list[tuple[str, bool]] = []
    word, space = "", False

    def flush() -> None:
        nonlocal word, space
        if word:
            atoms.append((word, space))
            word, space = "", False

    for ch in line:
        if ch.isspace():
            flush()
            space = bool(atoms)
        elif is_wide(ch):
            flush()
            atoms.append((ch, space))
            space = False
        else:
            word += ch
    flush()
    glued: list[tuple[str, bool]] = []
    for text, spaced in atoms:
        if glued and (text[0] in NO_START or glued[-1][0][-1] in NO_END):
            prev, prev_spaced = glued.pop()
            glued.append((prev + (" " if spaced else "") + text, prev_spaced))
        else:
            glued.append((text, spaced))
    return glued


def wrap(text: str, width: int) -> list[str]:
    """Wrap one paragraph's text (newlines are hard breaks) to `width` columns."""
    lines: list[str] = []
    for hard in text.split("\n"):
        line, used = "", 0
        for atom, spaced in _atoms(hard):
            need = columns(atom) + (1 if spaced and line else 0)
            if line and used + need > width:
                lines.append(line)
                line, used = "", 0
                need = columns(atom)
            line += (" " if spaced and line else "") + atom
            used += need
        lines.append(line)
    return lines


def _inline_text(nodes) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, LineBreak):
            parts.append("\n")
        elif isinstance(node, Link):
            label = _inline_text(node.content)
            shown = node.url and not node.url.startswith("#") and node.url != label
            parts.append(f"{label} <{node.url}>" if shown else label)
        elif isinstance(node, (Text, Code)):
            parts.append(node.text.replace("\t", " "))
        else:
            parts.append(_inline_text(getattr(node, "content", ())))
    return "".join(parts)


def _indent(lines: list[str], first: str, rest: str) -> list[str]:
    return [(first if i == 0 else rest) + line if line else line for i, line in enumerate(lines)]


def render_blocks(blocks, width: int) -> list[str]:
    """Each block as a list of lines; the caller separates blocks with a blank line."""
    out: list[list[str]] = []
    for block in blocks:
        if isinstance(block, Div):
            out.extend(render_blocks(block.blocks, width))
            continue
        lines = _render_block(block, width)
        if lines:
            out.append(lines)
    return out


def _join(chunks: list[list[str]]) -> list[str]:
    lines: list[str] = []
    for chunk in chunks:
        if lines:
            lines.append("")
        lines.extend(chunk)
    return lines


def _render_block(block, width: int) -> list[str]:
    if isinstance(block, Para):
        text = _inline_text(block.content)
        return wrap(text, width) if text.strip() else []
    if isinstance(block, Heading):
        lines = wrap(_inline_text(block.content), width)
        if not any(lines):
            return []
        if block.level <= 2:
            lines.append(("=" if block.level == 1 else "-") * min(width, max(map(columns, lines))))
        return lines
    if isinstance(block, BlockQuote):
        return [("> " + line).rstrip() for line in _join(render_blocks(block.blocks, max(width - 2, 2)))]
    if isinstance(block, (BulletList, OrderedList)):
        ordered = isinstance(block, OrderedList)
        markers = [f"{block.start + i}. " if ordered else "- " for i in range(len(block.items))]
        pad = max((len(m) for m in markers), default=0)
        lines = []
        for marker, item in zip(markers, block.items):
            body = _join(render_blocks(item, max(width - pad, 2))) or [""]
            lines.extend(_indent(body, marker.ljust(pad), " " * pad))
        return [line.rstrip() for line in lines]
    if isinstance(block, CodeBlock):
        return ["    " + line if line else "" for line in block.text.split("\n")] if block.text else []
    if isinstance(block, ThematicBreak):
        return ["*  *  *".center(width).rstrip()]
    return []


def render_plaintext(doc: Document, width: int) -> str:
    meta = doc.metadata
    header: list[list[str]] = []
    if meta.title:
        header.append(_render_block(Heading(1, (Text(meta.title),)), width))
    details = [meta.subtitle, "、".join(meta.authors), meta.date.isoformat() if meta.date else "",
               meta.source, meta.url]
    if any(details):
        header.append([line for d in details if d for line in wrap(d, width)])
    arts = chapters(doc)
    if arts is None:
        body = render_blocks(doc.blocks, width)
    else:  # a collection: each article under its own title
        body = []
        for art in arts:
            if art.metadata.title:
                body.append(_render_block(Heading(1, (Text(art.metadata.title),)), width))
            body.extend(render_blocks(art.blocks, width))
    return "\n".join(_join(header + body)) + "\n"


class PlainTextWriter(Writer):
    name = "plaintext"
    extensions = ("txt",)
    media_type = "text/plain; charset=utf-8"
    binary = False
    description = "plain text wrapped at a chosen width; CJK characters count as two columns"
    options = (Option("width", int, 72, "line width in columns (CJK characters count as two)"),)

    def write(self, doc, out, ctx):
        width = ctx.options["width"]
        if width < MIN_WIDTH:
            raise OptionError(f"option 'width' of format 'plaintext' takes {MIN_WIDTH} or more, not {width}")
        out.write(render_plaintext(doc, width).encode("utf-8"))


@hookimpl
def register_writers(register):
    register(PlainTextWriter())
