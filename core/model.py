"""The canonical document model: the one typed AST that readers produce and writers consume.

A `Document` is `Metadata` plus a tuple of blocks. Blocks and inlines are closed unions of
frozen, slotted dataclasses (as in pandoc-types); every node that can carry attributes has an
`Attr` (id, classes, key-values, lang), so features such as bilingual editions are divisions
with `lang` set, not new node types.

Containers are tuples. Constructors accept any iterable and store a tuple, so plugin code may
pass lists. JSON round trip: `to_json` / `from_json` (see `SCHEMA_VERSION`).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import deque
from dataclasses import dataclass, field, fields
from itertools import repeat
from typing import Any, Iterable, Iterator, Mapping, Sequence, Union

from .errors import WenzhuanError

SCHEMA_VERSION = 1
SCHEMA_KEY = "wenzhuan_model"


def _tuple(value: Iterable[Any]) -> tuple:
    return value if type(value) is tuple else tuple(value)


# Nodes are rebuilt by every pass and transform, so __post_init__ stays cheap: a container that is
# already a tuple (the usual case) is left as it is instead of being set again.


@dataclass(frozen=True, slots=True)
class Attr:
    """Attributes of a block or span: an id, classes, key-value pairs and a BCP 47 language tag."""

    id: str = ""
    classes: tuple[str, ...] = ()
    kv: tuple[tuple[str, str], ...] = ()
    lang: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "classes", _tuple(self.classes))
        kv = self.kv.items() if isinstance(self.kv, Mapping) else self.kv
        object.__setattr__(self, "kv", tuple((str(k), str(v)) for k, v in kv))

    def get(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.kv:
            if k == key:
                return v
        return default

    def __bool__(self) -> bool:
        return bool(self.id or self.classes or self.kv or self.lang)


NO_ATTR = Attr()


# ---------------------------------------------------------------------------------- inlines


@dataclass(frozen=True, slots=True)
class Text:
    """A run of plain text. Never contains a newline: line breaks are `LineBreak` nodes."""

    text: str


@dataclass(frozen=True, slots=True)
class Emph:
    content: tuple[Inline, ...]

    def __post_init__(self) -> None:
        if type(self.content) is not tuple:
            object.__setattr__(self, "content", tuple(self.content))


@dataclass(frozen=True, slots=True)
class Strong:
    content: tuple[Inline, ...]

    def __post_init__(self) -> None:
        if type(self.content) is not tuple:
            object.__setattr__(self, "content", tuple(self.content))


@dataclass(frozen=True, slots=True)
class Link:
    content: tuple[Inline, ...]
    url: str
    title: str = ""
    attr: Attr = NO_ATTR

    def __post_init__(self) -> None:
        if type(self.content) is not tuple:
            object.__setattr__(self, "content", tuple(self.content))


@dataclass(frozen=True, slots=True)
class Code:
    """Inline code, shown verbatim."""

    text: str
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break inside a block."""


@dataclass(frozen=True, slots=True)
class Span:
    """A generic inline container; its meaning lives in its attributes (classes, lang)."""

    content: tuple[Inline, ...]
    attr: Attr = NO_ATTR

    def __post_init__(self) -> None:
        if type(self.content) is not tuple:
            object.__setattr__(self, "content", tuple(self.content))


Inline = Union[Text, Emph, Strong, Link, Code, LineBreak, Span]
INLINE_TYPES: tuple[type, ...] = (Text, Emph, Strong, Link, Code, LineBreak, Span)


# ----------------------------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True)
class Para:
    content: tuple[Inline, ...]
    attr: Attr = NO_ATTR

    def __post_init__(self) -> None:
        if type(self.content) is not tuple:
            object.__setattr__(self, "content", tuple(self.content))


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    content: tuple[Inline, ...]
    attr: Attr = NO_ATTR

    def __post_init__(self) -> None:
        if not 1 <= self.level <= 6:
            raise ValueError(f"heading level must be 1-6, not {self.level}")
        if type(self.content) is not tuple:
            object.__setattr__(self, "content", tuple(self.content))


@dataclass(frozen=True, slots=True)
class BlockQuote:
    blocks: tuple[Block, ...]
    attr: Attr = NO_ATTR

    def __post_init__(self) -> None:
        if type(self.blocks) is not tuple:
            object.__setattr__(self, "blocks", tuple(self.blocks))


@dataclass(frozen=True, slots=True)
class BulletList:
    """An unordered list; each item is a tuple of blocks."""

    items: tuple[tuple[Block, ...], ...]
    attr: Attr = NO_ATTR

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(_tuple(item) for item in self.items))


@dataclass(frozen=True, slots=True)
class OrderedList:
    """A numbered list starting at `start`; each item is a tuple of blocks."""

    items: tuple[tuple[Block, ...], ...]
    start: int = 1
    attr: Attr = NO_ATTR

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(_tuple(item) for item in self.items))


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """Preformatted text, shown verbatim (lines separated by newlines)."""

    text: str
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True)
class ThematicBreak:
    attr: Attr = NO_ATTR


@dataclass(frozen=True, slots=True)
class Div:
    """A generic block container; its meaning lives in its attributes (classes, lang).

    Two uses are built in: `chapter` (one article of a collection, see `walk.collect`) and the
    halves of a bilingual pair (`lang` set on each).
    """

    blocks: tuple[Block, ...]
    attr: Attr = NO_ATTR

    def __post_init__(self) -> None:
        if type(self.blocks) is not tuple:
            object.__setattr__(self, "blocks", tuple(self.blocks))


Block = Union[Para, Heading, BlockQuote, BulletList, OrderedList, CodeBlock, ThematicBreak, Div]
BLOCK_TYPES: tuple[type, ...] = (
    Para, Heading, BlockQuote, BulletList, OrderedList, CodeBlock, ThematicBreak, Div,
)


# --------------------------------------------------------------------------------- document


@dataclass(frozen=True, slots=True)
class Metadata:
    """What is known about a document. `language` is a BCP 47 tag such as `zh-Hans`.

    `extra` holds anything else (JSON values only); it is compared but not hashed.
    """

    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    date: _dt.date | None = None
    source: str = ""
    url: str = ""
    tags: tuple[str, ...] = ()
    language: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "authors", _tuple(self.authors))
        object.__setattr__(self, "tags", _tuple(self.tags))
        if isinstance(self.date, _dt.datetime):
            object.__setattr__(self, "date", self.date.date())
        elif isinstance(self.date, str):
            object.__setattr__(self, "date", _dt.date.fromisoformat(self.date) if self.date else None)
        object.__setattr__(self, "extra", dict(self.extra))


@dataclass(frozen=True, slots=True)
class Document:
    metadata: Metadata = field(default_factory=Metadata)
    blocks: tuple[Block, ...] = ()

    def __post_init__(self) -> None:
        if type(self.blocks) is not tuple:
            object.__setattr__(self, "blocks", tuple(self.blocks))


Node = Union[Block, Inline]
_NODE_CLASSES: dict[str, type] = {cls.__name__: cls for cls in (*INLINE_TYPES, *BLOCK_TYPES)}


# ------------------------------------------------------------------------- fast rebuilding
# For code that rebuilds tens of thousands of nodes from valid ones (script conversion rebuilds
# every paragraph of a document): these skip __init__ and __post_init__, whose work a node made
# from a valid node's tuple and attributes cannot need, and cost a third of the constructors.
# They make the same values the constructors make.

_new = object.__new__
_set_text = Text.text.__set__
_set_para_content = Para.content.__set__
_set_para_attr = Para.attr.__set__


def new_text(text: str) -> Text:
    """`Text(text)`."""
    node = _new(Text)
    _set_text(node, text)
    return node


def new_plain_paras(texts: Sequence[str], attrs: Iterable[Attr]) -> list[Para]:
    """`[Para((Text(t),), a) for t, a in zip(texts, attrs)]`, made in bulk: every loop runs in C
    (`map` drained by a zero-length deque; `zip` of one iterable makes the 1-tuples), not a
    Python call per paragraph (2 ms less per 20,000; the rest is allocation and memory traffic)."""
    n = len(texts)
    runs = list(map(_new, repeat(Text, n)))
    deque(map(_set_text, runs, texts), 0)
    paras = list(map(_new, repeat(Para, n)))
    deque(map(_set_para_content, paras, zip(runs)), 0)
    deque(map(_set_para_attr, paras, attrs), 0)
    return paras


_SLOTS: dict[type, tuple] = {cls: tuple((f.name, cls.__dict__[f.name]) for f in fields(cls))
                             for cls in _NODE_CLASSES.values()}


_OTHER_SLOTS: dict[type, tuple] = {cls: tuple(slot for name, slot in slots if name != "content")
                                   for cls, slots in _SLOTS.items() if any(n == "content" for n, _ in slots)}


def with_content(node: Node, content: tuple) -> Node:
    """`dataclasses.replace(node, content=content)` for nodes with inline content (`content`
    a tuple)."""
    cls = type(node)
    copy = _new(cls)
    cls.content.__set__(copy, content)
    for slot in _OTHER_SLOTS[cls]:
        slot.__set__(copy, slot.__get__(node))
    return copy


def with_fields(node: Node, **changes: Any) -> Node:
    """`dataclasses.replace(node, **changes)` for nodes, where `changes` are values of the
    fields' types (`content`, `blocks` and `items` as tuples)."""
    copy = _new(type(node))
    for name, slot in _SLOTS[type(node)]:
        slot.__set__(copy, changes[name] if name in changes else slot.__get__(node))
    return copy


# ------------------------------------------------------------------------------------- JSON


def _encode(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, Attr):
        out: dict[str, Any] = {}
        if value.id:
            out["id"] = value.id
        if value.classes:
            out["classes"] = list(value.classes)
        if value.kv:
            out["kv"] = [list(pair) for pair in value.kv]
        if value.lang:
            out["lang"] = value.lang
        return out
    if type(value).__name__ in _NODE_CLASSES:
        node: dict[str, Any] = {"type": type(value).__name__}
        for f in fields(value):
            v = getattr(value, f.name)
            if f.name == "attr" and not v:
                continue
            node[f.name] = _encode(v)
        return node
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        kind = value.get("type")
        cls = _NODE_CLASSES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise WenzhuanError(f"unknown node type {kind!r} in document JSON")
        kwargs = {k: (_decode_attr(v) if k == "attr" else _decode(v)) for k, v in value.items() if k != "type"}
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise WenzhuanError(f"malformed {kind} node in document JSON: {exc}") from None
    return value


def _decode_attr(value: Mapping[str, Any]) -> Attr:
    return Attr(
        id=value.get("id", ""),
        classes=tuple(value.get("classes", ())),
        kv=tuple((k, v) for k, v in value.get("kv", ())),
        lang=value.get("lang", ""),
    )


def metadata_to_dict(meta: Metadata) -> dict[str, Any]:
    return {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "authors": list(meta.authors),
        "date": meta.date.isoformat() if meta.date else None,
        "source": meta.source,
        "url": meta.url,
        "tags": list(meta.tags),
        "language": meta.language,
        "extra": dict(meta.extra),
    }


def metadata_from_dict(data: Mapping[str, Any]) -> Metadata:
    known = {f.name for f in fields(Metadata)}
    unknown = set(data) - known
    if unknown:
        raise WenzhuanError(f"unknown metadata field(s) in document JSON: {', '.join(sorted(unknown))}")
    return Metadata(**{k: v for k, v in data.items() if v is not None})


def to_dict(doc: Document) -> dict[str, Any]:
    """The versioned wire form: `{"wenzhuan_model": 1, "metadata": {...}, "blocks": [...]}`."""
    return {
        SCHEMA_KEY: SCHEMA_VERSION,
        "metadata": metadata_to_dict(doc.metadata),
        "blocks": _encode(doc.blocks),
    }


def from_dict(data: Mapping[str, Any]) -> Document:
    version = data.get(SCHEMA_KEY) if isinstance(data, Mapping) else None
    if version != SCHEMA_VERSION:
        raise WenzhuanError(
            f"document JSON has schema version {version!r}; this wenzhuan reads version {SCHEMA_VERSION}",
            hint=f"produce it with a wenzhuan whose model version is {SCHEMA_VERSION}",
        )
    return Document(metadata_from_dict(data.get("metadata", {})), _decode(data.get("blocks", [])))


def to_json(doc: Document, *, indent: int | None = 2) -> str:
    return json.dumps(to_dict(doc), ensure_ascii=False, indent=indent)


def iter_json(doc: Document) -> Iterator[str]:
    """`to_json(doc, indent=None)` in pieces, a block at a time: to hash a large document without
    holding all of its JSON (and the dictionaries it is made from) at once."""
    encode = _PIECES.encode
    head = encode({SCHEMA_KEY: SCHEMA_VERSION, "metadata": metadata_to_dict(doc.metadata), "blocks": []})
    yield head[:-2]  # up to and including the blocks' "["
    for n, block in enumerate(doc.blocks):
        yield (", " if n else "") + encode(_encode(block))
    yield "]}"


_PIECES = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(..., ensure_ascii=False) uses


def from_json(text: str | bytes) -> Document:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise WenzhuanError(f"not valid JSON: {exc}") from None
    return from_dict(data)
