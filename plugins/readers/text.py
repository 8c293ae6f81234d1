"""Plain text reader: one paragraph per non-blank line, leading indentation stripped.

Indentation is ASCII spaces, tabs, U+3000 (ideographic space) and NBSP, as typed by people who
indent Chinese paragraphs by hand.
"""

from __future__ import annotations

from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document, Para, Text
from wenzhuan.registry import ReadContext, Reader

INDENT = " \t\u3000\u00a0"


class TextReader(Reader):
    name = "text"
    extensions = ("txt", "text")
    description = "plain text, one paragraph per line"

    def sniff(self, text: str) -> float:
        return 0.1  # the fallback: anything decodable is text

    def read(self, text: str, ctx: ReadContext) -> Document:
        blocks = []
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip(INDENT + "\r\f\v")
            if stripped:
                blocks.append(Para((Text(stripped),)))
                ctx.block_lines.append(number)
        return Document(blocks=tuple(blocks))


@hookimpl
def register_readers(register):
    register(TextReader())
