"""`wenzhuan script`'s fast start (wenzhuan.script_command) against the click CLI: the same
output, files, messages and exit status for every form of the command line, and click itself for
the forms the fast path leaves to it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wenzhuan.script_command import parse

CLICK = "from wenzhuan.cli import main; main()"  # the click CLI, never the fast path


def _run(argv: list[str], cwd: Path, stdin: bytes, *, fast: bool) -> tuple:
    env = {**os.environ, "WENZHUAN_LOAD_PLUGINS": ""}
    cmd = [sys.executable, "-m", "wenzhuan"] if fast else [sys.executable, "-c", CLICK]
    done = subprocess.run([*cmd, "script", *argv], cwd=cwd, env=env, input=stdin, capture_output=True, timeout=120)
    files = {p.name: p.read_bytes() for p in sorted(cwd.iterdir()) if p.is_file()}
    return done.returncode, done.stdout, done.stderr, files


def _workdir(root: Path, name: str) -> Path:
    d = root / name
    d.mkdir()
    (d / "in.txt").write_text("这个软件\r\n头发  \n两进一出", encoding="utf-8")
    (d / "in-gbk.txt").write_bytes("头发\n".encode("gbk"))
    (d / "d.tsv").write_text("两进一出\t兩進一出\n", encoding="utf-8")
    (d / "d2.tsv").write_text("软件\t軟體!\n", encoding="utf-8")
    (d / "bad.tsv").write_text("no tab here\n", encoding="utf-8")
    (d / "taken.txt").write_text("already here\n", encoding="utf-8")
    return d


FAST_FORMS = [
    ["s2t", "in.txt"],
    ["s2twp"],
    ["s2t", "-"],
    ["t2s.json", "in.txt"],
    ["s2t", "in.txt", "-o", "out.txt"],
    ["s2t", "in.txt", "--output", "-"],
    ["-o", "out.txt", "s2t", "in.txt"],
    ["--output=out.txt", "s2t", "in.txt", "--force"],
    ["s2t", "in.txt", "-o", "taken.txt"],
    ["s2t", "in.txt", "-o", "taken.txt", "--force"],
    ["s2t", "in.txt", "-o", "in.txt", "--force"],
    ["s2t", "in.txt", "-o", "a.txt", "-o", "b.txt"],
    ["s2t", "in.txt", "--dict", "d.tsv", "--dict=d2.tsv"],
    ["s2t", "in.txt", "--dict", "bad.tsv"],
    ["s2t", "in.txt", "--dict", "missing.tsv"],
    ["s2t", "in-gbk.txt"],
    ["s2t", "in-gbk.txt", "--encoding", "gbk"],
    ["s2t", "in.txt", "--encoding=nope"],
    ["s2t", "in.txt", "--engine", "nope"],
    ["s2t", "in.txt", "--engine", "opencc", "--force", "--force"],
    ["s2x", "in.txt"],
    ["s2t", "missing.txt"],
    ["s2t", "in.txt", "--output="],
]
CLICK_FORMS = [
    [],
    ["--help"],
    ["s2t", "--help"],
    ["s2t", "in.txt", "-oout.txt"],
    ["s2t", "in.txt", "extra.txt"],
    ["s2t", "in.txt", "--force=yes"],
    ["s2t", "in.txt", "--bogus"],
    ["s2t", "in.txt", "-o"],
    ["s2t", "in.txt", "-o", "--force"],
    ["s2t", "--", "in.txt"],
    ["s2t", "-x"],
]


def test_which_forms_take_the_fast_path():
    assert all(parse(form) is not None for form in FAST_FORMS)
    assert all(parse(form) is None for form in CLICK_FORMS)
    assert parse(["-o", "x", "s2t", "in", "--dict", "a", "--dict=b", "--force"]) == {
        "config": "s2t", "file": "in", "output": "x", "dicts": ("a", "b"), "encoding": "utf-8", "engine": "",
        "force": True}


@pytest.mark.parametrize("form", FAST_FORMS + CLICK_FORMS, ids=" ".join)
def test_fast_path_and_click_agree(form, tmp_path):
    stdin = "汉语\n".encode()
    fast = _run(form, _workdir(tmp_path, "fast"), stdin, fast=True)
    slow = _run(form, _workdir(tmp_path, "click"), stdin, fast=False)
    assert fast == slow
    assert fast[0] in (0, 1, 2)


def test_fast_path_does_not_import_click(tmp_path):
    probe = ("import sys, runpy\nsys.argv = ['wenzhuan', 'script', 's2t']\n"
             "try:\n    runpy.run_module('wenzhuan', run_name='__main__')\n"
             "except SystemExit as e:\n    assert e.code == 0, e.code\n"
             "print(sorted(m for m in ('click', 'pluggy', 'wenzhuan.cli', 'wenzhuan.model') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], input="汉语\n".encode(), capture_output=True,
                          env={**os.environ, "WENZHUAN_LOAD_PLUGINS": ""}, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().splitlines() == ["漢語", "[]"]
