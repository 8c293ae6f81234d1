"""The one path every document takes:

    bytes ─▶ decode ─▶ sniff ─▶ reader ─▶ passes ─▶ transforms ─▶ writer ─▶ temp file ─▶ rename

The CLI, the batch runner and the HTTP service are thin shells over these functions; none has
conversion logic of its own.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Mapping, Sequence

from .decode import decode
from .errors import FormatError, InputError, InputTooLargeError, OutputError, PluginError, WenzhuanError
from .manager import PluginHost, default_host
from .model import Document
from .registry import Catalog, PassContext, ReadContext, Reader, TransformContext, WriteContext, Writer, resolve_options
from .report import ChangeReport
from .sniff import refuse_binary

DEFAULT_MAX_INPUT = 100 * 1024 * 1024


@dataclass
class Source:
    """An input: its bytes and the name to show in messages (a path, or `<stdin>`)."""

    data: bytes
    name: str = "<input>"
    path: Path | None = None

    @classmethod
    def from_path(cls, path: str | os.PathLike, *, max_size: int | None = DEFAULT_MAX_INPUT) -> "Source":
        p = Path(path)
        shown = str(path)
        try:
            if p.is_dir():
                raise InputError("is a directory, not a file", path=shown)
            size = p.stat().st_size
            if max_size is not None and size > max_size:
                raise InputTooLargeError(
                    f"is {size / 1048576:.1f} MB, over the {max_size / 1048576:.0f} MB input limit",
                    path=shown, hint="raise the limit with --max-input-size")
            data = p.read_bytes()
        except FileNotFoundError:
            raise InputError("no such file", path=shown) from None
        except PermissionError:
            raise InputError("permission denied: cannot read it", path=shown) from None
        except IsADirectoryError:
            raise InputError("is a directory, not a file", path=shown) from None
        except OSError as exc:
            raise InputError(f"cannot read it: {exc.strerror or exc}", path=shown) from None
        return cls(data, shown, p)


@dataclass
class Loaded:
    """A read and normalized document with the report of what was changed on the way."""

    document: Document
    report: ChangeReport = field(default_factory=ChangeReport)
    reader: str = ""
    encoding: str = ""


def pick_reader(catalog: Catalog, source: Source, text: str, from_format: str | None) -> Reader:
    if from_format:
        return catalog.reader(from_format)
    if not catalog.readers:
        raise FormatError("no input readers are registered")
    suffix = source.path.suffix.lower().lstrip(".") if source.path else ""
    best, best_score = None, -1.0
    for reader in catalog.readers.values():
        score = reader.sniff(text)
        if suffix and suffix in reader.extensions:
            score += 0.5  # the extension is a strong hint, the content decides between close calls
        if score > best_score:
            best, best_score = reader, score
    return best


def load(source: Source, *, host: PluginHost | None = None, encoding: str | None = None,
         from_format: str | None = None, skip_passes: Iterable[str] = (),
         reader_options: Mapping[str, Any] | None = None) -> Loaded:
    """Decode, read and normalize one input."""
    host = host or default_host()
    catalog = host.catalog
    try:
        refuse_binary(source.data)
        text, used = decode(source.data, encoding)
        reader = pick_reader(catalog, source, text, from_format)
        report = ChangeReport()
        rctx = ReadContext(report, f"read:{reader.name}", raw=source.data, encoding=used,
                           options=reader_options, path=source.name)
        doc = _guarded(reader.read, "reader", reader.name, catalog, text, rctx)
        doc = run_passes(doc, catalog, report, skip=skip_passes, raw=source.data, encoding=used,
                         block_lines=rctx.block_lines, path=source.name)
    except WenzhuanError as exc:
        raise exc.with_path(source.name)
    return Loaded(doc, report, reader.name, used)


def run_passes(doc: Document, catalog: Catalog, report: ChangeReport, *, skip: Iterable[str] = (),
               raw: bytes = b"", encoding: str = "utf-8", block_lines: list[int] | None = None,
               path: str | None = None) -> Document:
    skip = set(skip)
    unknown = skip - {p.name for p in catalog.passes}
    if unknown:
        known = ", ".join(p.name for p in catalog.passes) or "none"
        raise FormatError(f"unknown pass(es) to skip: {', '.join(sorted(unknown))}; passes: {known}")
    for pass_ in catalog.passes:
        if pass_.name in skip:
            continue
        ctx = PassContext(report, pass_.name, raw=raw, encoding=encoding, block_lines=block_lines, path=path)
        doc = _guarded(pass_.run, "pass", pass_.name, catalog, doc, ctx)
    return doc


def apply_transforms(doc: Document, names: Sequence[str], report: ChangeReport, *,
                     host: PluginHost | None = None,
                     options: Mapping[str, Mapping[str, Any]] | None = None) -> Document:
    catalog = (host or default_host()).catalog
    for name in names:
        transform = catalog.transform(name)
        opts = resolve_options(transform.options, (options or {}).get(name, {}), owner=f"transform {name!r}")
        doc = _guarded(transform.apply, "transform", name, catalog, doc,
                       TransformContext(report, f"transform:{name}", opts, catalog=catalog))
    return doc


def render(doc: Document, writer: Writer, options: Mapping[str, Any], report: ChangeReport, *,
           catalog: Catalog | None = None) -> bytes:
    """Write `doc` with `writer` into memory and return the bytes."""
    opts = resolve_options(writer.options, options, owner=f"format {writer.name!r}")
    buffer = WriterOutput()
    ctx = WriteContext(report, f"write:{writer.name}", opts, catalog=catalog)

    def write() -> None:
        writer.write(doc, buffer, ctx)
        if buffer.closed_by_writer:
            raise ValueError("it closed the output stream; wenzhuan closes it after write() returns")

    _guarded(write, "writer", writer.name, catalog)
    return buffer.getvalue()


class WriterOutput(io.BytesIO):
    """The stream a writer writes to. Only bytes are accepted, and `close()` does not close it:
    wenzhuan owns the stream, so a writer closing it is reported as that writer's failure."""

    closed_by_writer = False

    def write(self, data) -> int:  # type: ignore[override]
        if isinstance(data, str):
            raise TypeError("wrote str to the output stream; writers write bytes "
                            "(encode text first: text.encode('utf-8'))")
        return super().write(data)

    def close(self) -> None:
        self.closed_by_writer = True


def _guarded(fn, kind: str, name: str, catalog: Catalog | None, *args):
    """Call a plugin's function; anything but our own error type becomes a PluginError naming it."""
    try:
        return fn(*args)
    except WenzhuanError:
        raise
    except RecursionError:
        raise InputError(f"the document is nested too deeply for the {kind} {name!r}") from None
    except Exception as exc:  # noqa: BLE001 - a plugin's bug, reported with its name
        provider = catalog.provider(kind, name) if catalog else None
        raise PluginError(f"{kind} {name!r} failed: {type(exc).__name__}: {exc}",
                          plugin=provider.plugin if provider else name,
                          distribution=provider.distribution if provider else None) from exc


def check_output(output: Path, inputs: Sequence[Path], *, force: bool) -> None:
    """Refuse to write over an input, into a directory, or over an existing file without --force."""
    shown = str(output)
    for src in inputs:
        try:
            if output.exists() and os.path.samefile(output, src):
                raise OutputError("is also an input; refusing to overwrite it", path=shown,
                                  hint="choose another output name with -o")
        except OSError:
            pass
    if output.is_dir():
        raise OutputError("is a directory", path=shown, hint="give a file name with -o")
    if (output.exists() or output.is_symlink()) and not force:
        raise OutputError("already exists", path=shown, hint="use --force to overwrite it")
    if not output.parent.exists():
        raise OutputError(f"folder {str(output.parent)!r} does not exist", path=shown)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give: mkstemp's temporary files are 0600


def open_temp(output: Path) -> tuple[int, str]:
    """A temporary file beside `output`, with the mode a normally created file would have."""
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    os.fchmod(fd, _FILE_MODE)
    return fd, tmp


def write_atomic(output: Path, data: bytes, *, sync: bool = True) -> None:
    """Write to a temporary file beside `output`, then rename it into place: complete or absent.

    `sync=False` skips the fsync before the rename: the output is still complete or absent for
    every other process (a kill cannot cut it short), only not yet durable across a power cut
    (the batch runner uses it: its journal notices such outputs and converts them again)."""
    write_atomic_stream(output, lambda fh: fh.write(data), sync=sync)


def write_atomic_stream(output: Path, fill: Callable[[BinaryIO], object], *, sync: bool = True) -> None:
    """Call `fill(fh)` on a temporary file beside `output`, then rename it into place."""
    try:
        fd, tmp = open_temp(output)
    except OSError as exc:
        raise OutputError(f"cannot write in {str(output.parent)!r}: {exc.strerror or exc}", path=str(output)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        if output.is_symlink():
            output.unlink()  # replace the link itself, never write through it to elsewhere
        os.replace(tmp, output)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write it: {exc.strerror or exc}", path=str(output)) from None
        raise
