"""Third-party plugins' entry points, remembered between runs.

`importlib.metadata` takes about 15 ms to import and 2 ms to read every installed distribution,
at the start of every command. What it found for a group is kept in the disk cache
(`wenzhuan.disk_cache`) with a snapshot of where it looked: the distributions' metadata folders
in each `sys.path` folder (their names: a folder's mtime would also move with every file written
beside them, as in a current folder on `sys.path`), and the mtime of each of those folders and of
its `entry_points.txt` (rewritten in place by some editable installs). The next start takes the
snapshot again, a listing per folder and a few dozen `stat` calls, and trusts the cache only when
nothing moved, as stevedore's cache does. A snapshot is not stored while one of those mtimes is
recent (a later change within the file system's clock tick would not show), nor when a finder
other than the standard path finder can supply distributions.
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import os
import re
import sys
import time
from dataclasses import dataclass

from . import disk_cache

FORMAT = 1
_METADATA_SUFFIXES = (".dist-info", ".egg-info", ".egg")
# mtimes at most this old may still change within the same clock tick (see the module docstring)
_RECENT_NS = 2_000_000_000
# importlib.metadata's own syntax for an entry point's value: `module[:attr[.attr]] [extras]`
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


@dataclass(frozen=True)
class EntryPoint:
    """One entry point: `name = value` in a group, from a distribution (None when unknown)."""

    name: str
    value: str
    distribution: str | None = None
    version: str | None = None

    def load(self) -> object:
        """The object the value names, importing its module (as `importlib.metadata` does)."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"{self.value!r} is not an entry point (module or module:attribute)")
        module = importlib.import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return functools.reduce(getattr, attrs, module)


def entry_points(group: str) -> list[EntryPoint]:
    """The entry points of `group` of the distributions on `sys.path`, sorted by name."""
    if not (disk_cache.enabled() and _only_path_finder()):
        return _scan(group)
    name = f"entry-points-{group}"
    # (the time before anything is read: a slow read must not make a recent mtime look old)
    recent = time.time_ns() - _RECENT_NS
    snapshot = _snapshot()
    stored = disk_cache.load(name, FORMAT)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == snapshot:
        return [EntryPoint(*row) for row in stored[1]]
    found = _scan(group)
    if not any(mtime is not None and mtime >= recent for _, mtime in snapshot[1]):
        disk_cache.store(name, FORMAT, (snapshot, [(ep.name, ep.value, ep.distribution, ep.version)
                                                    for ep in found]))
    return found


def _scan(group: str) -> list[EntryPoint]:
    from importlib import metadata

    return sorted((EntryPoint(ep.name, ep.value, ep.dist.name if ep.dist else None,
                              ep.dist.version if ep.dist else None)
                   for ep in metadata.entry_points(group=group)), key=lambda ep: ep.name)


def _only_path_finder() -> bool:
    """Whether the standard path finder is the only one that finds distributions (an import
    hook that supplies its own, as some bundlers do, makes the snapshot meaningless)."""
    return all(finder is importlib.machinery.PathFinder for finder in sys.meta_path
               if getattr(finder, "find_distributions", None) is not None)


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _snapshot() -> tuple[list, list]:
    """Where `importlib.metadata` looks, as it is now: each folder on `sys.path` ("" is the
    current folder) with the names of the distributions' metadata in it, and the (path, mtime)
    of each metadata folder and its `entry_points.txt`, and of each zip on `sys.path`."""
    listing, stats = [], []
    for path in sys.path:
        if not isinstance(path, str):
            continue
        path = os.path.abspath(path or ".")
        try:
            with os.scandir(path) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(_METADATA_SUFFIXES))
        except NotADirectoryError:  # a zip
            listing.append((path, "file"))
            stats.append((path, _mtime(path)))
            continue
        except OSError:  # absent
            listing.append((path, None))
            continue
        listing.append((path, names))
        for name in names:
            folder = os.path.join(path, name)
            inner = os.path.join(folder, "EGG-INFO" if name.endswith(".egg") else "", "entry_points.txt")
            stats.append((folder, _mtime(folder)))
            stats.append((inner, _mtime(inner)))
    return listing, stats
