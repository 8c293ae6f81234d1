"""Which plugins a process loads: `WENZHUAN_LOAD_PLUGINS` and `WENZHUAN_BLOCK_PLUGINS` (their
meaning is in `wenzhuan.manager`), read apart from the manager so that a command can ask without
importing the plugin machinery."""

from __future__ import annotations

import os

ENV_LOAD = "WENZHUAN_LOAD_PLUGINS"
ENV_BLOCK = "WENZHUAN_BLOCK_PLUGINS"


def names(value: str | None) -> set[str] | None:
    if value is None:
        return None
    return {n.strip() for n in value.split(",") if n.strip()}


def to_load() -> set[str] | None:
    """The third-party plugins to load: None for all."""
    return names(os.environ.get(ENV_LOAD))


def blocked() -> set[str]:
    return names(os.environ.get(ENV_BLOCK)) or set()


def blocks(plugin: str) -> bool:
    return plugin in blocked()
