"""The stable API for plugin authors. Import from here; everything else in wenzhuan may change.

    from wenzhuan.api import hookimpl, Writer, Option

    class Shout(Writer):
        name = "shout"
        extensions = ("txt",)
        ...

    @hookimpl
    def register_writers(register):
        register(Shout())
"""

from .errors import (
    FormatError, InputError, OptionError, OutputError, PluginError, UnsupportedInputError, WenzhuanError,
)
from .hookspecs import hookimpl
from .model import (
    BLOCK_TYPES, INLINE_TYPES, Attr, Block, BlockQuote, BulletList, Code, CodeBlock, Div, Document, Emph,
    Heading, Inline, LineBreak, Link, Metadata, OrderedList, Para, Span, Strong, Text, ThematicBreak,
    from_dict, from_json, to_dict, to_json,
)
from .registry import (
    Option, Pass, PassContext, ReadContext, Reader, ScriptConverter, Transform, TransformContext,
    WriteContext, Writer,
)
from .report import Change, ChangeReport
from .walk import chapters, collect, heading, map_blocks, map_inlines, map_text, para, query, stringify, walk

__all__ = [
    "Attr", "BLOCK_TYPES", "Block", "BlockQuote", "BulletList", "Change", "ChangeReport", "Code",
    "CodeBlock", "Div", "Document", "Emph", "FormatError", "Heading", "INLINE_TYPES", "Inline",
    "InputError", "LineBreak", "Link", "Metadata", "Option", "OptionError", "OrderedList", "OutputError",
    "Para", "Pass", "PassContext", "PluginError", "ReadContext", "Reader", "ScriptConverter", "Span",
    "Strong", "Text", "ThematicBreak", "Transform", "TransformContext", "UnsupportedInputError",
    "WenzhuanError", "WriteContext", "Writer", "chapters", "collect", "from_dict", "from_json", "heading",
    "hookimpl", "map_blocks", "map_inlines", "map_text", "para", "query", "stringify", "to_dict",
    "to_json", "walk",
]
