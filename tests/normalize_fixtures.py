"""Golden tests for the normalizer: fixture files of (input, expected output) cases.

A fixture file holds cases like this:

    === a short name [ext=txt] [passes=punctuation,metadata]
    the input, as it would be in a file
    --- expected
    title: metadata fields that are set, one a line
    language: zh-Hans

    the body, one block per paragraph, blank lines between

`ext` picks the reader by file name (default txt); `passes` runs only the named passes
(default: all the built-in normalizer passes this fixture set covers). `dump` is the readable
form compared with the expected text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from wenzhuan.manager import PluginHost
from wenzhuan.model import (
    BlockQuote, BulletList, Code, CodeBlock, Document, Emph, Heading, LineBreak, Link, OrderedList,
    Para, Span, Strong, Text, ThematicBreak, Div,
)
from wenzhuan.pipeline import Loaded, Source, load

PASSES = ("debris", "punctuation", "metadata", "script")
_HEADER = re.compile(r"^=== (.+?)((?: \[\w+=[^\]]*\])*)$")


@dataclass
class Case:
    name: str
    input: str
    expected: str
    ext: str = "txt"
    passes: tuple[str, ...] = PASSES
    where: str = ""


def read_cases(path: Path) -> list[Case]:
    cases: list[Case] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        m = _HEADER.match(lines[i])
        if not m:
            i += 1
            continue
        opts = dict(re.findall(r"\[(\w+)=([^\]]*)\]", m.group(2)))
        start = i + 1
        i = start
        while lines[i] != "--- expected":
            i += 1
        body = lines[start:i]
        i += 1
        exp_start = i
        while i < len(lines) and not _HEADER.match(lines[i]):
            i += 1
        case = Case(m.group(1).strip(), "\n".join(body) + "\n", "\n".join(lines[exp_start:i]).strip(),
                    where=f"{path.name}:{start}")
        if "ext" in opts:
            case.ext = opts["ext"]
        if "passes" in opts:
            case.passes = tuple(p.strip() for p in opts["passes"].split(","))
        cases.append(case)
    return cases


def normalize(text: str | bytes, *, ext: str = "txt", passes=PASSES, host: PluginHost | None = None,
              encoding: str | None = None) -> Loaded:
    """Read and normalize `text` as a file named `input.EXT`, running only `passes`."""
    host = host or PluginHost(entry_points=False)
    skip = [p.name for p in host.catalog.passes if p.name not in passes]
    data = text.encode("utf-8") if isinstance(text, str) else text
    return load(Source(data, f"input.{ext}", Path(f"input.{ext}")), host=host, skip_passes=skip,
                encoding=encoding)


def dump(doc: Document) -> str:
    meta = doc.metadata
    head = []
    for name, value in (("title", meta.title), ("authors", "、".join(meta.authors)),
                        ("date", meta.date.isoformat() if meta.date else ""), ("source", meta.source),
                        ("url", meta.url), ("language", meta.language)):
        if value:
            head.append(f"{name}: {value}")
    body = "\n\n".join(_block(b) for b in doc.blocks)
    return "\n".join(head) + ("\n\n" if head and body else "") + body


def _block(b) -> str:
    if isinstance(b, Para):
        return _inlines(b.content)
    if isinstance(b, Heading):
        return "#" * b.level + " " + _inlines(b.content)
    if isinstance(b, BlockQuote):
        return "\n".join("> " + line for b2 in b.blocks for line in _block(b2).split("\n"))
    if isinstance(b, (BulletList, OrderedList)):
        marks = "- " if isinstance(b, BulletList) else "1. "
        return "\n".join(marks + " / ".join(_block(x) for x in item) for item in b.items)
    if isinstance(b, CodeBlock):
        return "```\n" + b.text + "\n```"
    if isinstance(b, ThematicBreak):
        return "* * *"
    if isinstance(b, Div):
        return "\n\n".join(_block(x) for x in b.blocks)
    raise TypeError(b)


def _inlines(nodes) -> str:
    out = []
    for n in nodes:
        if isinstance(n, Text):
            out.append(n.text)
        elif isinstance(n, Emph):
            out.append("*" + _inlines(n.content) + "*")
        elif isinstance(n, Strong):
            out.append("**" + _inlines(n.content) + "**")
        elif isinstance(n, Link):
            out.append("[" + _inlines(n.content) + "](" + n.url + ")")
        elif isinstance(n, Code):
            out.append("`" + n.text + "`")
        elif isinstance(n, LineBreak):
            out.append("⏎")
        elif isinstance(n, Span):
            out.append(_inlines(n.content))
    return "".join(out)
