"""Compiled regular expressions kept in the disk cache, so that a process starts without
compiling them again.

The passes' patterns include character classes of thousands of code points (every Han
character, the characters a GBK pair decodes to): Python's `re` takes 1-15 ms to compile each,
about 0.1 s per process in all, before the first file is converted. What `re` makes of a pattern
(the regex engine's code, a list of integers, and its groups) depends only on the pattern, the
flags and the Python build, so it is stored in the disk cache (`wenzhuan.disk_cache`) under
those and handed to the engine directly next time. An entry is stored only when the pattern
built from it equals (same code) what `re.compile` makes; with the cache off, or on anything
unexpected, this is `re.compile`.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from . import disk_cache

try:
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10, or not CPython
    try:
        import _sre
        import sre_compile as _compiler
        import sre_parse as _parser
    except ImportError:
        _sre = None

NAME = "regex"
_KEY = (sys.version, getattr(_sre, "MAGIC", None))
_codes: dict[tuple[str, int], tuple] | None = None  # (pattern, flags) -> the engine's arguments


def compile(pattern: str, flags: int = 0) -> re.Pattern:  # noqa: A001 - re.compile's name and use
    """`re.compile(pattern, flags)`, from the disk cache when it was compiled before."""
    global _codes
    flags = int(flags)
    if _sre is None or disk_cache.cache_dir() is None:
        return re.compile(pattern, flags)
    if _codes is None:
        loaded = disk_cache.load(NAME, _KEY)
        _codes = loaded if isinstance(loaded, dict) else {}
    args = _codes.get((pattern, flags))
    if args is not None:
        try:
            return _sre.compile(pattern, *args)
        except Exception:  # noqa: BLE001 - a damaged entry: compile it again below
            pass
    compiled = re.compile(pattern, flags)
    try:
        args = _engine_arguments(pattern, flags)
        if _sre.compile(pattern, *args) != compiled:
            return compiled
    except Exception:  # noqa: BLE001 - the engine's interface changed: not cached
        return compiled
    _codes[(pattern, flags)] = args
    disk_cache.store(NAME, _KEY, _codes)
    return compiled


def _engine_arguments(pattern: str, flags: int) -> tuple[Any, ...]:
    """The arguments after the pattern that `re` passes to `_sre.compile` (as its
    `_compiler.compile` does)."""
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # noqa: SLF001 - (opcodes are int subclasses)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)
