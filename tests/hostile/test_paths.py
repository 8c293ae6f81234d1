"""Where outputs go: names derived safely, and outputs that are directories, unwritable,
symbolic links or the input itself are refused with one clear line, leaving nothing behind."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .kit import error_line, leftovers

TEXT = "第一段文字。\n\n第二段文字。\n"


@pytest.fixture
def src(tmp_path) -> Path:
    p = tmp_path / "in.txt"
    p.write_text(TEXT, encoding="utf-8")
    return p


def test_batch_output_names_stay_inside_the_output_folder(tmp_path, wenzhuan_cli):
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    # (files whose names start with a dot are hidden: a folder walk skips them)
    names = ["a..txt", "a\x01b\x1b[31m.txt", "tab\there.txt", "new\nline.txt", "-rf.txt", " .txt",
             "sub/ ..txt", "c\x7fd\u0085e.txt", "\u202eevil.txt"]
    for name in names:
        (inputs / name).write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    result = wenzhuan_cli("convert", inputs, "-t", "md", "-o", f"{out}/", "-q", "--glob", "*.txt")
    assert result.exit_code == 0, result.stderr
    made = leftovers(out, [".wenzhuan-batch.jsonl"])
    assert len(made) == len(names)
    for rel in made:
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in rel), rel
        parts = Path(rel).parts
        assert ".." not in parts and "." not in parts and not Path(rel).is_absolute()
        assert (out / rel).resolve().is_relative_to(out.resolve())
    # nothing was written next to the output folder or above it
    assert sorted(os.listdir(tmp_path)) == ["in", "out"]


def test_batch_names_from_control_characters_are_visible_underscores(tmp_path, wenzhuan_cli):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a\x1b[2Jb.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    result = wenzhuan_cli("convert", inputs, "-t", "md", "-o", f"{out}/", "-q")
    assert result.exit_code == 0, result.stderr
    assert leftovers(out, [".wenzhuan-batch.jsonl"]) == ["a_[2Jb.md"]


def test_the_service_download_name_is_safe():
    from wenzhuan.service import content_disposition, safe_stem

    assert safe_stem("../../etc/passwd") == "passwd"
    assert safe_stem("C:\\Windows\\evil.txt") == "evil"
    assert safe_stem("a\r\nSet-Cookie: x=1.txt") == "aSet-Cookie x=1"
    assert safe_stem("...") == "document"
    assert "\n" not in content_disposition(safe_stem("x\ny.txt") + ".md")


def test_output_is_a_directory(tmp_path, wenzhuan_cli, src, monkeypatch):
    # (-o naming an existing folder means batch conversion into it; the default output name,
    # the input's stem with the format's extension here, can still be a folder)
    (tmp_path / "in.md").mkdir()
    monkeypatch.chdir(tmp_path)
    result = wenzhuan_cli("convert", src, "-t", "md", "--force")
    assert error_line(result) == "wenzhuan: error: in.md: is a directory (give a file name with -o)"
    assert leftovers(tmp_path, ["in.txt"]) == []


def test_output_under_a_regular_file(tmp_path, wenzhuan_cli, src):
    target = tmp_path / "in.txt" / "out.md"
    result = wenzhuan_cli("convert", src, "-o", target)
    assert error_line(result) == (f"wenzhuan: error: {target}: cannot write in {str(target.parent)!r}: "
                                  "Not a directory")
    assert src.read_text(encoding="utf-8") == TEXT
    assert leftovers(tmp_path, ["in.txt"]) == []


def test_output_folder_missing(tmp_path, wenzhuan_cli, src):
    target = tmp_path / "nope" / "out.md"
    result = wenzhuan_cli("convert", src, "-o", target)
    assert error_line(result) == f"wenzhuan: error: {target}: folder {str(target.parent)!r} does not exist"


def test_output_folder_not_writable(tmp_path, wenzhuan_cli, src):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions do not stop writes (the read-only file system case "
                        "below covers it)")
        target = folder / "out.md"
        result = wenzhuan_cli("convert", src, "-o", target)
        assert error_line(result) == (f"wenzhuan: error: {target}: cannot write in {str(folder)!r}: "
                                      "Permission denied")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o755)


def test_output_on_a_read_only_file_system(tmp_path, src):
    """A read-only bind mount stops root too; it needs a private mount namespace (unshare)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    script = (f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && "
              f"exec {os.sys.executable} -m wenzhuan convert {src} -o {folder}/out.md")
    try:
        proc = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", script], capture_output=True,
                              timeout=120, env={**os.environ, "WENZHUAN_LOAD_PLUGINS": ""})
    except FileNotFoundError:
        pytest.skip("unshare is not installed: no way to make a read-only folder here")
    err = proc.stderr.decode()
    if "wenzhuan" not in err:
        pytest.skip(f"cannot make a read-only bind mount here ({err.strip()[:120]})")
    assert error_line(proc) == (f"wenzhuan: error: {folder}/out.md: cannot write in {str(folder)!r}: "
                                "Read-only file system")
    assert os.listdir(folder) == []


def test_output_is_a_symlink_to_elsewhere(tmp_path, wenzhuan_cli, src):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("precious", encoding="utf-8")
    link = tmp_path / "out.md"
    link.symlink_to(elsewhere)
    refused = wenzhuan_cli("convert", src, "-o", link)
    assert error_line(refused) == f"wenzhuan: error: {link}: already exists (use --force to overwrite it)"
    # with --force the link itself is replaced by the output; the file it pointed at is untouched
    forced = wenzhuan_cli("convert", src, "-o", link, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert not link.is_symlink() and "第一段文字" in link.read_text(encoding="utf-8")
    assert elsewhere.read_text(encoding="utf-8") == "precious"
    assert leftovers(tmp_path, ["in.txt", "out.md", "elsewhere.txt"]) == []


def test_dangling_symlink_output(tmp_path, wenzhuan_cli, src):
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "would-be-created.md")
    result = wenzhuan_cli("convert", src, "-o", link)
    assert error_line(result) == f"wenzhuan: error: {link}: already exists (use --force to overwrite it)"
    assert not (tmp_path / "would-be-created.md").exists()


def test_batch_never_writes_through_a_symlinked_folder(tmp_path, wenzhuan_cli):
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "sub" / "a.txt").write_text(TEXT, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").symlink_to(outside)
    result = wenzhuan_cli("convert", inputs, "-t", "md", "-o", f"{out}/", "-q")
    assert result.exit_code == 1
    assert (f"{out / 'sub' / 'a.md'}: its folder leads outside the output folder (a symbolic link); "
            "refusing to write through it") in result.stderr
    assert os.listdir(outside) == []


@pytest.mark.parametrize("how", ["same", "hardlink", "symlink", "force"])
def test_input_equal_to_output(tmp_path, wenzhuan_cli, src, how):
    target = src
    if how == "hardlink":
        target = tmp_path / "hard.md"
        os.link(src, target)
    elif how == "symlink":
        target = tmp_path / "sym.md"
        target.symlink_to(src)
    args = ["convert", src, "-t", "md", "-o", target] + (["--force"] if how != "same" else [])
    result = wenzhuan_cli(*args)
    assert error_line(result) == (f"wenzhuan: error: {target}: is also an input; refusing to overwrite it "
                                  "(choose another output name with -o)")
    assert src.read_text(encoding="utf-8") == TEXT
