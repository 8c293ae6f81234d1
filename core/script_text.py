"""Script conversion of raw text: the OpenCC configs, engines, user dictionaries, streams.

- `ScriptConverter` is the base class of engines (plugins register them with
  `register_script_converters`); `engine_lookup` picks one for a config, and `stream_engine`
  gives `wenzhuan script` the built-in engine without loading every plugin.
- `TextConverter` runs a chain of configs through an engine, with user dictionaries
  (`load_dictionary`) applied first: their phrases are matched longest first and protected from
  the engine. `convert_many` converts many strings in one engine call (joined by newlines,
  which no OpenCC conversion crosses).
- `convert_stream` converts raw text in bounded memory, line-preserving.

Documents are converted by `wenzhuan.script`. This module imports nothing of the document model
or the plugin machinery, so that `wenzhuan script` starts as fast as the engine does.
"""

from __future__ import annotations

import codecs
import os
import re
from bisect import bisect_left
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO, Callable, ClassVar, Iterable, Mapping, Sequence

from .errors import InputError, OptionError

CONFIGS = ("s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk", "hk2s", "s2hkp", "hk2sp",
           "t2tw", "tw2t", "t2hk", "hk2t", "t2jp", "jp2t")


def is_config(name: str) -> bool:
    return name.removesuffix(".json") in CONFIGS


# ---------------------------------------------------------------------- dictionaries


def load_dictionary(path: str | os.PathLike) -> dict[str, str]:
    """Read a user dictionary: one `source<TAB>target` phrase a line, UTF-8; blank lines and
    lines starting with `#` are skipped. Malformed lines are errors naming the file and line."""
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such dictionary file", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read the dictionary: {exc.strerror or exc}", path=shown) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"line {line}: not UTF-8", path=shown,
                         hint="save the dictionary as UTF-8") from None
    out: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            what = "no tab" if len(fields) == 1 else f"{len(fields) - 1} tabs"
            raise InputError(f"line {number}: expected source<TAB>target, found {what}: {line!r}",
                             path=shown)
        source, target = fields
        if not source.strip() or not target.strip():
            raise InputError(f"line {number}: {'source' if not source.strip() else 'target'} is empty",
                             path=shown)
        if source in out and out[source] != target:
            raise InputError(f"line {number}: {source!r} is already mapped to {out[source]!r} "
                             f"on line {first_line[source]}", path=shown)
        out[source] = target
        first_line.setdefault(source, number)
    return out


def load_dictionaries(paths: Iterable[str | os.PathLike]) -> dict[str, str]:
    """Several dictionaries merged; a later file's entry wins over an earlier one's."""
    merged: dict[str, str] = {}
    for path in paths:
        merged.update(load_dictionary(path))
    return merged


def split_paths(value: str | Sequence[str] | None) -> list[str]:
    """A transform's `dict` option: paths separated by os.pathsep (or a sequence of paths)."""
    if not value:
        return []
    if isinstance(value, str):
        return [p for p in value.split(os.pathsep) if p]
    return [str(p) for p in value]


# ---------------------------------------------------------------------------- engines


class ScriptConverter:
    """Base class of Chinese script conversion engines (OpenCC configs)."""

    name: ClassVar[str] = ""
    configs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""

    def converter(self, config: str) -> Callable[[str], str]:
        raise NotImplementedError


def engine_lookup(catalog, engine: str = "") -> Callable[[str], Callable[[str], str]]:
    """`config -> str -> str` from the registered script converters: the named engine, or the
    first one registered that supports the config."""
    converters = catalog.script_converters
    if engine:
        if engine not in converters:
            known = ", ".join(converters) or "none installed"
            raise OptionError(f"unknown script conversion engine {engine!r}; known: {known}")
        chosen = [converters[engine]]
    else:
        chosen = list(converters.values())

    def lookup(config: str) -> Callable[[str], str]:
        for conv in chosen:
            if config in conv.configs:
                return conv.converter(config)
        names = ", ".join(c.name for c in chosen) or "none installed"
        raise OptionError(f"no script conversion engine supports {config!r} (engines: {names})")

    return lookup


def stream_engine(engine: str = "") -> Callable[[str], Callable[[str], str]]:
    """`engine_lookup` for `wenzhuan script`. Built-in plugins register first, so the built-in
    OpenCC engine is the default for every config it supports; then it is used alone, without
    loading every plugin (which takes longer than converting megabytes). Another engine, or a
    blocked built-in, goes through the plugins."""
    from . import plugin_env
    from .plugins import opencc_engine as builtin

    if engine in ("", builtin.OpenCCConverter.name) and not plugin_env.blocks(builtin.PLUGIN):
        return builtin.OpenCCConverter().converter
    from .manager import default_host

    return engine_lookup(default_host().catalog, engine)


class TextConverter:
    """A chain of configs plus user dictionaries: `conv(text)` and `conv.convert_many(texts)`."""

    def __init__(self, functions: Sequence[Callable[[str], str]], dictionary: Mapping[str, str] | None = None):
        self.functions = tuple(functions)
        self.dictionary = dict(dictionary or {})
        for key, value in self.dictionary.items():
            if "\n" in key or "\n" in value or not key:
                raise OptionError(f"dictionary entries cannot be empty or span lines: {key!r}")
        keys = sorted(self.dictionary, key=len, reverse=True)  # longest first: leftmost-longest match
        self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else None

    @property
    def identity(self) -> bool:
        return not self.functions

    def _engine(self, text: str) -> str:
        for fn in self.functions:
            text = fn(text)
        return text

    def __call__(self, text: str) -> str:
        if not self.functions or not text:
            return text
        if self._pattern is None:
            return self._engine(text)
        out: list[str] = []
        pos = 0
        for m in self._pattern.finditer(text):
            if m.start() > pos:
                out.append(self._engine(text[pos:m.start()]))
            out.append(self.dictionary[m.group()])
            pos = m.end()
        if pos < len(text):
            out.append(self._engine(text[pos:]))
        return "".join(out)

    def convert_many(self, texts: Sequence[str], *, batch: int = 1 << 20) -> list[str]:
        """Convert many newline-free strings with few engine calls (they are joined by newlines,
        which no conversion crosses or produces; checked, with a one-by-one fallback)."""
        if not self.functions:
            return list(texts)
        out: list[str] = []
        ends = list(accumulate(map(len, texts)))  # characters up to the end of each text
        start = 0
        while start < len(texts):
            # up to and with the text that reaches `batch` characters
            end = min(bisect_left(ends, (ends[start - 1] if start else 0) + batch, start) + 1, len(texts))
            part = texts[start:end]
            converted = self("\n".join(part)).split("\n")
            if len(converted) != len(part):  # an engine that broke the line structure
                converted = [self(t) for t in part]
            out.extend(converted)
            start = end
        return out


# ---------------------------------------------------------------------------- streams

_SAFE = re.compile(r"[\s\u3000-\u303f\uff00-\uff65.,;:!?)\]}]")


def _safe_cut(buf: str, window: int = 4096) -> int:
    """Where to cut a long line: after the last blank or punctuation near the end (no phrase
    runs across those), else at the end."""
    start = max(0, len(buf) - window)
    last = -1
    for m in _SAFE.finditer(buf, start):
        last = m.end()
    return last if last > 0 else len(buf)


def convert_stream(inp: BinaryIO, out: BinaryIO, convert: Callable[[str], str], *, encoding: str = "utf-8",
                   chunk: int = 1 << 20, max_line: int = 1 << 22) -> int:
    """Convert a byte stream to UTF-8 in bounded memory: about `chunk` characters at a time, cut
    at line ends; lines longer than `max_line` are cut at a blank or punctuation. Line endings
    are kept as they are. Returns the number of characters read."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
    except LookupError:
        raise OptionError(f"unknown encoding {encoding!r}") from None
    carry = ""
    total = 0
    offset = 0
    while True:
        raw = inp.read(chunk)
        try:
            block = decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid {encoding} near byte {offset + exc.start}",
                             hint="give the input's encoding with --encoding") from None
        except UnicodeError as exc:  # a decoder's own complaint, e.g. UTF-16 without a byte-order mark
            raise InputError(f"not valid {encoding}: {exc}",
                             hint="without a byte-order mark, name the byte order: --encoding utf-16-le "
                                  "or utf-16-be") from None
        offset += len(raw)
        total += len(block)
        buf = carry + block if carry else block
        if not raw:
            if buf:
                out.write(convert(buf).encode("utf-8"))
            return total
        cut = buf.rfind("\n") + 1
        if cut == 0:
            if len(buf) < max_line:
                carry = buf
                continue
            cut = _safe_cut(buf)
        out.write(convert(buf[:cut]).encode("utf-8"))
        carry = buf[cut:]
