"""What no output may carry, removed in one place for every writer and the service.

Two steps of the pipeline (`wenzhuan.pipeline`) use this module:

- `clean_text(text)` runs on the decoded input before any reader sees it: C0 control characters
  (except tab, line feed, vertical tab, form feed and carriage return) and DEL are removed. They
  are never text, XML cannot hold them, and readers use some of them as markers. C1 controls are
  left for now: the mojibake pass reads them (UTF-8 decoded as Latin-1 is full of them).
- `clean_document(doc, report)` runs after the normalizer passes and again on every document a
  writer is handed (so documents built with the Python API or read from JSON are covered too):
  - characters XML 1.0 cannot hold or that are never text are removed: C0 controls other than
    tab, line feed and carriage return, DEL, C1 controls, U+FFFE and U+FFFF;
  - surrogates (from a decoder run with `surrogateescape` or `surrogatepass`): a high-low pair
    becomes the character it encodes, a lone one becomes U+FFFD;
  - links whose scheme can run code or reach the local machine (`javascript:`, `vbscript:`,
    `data:`, `file:`, also when obfuscated with case, blanks or control characters, as browsers
    ignore those) become their text;
  - attributes (`Attr.kv`) named `on...` (event handlers) or holding such a URL are dropped.
  Each kind of removal is one line of the change report, with how many and where first.

`has_text(doc)` says whether a document has any text to convert: the pipeline refuses one that
has none (an empty file, only whitespace, only markup) with "has no text to convert".
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from . import regex_cache
from .model import (
    NO_ATTR, Attr, BlockQuote, BulletList, Code, CodeBlock, Div, Document, Emph, Heading, LineBreak, Link, Metadata,
    OrderedList, Para, Span, Strong, Text, ThematicBreak,
)
from .report import ChangeReport, StepReporter

STEP = "sanitize"

# Removed from the decoded input: C0 controls but \t \n \v \f \r, and DEL.
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# Removed from the model: what XML 1.0 cannot hold, C1 controls, DEL; surrogates are handled apart.
_MODEL_BAD = regex_cache.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
# Browsers drop ASCII whitespace and C0 controls anywhere in a URL's scheme ("java\tscript:").
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")


def is_unsafe_url(url: str) -> bool:
    """True for a URL whose scheme can run code or read local files, however it is disguised."""
    return _URL_JUNK.sub("", url[:64]).lower().startswith(UNSAFE_SCHEMES)


def _names(chars) -> str:
    found = sorted(set(chars))
    shown = ", ".join(f"U+{ord(c):04X}" for c in found[:8])
    return shown + (f" and {len(found) - 8} more" if len(found) > 8 else "")


def clean_text(text: str, report: ChangeReport | None = None) -> str:
    """`text` without C0 controls (but \\t \\n \\v \\f \\r) and DEL; the removal is reported once."""
    first = _TEXT_CONTROLS.search(text)
    if first is None:
        return text
    found = _TEXT_CONTROLS.findall(text)
    cleaned = _TEXT_CONTROLS.sub("", text)
    if report is not None:
        line = text.count("\n", 0, first.start()) + 1
        start = max(0, first.start() - 20)
        StepReporter(report, STEP).change(
            "control characters removed", text[start:first.start() + 20].encode("unicode_escape").decode("ascii"),
            line=line,
            message=f"{len(found)} control character(s) removed ({_names(found)}): they are not text")
    return cleaned


def _fix_surrogates(s: str) -> str:
    # a valid pair becomes its character; a lone surrogate becomes U+FFFD
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class _Cleaner:
    def __init__(self) -> None:
        self.controls: list[str] = []
        self.control_at: tuple[str, int | None] | None = None
        self.surrogates = 0
        self.surrogate_at: tuple[str, int | None] | None = None
        self.links: list[str] = []
        self.link_at: int | None = None
        self.attrs: list[str] = []
        self.block: int | None = None

    # ------------------------------------------------------------------ strings

    def s(self, value: str) -> str:
        if not _MODEL_BAD.search(value):
            return value
        if _SURROGATE.search(value):
            fixed = _fix_surrogates(value)
            self.surrogates += fixed.count("\ufffd") - value.count("\ufffd")
            if self.surrogate_at is None:
                self.surrogate_at = (value[:60].encode("unicode_escape").decode("ascii"), self.block)
            value = fixed
        found = _CONTROL.findall(value)
        if found:
            self.controls.extend(found)
            if self.control_at is None:
                self.control_at = (value[:60].encode("unicode_escape").decode("ascii"), self.block)
            value = _CONTROL.sub("", value)
        return value

    def json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.s(value)
        if isinstance(value, dict):
            return {self.s(k) if isinstance(k, str) else k: self.json(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.json(v) for v in value)
        return value

    def attr(self, attr: Attr) -> Attr:
        if attr is NO_ATTR or not attr:
            return attr
        kv = []
        for k, v in attr.kv:
            if k.strip().lower().startswith("on") or is_unsafe_url(v):
                self.attrs.append(k)
                continue
            kv.append((self.s(k), self.s(v)))
        new = Attr(self.s(attr.id), tuple(self.s(c) for c in attr.classes), tuple(kv), self.s(attr.lang))
        return attr if new == attr else new

    # ------------------------------------------------------------------- inlines

    def inlines(self, content: tuple) -> tuple:
        out: list = []
        changed = False
        for n in content:
            t = type(n)
            if t is Text:
                text = self.s(n.text)
                if text is not n.text:
                    changed = True
                    if text:
                        out.append(Text(text))
                    continue
                out.append(n)
            elif t is LineBreak:
                out.append(n)
            elif t is Code:
                text, attr = self.s(n.text), self.attr(n.attr)
                if text is not n.text or attr is not n.attr:
                    changed = True
                    n = Code(text, attr)
                out.append(n)
            elif t is Link and is_unsafe_url(n.url):
                changed = True
                self.links.append(n.url)
                if self.link_at is None:
                    self.link_at = self.block
                out.extend(self.inlines(n.content))
            elif t in (Emph, Strong, Link, Span):
                new = self._container(n)
                changed = changed or new is not n
                out.append(new)
            else:  # an unknown node: left for the writer to refuse
                out.append(n)
        if not changed:
            return content
        merged: list = []
        for n in out:  # neighbouring text runs, split by a removed link, become one
            if merged and type(n) is Text and type(merged[-1]) is Text:
                merged[-1] = Text(merged[-1].text + n.text)
            else:
                merged.append(n)
        return tuple(merged)

    def _container(self, n):
        changes: dict[str, Any] = {}
        content = self.inlines(n.content)
        if content is not n.content:
            changes["content"] = content
        if hasattr(n, "attr"):
            attr = self.attr(n.attr)
            if attr is not n.attr:
                changes["attr"] = attr
        if isinstance(n, Link):
            url, title = self.s(n.url), self.s(n.title)
            if url is not n.url:
                changes["url"] = url
            if title is not n.title:
                changes["title"] = title
        return dataclasses.replace(n, **changes) if changes else n

    # -------------------------------------------------------------------- blocks

    def blocks(self, blocks: tuple, top: bool = False) -> tuple:
        out: list | None = None
        bad = _MODEL_BAD.search
        for i, b in enumerate(blocks):
            if top:
                self.block = i + 1
            # the common case first, a plain paragraph of clean text: nothing to build
            if type(b) is Para and b.attr is NO_ATTR and len(b.content) == 1:
                only = b.content[0]
                if type(only) is Text:
                    if bad(only.text):
                        text = self.s(only.text)
                        b_new = Para((Text(text),) if text else ())
                        if out is None:
                            out = list(blocks[:i])
                        out.append(b_new)
                    elif out is not None:
                        out.append(b)
                    continue
            new = self.block_(b)
            if new is not b and out is None:
                out = list(blocks[:i])
            if out is not None:
                out.append(new)
        return blocks if out is None else tuple(out)

    def block_(self, b):
        t = type(b)
        changes: dict[str, Any] = {}
        if t in (Para, Heading):
            content = self.inlines(b.content)
            if content is not b.content:
                changes["content"] = content
        elif t in (BlockQuote, Div):
            inner = self.blocks(b.blocks)
            if inner is not b.blocks:
                changes["blocks"] = inner
        elif t in (BulletList, OrderedList):
            items = tuple(self.blocks(item) for item in b.items)
            if any(new is not old for new, old in zip(items, b.items)):
                changes["items"] = items
        elif t is CodeBlock:
            text = self.s(b.text)
            if text is not b.text:
                changes["text"] = text
        elif t is not ThematicBreak:
            return b  # an unknown node: left for the writer to refuse
        attr = self.attr(b.attr)
        if attr is not b.attr:
            changes["attr"] = attr
        return dataclasses.replace(b, **changes) if changes else b

    def metadata(self, m: Metadata) -> Metadata:
        new = Metadata(
            title=self.s(m.title), subtitle=self.s(m.subtitle), authors=tuple(self.s(a) for a in m.authors),
            date=m.date, source=self.s(m.source), url="" if is_unsafe_url(m.url) else self.s(m.url),
            tags=tuple(self.s(t) for t in m.tags), language=self.s(m.language), extra=self.json(m.extra))
        if m.url and not new.url:
            self.links.append(m.url)
        return m if new == m else new

    # -------------------------------------------------------------------- report

    def report_into(self, report: ChangeReport) -> None:
        step = StepReporter(report, STEP)
        if self.controls:
            before, block = self.control_at or ("", None)
            step.change("control characters removed", before, block=block,
                        message=f"{len(self.controls)} character(s) removed ({_names(self.controls)}): "
                                "control characters and non-characters are not text, and XML cannot hold most")
        if self.surrogates:
            before, block = self.surrogate_at or ("", None)
            step.change("lone surrogates replaced", before, "\ufffd", block=block,
                        message=f"{self.surrogates} lone surrogate(s) (a decoding error upstream) "
                                "replaced with U+FFFD")
        if self.links:
            schemes = sorted({_URL_JUNK.sub("", u).lower().split(":", 1)[0] + ":" for u in self.links})
            step.change("unsafe link removed", self.links[0][:60], block=self.link_at,
                        message=f"{len(self.links)} link(s) with {', '.join(schemes)} URLs removed; "
                                "their text is kept")
        if self.attrs:
            step.change("unsafe attribute removed", ", ".join(sorted(set(self.attrs)))[:60],
                        message=f"{len(self.attrs)} event-handler or unsafe-URL attribute(s) removed")


_CLEAN: list[Document] = []  # the last document found clean: the pipeline hands it on to render()


def clean_document(doc: Document, report: ChangeReport | None = None) -> Document:
    """`doc` without what no output may carry (see the module docstring); the same object when
    there was nothing to remove."""
    if _CLEAN and _CLEAN[0] is doc:  # documents are immutable: clean once, clean for good
        return doc
    cleaner = _Cleaner()
    meta = cleaner.metadata(doc.metadata)
    blocks = cleaner.blocks(doc.blocks, top=True)
    if report is not None:
        cleaner.report_into(report)
    result = doc if meta is doc.metadata and blocks is doc.blocks else Document(meta, blocks)
    _CLEAN[:] = [result]
    return result


_BLANK = re.compile(r"\S")


def has_text(doc: Document) -> bool:
    """Whether `doc` has any text that is not whitespace: in its blocks, title or subtitle."""
    meta = doc.metadata
    if _BLANK.search(meta.title) or _BLANK.search(meta.subtitle):
        return True
    from .walk import walk

    for node in walk(doc):
        text = getattr(node, "text", None)
        if isinstance(text, str) and _BLANK.search(text):
            return True
    return False
