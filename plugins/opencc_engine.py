"""The default script conversion engine: OpenCC's official C++ binding (PyPI `opencc`).

Exact on all 543 of OpenCC's own test cases and 35x faster than the pure-Python
reimplementation (see the README's "Script conversion" section). One `OpenCC` instance per
config, made on first use and kept: loading a config's dictionaries takes tens of milliseconds.

The plugin that registers it is `wenzhuan.plugins.opencc`; this module imports nothing of the
plugin machinery (pluggy), so that `wenzhuan script` can use the engine alone and start fast.
"""

from __future__ import annotations

import _thread  # threading's lock without importing threading (a millisecond of start-up)
from typing import Callable

from wenzhuan.script_text import CONFIGS, ScriptConverter

#: the plugin that registers the engine (`WENZHUAN_BLOCK_PLUGINS` may name it)
PLUGIN = "wenzhuan.plugins.opencc"


class OpenCCConverter(ScriptConverter):
    name = "opencc"
    configs = CONFIGS
    description = "OpenCC's official binding (C++), all 16 configs"

    def __init__(self) -> None:
        self._cache: dict[str, Callable[[str], str]] = {}
        self._lock = _thread.allocate_lock()

    def converter(self, config: str) -> Callable[[str], str]:
        config = config.removesuffix(".json")
        fn = self._cache.get(config)
        if fn is None:
            if config not in CONFIGS:
                raise ValueError(f"OpenCC has no config {config!r}")
            import opencc  # imported on first use: listing formats never pays for it

            with self._lock:
                fn = self._cache.get(config)
                if fn is None:
                    fn = self._cache[config] = opencc.OpenCC(config).convert
        return fn
