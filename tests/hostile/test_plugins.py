"""Third-party writers that misbehave: raise, write garbage, close the stream, write nothing,
print to standard output while the document goes there, or touch files of their own.

Plugins run in wenzhuan's process with the user's rights (README, "Security"): nothing stops a
plugin from writing files elsewhere. What is enforced: a writer gets an in-memory stream and no
output path; its failures become one line naming the plugin; no output exists until a writer
has finished; standard output (`-o -`) carries the document only."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest

from wenzhuan.api import Writer, hookimpl

from ..helpers import make_plugin_dist
from .kit import error_line, leftovers

TEXT = "第一段文字。\n\n第二段文字。\n"


def _plugin(name: str, write) -> types.ModuleType:
    cls = type(name.capitalize(), (Writer,), {"name": name, "extensions": (name,), "media_type": "text/plain",
                                              "binary": False, "write": lambda self, doc, out, ctx: write(out, ctx)})
    module = types.ModuleType(f"wz_{name}")

    @hookimpl
    def register_writers(register):
        register(cls())

    module.register_writers = register_writers
    return module


def _halfway(out, ctx):
    out.write(b"# half a document\n" * 1000)
    raise RuntimeError("disk on fire")


MISBEHAVING = {
    "halfway": (_halfway, "writer 'halfway' failed: RuntimeError: disk on fire"),
    "strwriter": (lambda out, ctx: out.write("文字"),
                  "writer 'strwriter' failed: TypeError: wrote str to the output stream; writers write bytes "
                  "(encode text first: text.encode('utf-8'))"),
    "intwriter": (lambda out, ctx: out.write(42),
                  "writer 'intwriter' failed: TypeError: a bytes-like object is required, not 'int'"),
    "closer": (lambda out, ctx: (out.write(b"x"), out.close()),
               "writer 'closer' failed: ValueError: it closed the output stream; wenzhuan closes it after "
               "write() returns"),
    "silent": (lambda out, ctx: None, "writer 'silent' failed: ValueError: it wrote nothing to the output stream"),
    "exiter": (lambda out, ctx: sys.exit(3), None),
}


@pytest.mark.parametrize("name", sorted(MISBEHAVING))
def test_a_misbehaving_writer_is_one_line_and_leaves_nothing(tmp_path, wenzhuan_cli, register_plugin, name):
    write, message = MISBEHAVING[name]
    register_plugin(_plugin(name, write), f"wz_{name}")
    src = tmp_path / "in.txt"
    src.write_text(TEXT, encoding="utf-8")
    existing = tmp_path / "existing.out"
    existing.write_bytes(b"previous")
    out = tmp_path / "fresh.out"
    for target, force in ((out, []), (existing, ["--force"])):
        result = wenzhuan_cli("convert", src, "-t", name, "-o", target, *force)
        assert result.exit_code != 0
        if message is None:  # SystemExit is not caught: the process ends, but writes nothing
            assert result.exit_code == 3
        else:
            assert error_line(result) == f"wenzhuan: error: {src}: plugin 'wz_{name}': {message}"
    assert existing.read_bytes() == b"previous"
    assert leftovers(tmp_path, ["in.txt", "existing.out"]) == []


def test_a_writer_gets_memory_and_no_output_path(tmp_path, wenzhuan_cli, register_plugin):
    seen = {}
    target = tmp_path / "out.spy"

    def spy(out, ctx):
        seen["stream"] = type(out).__name__
        seen["exists while writing"] = target.exists() or bool(leftovers(tmp_path, ["in.txt"]))
        seen["path in context"] = [k for k, v in vars(ctx).items() if isinstance(v, str) and "out.spy" in v]
        out.write(b"ok\n")

    register_plugin(_plugin("spy", spy), "wz_spy")
    src = tmp_path / "in.txt"
    src.write_text(TEXT, encoding="utf-8")
    result = wenzhuan_cli("convert", src, "-t", "spy", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert seen == {"stream": "WriterOutput", "exists while writing": False, "path in context": []}
    assert target.read_bytes() == b"ok\n"


NOISY = '''
import os, subprocess, sys
from wenzhuan.api import hookimpl, Writer

class Noisy(Writer):
    name = "noisy"
    extensions = ("noisy",)
    media_type = "text/plain"
    binary = False
    def write(self, doc, out, ctx):
        print("PRINTED-NOISE")
        sys.stdout.write("SYS-STDOUT-NOISE\\n")
        sys.stdout.flush()
        os.write(1, b"FD1-NOISE\\n")
        subprocess.run(["echo", "CHILD-NOISE"])
        out.write("THE DOCUMENT\\n".encode())

@hookimpl
def register_writers(register):
    register(Noisy())
'''


def test_stdout_carries_the_document_only(tmp_path):
    site = make_plugin_dist(tmp_path / "site", "wenzhuan-noisy", "wz_noisy", NOISY)
    src = tmp_path / "in.txt"
    src.write_text(TEXT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site), "WENZHUAN_LOAD_PLUGINS": "wz_noisy"}
    proc = subprocess.run([sys.executable, "-m", "wenzhuan", "convert", str(src), "-t", "noisy", "-o", "-"],
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b"THE DOCUMENT\n"
    for noise in (b"PRINTED-NOISE", b"SYS-STDOUT-NOISE", b"FD1-NOISE", b"CHILD-NOISE"):
        assert noise in proc.stderr
