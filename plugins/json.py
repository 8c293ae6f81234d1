"""JSON writer: the document model in its versioned wire form (lossless)."""

from __future__ import annotations

from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import to_json
from wenzhuan.registry import Option, Writer


class JsonWriter(Writer):
    name = "json"
    extensions = ("json",)
    media_type = "application/json"
    binary = False
    description = "the wenzhuan document model as JSON (lossless; `wenzhuan_model` schema)"
    options = (Option("indent", int, 2, "spaces of indentation; 0 for one line"),)

    def write(self, doc, out, ctx):
        indent = ctx.options["indent"] or None
        out.write(to_json(doc, indent=indent).encode("utf-8"))
        out.write(b"\n")


@hookimpl
def register_writers(register):
    register(JsonWriter())
