"""Plain text reader: paragraphs from lines, hard-wrapped text joined back, indentation stripped.

Two layouts:

- **One paragraph per line** (blank lines between them or not), as text copied off the web is.
- **Hard-wrapped at a fixed width**, as .txt books are: many lines of nearly the same display
  width (CJK characters count two columns), few of them ending a sentence, none much wider.
  Wrapped lines are joined with nothing between Han characters and one space between Latin
  words. A paragraph ends at a blank line, before an indented line (when indentation marks
  paragraphs), after a line ending in sentence-final punctuation (`。！？」』”…`) that is short
  of the wrap width, and after a line much shorter than the width (a heading). Every join is
  reported in the change report.

Indentation is ASCII spaces, tabs, U+3000 (ideographic space) and NBSP.
"""

from __future__ import annotations

from collections import Counter

from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document, Para, Text
from wenzhuan.plugins.hanzi import INDENT, SENTENCE_END, display_width, is_wide
from wenzhuan.registry import ReadContext, Reader

_STRIP = INDENT + "\r\f\v"
_MIN_WIDTH, _MAX_WIDTH = 20, 240
_HYPHENATED = tuple("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class Wrap:
    """How a hard-wrapped text is laid out: its width, the slack of a full line, whether
    indentation starts paragraphs, and the display width of each of its lines."""

    def __init__(self, width: int, slack: int, indents: bool, widths: list[int]):
        self.width, self.slack, self.indents, self.widths = width, slack, indents, widths

    def full(self, width: int) -> bool:
        return width >= self.width - self.slack


def detect_wrap(lines: list[str]) -> Wrap | None:
    """A `Wrap` when the lines look hard-wrapped at a fixed width, else None."""
    trimmed = [line.rstrip(_STRIP) for line in lines]
    nonblank = [i for i, t in enumerate(trimmed) if t]
    if len(nonblank) < 4:
        return None
    # A line of more characters than the widest wrap (+2) is too wide whatever the width: when
    # there are too many of them (one paragraph per line), no display width needs measuring.
    if sum(1 for i in nonblank if len(trimmed[i]) > _MAX_WIDTH + 2) > 0.05 * len(nonblank):
        return None
    widths = [display_width(t) for t in trimmed]
    rows = [(widths[i], lines[i]) for i in nonblank]
    # The same with display widths (one paragraph per line of Chinese: half the characters):
    # every width tried is at most _MAX_WIDTH, so these lines are all `too_wide` below, and no
    # width needs trying
    if sum(1 for w, _ in rows if w > _MAX_WIDTH + 2) > 0.05 * len(rows):
        return None
    counts = Counter(w for w, _ in rows)
    best: tuple[int, int] | None = None
    for w in counts:
        if not _MIN_WIDTH <= w <= _MAX_WIDTH:
            continue
        slack = max(2, w // 10)
        full = sum(c for x, c in counts.items() if w - slack <= x <= w)
        if best is None or (full, w) > best:
            best = (full, w)
    if best is None:
        return None
    full_count, width = best
    slack = max(2, width // 10)
    full_rows = [line for w, line in rows if width - slack <= w <= width]
    too_wide = sum(1 for w, _ in rows if w > width + 2)
    sentence_ends = sum(1 for line in full_rows if line.rstrip(_STRIP)[-1:] in SENTENCE_END)
    if (full_count < max(3, 0.4 * len(rows)) or too_wide > 0.05 * len(rows)
            or sentence_ends >= 0.5 * full_count):
        return None
    indented = sum(1 for _, line in rows if line[:1] in INDENT)
    return Wrap(width, slack, 0 < indented < 0.5 * len(rows), widths)


def joiner(before: str, after: str) -> str:
    """What goes between the end of one wrapped line and the start of the next."""
    a, b = before[-1:], after[:1]
    if not a or not b or is_wide(a) or is_wide(b):
        return ""  # Han text (or full-width punctuation) runs on with nothing between
    if a == "-" and before[-2:-1].isalpha():
        return ""  # a hyphenated word broken at the line end
    return " "


def wrapped_paragraphs(lines: list[str], wrap: Wrap, ctx: ReadContext | None) -> list[tuple[str, int]]:
    """(paragraph text, first line number) for hard-wrapped text."""
    out: list[tuple[str, int]] = []
    current: list[str] = []
    joins: list[tuple[str, str, str, int]] = []  # (line before, glue, line after, its number)
    first = 0
    last_no = 0

    def close():
        if current:
            out.append(("".join(current), first))
            current.clear()

    for number, raw in enumerate(lines, start=1):
        text = raw.strip(_STRIP)
        if not text:
            close()
            continue
        if current and wrap.indents and raw[:1] in INDENT:
            close()
        if current:
            glue = joiner(current[-1], text)
            joins.append((current[-1], glue, text, last_no))
            current.append(glue + text)
        else:
            current.append(text)
            first = number
        last_no = number
        width = wrap.widths[number - 1]
        if (not wrap.full(width) and text[-1] in SENTENCE_END) or width < 0.6 * wrap.width:
            close()
    close()
    if ctx is not None and joins:
        ctx.defer(len(joins), lambda: [_join_change(*join) for join in joins])
    return out


def _join_change(before: str, glue: str, after: str, line: int) -> tuple:
    tail, head = before[-8:], after[:8]
    return "join-lines", f"{tail}⏎{head}", f"{tail}{glue}{head}", line, None


class TextReader(Reader):
    name = "text"
    extensions = ("txt", "text")
    description = "plain text: one paragraph per line, or hard-wrapped at a fixed width"

    def sniff(self, text: str) -> float:
        return 0.1  # the fallback: anything decodable is text

    def read(self, text: str, ctx: ReadContext) -> Document:
        lines = text.splitlines()
        wrap = detect_wrap(lines)
        if wrap is None:
            pairs = [(t, n) for n, line in enumerate(lines, start=1) if (t := line.strip(_STRIP))]
        else:
            pairs = wrapped_paragraphs(lines, wrap, ctx)
        ctx.block_lines.extend(n for _, n in pairs)
        return Document(blocks=tuple(Para((Text(t),)) for t, _ in pairs))


@hookimpl
def register_readers(register):
    register(TextReader())
