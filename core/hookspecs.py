"""The plugin contract. These docstrings are the reference documentation for plugin authors.

Every hook receives a typed registry, `register`, and the plugin calls it once per thing it
provides: `register(MyWriter())`. Plugins never return structures. wenzhuan records which plugin
(and which distribution) registered what, so `wenzhuan formats` can say "from wenzhuan-foo".

Names are first come, first served, and built-ins register first: a plugin that registers a name
already taken is reported as broken for that registration, and the rest of it keeps working.

Hook implementations may take fewer arguments than the spec names; arguments are only ever
added, never renamed or removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from .registry import (
        PassRegistry, ReaderRegistry, ScriptConverterRegistry, TransformRegistry, WriterRegistry,
    )

PROJECT = "wenzhuan"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_readers(register: "ReaderRegistry") -> None:
    """Register input readers: `register(reader)` for each `wenzhuan.api.Reader`.

    A reader turns decoded text into a `Document`. It declares a `name` (used by `--from`),
    the file `extensions` it claims, and `sniff(text)`, a confidence from 0 to 1 that the text
    is in its format; the reader with the highest confidence wins when `--from` is not given.
    Readers never know the output format and never fetch anything.
    """


@hookspec
def register_passes(register: "PassRegistry") -> None:
    """Register normalizer passes: `register(pass_, before=None, after=None)`.

    A pass is a named `Document -> Document` step that always runs (unless skipped by name with
    `--skip-pass NAME`) between reading and writing. It reports each change it makes through
    `ctx.change(...)` and each span it could not repair through `ctx.unrepaired(...)`. Passes run
    in registration order (built-ins first); `before=`/`after=` name another pass to place it
    next to.
    """


@hookspec
def register_transforms(register: "TransformRegistry") -> None:
    """Register document transforms: `register(transform)` for each `wenzhuan.api.Transform`.

    A transform is a named `Document -> Document` step the user asks for (`--transform NAME`),
    applied after the passes and before the writer, whatever the output format: a table of
    contents, a script conversion, a bilingual edition. It declares `name`, `description` and
    its `options` (given as `-T NAME.KEY=VALUE`) and implements `apply(doc, ctx)`, returning a
    new `Document` (documents are immutable) and reporting what it changed with
    `ctx.change(...)`. `wenzhuan transforms` lists them; the built-in `toc` is an example.
    """


@hookspec
def register_writers(register: "WriterRegistry") -> None:
    """Register output writers: `register(writer)` for each `wenzhuan.api.Writer`.

    A writer declares `name` (used by `-t`), `aliases`, `extensions` (the first is used for
    output names; all are used to guess the format from `-o`), `media_type`, `binary`, a
    `description` and its `options`, and implements `write(doc, out, ctx)`: render `doc` to the
    binary stream `out`, reading its options from `ctx.options` and reporting nodes it cannot
    render with `ctx.warn(...)`. A writer never sees the input file and never writes anywhere
    but `out`; wenzhuan writes to a temporary file and renames it into place. `out` takes bytes
    only and belongs to wenzhuan: writing `str` or closing it is reported as the plugin's
    failure, as is any exception but a `wenzhuan.api.WenzhuanError` (use `OptionError` for a bad
    option value). `wenzhuan.testing.check_writer` checks a writer against this contract.
    """


@hookspec
def register_script_converters(register: "ScriptConverterRegistry") -> None:
    """Register Chinese script conversion engines: `register(converter)`.

    A converter has a `name`, the OpenCC-style `configs` it supports (`s2t`, `t2s`, ...), and
    `converter(config)` returning a function `str -> str`. The first engine registered that
    supports a config is used unless the user names another.
    """
