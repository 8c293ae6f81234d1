"""Encoding trouble: invalid bytes, NUL and control characters, lone surrogates, declarations
that lie. Errors are one clear line; characters XML cannot hold never reach an output, and
their removal is reported."""

from __future__ import annotations

import json

import pytest

from wenzhuan.errors import InputError
from wenzhuan.model import Code, CodeBlock, Document, Heading, Link, Metadata, Para, Text, from_json, to_json
from wenzhuan.pipeline import Source, load, render
from wenzhuan.report import ChangeReport

from .kit import builtin_writers, check_output_parses, error_line, leftovers, output_text

# What no output may contain: C0 controls but tab/newline/CR, DEL, C1 controls, lone surrogates.
FORBIDDEN = [chr(c) for c in (*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]


def _assert_clean(fmt: str, data: bytes) -> str:
    check_output_parses(fmt, data)
    text = output_text(fmt, data)
    found = sorted({f"U+{ord(c):04X}" for c in text if c in FORBIDDEN or "\ud800" <= c <= "\udfff"})
    assert not found, f"{fmt} output holds {found}"
    # escaped forms count too: JSON's \u0001, XML's &#1;
    assert "\\u000" not in text and "\\u001" not in text and "&#1;" not in text and "&#x1;" not in text
    return text


def test_invalid_utf8_in_the_middle(tmp_path, wenzhuan_cli):
    src = tmp_path / "broken.txt"
    src.write_bytes("第一段文字。\n".encode() + b"\xff\xfe\xfd" + "第二段。\n".encode())
    result = wenzhuan_cli("convert", src, "-t", "md", "-o", tmp_path / "out.md")
    assert error_line(result) == (f"wenzhuan: error: {src}: cannot decode: not UTF-8 (invalid bytes at "
                                  "offset 19), GB18030 or Big5 (give the right encoding with --encoding)")
    assert leftovers(tmp_path, ["broken.txt"]) == []


def test_utf8_bom_on_a_gb18030_file(tmp_path, wenzhuan_cli):
    body = "中华人民共和国成立了。这是一段简体中文。\n".encode("gb18030")
    src = tmp_path / "bom.txt"
    src.write_bytes(b"\xef\xbb\xbf" + body)
    result = wenzhuan_cli("convert", src, "-t", "md", "-o", tmp_path / "out.md")
    assert error_line(result) == (
        f"wenzhuan: error: {src}: starts with a UTF-8 byte order mark but is not UTF-8: invalid bytes at "
        "offset 3 (give the right encoding with --encoding, for example gb18030 or big5)")
    assert leftovers(tmp_path, ["bom.txt"]) == []
    # told the truth, it converts, and the mark does not become a stray character
    ok = wenzhuan_cli("convert", src, "--encoding", "gb18030", "-t", "md", "-o", "-")
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout.splitlines()[-1] == "中华人民共和国成立了。这是一段简体中文。"


@pytest.mark.parametrize("declared, actual", [("utf-8", "gb18030"), ("gb2312", "utf-8"), ("big5", "gb18030")])
def test_meta_charset_lies_are_ignored_for_what_the_bytes_are(tmp_path, wenzhuan_cli, declared, actual):
    text = "中华人民共和国成立了。这是一段简体中文，说明文字。"
    src = tmp_path / "page.html"
    src.write_bytes(f'<html><head><meta charset="{declared}"><meta http-equiv="Content-Type" '
                    f'content="text/html; charset={declared}"></head><body><p>'.encode("ascii")
                    + text.encode(actual) + b"</p></body></html>")
    result = wenzhuan_cli("convert", src, "-t", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["blocks"][0]["content"][0]["text"] == text


CONTROL_TEXT = ("第一\x00段\x01文\x07字\x1b。\x7f\n"
                "第二段\x0b有\x0c分页和\x1f单元分隔符。\n"
                "第三段\x80有\x9bC1控制\x9f字符。\n")


@pytest.mark.parametrize("fmt", builtin_writers())
@pytest.mark.parametrize("kind", ["txt", "md", "html"])
def test_control_characters_are_removed_before_any_writer(tmp_path, wenzhuan_cli, fmt, kind):
    src = tmp_path / f"controls.{kind}"
    body = CONTROL_TEXT if kind != "html" else "".join(f"<p>{line}</p>" for line in CONTROL_TEXT.splitlines())
    src.write_bytes(body.encode("utf-8"))
    out = tmp_path / "out"
    out.mkdir()
    result = wenzhuan_cli("convert", src, "-t", fmt, "-o", out / "x")
    assert result.exit_code == 0, result.stderr
    text = _assert_clean(fmt, (out / "x").read_bytes())
    for words in ("第一段文字", "C1控制字符", "单元分隔符"):
        assert words in text or fmt == "docx" and words[0] in text


def test_control_character_removal_is_reported(tmp_path, wenzhuan_cli):
    src = tmp_path / "controls.txt"
    src.write_bytes(CONTROL_TEXT.encode("utf-8"))
    result = wenzhuan_cli("inspect", src, "--changes", "--json")
    assert result.exit_code == 0, result.stderr
    changes = [c for c in json.loads(result.stdout)["changes"] if c["step"] == "sanitize"]
    assert [(c["kind"], c["line"]) for c in changes][:1] == [("control characters removed", 1)]
    assert changes[0]["message"].startswith("6 control character(s) removed (U+0000, U+0001, U+0007, U+001B, "
                                            "U+001F, U+007F)")
    # the C1 controls go after the passes (the mojibake pass reads them), reported by block
    c1 = [c for c in changes if "U+0080" in c["message"]]
    assert len(c1) == 1 and c1[0]["block"] is not None


def test_nul_bytes_in_a_text_file(tmp_path, wenzhuan_cli):
    src = tmp_path / "nul.txt"
    src.write_bytes("第一段\x00文字。\n第二\x00段。\n".encode())
    result = wenzhuan_cli("convert", src, "-t", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("第一段文字。\n\n第二段。\n")


def _surrogate_doc() -> Document:
    return Document(
        Metadata(title="标题\udc80坏", authors=("作者\ud800",), extra={"k\udfff": ["v\udc00"]}, language="zh-Hans"),
        (Heading(1, [Text("章\udcff节")]),
         Para([Text("正文\udce4\udcb8\udcad。"), Code("x\ud83d"), Link([Text("链\udc00接")], "https://e.com/\udc80")]),
         Para([Text("表情\ud83d\ude00成对。")]),
         CodeBlock("代码\udc80块")))


@pytest.mark.parametrize("fmt", builtin_writers())
def test_lone_surrogates_from_the_python_api_never_crash_a_writer(wenzhuan_host, fmt):
    report = ChangeReport()
    data = render(_surrogate_doc(), wenzhuan_host.catalog.writer(fmt), {}, report, catalog=wenzhuan_host.catalog)
    text = _assert_clean(fmt, data)
    assert "\ufffd" in text or "&#65533;" in text
    if fmt in ("markdown", "json"):
        assert "😀" in text  # a valid pair written as two code points is joined, not lost
    kinds = [c.kind for c in report.changes if c.step == "sanitize"]
    assert "lone surrogates replaced" in kinds


@pytest.mark.parametrize("fmt", builtin_writers())
def test_lone_surrogates_from_document_json(wenzhuan_host, fmt):
    raw = to_json(Document(blocks=(Para([Text("坏字符")]),))).replace("坏", "\\udc80")
    doc = from_json(raw)
    assert "\udc80" in doc.blocks[0].content[0].text
    data = render(doc, wenzhuan_host.catalog.writer(fmt), {}, ChangeReport(), catalog=wenzhuan_host.catalog)
    _assert_clean(fmt, data)


def test_surrogateescape_bytes_through_load():
    # a bad decoder upstream smuggled a byte in as a lone surrogate, then wrote it out with
    # surrogatepass: the bytes are not UTF-8 (nor GB18030 or Big5), and that is the error
    text = b"\xe4\xb8\xad\xff\xe6\x96\x87".decode("utf-8", "surrogateescape")
    with pytest.raises(InputError) as info:
        load(Source(text.encode("utf-8", "surrogatepass"), "bad.txt"))
    assert str(info.value) == ("bad.txt: cannot decode: not UTF-8 (invalid bytes at offset 3), GB18030 or Big5 "
                               "(give the right encoding with --encoding)")


@pytest.mark.parametrize("bom, codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                                        (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be")])
def test_utf16_and_utf32_with_their_marks(bom, codec):
    loaded = load(Source(bom + "第一段文字。\n".encode(codec), "wide.txt"))
    assert loaded.document.blocks[0].content[0].text == "第一段文字。"


def test_a_wrong_encoding_given_offers_the_others(tmp_path, wenzhuan_cli):
    src = tmp_path / "gbk.txt"
    src.write_bytes("责任编辑：张伟。\n".encode("gbk"))
    result = wenzhuan_cli("convert", src, "--encoding", "big5", "-t", "md", "-o", "-")
    assert error_line(result) == (
        f"wenzhuan: error: {src}: cannot decode as big5: invalid bytes at offset 2 (leave out --encoding "
        "to have it detected, or name another: utf-8 or gb18030)")
