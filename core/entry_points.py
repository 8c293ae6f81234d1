"""Third-party plugins' entry points, remembered between runs.

`importlib.metadata` takes about 15 ms to import and 2 ms to read every installed distribution,
at the start of every command. What it found for a group is kept in the disk cache
(`wenzhuan.disk_cache`) with a snapshot of where it looked: the mtime of each `sys.path` entry
(a folder's changes when a distribution is installed or removed in it) and of each distribution's
metadata folder and `entry_points.txt` there (rewritten in place by some editable installs). The
next start checks those with a few dozen `stat` calls and trusts the cache only when nothing
moved, as stevedore's cache does. A snapshot is not stored while any of those mtimes is recent
(a later change within the file system's clock tick would not show), nor when a finder other
than the standard path finder can supply distributions.
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
    if not _only_path_finder():
        return _scan(group)
    name = f"entry-points-{group}"
    stored = disk_cache.load(name, FORMAT)
    paths = _search_paths()
    if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == paths and _unchanged(stored[1]):
        return [EntryPoint(*row) for row in stored[2]]
    found = _scan(group)
    snapshot = _snapshot(paths)
    if snapshot is not None:
        disk_cache.store(name, FORMAT, (paths, snapshot, [(ep.name, ep.value, ep.distribution, ep.version) for ep in found]))
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


def _search_paths() -> tuple[str, ...]:
    """`sys.path` as `importlib.metadata` searches it: "" is the current folder."""
    return tuple(os.path.abspath(p or ".") for p in sys.path if isinstance(p, str))


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _snapshot(paths: tuple[str, ...]) -> list[tuple[str, int | None]] | None:
    """(path, mtime) of each search path, and of each distribution's metadata folder and
    `entry_points.txt` in the folders among them; None when one of them changed too recently to
    be trusted."""
    stats = []
    for path in paths:
        stats.append((path, _mtime(path)))
        try:
            names = [e.name for e in os.scandir(path) if e.name.endswith(_METADATA_SUFFIXES)]
        except OSError:  # absent, or a file (a zip: its own mtime covers what is inside)
            continue
        for name in sorted(names):
            folder = os.path.join(path, name)
            stats.append((folder, _mtime(folder)))
            inner = os.path.join(folder, "EGG-INFO" if name.endswith(".egg") else "", "entry_points.txt")
            stats.append((inner, _mtime(inner)))
    recent = time.time_ns() - _RECENT_NS
    if any(mtime is not None and mtime >= recent for _, mtime in stats):
        return None
    return stats


def _unchanged(stats: list[tuple[str, int | None]]) -> bool:
    return all(_mtime(path) == mtime for path, mtime in stats)
