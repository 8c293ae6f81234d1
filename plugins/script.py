"""Script conversion and bilingual editions as transforms, and the `bilingual` output format.

- transform `script` (`wenzhuan convert --script TARGET`): the document in another script.
- transform `bilingual` (`--bilingual TARGET --layout ... --mark-differences`): original and
  converted blocks side by side, as divisions with `lang` (docs/model-conventions.md).
- writer `bilingual` (`-t bilingual`): clean interleaved Markdown; a document that is not yet
  bilingual gets the other script (Simplified ↔ Traditional) first.

The work itself is in `wenzhuan.script`; engines come from `register_script_converters`.
"""

from __future__ import annotations

import dataclasses

from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document, Heading, Para, Span, Strong
from wenzhuan.registry import Option, Transform, TransformContext, WriteContext, Writer
from wenzhuan.script import (
    DIFF_CLASS, LAYOUTS, bilingual_document, check_target, convert_document, engine_lookup, is_bilingual,
    load_dictionaries, split_paths,
)
from wenzhuan.walk import map_blocks

_DICT = Option("dict", str, "", "user dictionaries (source<TAB>target lines), several joined by the path separator")
_ENGINE = Option("engine", str, "", "script conversion engine; default: the first that supports the config")


def _lookup(ctx):
    catalog = ctx.catalog
    if catalog is None:
        from wenzhuan.manager import default_host

        catalog = default_host().catalog
    return engine_lookup(catalog, ctx.options.get("engine") or "")


class ScriptTransform(Transform):
    name = "script"
    description = "convert the text and metadata to another Chinese script (OpenCC config or hans, hant, tw, tw-phrases, hk)"
    options = (Option("target", str, "auto", "an OpenCC config or hans, hant, tw, tw-phrases, hk; auto: the other script"),
               _DICT, _ENGINE)

    def apply(self, doc: Document, ctx: TransformContext) -> Document:
        target = check_target(ctx.options["target"] or "auto")
        dictionary = load_dictionaries(split_paths(ctx.options["dict"]))
        out = convert_document(doc, target, _lookup(ctx), dictionary)
        if out is doc:
            ctx.warn(f"the document is already in the target script; {target} changed nothing")
        return out


class BilingualTransform(Transform):
    name = "bilingual"
    description = "keep the original and add the converted text, block by block"
    options = (
        Option("target", str, "auto", "the converted half's script; auto: the other script"),
        Option("layout", str, "interleaved", "how the halves are laid out", choices=LAYOUTS),
        Option("mark_differences", bool, False, "wrap characters the conversion changed in script-diff spans"),
        _DICT, _ENGINE,
    )

    def apply(self, doc: Document, ctx: TransformContext) -> Document:
        target = check_target(ctx.options["target"] or "auto")
        if is_bilingual(doc):  # applying it twice changes nothing; say so rather than fail
            ctx.warn("the document is already bilingual; left as it is")
            return doc
        dictionary = load_dictionaries(split_paths(ctx.options["dict"]))
        return bilingual_document(doc, target, _lookup(ctx), dictionary, layout=ctx.options["layout"],
                                  mark=ctx.options["mark_differences"])


def _bold_differences(doc: Document) -> Document:
    """script-diff spans as bold; bold inside bold and neighbouring bold runs merged."""

    def inlines(content, in_strong: bool) -> tuple:
        out: list = []
        for n in content:
            if isinstance(n, Span) and DIFF_CLASS in n.attr.classes:
                inner = inlines(n.content, True)
                new = list(inner) if in_strong else [Strong(inner)]
            elif isinstance(n, Strong):
                new = list(inlines(n.content, True)) if in_strong else [Strong(inlines(n.content, True))]
            elif hasattr(n, "content"):
                new = [dataclasses.replace(n, content=inlines(n.content, in_strong))]
            else:
                new = [n]
            for x in new:
                if isinstance(x, Strong) and out and isinstance(out[-1], Strong):
                    out[-1] = Strong(out[-1].content + x.content)
                else:
                    out.append(x)
        return tuple(out)

    def visit(block):
        if isinstance(block, (Para, Heading)):
            return dataclasses.replace(block, content=inlines(block.content, False))
        return None

    return map_blocks(doc, visit)


class BilingualWriter(Writer):
    name = "bilingual"
    extensions = ("md",)
    media_type = "text/markdown; charset=utf-8"
    binary = False
    description = "bilingual Markdown: each block followed by its other-script counterpart"
    options = (
        Option("front_matter", bool, True, "write the metadata (both scripts) as YAML front matter"),
        Option("mark_style", str, "none", "how --mark-differences shows in Markdown", choices=("none", "bold")),
    )

    def write(self, doc, out, ctx: WriteContext):
        from wenzhuan.plugins.markdown import render_markdown

        if not is_bilingual(doc):
            doc = bilingual_document(doc, "auto", _lookup(ctx), mark=ctx.options["mark_style"] != "none")
        if ctx.options["mark_style"] == "bold":
            doc = _bold_differences(doc)
        out.write(render_markdown(doc, front=ctx.options["front_matter"], ctx=ctx).encode("utf-8"))


@hookimpl
def register_transforms(register):
    register(ScriptTransform())
    register(BilingualTransform())


@hookimpl
def register_writers(register):
    register(BilingualWriter())

