"""A per-user cache of tables that take a while to build, so a process starts faster.

Files live in `$WENZHUAN_CACHE_DIR`, else `$XDG_CACHE_HOME/wenzhuan`, else `~/.cache/wenzhuan`
(an empty `WENZHUAN_CACHE_DIR` turns the cache off). Each holds one value with the key it was
built for (the versions and sources it was built from): a file whose key differs, or that cannot
be read, is ignored and rebuilt. Deleting the folder is always safe. Values are what `marshal`
handles (str, int, bytes, tuples, lists, dicts, frozensets): fast to load, and written by this
user only.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

FORMAT = 1


def cache_dir() -> Path | None:
    given = os.environ.get("WENZHUAN_CACHE_DIR")
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wenzhuan"


def enabled() -> bool:
    """Whether the cache is on (`cache_dir()` is not None), without making its path: a pass asks
    this for every document."""
    return os.environ.get("WENZHUAN_CACHE_DIR") != ""


def load(name: str, key: Any) -> Any | None:
    """The value stored under `name` for `key`, or None (absent, stale, corrupt, cache off)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        stored_format, stored_key, value = marshal.loads((folder / f"{name}.marshal").read_bytes())
    except Exception:  # noqa: BLE001 - absent, unreadable or corrupt: build it again
        return None
    return value if stored_format == FORMAT and stored_key == key else None


def store(name: str, key: Any, value: Any) -> None:
    """Store `value` for `key` atomically; a cache that cannot be written is simply not used."""
    folder = cache_dir()
    if folder is None:
        return
    from .atomic import write_atomic
    from .errors import WenzhuanError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{name}.marshal", marshal.dumps((FORMAT, key, value)), sync=False)
    except (OSError, ValueError, WenzhuanError):
        pass
