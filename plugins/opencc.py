"""The built-in plugin for the default script conversion engine, OpenCC's official C++ binding
(the engine is `wenzhuan.plugins.opencc_engine`)."""

from __future__ import annotations

from wenzhuan.hookspecs import hookimpl
from wenzhuan.plugins.opencc_engine import OpenCCConverter


@hookimpl
def register_script_converters(register):
    register(OpenCCConverter())
