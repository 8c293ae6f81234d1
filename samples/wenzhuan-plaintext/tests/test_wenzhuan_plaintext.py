"""Tests of the sample plugin, written as a plugin author would: with wenzhuan's conformance kit
(the fixtures `register_plugin` and `wenzhuan_cli` come from the `wenzhuan.testing` pytest plugin)."""

import random
import re

import pytest
from wenzhuan.api import Document, Metadata, para
from wenzhuan.testing import check_writer, sample_documents

import wenzhuan_plaintext
from wenzhuan_plaintext import NO_END, NO_START, _atoms, columns, render_plaintext, wrap

TEXT = ("经过两年施工，城西社区图书馆于三月正式重新开放。新馆面积达 3,200 平方米，藏书 12 万册；"
        "开放时间为周二至周日 9:00–21:00（周一闭馆）。馆长说：“图书馆是城市的客厅。”"
        "Readers can reserve seats through the WeChat mini-program called 城西书房。")


@pytest.mark.parametrize("width", [None, 8, 20, 41])
def test_passes_the_conformance_kit(register_plugin, width):
    host = register_plugin(wenzhuan_plaintext)
    outputs = check_writer(host.catalog.writer("plaintext"), {} if width is None else {"width": width})
    lines = outputs["hans-article"].decode().splitlines()
    for line in lines:  # only code (never wrapped) and single unbreakable pieces may be longer
        assert columns(line) <= (width or 72) or line.startswith("    ") or len(_atoms(line)) == 1, line
    if width is None:
        assert lines[:2] == ["城西社区图书馆扩建完工", "=" * 22]


def test_cjk_characters_take_two_columns():
    assert columns("一二三") == 6 and columns("abc") == 3 and columns("，a") == 3
    assert wrap("一二三四五六", 6) == ["一二三", "四五六"]
    assert wrap("一二三四五六", 7) == ["一二三", "四五六"]


def test_no_line_starts_with_closing_punctuation():
    # a plain cut at 6 columns would start the second line with "，"
    assert wrap("一二三，四五", 6) == ["一二", "三，四", "五"]
    assert wrap("他说：“好。”然后", 8) == ["他说：", "“好。”", "然后"]


@pytest.mark.parametrize("width", range(8, 61))
def test_wrapping_rules_hold_at_every_width(width):
    lines = wrap(TEXT, width)
    for line in lines:
        assert columns(line) <= width or len(_atoms(line)) == 1, (width, line)
        assert line[:1] not in NO_START and line[-1:] not in NO_END, (width, line)
    # nothing lost or reordered, and no word broken: the English words all survive whole
    assert "".join(lines).replace(" ", "") == TEXT.replace(" ", "")
    for word in "Readers can reserve seats through the WeChat mini-program called".split():
        assert any(re.search(rf"(?<![\w-]){word}(?![\w-])", line) for line in lines), (width, word)


def test_random_text_keeps_every_character():
    rng = random.Random(8)
    alphabet = list("一二三四五六七八九十，。、；：？！（）「」“”") + ["word", "x", " "]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))).strip()
        width = rng.randint(8, 30)
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(columns(line) <= width or len(_atoms(line)) == 1 for line in lines), (width, lines)


def test_a_word_longer_than_the_line_is_left_whole():
    url = "https://example.com/a/very/long/path/that/does/not/fit"
    assert wrap(f"见 {url} 。", 20) == ["见", url + " 。"]


def test_document_layout():
    doc = sample_documents()["hans-article"]
    text = render_plaintext(doc, 40)
    assert text.startswith("城西社区图书馆扩建完工\n" + "=" * 22 + "\n\n新馆增设古籍阅览室与儿童区\n李明、王芳\n2024-03-15\n")
    assert "\n3. 办理借书证\n4. 预约座位\n" in text
    assert "\n> “图书馆是城市的客厅。”\n" in text
    assert '\n    close = "21:00"  # 周一闭馆\n' in text
    assert "\n网 <https://example.com/library>。\n" in text  # a link's address follows its text
    assert text.endswith("本文由城西晚报授权转载。\n")


def test_width_from_the_command_line(register_plugin, wenzhuan_cli, tmp_path):
    register_plugin(wenzhuan_plaintext)
    src = tmp_path / "a.txt"
    src.write_text(TEXT + "\n", encoding="utf-8")
    for args in (["--width", "20"], ["-O", "width=20"]):
        result = wenzhuan_cli("convert", src, "-t", "plaintext", "-o", "-", *args)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert max(columns(line) for line in lines) <= 20 and len(lines) > 10
    bad = wenzhuan_cli("convert", src, "-t", "plaintext", "-o", "-", "--width", "3")
    assert bad.exit_code == 2
    assert "option 'width' of format 'plaintext' takes 8 or more, not 3" in bad.stderr
    listing = wenzhuan_cli("formats", "plaintext")
    assert "--width INTEGER  (-O width=...)" in listing.stdout


def test_output_file_default_extension(register_plugin, wenzhuan_cli, tmp_path, monkeypatch):
    register_plugin(wenzhuan_plaintext)
    src = tmp_path / "in.md"
    src.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert wenzhuan_cli("convert", src, "-t", "plaintext").exit_code == 0
    assert (tmp_path / "in.txt").read_text(encoding="utf-8") == "标题\n====\n\n正文。\n"


def test_empty_document_is_one_newline():
    assert render_plaintext(Document(Metadata()), 30) == "\n"
    assert render_plaintext(Document(Metadata(), (para("  "),)), 30) == "\n"
