"""Writing outputs: checked first (`check_output`), then complete or absent (`write_atomic`).

Apart from the pipeline so that `wenzhuan script` writes files without importing it.
"""

from __future__ import annotations

import errno
import os
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Callable, Sequence

from .errors import OutputError


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


def write_atomic(output: Path, data: bytes, *, sync: bool = True, tidy: bool = True) -> os.stat_result:
    """Write to a temporary file beside `output` that takes its place once complete: the output
    is complete or absent.

    On Linux the data goes into an unnamed file first (`O_TMPFILE`), which gets a name only once
    it is complete: the output's own when there is no such file yet, else a `.NAME.*.part` beside
    it, renamed over it. A process killed while writing leaves nothing behind. Elsewhere a named
    temporary file is used from the start: a kill can leave that `.part` (named with the writing
    process's id), and the next successful write of the same output removes it once that process
    is gone, as the batch runner does. The output gets the usual permissions (0666 less the umask,
    or the folder's default ACL).

    `sync=False` skips the fsync before the file takes its place: the output is still complete or absent for
    every other process (a kill cannot cut it short), only not yet durable across a power cut
    (the batch runner uses it: its journal notices such outputs and converts them again).
    `tidy=False` leaves other processes' temporary files alone (the batch runner removes them
    all before it starts, rather than listing the folder once per output).

    Returns the written file's status (its size and mtime, which the batch journal records)."""
    def fill(fh) -> None:
        write_all(fh.fileno(), data)

    # unbuffered: one write of the whole, and no asking whether the file is a terminal first
    return _write_atomic(output, fill, sync=sync, tidy=tidy, buffering=0, data=data)


def write_atomic_stream(output: Path, fill: Callable[[BinaryIO], object], *, sync: bool = True,
                        tidy: bool = True) -> os.stat_result:
    """`write_atomic` for output made piece by piece: `fill(fh)` writes it (`wenzhuan script`)."""
    return _write_atomic(output, fill, sync=sync, tidy=tidy, buffering=-1)


def write_all(fd: int, data: bytes) -> None:
    """All of `data` to the descriptor `fd` (a pipe or a file may take less at once)."""
    view = memoryview(data)
    while view:  # (a write may take less than all)
        view = view[os.write(fd, view):]


def _write_atomic(output: Path, fill: Callable[[BinaryIO], object], *, sync: bool, tidy: bool,
                  buffering: int, data: bytes | None = None) -> os.stat_result:
    tmp = None
    try:
        try:
            tmp, written = _write_unnamed(output, fill, sync, buffering, data)
            if tmp is None:
                tmp, written = _write_named(output, fill, sync, buffering)
        except OSError as exc:
            raise OutputError(f"cannot write it: {exc.strerror or exc}", path=str(output)) from None
        if tmp is not _PLACED:  # (else linked in under its own name: nothing to rename)
            if output.is_symlink():
                output.unlink()  # replace the link itself, never write through it to elsewhere
            os.replace(tmp, output)
        tmp = None
        if tidy:
            _remove_orphans(output)
        return written
    except BaseException as exc:
        if tmp is not None and tmp is not _PLACED:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write it: {exc.strerror or exc}", path=str(output)) from None
        raise


def _fill(fh, fill: Callable[[BinaryIO], object], sync: bool) -> os.stat_result:
    """Write with `fill`, flush, sync if asked; the file's status once complete (a rename or
    a link changes neither its size nor its mtime)."""
    fill(fh)
    fh.flush()
    return _complete(fh.fileno(), sync)


def _complete(fd: int, sync: bool) -> os.stat_result:
    if sync:
        os.fsync(fd)
    return os.fstat(fd)


# Temporary files are created with the usual permissions (0666 less the umask, or the folder's
# default ACL), as the output itself would be: it is renamed into place as it is.
_CREATE_MODE = 0o666


def _part_prefix(name: str) -> str:
    """`.NAME.`, the start of a temporary file's name beside output NAME: NAME cut short where
    the whole name (with `PID-RANDOM.part`) would pass the usual limit of 255 bytes."""
    raw = os.fsencode(name)
    return f".{os.fsdecode(raw[:_NAME_ROOM])}." if len(raw) > _NAME_ROOM else f".{name}."


_NAME_ROOM = 255 - 2 - 32  # (the dots, and room for `PID-RANDOM.part`)


def _temporary_name(name: str) -> str:
    return f"{_part_prefix(name)}{os.getpid()}-{os.urandom(6).hex()}.part"


def _write_named(output: Path, fill: Callable[[BinaryIO], object], sync: bool,
                 buffering: int) -> tuple[str, os.stat_result]:
    directory = output.parent
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = str(directory / _temporary_name(output.name))
        try:
            fd = os.open(tmp, flags, _CREATE_MODE)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write in {str(directory)!r}: {exc.strerror or exc}",
                              path=str(output)) from None
    else:
        raise OutputError(f"cannot write in {str(directory)!r}: no free temporary file name", path=str(output))
    try:
        with os.fdopen(fd, "wb", buffering) as fh:
            written = _fill(fh, fill, sync)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return tmp, written


_NO_TMPFILE: set[int] = set()  # devices where O_TMPFILE files cannot be linked (overlayfs, ...)
_CANNOT_LINK = {errno.EXDEV, errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS}


_PROC_FD = os.path.isdir("/proc/self/fd")  # (how an unnamed file gets a name: see below)

_PLACED = object()  # (`_write_unnamed`: the output itself is the file written, nothing to rename)


def _write_unnamed(output: Path, fill: Callable[[BinaryIO], object], sync: bool, buffering: int,
                   data: bytes | None) -> tuple[str | object | None, os.stat_result | None]:
    """Write to an unnamed file (Linux `O_TMPFILE`) beside `output` and, once complete, give it
    the output's name if there is no such file yet (`_PLACED`: a link never replaces a file, so
    it appears whole or not at all, as a rename would make it), else a temporary name to rename
    over it; with the file's status. (None, None) where that is not possible (then
    `_write_named`). `data`, when given, is written straight to the descriptor: no file object,
    whose making asks the file's status once more."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not _PROC_FD:
        return None, None
    try:
        if _NO_TMPFILE and os.stat(output.parent).st_dev in _NO_TMPFILE:  # (no stat per file otherwise)
            return None, None
        fd = os.open(output.parent, flag | os.O_RDWR | getattr(os, "O_CLOEXEC", 0), _CREATE_MODE)
    except OSError:  # not supported here (or not a folder: _write_named says why)
        return None, None
    try:
        if data is None:
            with os.fdopen(fd, "w+b", buffering, closefd=False) as fh:
                written = _fill(fh, fill, sync)
        else:
            write_all(fd, data)
            written = _complete(fd, sync)
        # a new output (a batch's usually are) takes one link, where a link under a temporary
        # name and a rename took a third of the write's time
        for target in chain((output,), (output.parent / _temporary_name(output.name) for _ in range(100))):
            try:
                # linkat(..., AT_SYMLINK_FOLLOW) names the open file. Python calls linkat only
                # when given a descriptor (else link(), which cannot follow /proc/self/fd/N):
                # the file's own, which an absolute source path makes the kernel ignore.
                os.link(f"/proc/self/fd/{fd}", target, src_dir_fd=fd, follow_symlinks=True)
                return (_PLACED if target is output else str(target)), written
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno in _CANNOT_LINK:  # (the device's, not this file's: EXDEV on overlayfs)
                    _NO_TMPFILE.add(os.stat(output.parent).st_dev)
                break
        # `fill` may have consumed its source (a stream): copy what it wrote, never call it again
        os.lseek(fd, 0, os.SEEK_SET)
        import shutil  # (only here: it imports the compression modules too, milliseconds at start)

        with os.fdopen(fd, "rb", closefd=False) as written_so_far:
            return _write_named(output, lambda out: shutil.copyfileobj(written_so_far, out), sync, -1)
    finally:
        os.close(fd)


def _remove_orphans(output: Path) -> None:
    """Delete `.NAME.PID-*.part` files beside `output` whose process is gone (killed while
    writing where unnamed temporary files are not available)."""
    prefix = _part_prefix(output.name)
    try:
        entries = [e for e in os.listdir(output.parent) if e.startswith(prefix) and e.endswith(".part")]
    except OSError:
        return
    for entry in entries:
        pid = entry[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # still running: its file may be in the making
        except ProcessLookupError:
            pass
        except OSError:
            continue
        try:
            os.unlink(output.parent / entry)
        except OSError:
            pass

