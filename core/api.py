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
    from_dict, from_json, metadata_to_dict, to_dict, to_json,
)
from .registry import (
    Option, Pass, PassContext, PassRegistry, ReadContext, Reader, ReaderRegistry, ScriptConverter,
    ScriptConverterRegistry, Transform, TransformContext, TransformRegistry, WriteContext, Writer,
    WriterRegistry,
)
from .report import Change, ChangeReport
from .walk import (
    chapters, collect, heading, map_blocks, map_inlines, map_text, merge_text, para, query, stringify, walk,
)

__all__ = [
    "Attr", "Block", "BLOCK_TYPES", "BlockQuote", "BulletList", "Change", "ChangeReport",
    "chapters", "Code", "CodeBlock", "collect", "Div", "Document", "Emph", "FormatError",
    "from_dict", "from_json", "Heading", "heading", "hookimpl", "Inline", "INLINE_TYPES",
    "InputError", "LineBreak", "Link", "map_blocks", "map_inlines", "map_text", "merge_text",
    "Metadata", "metadata_to_dict", "Option", "OptionError", "OrderedList", "OutputError", "Para",
    "para", "Pass", "PassContext", "PassRegistry", "PluginError", "query", "ReadContext", "Reader",
    "ReaderRegistry", "ScriptConverter", "ScriptConverterRegistry", "Span", "stringify", "Strong",
    "Text", "ThematicBreak", "to_dict", "to_json", "Transform", "TransformContext",
    "TransformRegistry", "UnsupportedInputError", "walk", "WenzhuanError", "WriteContext", "Writer",
    "WriterRegistry",
]
