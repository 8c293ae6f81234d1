"""The one path every document takes:

    bytes ─▶ decode ─▶ sniff ─▶ reader ─▶ passes ─▶ transforms ─▶ writer ─▶ temp file ─▶ rename

The CLI, the batch runner and the HTTP service are thin shells over these functions; none has
conversion logic of its own.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .decode import decode
from .errors import DEFAULT_MAX_INPUT, FormatError, InputError, InputTooLargeError, PluginError, WenzhuanError
from .manager import PluginHost, default_host
from .model import Document
from .registry import Catalog, PassContext, ReadContext, Reader, TransformContext, WriteContext, Writer, resolve_options
from .report import ChangeReport
from .sanitize import clean_document, clean_text, has_text
from .sniff import refuse_binary


@dataclass
class Source:
    """An input: its bytes and the name to show in messages (a path, or `<stdin>`); read from a
    file, also the file's status as it was opened (`os.fstat`)."""

    data: bytes
    name: str = "<input>"
    path: Path | None = None
    stat: os.stat_result | None = None

    @classmethod
    def from_path(cls, path: str | os.PathLike, *, max_size: int | None = DEFAULT_MAX_INPUT) -> "Source":
        """Read `path`, refusing it when it is over `max_size` bytes: the size is checked before
        reading, and the read stops one byte past the limit, so a file that grows, a device or a
        FIFO is never read whole into memory."""
        p = Path(path)
        shown = str(path)
        try:
            # (unbuffered, on the descriptor: a buffered file asks whether it is a terminal, and
            # where it is, for nothing; one stat says what it is and how big)
            fd = os.open(p, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
            try:
                st = os.fstat(fd)
                if stat.S_ISDIR(st.st_mode):
                    raise IsADirectoryError
                size = st.st_size
                if max_size is not None and size > max_size:
                    raise too_large(size, max_size, shown)
                # what the size says first (asking for max_size + 1 would allocate that much)
                data = _read(fd, size + 1)
                if len(data) > size:  # it grew, or it is a device or a FIFO (size 0)
                    data += _read(fd, None if max_size is None else max_size + 1 - len(data))
            finally:
                os.close(fd)
            if max_size is not None and len(data) > max_size:
                raise too_large(None, max_size, shown)
        except FileNotFoundError:
            raise InputError("no such file", path=shown) from None
        except IsADirectoryError:
            raise InputError("is a directory, not a file", path=shown) from None
        except PermissionError:
            if p.is_dir():  # (what opening a folder raises on Windows)
                raise InputError("is a directory, not a file", path=shown) from None
            raise InputError("permission denied: cannot read it", path=shown) from None
        except OSError as exc:
            raise InputError(f"cannot read it: {exc.strerror or exc}", path=shown) from None
        return cls(data, shown, p, st)

    @classmethod
    def from_stream(cls, stream, name: str = "<stdin>", *, max_size: int | None = DEFAULT_MAX_INPUT) -> "Source":
        """Read a binary stream (standard input) up to one byte past `max_size`, never more."""
        data = stream.read() if max_size is None else stream.read(max_size + 1)
        if max_size is not None and len(data) > max_size:
            raise too_large(None, max_size, name)
        return cls(data, name)


def _read(fd: int, n: int | None) -> bytes:
    """Up to `n` bytes (None: all) from `fd`, fewer only at its end."""
    chunks = []
    while n is None or n > 0:
        chunk = os.read(fd, n if n is not None else 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        if n is not None:
            n -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def too_large(size: int | None, max_size: int, shown: str) -> InputTooLargeError:
    limit = f"{max_size / 1048576:g} MB" if max_size >= 1048576 else f"{max_size} byte"
    what = f"is {size / 1048576:.1f} MB, over" if size is not None else "is over"
    return InputTooLargeError(f"{what} the {limit} input limit", path=shown,
                              hint="raise the limit with --max-input-size MB")


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
        report = ChangeReport()
        text = clean_text(text, report)
        reader = pick_reader(catalog, source, text, from_format)
        rctx = ReadContext(report, f"read:{reader.name}", raw=source.data, encoding=used,
                           options=reader_options, path=source.name)
        doc = _guarded(reader.read, "reader", reader.name, catalog, text, rctx)
        read_text = has_text(doc)  # (not the document itself: the passes may replace it, let it go)
        doc = run_passes(doc, catalog, report, skip=skip_passes, raw=source.data, encoding=used,
                         block_lines=rctx.block_lines, path=source.name)
        doc = clean_document(doc, report)
        if not has_text(doc):
            if read_text:
                raise InputError("has no text left to convert after normalization",
                                 hint="see what the passes removed with `wenzhuan inspect --changes`")
            raise InputError("has no text to convert: it is empty, or only whitespace or markup")
    except WenzhuanError as exc:
        raise exc.with_path(source.name)
    return Loaded(doc, report, reader.name, used)


def check_skipped_passes(skip: Iterable[str], catalog: Catalog) -> None:
    """`--skip-pass` names must be passes: a misspelt one would leave the pass running."""
    unknown = set(skip) - {p.name for p in catalog.passes}
    if unknown:
        known = ", ".join(p.name for p in catalog.passes) or "none"
        raise FormatError(f"unknown pass(es) to skip: {', '.join(sorted(unknown))}; passes: {known}")


def run_passes(doc: Document, catalog: Catalog, report: ChangeReport, *, skip: Iterable[str] = (),
               raw: bytes = b"", encoding: str = "utf-8", block_lines: list[int] | None = None,
               path: str | None = None) -> Document:
    skip = set(skip)
    check_skipped_passes(skip, catalog)
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
    """Write `doc` with `writer` into memory and return the bytes. The document is sanitized
    first (`wenzhuan.sanitize.clean_document`), so a writer never sees control characters, lone
    surrogates or unsafe links, wherever the document came from."""
    opts = resolve_options(writer.options, options, owner=f"format {writer.name!r}")
    doc = clean_document(doc, report)
    buffer = WriterOutput()
    ctx = WriteContext(report, f"write:{writer.name}", opts, catalog=catalog)

    def write() -> None:
        writer.write(doc, buffer, ctx)
        if buffer.closed_by_writer:
            raise ValueError("it closed the output stream; wenzhuan closes it after write() returns")
        if not buffer.getbuffer().nbytes and has_text(doc):
            raise ValueError("it wrote nothing to the output stream")

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
    """Call a plugin's function; anything but our own error type becomes a PluginError naming it.

    While it runs, what it prints goes to stderr: standard output may be the converted document
    (`-o -`), which a stray print() would corrupt."""
    # (what contextlib.redirect_stdout does, without its object: this runs for every step of
    # every document)
    stdout, sys.stdout = sys.stdout, sys.stderr
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
    finally:
        sys.stdout = stdout
