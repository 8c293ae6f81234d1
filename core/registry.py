"""What plugins register, and the typed registries they register it with.

`Writer`, `Reader`, `Pass`, `Transform` and `ScriptConverter` are the base classes a plugin
subclasses; `Option` declares a setting the user can give on the command line (`-O name=value`
or `--name value`). The `Catalog` holds everything registered, with who registered it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, ClassVar, Generic, Iterable, Mapping, Sequence, TypeVar

from .errors import FormatError, OptionError, PluginError
from .model import Document
from .report import Change, ChangeReport, StepReporter
from .script_text import ScriptConverter  # defined there so that `wenzhuan script` need not import this

_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n"}


@dataclass(frozen=True)
class Option:
    """A declared option: `Option("width", int, 72, "line width in characters")`.

    `type` is one of str, int, float, bool or Path; `choices` limits a str option's values.
    """

    name: str
    type: type = str
    default: Any = None
    help: str = ""
    choices: tuple[str, ...] = ()

    def parse(self, raw: Any, *, owner: str = "") -> Any:
        """Turn a raw value (a string from the command line, or a Python value) into the option's type."""
        where = f"option {self.name!r}" + (f" of {owner}" if owner else "")
        if not isinstance(raw, str):
            if self.type is float and isinstance(raw, int) and not isinstance(raw, bool):
                raw = float(raw)
            if raw is None or isinstance(raw, self.type):
                return self._check_choice(raw, where)
            raise OptionError(f"{where} takes {self.type_name()}, not {raw!r}")
        if self.type is bool:
            low = raw.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise OptionError(f"{where} takes true or false, not {raw!r}")
        if self.type in (int, float):
            try:
                return self.type(raw)
            except ValueError:
                raise OptionError(f"{where} takes {self.type_name()}, not {raw!r}") from None
        if self.type is Path:
            return Path(raw)
        return self._check_choice(raw, where)

    def _check_choice(self, value: Any, where: str) -> Any:
        if self.choices and value is not None and value not in self.choices:
            raise OptionError(f"{where} takes one of {', '.join(self.choices)}, not {value!r}")
        return value

    def type_name(self) -> str:
        if self.choices:
            return "|".join(self.choices)
        return {str: "text", int: "integer", float: "number", bool: "true/false", Path: "path"}.get(
            self.type, self.type.__name__)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def resolve_options(declared: Iterable[Option], given: Mapping[str, Any], *, owner: str) -> dict[str, Any]:
    """Check `given` against `declared`, convert the values, and fill in defaults."""
    by_name = {o.name: o for o in declared}
    out = {o.name: o.default for o in by_name.values()}
    for key, raw in given.items():
        name = key.replace("-", "_")
        opt = by_name.get(name)
        if opt is None:
            known = ", ".join(sorted(by_name)) or "none"
            close = difflib.get_close_matches(name, list(by_name), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"{owner} takes: {known}"
            raise OptionError(f"{owner} has no option {key!r}", hint=hint)
        out[name] = opt.parse(raw, owner=owner)
    return out


def options_for(writer: "Writer", given: Mapping[str, Any], writers: Sequence["Writer"]) -> dict[str, Any]:
    """The subset of `given` writer options that `writer` declares.

    With one writer every option goes to it (so an unknown one is reported by `resolve_options`);
    with several, each gets the options it declares, and an option none declares is an error.
    """
    if len(writers) <= 1:
        return dict(given)
    declared = {o.name for o in writer.options}
    everyone = {o.name for w in writers for o in w.options}
    unknown = [k for k in given if k.replace("-", "_") not in everyone]
    if unknown:
        names = ", ".join(w.name for w in writers)
        takes = "; ".join(f"{w.name}: {', '.join(sorted(o.name for o in w.options)) or 'none'}" for w in writers)
        raise OptionError(f"no format of {names} has an option {unknown[0]!r}", hint=f"options: {takes}")
    return {k: v for k, v in given.items() if k.replace("-", "_") in declared}


class _Context:
    """Shared by the contexts handed to readers, passes, transforms and writers."""

    def __init__(self, report: ChangeReport, step: str, options: Mapping[str, Any] | None = None,
                 path: str | None = None, *, catalog: "Catalog | None" = None):
        self.report = report
        self.reporter = StepReporter(report, step)
        self.options: Mapping[str, Any] = dict(options or {})
        self.path = path
        self.catalog = catalog  # what the plugins registered (script converters, ...), when known

    def change(self, kind: str, before: str = "", after: str = "", *, line: int | None = None,
               block: int | None = None, message: str = "") -> None:
        # the keywords spelled out, not passed on as **where, and the Change made here rather
        # than through self.reporter.change: this is called once per edit
        self.report.add(Change(self.reporter.step, kind, before, after, line, block, message))

    def defer(self, count: int, describe: Callable[[], Iterable[tuple[str, str, str, int | None, int | None]]]) -> None:
        """Report `count` changes at once but describe them only if the report's detail is read:
        `describe()` returns their (kind, before, after, line, block), in order. For steps that
        make many small edits, whose before/after snippets would cost more than the edits."""
        step = self.reporter.step
        self.report.defer(step, count, lambda: [Change(step, kind, before, after, line, block)
                                                for kind, before, after, line, block in describe()])

    def unrepaired(self, kind: str, text: str = "", **where: Any) -> None:
        self.reporter.unrepaired(kind, text, **where)

    def warn(self, message: str, **where: Any) -> None:
        self.reporter.warn(message, **where)


class ReadContext(_Context):
    """Handed to `Reader.read`: options, the input's display path and raw bytes, the report.

    A reader that knows where each block came from appends its 1-based input line to
    `block_lines`, one entry per top-level block, so passes can report changes by line.
    """

    def __init__(self, report: ChangeReport, step: str, *, raw: bytes = b"", encoding: str = "utf-8",
                 options: Mapping[str, Any] | None = None, path: str | None = None):
        super().__init__(report, step, options, path)
        self.raw = raw
        self.encoding = encoding
        self.block_lines: list[int] = []


class PassContext(_Context):
    """Handed to `Pass.run`: the report (bound to the pass's name), the input's raw bytes and
    encoding, and `line_of(block_index)` to locate a top-level block (0-based) in the input."""

    def __init__(self, report: ChangeReport, step: str, *, raw: bytes = b"", encoding: str = "utf-8",
                 block_lines: list[int] | None = None, path: str | None = None):
        super().__init__(report, step, None, path)
        self.raw = raw
        self.encoding = encoding
        self.block_lines = block_lines or []

    def line_of(self, block_index: int) -> int | None:
        if 0 <= block_index < len(self.block_lines):
            return self.block_lines[block_index]
        return None


class WriteContext(_Context):
    """Handed to `Writer.write`: the resolved options (defaults filled in) and the report."""


class TransformContext(_Context):
    """Handed to `Transform.apply`: the resolved options and the report."""


class Writer:
    """Base class of output writers. Subclass it, set the class attributes, implement `write`."""

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    extensions: ClassVar[tuple[str, ...]] = ()
    media_type: ClassVar[str] = "application/octet-stream"
    binary: ClassVar[bool] = True
    description: ClassVar[str] = ""
    options: ClassVar[tuple[Option, ...]] = ()

    def write(self, doc: Document, out: BinaryIO, ctx: WriteContext) -> None:
        raise NotImplementedError


class Reader:
    """Base class of input readers."""

    name: ClassVar[str] = ""
    extensions: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""

    def sniff(self, text: str) -> float:
        """Confidence from 0 to 1 that `text` is in this reader's format."""
        return 0.0

    def read(self, text: str, ctx: ReadContext) -> Document:
        raise NotImplementedError


class Pass:
    """Base class of normalizer passes."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def run(self, doc: Document, ctx: PassContext) -> Document:
        raise NotImplementedError


class Transform:
    """Base class of transforms the user asks for by name (`--transform NAME`)."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    options: ClassVar[tuple[Option, ...]] = ()

    def apply(self, doc: Document, ctx: TransformContext) -> Document:
        raise NotImplementedError


# ---------------------------------------------------------------------------- the catalog

T = TypeVar("T")


@dataclass(frozen=True)
class Provider:
    """Who registered something: the plugin's name and, for an installed plugin, its distribution."""

    plugin: str
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False

    def __str__(self) -> str:
        if self.builtin:
            return "built-in"
        if self.distribution:
            return f"{self.distribution} {self.version or ''}".strip()
        return self.plugin


@dataclass(frozen=True)
class Problem:
    """A plugin, or one registration of it, that failed; shown by `formats` and `plugins`."""

    plugin: str
    distribution: str | None
    message: str

    def error(self) -> PluginError:
        return PluginError(self.message, plugin=self.plugin, distribution=self.distribution)


@dataclass
class Catalog:
    """Everything the plugins registered, with who registered it."""

    writers: dict[str, Writer] = field(default_factory=dict)
    readers: dict[str, Reader] = field(default_factory=dict)
    passes: list[Pass] = field(default_factory=list)
    transforms: dict[str, Transform] = field(default_factory=dict)
    script_converters: dict[str, ScriptConverter] = field(default_factory=dict)
    providers: dict[tuple[str, str], Provider] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)

    def provider(self, kind: str, name: str) -> Provider | None:
        return self.providers.get((kind, name))

    def writer(self, name: str) -> Writer:
        key = name.lower()
        key = self.aliases.get(key, key)
        if key in self.writers:
            return self.writers[key]
        broken = [p for p in self.problems if f"writer {name!r}" in p.message]
        if broken:
            raise broken[0].error()
        known = sorted(self.writers)
        close = difflib.get_close_matches(key, known + list(self.aliases), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "run `wenzhuan formats` to list them"
        failed = sorted({p.plugin for p in self.problems if p.message.startswith("failed to import")})
        if failed and not close:  # the format may be one of theirs
            hint = f"plugin(s) {', '.join(failed)} failed to load; `wenzhuan formats` shows why"
        raise FormatError(f"unknown output format {name!r}; known: {', '.join(known)}", hint=hint)

    def writer_for_extension(self, suffix: str) -> Writer | None:
        suffix = suffix.lower().lstrip(".")
        for writer in self.writers.values():
            if suffix in (e.lower().lstrip(".") for e in writer.extensions):
                return writer
        return None

    def reader(self, name: str) -> Reader:
        if name in self.readers:
            return self.readers[name]
        raise FormatError(f"unknown input format {name!r}; known: {', '.join(sorted(self.readers))}")

    def transform(self, name: str) -> Transform:
        if name in self.transforms:
            return self.transforms[name]
        known = ", ".join(sorted(self.transforms)) or "none installed"
        raise FormatError(f"unknown transform {name!r}; known: {known}")


class _Registry(Generic[T]):
    kind: ClassVar[str] = ""
    base: ClassVar[type] = object

    def __init__(self, catalog: Catalog, provider: Provider):
        self._catalog = catalog
        self._provider = provider

    def _problem(self, message: str) -> None:
        self._catalog.problems.append(Problem(self._provider.plugin, self._provider.distribution, message))

    def _claim(self, item: Any, table: Mapping[str, Any]) -> bool:
        """Check the item's type and name; record who provides it. False means refused."""
        if isinstance(item, type):
            item = item()  # a class is accepted for convenience
        name = getattr(item, "name", "")
        if not isinstance(item, self.base) or not isinstance(name, str) or not name:
            self._problem(f"registered {item!r} as a {self.kind}, but it is not a named "
                          f"{self.base.__name__} subclass instance")
            return False
        if name in table or name in self._catalog.aliases and self.kind == "writer":
            owner = self._catalog.provider(self.kind, name) or self._catalog.provider(
                self.kind, self._catalog.aliases.get(name, ""))
            self._problem(f"{self.kind} {name!r} is already registered by {owner}; this one is ignored")
            return False
        self._catalog.providers[(self.kind, name)] = self._provider
        return True


class WriterRegistry(_Registry[Writer]):
    """Handed to `register_writers`: call it with each writer."""

    kind, base = "writer", Writer

    def __call__(self, writer: Writer) -> None:
        if isinstance(writer, type):
            writer = writer()
        if not self._claim(writer, self._catalog.writers):
            return
        self._catalog.writers[writer.name] = writer
        for alias in writer.aliases:
            if alias in self._catalog.writers or alias in self._catalog.aliases:
                self._problem(f"alias {alias!r} of writer {writer.name!r} is already taken; ignored")
            else:
                self._catalog.aliases[alias] = writer.name


class ReaderRegistry(_Registry[Reader]):
    """Handed to `register_readers`: call it with each reader."""

    kind, base = "reader", Reader

    def __call__(self, reader: Reader) -> None:
        if isinstance(reader, type):
            reader = reader()
        if self._claim(reader, self._catalog.readers):
            self._catalog.readers[reader.name] = reader


class PassRegistry(_Registry[Pass]):
    """Handed to `register_passes`: `register(pass_, before=NAME, after=NAME)`."""

    kind, base = "pass", Pass

    def __call__(self, pass_: Pass, *, before: str | None = None, after: str | None = None) -> None:
        if isinstance(pass_, type):
            pass_ = pass_()
        passes = self._catalog.passes
        if not self._claim(pass_, {p.name: p for p in passes}):
            return
        names = [p.name for p in passes]
        anchor = before or after
        if anchor is not None and anchor not in names:
            self._problem(f"pass {pass_.name!r} asks to run next to unknown pass {anchor!r}; "
                          f"it runs last instead")
            anchor = None
        if anchor is None:
            passes.append(pass_)
        else:
            passes.insert(names.index(anchor) + (0 if before else 1), pass_)


class TransformRegistry(_Registry[Transform]):
    """Handed to `register_transforms`: call it with each transform."""

    kind, base = "transform", Transform

    def __call__(self, transform: Transform) -> None:
        if isinstance(transform, type):
            transform = transform()
        if self._claim(transform, self._catalog.transforms):
            self._catalog.transforms[transform.name] = transform


class ScriptConverterRegistry(_Registry[ScriptConverter]):
    """Handed to `register_script_converters`: call it with each engine."""

    kind, base = "script converter", ScriptConverter

    def __call__(self, converter: ScriptConverter) -> None:
        if isinstance(converter, type):
            converter = converter()
        if self._claim(converter, self._catalog.script_converters):
            self._catalog.script_converters[converter.name] = converter


REGISTRIES: dict[str, type[_Registry]] = {
    "register_readers": ReaderRegistry,
    "register_passes": PassRegistry,
    "register_transforms": TransformRegistry,
    "register_writers": WriterRegistry,
    "register_script_converters": ScriptConverterRegistry,
}
