"""Chinese script conversion of documents: targets, documents, bilingual editions, editions.

The text level (configs, engines, user dictionaries, `TextConverter`, `convert_stream`) is in
`wenzhuan.script_text`, and importable from here too.

- `resolve(target, source_language)` turns a TARGET (an OpenCC config such as `s2twp`, or a
  friendly name `hans`, `hant`, `tw`, `tw-phrases`, `hk`; `auto` = the other script) and the
  document's language into a `Plan`: the configs to run (none when the document is already in
  the target script) and the language tag that follows.
- `convert_document` / `bilingual_document` convert a document per block: the Text runs of a
  block (across emphasis, links and spans; not code) are converted as one string, so phrases
  keep their context across inline boundaries, and the result is split back onto the runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import gc
import os
from collections import deque
from dataclasses import dataclass
from itertools import compress
from operator import ne
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from .errors import OptionError
from .model import (
    Attr, BlockQuote, BulletList, Div, Document, Emph, Heading, Link, Metadata, OrderedList, Para,
    Span, Strong, Text, new_plain_paras, new_text, with_content, with_fields,
)
from .script_text import (
    CONFIGS, TextConverter, convert_stream, engine_lookup, is_config, load_dictionaries, load_dictionary,
    split_paths,
)
from .walk import chapters, collect

#: the language tag each config produces
CONFIG_LANGUAGE = {
    "s2t": "zh-Hant", "tw2t": "zh-Hant", "hk2t": "zh-Hant", "jp2t": "zh-Hant",
    "s2tw": "zh-Hant-TW", "s2twp": "zh-Hant-TW", "t2tw": "zh-Hant-TW",
    "s2hk": "zh-Hant-HK", "s2hkp": "zh-Hant-HK", "t2hk": "zh-Hant-HK",
    "t2s": "zh-Hans", "tw2s": "zh-Hans", "tw2sp": "zh-Hans", "hk2s": "zh-Hans", "hk2sp": "zh-Hans",
    "t2jp": "ja",
}

#: friendly target -> {source script: configs to run}; an empty chain means "already there"
FRIENDLY: dict[str, dict[str, tuple[str, ...]]] = {
    "hans": {"hans": (), "hant": ("t2s",), "tw": ("tw2s",), "hk": ("hk2s",)},
    "hant": {"hans": ("s2t",), "hant": (), "tw": (), "hk": ()},
    "tw": {"hans": ("s2tw",), "hant": ("t2tw",), "tw": (), "hk": ("hk2t", "t2tw")},
    "tw-phrases": {"hans": ("s2twp",), "hant": ("t2tw",), "tw": (), "hk": ("hk2t", "t2tw")},
    "hk": {"hans": ("s2hk",), "hant": ("t2hk",), "tw": ("tw2t", "t2hk"), "hk": ()},
}
FRIENDLY_LANGUAGE = {"hans": "zh-Hans", "hant": "zh-Hant", "tw": "zh-Hant-TW",
                     "tw-phrases": "zh-Hant-TW", "hk": "zh-Hant-HK"}
SCRIPT_LANGUAGE = {"hans": "zh-Hans", "hant": "zh-Hant", "tw": "zh-Hant-TW", "hk": "zh-Hant-HK"}
TARGETS = (*FRIENDLY, "auto", *CONFIGS)

BILINGUAL_CLASS = "bilingual"
ORIGINAL_CLASS = "bilingual-original"
CONVERTED_CLASS = "bilingual-converted"
DIFF_CLASS = "script-diff"
LAYOUTS = ("interleaved", "side-by-side")


# --------------------------------------------------------------------------- targets


def script_of(language: str) -> str | None:
    """`hans`, `hant`, `tw` or `hk` for a BCP 47 tag; None when the tag does not tell."""
    tag = language.strip().lower().replace("_", "-")
    if not tag.startswith("zh"):
        return None
    parts = tag.split("-")
    if "tw" in parts:
        return "tw"
    if "hk" in parts or "mo" in parts:
        return "hk"
    if "hant" in parts:
        return "hant"
    if "hans" in parts or "cn" in parts or "sg" in parts or "my" in parts:
        return "hans"
    return None  # plain `zh`: detect


def detect_script(text: str, engine: Callable[[str], Callable[[str], str]], *, sample: int = 20000) -> str | None:
    """Simplified (`hans`) or Traditional (`hant`) by which direction OpenCC changes more
    characters in; None when neither changes anything (no Chinese, or only shared characters)."""
    text = text[:sample]
    if not text:
        return None
    to_hant = engine("s2t")(text)
    to_hans = engine("t2s")(text)
    simplified = _changed(text, to_hant)
    traditional = _changed(text, to_hans)
    if simplified == traditional:
        return None
    return "hans" if simplified > traditional else "hant"


def _changed(a: str, b: str) -> int:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b))
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in
               difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op != "equal")


@dataclass(frozen=True)
class Plan:
    """What converting to a target means for one document."""

    target: str  # as the user gave it
    configs: tuple[str, ...]  # empty: the document is already in the target script
    language: str  # the language tag after conversion
    source_language: str  # the document's language tag (given or detected)

    @property
    def noop(self) -> bool:
        return not self.configs


def check_target(target: str) -> str:
    name = target.strip().lower().removesuffix(".json")
    if name not in TARGETS:
        close = difflib.get_close_matches(name, list(TARGETS), n=1)
        raise OptionError(f"unknown script target {target!r}; give an OpenCC config "
                          f"({', '.join(CONFIGS)}) or one of {', '.join(FRIENDLY)}",
                          hint=f"did you mean {close[0]!r}?" if close else None)
    return name


def resolve(target: str, source_language: str = "", *, text: str = "",
            engine: Callable[[str], Callable[[str], str]] | None = None) -> Plan:
    """The configs that take a document in `source_language` (detected from `text` with
    `engine` when the tag does not tell) to `target`."""
    name = check_target(target)
    if name in CONFIGS:  # an explicit config always runs
        return Plan(name, (name,), CONFIG_LANGUAGE[name], source_language)
    script = script_of(source_language) if source_language else None
    if script is None and text and engine is not None:
        script = detect_script(text, engine)
    known = script is not None
    script = script or "hans"  # nothing tells: converting from Simplified is harmless then
    if not source_language or script_of(source_language) is None:
        source_language = SCRIPT_LANGUAGE[script] if known else source_language
    if name == "auto":
        name = "hant" if script == "hans" else "hans"
    configs = FRIENDLY[name][script]
    return Plan(name, configs, FRIENDLY_LANGUAGE[name] if configs else source_language or
                FRIENDLY_LANGUAGE[name], source_language)


# --------------------------------------------------------------------------- documents


class _Collector:
    """Gathers a document's convertible strings in a fixed order: groups of Text runs (one group
    per stretch of a block not interrupted by code or a line break), then link titles."""

    def __init__(self) -> None:
        self.groups: list[list[str]] = []
        self.titles: list[str] = []
        self._current: list[str] | None = None

    def flush(self) -> None:
        if self._current is not None:
            self.groups.append(self._current)
            self._current = None

    def blocks(self, blocks) -> None:
        for b in blocks:
            self.block(b)

    def block(self, b) -> None:
        if type(b) is Para and len(b.content) == 1 and type(b.content[0]) is Text:  # the common case
            self.flush()
            self.groups.append([b.content[0].text])
        elif isinstance(b, (Para, Heading)):
            self.inlines(b.content)
            self.flush()
        elif isinstance(b, (BlockQuote, Div)):
            self.blocks(b.blocks)
        elif isinstance(b, (BulletList, OrderedList)):
            for item in b.items:
                self.blocks(item)
        # CodeBlock, ThematicBreak: nothing to convert

    def inlines(self, content) -> None:
        for n in content:
            kind = type(n)
            if kind is Text:
                if self._current is None:
                    self._current = [n.text]
                else:
                    self._current.append(n.text)
            elif kind is Emph or kind is Strong or kind is Span:
                self.inlines(n.content)
            elif kind is Link:
                self.inlines(n.content)
                if n.title:
                    self.titles.append(n.title)
            else:  # Code, LineBreak: a phrase does not run across them
                self.flush()


def split_converted(runs: Sequence[str], converted: str, singles: Sequence[str] | None = None) -> list[str]:
    """Split `converted`, the conversion of "".join(runs), back onto the runs.

    The boundaries are found by aligning characters: against `singles` (each run converted on
    its own, which differs from `converted` only where a phrase crossed a boundary, so the
    alignment is cheap) when given, else against the runs themselves. A boundary inside a
    phrase whose length changed shares the phrase out in proportion."""
    if len(runs) == 1:
        return [converted]
    pieces = list(singles) if singles is not None else list(runs)
    reference = "".join(pieces)
    bounds, pos = [], 0
    for r in pieces[:-1]:
        pos += len(r)
        bounds.append(pos)
    if len(reference) == len(converted) and len(reference) > 20000:
        mapped = bounds  # too long to align cheaply; conversions of equal length are 1:1
    else:
        ops = _opcodes(reference, converted)
        mapped = []
        for p in bounds:
            q = len(converted)
            for tag, i1, i2, j1, j2 in ops:
                if i1 <= p < i2:
                    if tag == "equal" or i2 - i1 == j2 - j1:
                        q = j1 + (p - i1)
                    else:
                        q = j1 + round((p - i1) * (j2 - j1) / (i2 - i1))
                    break
            mapped.append(max(q, mapped[-1] if mapped else 0))
    out, last = [], 0
    for q in mapped:
        out.append(converted[last:q])
        last = q
    out.append(converted[last:])
    return out


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # binary search with slice comparisons: C speed, not a Python loop per character
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, with the common head and tail cut off first (cheap for nearly equal strings)."""
    head = _common_prefix(a, b)
    tail = _common_prefix(a[head:][::-1], b[head:][::-1])
    ops: list[tuple[str, int, int, int, int]] = [("equal", 0, head, 0, head)] if head else []
    mid_a, mid_b = a[head:len(a) - tail], b[head:len(b) - tail]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_opcodes():
        ops.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        ops.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return ops


def diff_spans(original: str, converted: str) -> list[tuple[str, bool]]:
    """`converted` cut into (text, differs) pieces: differs marks characters that are not the
    same as the aligned characters of `original`."""
    if original == converted:
        return [(converted, False)] if converted else []
    if len(original) == len(converted):  # character conversions: 1:1, compare in place
        flags = [a != b for a, b in zip(original, converted)]
    else:
        flags = [False] * len(converted)
        for tag, i1, i2, j1, j2 in _opcodes(original, converted):
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for k in range(j2 - j1):
                    flags[j1 + k] = original[i1 + k] != converted[j1 + k]
            else:
                for k in range(j1, j2):
                    flags[k] = True
    pieces: list[tuple[str, bool]] = []
    start = 0
    for i in range(1, len(converted) + 1):
        if i == len(converted) or flags[i] != flags[start]:
            pieces.append((converted[start:i], flags[start]))
            start = i
    return pieces


class _Rebuilder:
    """Rebuilds blocks in the collector's order, taking converted runs and titles as it goes.
    A node whose text did not change is kept as it is (the same object)."""

    def __init__(self, runs: Iterator[str], titles: Iterator[str], *, mark: bool = False, id_suffix: str = ""):
        self.runs = runs
        self.titles = titles
        self.mark = mark
        self.id_suffix = id_suffix

    def attr(self, attr: Attr) -> Attr:
        if self.id_suffix and attr.id:
            return dataclasses.replace(attr, id=attr.id + self.id_suffix)
        return attr

    def block(self, b):
        kind = type(b)
        if kind is Para or kind is Heading:
            content = self.inlines(b.content)
            attr = self.attr(b.attr)
            return b if content is b.content and attr is b.attr else with_fields(b, content=content, attr=attr)
        if kind is BlockQuote or kind is Div:
            blocks = tuple(self.block(x) for x in b.blocks)
            attr = self.attr(b.attr)
            if attr is b.attr and all(x is y for x, y in zip(blocks, b.blocks)):
                return b
            return with_fields(b, blocks=blocks, attr=attr)
        if kind is BulletList or kind is OrderedList:
            items = tuple(tuple(self.block(x) for x in item) for item in b.items)
            return dataclasses.replace(b, items=items, attr=self.attr(b.attr))
        if hasattr(b, "attr") and b.attr.id and self.id_suffix:
            return dataclasses.replace(b, attr=self.attr(b.attr))
        return b

    def inlines(self, content: tuple) -> tuple:
        """`content` rebuilt; the same tuple when nothing in it changed."""
        runs, mark = self.runs, self.mark
        out: list = []
        changed = False
        for n in content:
            kind = type(n)
            if kind is Text:
                converted = next(runs)
                if mark:
                    changed = True
                    for piece, differs in diff_spans(n.text, converted):
                        out.append(Span((Text(piece),), Attr(classes=(DIFF_CLASS,))) if differs else Text(piece))
                    continue
                if converted != n.text:
                    n = new_text(converted)
                    changed = True
            elif kind is Emph or kind is Strong:
                inner = self.inlines(n.content)
                if inner is not n.content:
                    n = with_fields(n, content=inner)
                    changed = True
            elif kind is Span or kind is Link:
                inner = self.inlines(n.content)
                attr = self.attr(n.attr)
                title = next(self.titles) if kind is Link and n.title else None
                if title is not None and title != n.title:
                    n = with_fields(n, content=inner, attr=attr, title=title)
                    changed = True
                elif inner is not n.content or attr is not n.attr:
                    n = with_fields(n, content=inner, attr=attr)
                    changed = True
            out.append(n)
        return tuple(out) if changed else content


def _split_groups(groups: list[list[str]], originals: Sequence[str], joined: Sequence[str],
                  conv: TextConverter) -> list[str]:
    """Every run converted, in order, from each group's conversion as one string (`joined`, of
    `originals`, the groups' joined runs), so phrases keep their context across the runs.

    A conversion that kept the group's length maps character to character: it is cut where the
    runs were. Otherwise each run but the longest is also converted on its own; those agree with
    the ends of the joined conversion almost always, and then are exact, the longest run taking
    what is between them; if not, the joined conversion is split back by aligning it against
    every run converted on its own (`split_converted`)."""
    uneven = [g for g, o, c in zip(groups, originals, joined) if len(g) > 1 and len(c) != len(o)]
    longest = [max(range(len(g)), key=lambda i: len(g[i])) for g in uneven]
    singles = iter(conv.convert_many([r for g, j in zip(uneven, longest) for i, r in enumerate(g) if i != j]))
    # per uneven group: its runs converted on their own, the longest as None
    parts = [[None if i == j else next(singles) for i in range(len(g))] for g, j in zip(uneven, longest)]
    agree = []
    for p, j, c in zip(parts, longest, (c for g, o, c in zip(groups, originals, joined)
                                        if len(g) > 1 and len(c) != len(o))):
        head, tail = "".join(p[:j]), "".join(p[j + 1:])
        ok = len(head) + len(tail) <= len(c) and c.startswith(head) and c.endswith(tail)
        if ok:
            p[j] = c[len(head):len(c) - len(tail)]
        agree.append(ok)
    # where they do not, the longest run too, all in one engine call (a call costs far more than a short string)
    missing = iter(conv.convert_many([g[j] for g, j, ok in zip(uneven, longest, agree) if not ok]))
    pending = iter(zip(parts, longest, agree))
    out: list[str] = []
    for g, original, converted in zip(groups, originals, joined):
        if len(g) == 1:
            out.append(converted)
        elif len(converted) == len(original):
            pos = 0
            for run in g:
                end = pos + len(run)
                out.append(converted[pos:end])
                pos = end
        else:
            p, j, ok = next(pending)
            if not ok:
                p[j] = next(missing)
                p = split_converted(g, converted, p)
            out.extend(p)
    return out


def _metadata_strings(meta: Metadata) -> list[str]:
    return [meta.title, meta.subtitle, *meta.authors, meta.source, *meta.tags]


def _converted_metadata(meta: Metadata, conv: TextConverter) -> dict:
    values = conv.convert_many(_metadata_strings(meta))
    n = len(meta.authors)
    title, subtitle, authors, source, tags = (values[0], values[1], values[2:2 + n], values[2 + n],
                                              values[3 + n:])
    return {"title": title, "subtitle": subtitle, "authors": tuple(authors), "source": source, "tags": tuple(tags)}


def _convert_blocks(blocks, conv: TextConverter, *, mark: bool = False, id_suffix: str = "") -> list:
    """`blocks` converted, with one engine call for all their text (per megabyte)."""
    with _collector_paused():
        return _convert_blocks_now(blocks, conv, mark=mark, id_suffix=id_suffix)


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off for a while: rebuilding a document allocates tens
    of thousands of nodes that live on, which starts full collections over the whole heap (a
    third of the time of converting a long document); nodes make no reference cycles.

    Not followed by `gc.freeze(); gc.unfreeze()`, which would spare the first collection a visit
    of the new nodes (5 ms per 20,000 paragraphs) but also moves the caller's young garbage to
    the oldest generation and resets the young count: a long-running process (the service's
    workers) converting often would then never collect again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _convert_blocks_now(blocks, conv: TextConverter, *, mark: bool, id_suffix: str) -> list:
    # Most of a document is paragraphs of one Text ("plain") or of Text runs and one-Text
    # emphasis, links and spans ("flat"): their text is taken and their nodes rebuilt directly,
    # without walking. The rest goes through the collector and the rebuilder.
    out = list(blocks)
    plain: list[int] = []
    plain_texts: list[str] = []
    flat: list[int] = []
    flat_texts: list[str] = []
    others: list[int] = []
    collector = _Collector()
    for i, b in enumerate(blocks):
        if type(b) is Para and not mark:
            content = b.content
            if len(content) == 1 and type(content[0]) is Text:
                if not (id_suffix and b.attr.id):
                    plain.append(i)
                    plain_texts.append(content[0].text)
                    continue
            elif not id_suffix:
                text = _flat_text(content)
                if text is not None:
                    flat.append(i)
                    flat_texts.append(text)
                    continue
        others.append(i)
        collector.block(b)
    collector.flush()
    groups = collector.groups
    joined = [g[0] if len(g) == 1 else "".join(g) for g in groups]
    converted = conv.convert_many(plain_texts + flat_texts + joined + collector.titles)

    n = len(plain)
    changed = list(map(ne, converted[:n], plain_texts))  # unchanged paragraphs are kept
    where = list(compress(plain, changed))
    paras = new_plain_paras(list(compress(converted[:n], changed)), map(_para_attr, map(blocks.__getitem__, where)))
    deque(map(out.__setitem__, where, paras), 0)

    m = n + len(flat)
    uneven: list[tuple[int, str, str]] = []
    for i, original, new in zip(flat, flat_texts, converted[n:m]):
        if new == original:
            continue
        if len(new) == len(original):  # characters map 1:1: cut where the runs were
            out[i] = _rebuild_flat(blocks[i], new)
        else:
            uneven.append((i, original, new))
    if uneven:  # a phrase changed length: split as a group of runs (see `_split_groups`)
        runs = [[r.text if type(r) is Text else r.content[0].text for r in blocks[i].content] for i, _, _ in uneven]
        pieces = iter(_split_groups(runs, [o for _, o, _ in uneven], [c for _, _, c in uneven], conv))
        for i, _, _ in uneven:
            out[i] = _rebuild_flat(blocks[i], None, pieces)

    k = m + len(groups)
    runs = _split_groups(groups, joined, converted[m:k], conv)
    rebuilder = _Rebuilder(iter(runs), iter(converted[k:]), mark=mark, id_suffix=id_suffix)
    for i in others:
        out[i] = rebuilder.block(blocks[i])
    return out


_para_attr = Para.attr.__get__


def _flat_text(content: tuple) -> str | None:
    """The text of a paragraph's content when it is only Text runs and emphasis, links (without
    a title) and spans of one Text each; else None."""
    texts = []
    for n in content:
        kind = type(n)
        if kind is Text:
            texts.append(n.text)
        elif kind in _WRAPPERS and len(n.content) == 1 and type(n.content[0]) is Text and not (
                kind is Link and n.title):
            texts.append(n.content[0].text)
        else:
            return None
    return "".join(texts)


_WRAPPERS = frozenset((Strong, Emph, Link, Span))


def _rebuild_flat(para: Para, converted: str | None, pieces: Iterator[str] | None = None) -> Para:
    """A flat paragraph (see `_flat_text`) with its runs' converted text: cut from `converted`
    where the runs were, or taken from `pieces`. Unchanged runs keep their nodes."""
    content = []
    pos = 0
    for n in para.content:
        run = n if type(n) is Text else n.content[0]
        if pieces is None:
            end = pos + len(run.text)
            piece = converted[pos:end]
            pos = end
        else:
            piece = next(pieces)
        if piece != run.text:
            n = new_text(piece) if n is run else with_content(n, (new_text(piece),))
        content.append(n)
    return with_content(para, tuple(content))


def _document_text(doc: Document, limit: int = 20000) -> str:
    """The metadata and the first blocks' text, up to about `limit` characters (for detection)."""
    parts = _metadata_strings(doc.metadata)
    size = sum(map(len, parts))
    collector = _Collector()
    for b in doc.blocks:
        if size > limit:
            break
        collector.block(b)
        collector.flush()
        for g in collector.groups:
            if size > limit:
                break
            parts.append("".join(g))
            size += len(parts[-1])
        collector.groups.clear()
    return "\n".join(parts)


def _converter(plan: Plan, lookup, dictionary: Mapping[str, str] | None) -> TextConverter:
    return TextConverter([lookup(c) for c in plan.configs] if not plan.noop else (), dictionary)


def plan_for(doc: Document, target: str, lookup) -> Plan:
    """`resolve` for a document: its language tag, or the script detected in its text."""
    lang = doc.metadata.language
    # the text is only read when nothing else tells the source script (a config says it itself)
    text = _document_text(doc) if not is_config(target) and (not lang or script_of(lang) is None) else ""
    return resolve(target, lang, text=text, engine=lookup)


def convert_document(doc: Document, target: str, lookup, dictionary: Mapping[str, str] | None = None) -> Document:
    """`doc` in the target script: every Text (not code), link titles and the metadata
    (title, subtitle, authors, source, tags); `metadata.language` follows."""
    arts = chapters(doc)
    if arts is not None:  # a collection: each article by its own language, then the book's metadata
        converted = [convert_document(a, target, lookup, dictionary) for a in arts]
        plan = plan_for(doc, target, lookup)
        meta = doc.metadata
        if not plan.noop:
            conv = _converter(plan, lookup, dictionary)
            meta = dataclasses.replace(meta, **_converted_metadata(meta, conv), language=plan.language)
        return collect(converted, meta)
    plan = plan_for(doc, target, lookup)
    if plan.noop:
        return doc
    conv = _converter(plan, lookup, dictionary)
    meta = dataclasses.replace(doc.metadata, **_converted_metadata(doc.metadata, conv), language=plan.language)
    return Document(meta, tuple(_convert_blocks(doc.blocks, conv)))


def _has_text(block) -> bool:
    c = _Collector()
    c.block(block)
    c.flush()
    return any(any(r.strip() for r in g) for g in c.groups)


def bilingual_document(doc: Document, target: str, lookup, dictionary: Mapping[str, str] | None = None, *,
                       layout: str = "interleaved", mark: bool = False) -> Document:
    """Each top-level block with text becomes a pair of divisions, original then converted
    (see docs/model-conventions.md); the converted metadata goes to `metadata.extra["bilingual"]`.
    Blocks without text (code blocks, rules) stay as they are, once."""
    if layout not in LAYOUTS:
        raise OptionError(f"unknown bilingual layout {layout!r}; choose {' or '.join(LAYOUTS)}")
    if "bilingual" in doc.metadata.extra:
        raise OptionError("the document is already bilingual")
    arts = chapters(doc)
    if arts is not None:
        pairs = [bilingual_document(a, target, lookup, dictionary, layout=layout, mark=mark) for a in arts]
        first = pairs[0].metadata.extra["bilingual"] if pairs else {}
        plan = plan_for(doc, target, lookup)
        conv = _converter(plan, lookup, dictionary)
        meta = _with_bilingual(doc.metadata, conv, layout, first.get("language", plan.language))
        return collect(pairs, meta)
    plan = plan_for(doc, target, lookup)
    if plan.noop:
        raise OptionError(f"the document is already in {plan.language or plan.target}; a bilingual "
                          f"edition needs the other script", hint="for example --bilingual "
                          + ("hans" if script_of(plan.language or "") != "hans" else "hant"))
    conv = _converter(plan, lookup, dictionary)
    converted = _convert_blocks(doc.blocks, conv, mark=mark, id_suffix="-" + plan.language.lower())
    blocks = []
    for original, other in zip(doc.blocks, converted):
        if not _has_text(original):
            blocks.append(original)
            continue
        blocks.append(Div((
            Div((original,), Attr(classes=(ORIGINAL_CLASS,), lang=plan.source_language)),
            Div((other,), Attr(classes=(CONVERTED_CLASS,), lang=plan.language)),
        ), Attr(classes=(BILINGUAL_CLASS, layout))))
    meta = doc.metadata
    if not meta.language and plan.source_language:
        meta = dataclasses.replace(meta, language=plan.source_language)
    return Document(_with_bilingual(meta, conv, layout, plan.language), tuple(blocks))


def _with_bilingual(meta: Metadata, conv: TextConverter, layout: str, language: str) -> Metadata:
    m = _converted_metadata(meta, conv)
    info = {"layout": layout, "language": language}
    for key in ("title", "subtitle", "authors", "source", "tags"):  # only what the document has
        if getattr(meta, key):
            info[key] = list(m[key]) if isinstance(m[key], tuple) else m[key]
    return dataclasses.replace(meta, extra={**meta.extra, "bilingual": info})


def is_bilingual(doc: Document) -> bool:
    return "bilingual" in doc.metadata.extra


__all__ = [
    "CONFIGS", "CONFIG_LANGUAGE", "FRIENDLY", "LAYOUTS", "Plan", "TextConverter", "bilingual_document",
    "check_target", "convert_document", "convert_stream", "detect_script", "engine_lookup", "is_config",
    "load_dictionaries", "load_dictionary", "resolve", "script_of", "split_converted", "split_paths",
    "diff_spans",
]


# ------------------------------------------------------------------------ the command line


@dataclass(frozen=True)
class Edition:
    """One output of `wenzhuan convert`: a name for the file ("" = as given) and its transforms."""

    name: str
    transforms: tuple[str, ...] = ()
    options: Mapping[str, Mapping[str, object]] = dataclasses.field(default_factory=dict)

    def path(self, base: Path) -> Path:
        return base if not self.name else base.with_name(f"{base.stem}.{self.name}{base.suffix}")


def plan_editions(*, script: str | None = None, bilingual: str | None = None, layout: str | None = None,
                  mark_differences: bool = False, dicts: Sequence[str] = (), editions: Sequence[str] = (),
                  writer: str = "") -> list[Edition]:
    """The outputs that `convert`'s script options ask for. Without `--edition`, one output
    with `--script` and/or `--bilingual` applied; with it, one output per edition: `original`,
    a script TARGET, `bilingual` (the other script) or `bilingual:TARGET`."""
    dict_opt = {"dict": os.pathsep.join(dicts)} if dicts else {}
    if dicts:
        load_dictionaries(dicts)  # malformed lines are reported before any work is done
    bi_opts = {"layout": layout or "interleaved", "mark_differences": mark_differences, **dict_opt}

    def make(name: str, script_target: str | None, bilingual_target: str | None) -> Edition:
        names, options = [], {}
        if script_target:
            names.append("script")
            options["script"] = {"target": check_target(script_target), **dict_opt}
        if bilingual_target is None and writer == "bilingual" and (layout or mark_differences or dicts):
            bilingual_target = "auto"  # the writer would do it anyway, but without these options
        if bilingual_target:
            names.append("bilingual")
            options["bilingual"] = {"target": check_target(bilingual_target), **bi_opts}
        return Edition(name, tuple(names), options)

    if not editions:
        if (layout or mark_differences) and not bilingual and writer != "bilingual":
            raise OptionError("--layout and --mark-differences go with --bilingual TARGET (or -t bilingual)")
        if dicts and not (script or bilingual or writer == "bilingual"):
            raise OptionError("--dict goes with --script, --bilingual or --edition")
        return [make("", script, bilingual)]
    if script or bilingual:
        raise OptionError("give either --edition or --script/--bilingual",
                          hint="for example --edition original --edition hant --edition bilingual")
    out, seen = [], set()
    for raw in editions:
        name = raw.strip().lower()
        if name in seen:
            continue
        seen.add(name)
        if name == "original":
            out.append(make("", None, None))
        elif name == "bilingual" or name.startswith("bilingual:"):
            target = name.partition(":")[2] or "auto"
            out.append(make(name.replace(":", "-"), None, target))
        else:
            out.append(make(check_target(name), name, None))
    return out

