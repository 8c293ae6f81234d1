"""Inputs that are not text documents: every one is one clear line naming the file and the cause,
exit status 1, and nothing in the output folder, whatever the output format."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from .kit import builtin_writers, error_line, leftovers

HINT = " (wenzhuan reads plain text, Markdown and HTML)"
EMPTY = "has no text to convert: it is empty, or only whitespace or markup"

CASES = {
    "image.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "is a PNG image, not a text document" + HINT),
    "archive.zip": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200), "is a ZIP archive (or a DOCX/EPUB/ODT file), not a text document" + HINT),
    "paper.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "is a PDF document, not a text document" + HINT),
    "program": (b"\x7fELF\x02\x01\x01\x00" + bytes(56), "is an ELF executable, not a text document" + HINT),
    "random.bin": (random.Random(10).randbytes(8192), "is binary data (many control bytes), not a text document" + HINT),
    "nuls.dat": (b"\x00" * 4096, "is binary data (many NUL bytes), not a text document" + HINT),
    # FF FE reads as a UTF-16 byte order mark: random data behind it decodes to ideographs
    "marked.bin": (b"\xff\xfe" + random.Random(11).randbytes(8190),
                   "is binary data (it starts with a UTF-16 byte order mark, but does not decode to text), "
                   "not a text document" + HINT),
    "marked32.bin": (b"\xff\xfe\x00\x00" + random.Random(12).randbytes(8188),
                     "is binary data (it starts with a UTF-32 byte order mark, but does not decode to text), "
                     "not a text document" + HINT),
    "empty.txt": (b"", EMPTY),
    "blank.txt": ("  \n\t\n\u3000\n\r\n".encode("utf-8"), EMPTY),
    "blank.md": (b"\n\n   \n", EMPTY),
    "markup.html": (b"<html><head><title></title></head><body><div><p> </p><br><span></span>"
                    b"<!-- only a comment --><script>var text = '\xe6\x96\x87\xe5\xad\x97';</script></div></body></html>", EMPTY),
    "markup.md": (b"---\nlayout: post\n---\n\n<div></div>\n\n***\n", EMPTY),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("not-text")
    for name, (data, _) in CASES.items():
        (folder / name).write_bytes(data)
    # the real thing too: this very Python interpreter
    shutil.copyfile("/bin/sh" if Path("/bin/sh").exists() else __file__, folder / "sh.elf")
    return folder


@pytest.mark.parametrize("fmt", builtin_writers())
@pytest.mark.parametrize("name", sorted(CASES))
def test_refused_with_one_clear_line(corpus, tmp_path, wenzhuan_cli, name, fmt):
    out = tmp_path / "out"
    out.mkdir()
    src = corpus / name
    result = wenzhuan_cli("convert", src, "-t", fmt, "-o", out / "result")
    assert result.exit_code == 1
    assert error_line(result) == f"wenzhuan: error: {src}: {CASES[name][1]}"
    assert leftovers(out) == []


def test_a_real_executable_is_refused(corpus, tmp_path, wenzhuan_cli):
    src = corpus / "sh.elf"
    if not src.read_bytes().startswith(b"\x7fELF"):
        pytest.skip("/bin/sh is not an ELF binary here")
    result = wenzhuan_cli("convert", src, "-t", "md", "-o", tmp_path / "x.md")
    assert error_line(result) == f"wenzhuan: error: {src}: is an ELF executable, not a text document{HINT}"
    assert leftovers(tmp_path) == []


def test_batch_reports_each_refused_file_and_writes_nothing_for_them(corpus, tmp_path, wenzhuan_cli):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("image.png", "empty.txt", "markup.html"):
        shutil.copyfile(corpus / name, inputs / name)
    (inputs / "good.txt").write_text("第一段。\n\n第二段。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = wenzhuan_cli("convert", inputs, "-t", "md", "-o", f"{out}/", "-q", "--glob", "*")
    assert result.exit_code == 1
    assert f"{inputs / 'image.png'}: is a PNG image, not a text document{HINT}" in result.stderr
    assert f"{inputs / 'empty.txt'}: {EMPTY}" in result.stderr
    assert "Traceback" not in result.stderr
    assert leftovers(out, ["good.md", ".wenzhuan-batch.jsonl"]) == []


def test_the_service_answers_415_and_400_with_the_same_messages():
    from wenzhuan.jobs import run_job

    png = run_job({"data": CASES["image.png"][0], "name": "photo.png", "formats": ["md"]})
    assert png == {"ok": False, "kind": "unsupported",
                   "message": "photo.png: is a PNG image, not a text document" + HINT}
    empty = run_job({"data": b" \n", "name": "blank.txt", "formats": ["docx"]})
    assert empty == {"ok": False, "kind": "input", "message": f"blank.txt: {EMPTY}"}


def test_text_emptied_by_the_passes_says_so(tmp_path, wenzhuan_cli):
    src = tmp_path / "nav.txt"
    src.write_text("阅读量：1234\n", encoding="utf-8")  # a view counter only: the debris pass removes it
    result = wenzhuan_cli("convert", src, "-t", "md", "-o", tmp_path / "nav.md")
    assert error_line(result) == (f"wenzhuan: error: {src}: has no text left to convert after normalization "
                                  "(see what the passes removed with `wenzhuan inspect --changes`)")
    assert leftovers(tmp_path, ["nav.txt"]) == []
