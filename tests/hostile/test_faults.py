"""Faults while writing: a process killed mid-write, a full disk, a file size limit. An output is
complete or absent, never partial, and no temporary file is left behind."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wenzhuan.errors import OutputError
from wenzhuan.atomic import write_atomic, write_atomic_stream

from ..helpers import make_plugin_dist
from .kit import error_line, leftovers

ENV = {**os.environ, "WENZHUAN_LOAD_PLUGINS": ""}
TEXT = "".join(f"第{i}段文字，内容足够长，写出的文件大于文件大小的限制。\n\n" for i in range(3000))


@pytest.fixture
def big_src(tmp_path) -> Path:
    src = tmp_path / "in" / "big.txt"
    src.parent.mkdir()
    src.write_text(TEXT, encoding="utf-8")
    return src


def _wenzhuan(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wenzhuan", *map(str, args)], capture_output=True,
                          timeout=300, env=kw.pop("env", ENV), **kw)


def test_file_size_limit_mid_write(tmp_path, big_src):
    out = tmp_path / "out"
    out.mkdir()

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    proc = _wenzhuan("convert", big_src, "-t", "md", "-o", out / "big.md", preexec_fn=limit)
    assert proc.returncode == 1
    assert error_line(proc) == f"wenzhuan: error: {out / 'big.md'}: cannot write it: File too large"
    assert leftovers(out) == []


def test_disk_full_on_a_tiny_file_system(tmp_path, big_src):
    out = tmp_path / "tiny"
    out.mkdir()
    script = (f"mount -t tmpfs -o size=64k tmpfs {out} && "
              f"exec {sys.executable} -m wenzhuan convert {big_src} -t md -o {out}/big.md; ")
    try:
        proc = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c",
                               script + f"echo LEFT: $(ls -A {out})"],
                              capture_output=True, timeout=300, env=ENV)
    except FileNotFoundError:
        pytest.skip("unshare is not installed: cannot mount a tiny file system here")
    if b"wenzhuan" not in proc.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode()[:120]}")
    assert error_line(proc) == f"wenzhuan: error: {out}/big.md: cannot write it: No space left on device"


def test_disk_full_leaves_nothing(tmp_path, big_src):
    out = tmp_path / "tiny"
    out.mkdir()
    script = (f"mount -t tmpfs -o size=64k tmpfs {out} && "
              f"{sys.executable} -m wenzhuan convert {big_src} -t md -o {out}/big.md 2>/dev/null; "
              f"ls -A {out}")
    try:
        proc = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", script],
                              capture_output=True, timeout=300, env=ENV)
    except FileNotFoundError:
        pytest.skip("unshare is not installed: cannot mount a tiny file system here")
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode()[:120]}")
    assert proc.stdout == b""  # the tmpfs (gone with the namespace) held no file at all


def test_a_failing_write_keeps_the_existing_output(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_bytes(b"previous")
    real = os.write

    def full(fd, data):  # the disk fills up halfway through the output
        if len(data) < 1000:
            return real(fd, data)
        real(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError) as info:
        write_atomic(target, b"new content " * 1000)
    assert str(info.value) == f"{target}: cannot write it: No space left on device"
    assert target.read_bytes() == b"previous"
    assert leftovers(tmp_path, ["out.md"]) == []


def test_a_failing_stream_keeps_the_existing_output(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_bytes(b"previous")
    real = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: Full(real(*a, **k)))
    with pytest.raises(OutputError) as info:
        write_atomic_stream(target, lambda fh: fh.write(b"new content " * 1000))
    assert str(info.value) == f"{target}: cannot write it: No space left on device"
    assert target.read_bytes() == b"previous"
    assert leftovers(tmp_path, ["out.md"]) == []


def test_a_new_output_is_linked_in_place_and_an_existing_one_replaced(tmp_path, monkeypatch):
    """Where unnamed files can be linked (Linux), a new output gets its name by one link, without
    a temporary name to rename; an existing one is replaced by a rename: a process holding the old
    file open still reads the old content."""
    if not (hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")):
        pytest.skip("no O_TMPFILE here: outputs are always renamed into place")
    renames = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (renames.append(b), real_replace(a, b)))
    target = tmp_path / "out.md"
    write_atomic(target, b"first", sync=False, tidy=False)
    assert target.read_bytes() == b"first" and os.listdir(tmp_path) == ["out.md"]
    assert renames == []
    with open(target, "rb") as held:
        write_atomic(target, b"second", sync=False, tidy=False)
        assert held.read() == b"first"  # (the old file, unlinked by the rename, not rewritten)
    assert renames == [target]
    assert target.read_bytes() == b"second" and os.listdir(tmp_path) == ["out.md"]


@pytest.mark.parametrize("unnamed", [True, False])
def test_write_atomic_returns_the_outputs_status(tmp_path, monkeypatch, unnamed):
    """Its size and mtime, as the batch journal records them, without another stat by path."""
    import wenzhuan.atomic as atomic

    if not unnamed:
        monkeypatch.setattr(atomic, "_PROC_FD", False)
    target = tmp_path / "out.md"
    for data in (b"first", b"a longer second"):  # linked in place, then renamed over it
        written = write_atomic(target, data, sync=False, tidy=False)
        st = os.stat(target)
        assert (written.st_ino, written.st_size, written.st_mtime_ns) == (st.st_ino, len(data), st.st_mtime_ns)
    streamed = write_atomic_stream(target, lambda fh: fh.write(b"streamed"))
    assert (streamed.st_ino, streamed.st_size) == (os.stat(target).st_ino, 8)


def test_where_unnamed_files_cannot_be_linked_a_named_one_is_used_from_then_on(tmp_path, monkeypatch):
    """A file system that refuses to link an O_TMPFILE file (EXDEV, as overlayfs does): the
    output is still written, through a named temporary file, and that device is not tried again."""
    import errno

    import wenzhuan.atomic as atomic

    if not (hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")):
        pytest.skip("no O_TMPFILE here")
    monkeypatch.setattr(atomic, "_NO_TMPFILE", set())
    links = []

    def refuse(*args, **kwargs):
        links.append(args)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    for n in range(2):
        write_atomic(tmp_path / "out.md", f"content {n}".encode(), sync=False, tidy=False)
        assert (tmp_path / "out.md").read_bytes() == f"content {n}".encode()
        assert os.listdir(tmp_path) == ["out.md"]
    assert len(links) == 1 and atomic._NO_TMPFILE == {os.stat(tmp_path).st_dev}


def test_an_output_with_a_name_near_the_limit_is_written_and_replaced(tmp_path):
    """A name of 237 bytes (the limit is 255): its temporary file's name is cut short to fit, so
    replacing it works as writing it did, and a killed process's leftover of that shape is
    still found and removed."""
    from wenzhuan.atomic import _part_prefix

    target = tmp_path / ("长" * 78 + ".md")
    write_atomic(target, b"first")
    prefix = _part_prefix(target.name)
    assert prefix.startswith(".长") and len(os.fsencode(prefix)) < len(os.fsencode(target.name))
    stale = tmp_path / (prefix + "999999999-0123456789ab.part")
    stale.write_bytes(b"left by a killed process")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second" and os.listdir(tmp_path) == [target.name]


SLOW = '''
import os, time
from wenzhuan.api import hookimpl, Writer

class Slow(Writer):
    name = "slow"
    extensions = ("slow",)
    media_type = "text/plain"
    def write(self, doc, out, ctx):
        out.write(b"partial " * 1000)
        open(os.environ["WZ_MARK"], "w").close()  # tell the test we are half-way
        time.sleep(60)
        out.write(b"end")

@hookimpl
def register_writers(register):
    register(Slow())
'''


def test_killed_while_the_writer_is_half_way(tmp_path, big_src):
    site = make_plugin_dist(tmp_path / "site", "wenzhuan-slow", "wz_slow", SLOW)
    out = tmp_path / "out"
    out.mkdir()
    mark = tmp_path / "mark"
    env = {**os.environ, "PYTHONPATH": str(site), "WENZHUAN_LOAD_PLUGINS": "wz_slow", "WZ_MARK": str(mark)}
    proc = subprocess.Popen([sys.executable, "-m", "wenzhuan", "convert", str(big_src), "-t", "slow",
                             "-o", str(out / "big.slow")], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not mark.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mark.exists(), proc.stderr.read() if proc.poll() is not None else "the writer never started"
    proc.kill()
    proc.wait()
    assert leftovers(out) == []


KILLER = '''
import sys
from pathlib import Path
from wenzhuan.atomic import write_atomic, write_atomic_stream
target = Path(sys.argv[1])
n = 0
while True:
    n += 1
    write_atomic(target, (b"%08d" % n) * 4_000_000 + b"END")  # 32 MB, complete when it ends with END
'''


def test_killed_during_the_disk_write_the_output_is_complete_or_absent(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "doc.md"
    seen_absent = seen_complete = 0
    for delay in (0.3, 0.6, 0.9, 1.2, 1.6, 2.0):
        proc = subprocess.Popen([sys.executable, "-c", KILLER, str(target)], env=ENV)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if target.exists():
            data = target.read_bytes()
            assert len(data) == 32_000_003 and data.endswith(b"END") and data[:8] * 2 == data[:16]
            seen_complete += 1
        else:
            seen_absent += 1
    assert seen_absent + seen_complete == 6
    # whatever a kill left (a named temporary file, where unnamed ones are not available) goes
    # with the next successful write of the same output
    write_atomic(target, b"final")
    assert leftovers(out) == ["doc.md"] and target.read_bytes() == b"final"


def _has_unnamed_files(folder: Path) -> bool:
    try:
        os.close(os.open(folder, os.O_TMPFILE | os.O_RDWR, 0o600))
        return True
    except (AttributeError, OSError):
        return False


def test_while_writing_nothing_of_the_output_has_a_name_where_unnamed_files_exist(tmp_path):
    if not _has_unnamed_files(tmp_path):
        pytest.skip("this file system has no unnamed temporary files (O_TMPFILE): a named .part is used")
    from wenzhuan.atomic import write_atomic_stream

    seen, inodes = [], []

    def fill(fh):
        fh.write("正文。\n".encode())
        seen.append(sorted(os.listdir(tmp_path)))  # a kill now would leave these behind
        inodes.append(os.fstat(fh.fileno()).st_ino)

    write_atomic_stream(tmp_path / "out.md", fill)
    assert seen == [[]]
    assert sorted(os.listdir(tmp_path)) == ["out.md"]
    assert (tmp_path / "out.md").stat().st_ino == inodes[0]  # named as written, not copied elsewhere
    assert (tmp_path / "out.md").read_text(encoding="utf-8") == "正文。\n"
