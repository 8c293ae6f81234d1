"""Encodings, HTML safety, the change report through the CLI, and idempotence on clean text."""

import codecs

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenzhuan.decode import decode
from wenzhuan.errors import InputError
from wenzhuan.manager import PluginHost
from wenzhuan.plugins.readers.html import read_html

from .helpers import run_cli
from .normalize_fixtures import dump, normalize

SIMP = "城西社区图书馆扩建完工，周末起延长开放时间。"
TRAD = opencc.OpenCC("s2t").convert(SIMP)


@pytest.mark.parametrize("text,encoding", [
    (SIMP, "gb18030"), (SIMP, "gbk"), (TRAD, "big5"), ("你好", "gbk"), ("臺灣", "big5"),
    (SIMP, "utf-8"),
])
def test_legacy_encodings_are_detected(text, encoding):
    decoded, used = decode(text.encode(encoding))
    assert decoded == text
    expected = {"gbk": "gb18030"}.get(encoding, encoding)
    assert used == expected


@pytest.mark.parametrize("bom,encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_bom(bom, encoding):
    text, _ = decode(bom + SIMP.encode(encoding))
    assert text == SIMP


def test_encoding_override_and_its_errors():
    data = SIMP.encode("gbk")
    assert decode(data, "gbk") == (SIMP, "gbk")
    with pytest.raises(InputError, match="cannot decode as big5: invalid bytes at offset"):
        decode(b"ok\xff\xfe", "big5")
    with pytest.raises(InputError, match="unknown encoding 'nope'"):
        decode(data, "nope")


def test_undecodable_is_an_error_never_replacement_characters():
    with pytest.raises(InputError, match=r"cannot decode: not UTF-8 \(invalid bytes at offset 3\), GB18030 or Big5"):
        decode(b"abc\xff\xfe\xfd")


def test_html_never_resolves_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    doc = read_html(f'<!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]><p>a&x;b</p>'
                    f'<p><a href="file://{secret}">l</a></p><script>TOPSECRET</script>')
    assert "TOPSECRET" not in dump(doc)


def test_html_is_sniffed_from_content_even_as_txt():
    loaded = normalize("<div><p>第一段。</p><p>第二个段落。</p><br></div>", ext="txt")
    assert loaded.reader == "html"
    assert dump(loaded.document) == "language: zh-Hans\n\n第一段。\n\n第二个段落。"


def test_gbk_file_end_to_end(tmp_path):
    src = tmp_path / "gbk.txt"
    src.write_bytes("标题\n正文,内容。\n".encode("gbk"))
    done = run_cli("inspect", str(src), "--changes")
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert "read as text (gb18030)" in out
    assert "[punctuation] punctuation '正文,内容。' → '正文，内容。' (line 2)" in out
    assert "[metadata] title '标题' → 'title: 标题' (line 1)" in out


def test_changes_report_join_lines_and_skip_pass(tmp_path):
    src = tmp_path / "wrapped.txt"
    src.write_text("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申\n" * 5 + "完。\n", encoding="utf-8")
    done = run_cli("inspect", str(src), "--changes", "--skip-pass", "script")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert "changes: read:text 5" in out
    assert "[read:text] join-lines '子丑寅卯辰巳午未申⏎甲乙丙丁戊己庚辛'"[:20] in out
    assert "[script]" not in out
    assert run_cli("inspect", str(src), "--skip-pass", "nope").returncode == 2


def test_strict_passes_when_nothing_is_unrepaired(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("正文,内容。\n", encoding="utf-8")
    assert run_cli("inspect", str(src), "--changes", "--strict").returncode == 0


def test_passes_run_in_order_and_leave_room_for_others():
    names = [p.name for p in PluginHost(entry_points=False).catalog.passes]
    mine = [n for n in names if n in ("debris", "punctuation", "metadata", "script")]
    assert mine == ["debris", "punctuation", "metadata", "script"]


# ------------------------------------------------------------------ idempotence

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
clause = st.text(HAN, min_size=1, max_size=12)
sentence = st.builds(
    lambda parts, seps, end: parts[0] + "".join(s + p for s, p in zip(seps, parts[1:])) + end,
    st.lists(clause, min_size=1, max_size=4),
    st.lists(st.sampled_from(["，", "、", "；", "：", "（注）", "“引语”", "2020年", " ABC ", "9:00"]), min_size=4, max_size=4),
    st.sampled_from(["。", "！", "？", "……"]),
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=5))
def test_normalizing_clean_text_changes_nothing(paragraphs):
    text = "\n\n".join(paragraphs) + "\n"
    once = normalize(text, ext="txt", passes=("debris", "punctuation", "metadata"))
    assert [c for c in once.report.changes] == []
    assert dump(once.document) == "\n\n".join(p.strip() for p in paragraphs)


@pytest.mark.parametrize("text", [
    SIMP + TRAD, TRAD * 2 + SIMP, "𠮷野家的𡈽地與土地，𪚥、𠀋", "Latin only, 123", SIMP + "𠮷" + TRAD + "𧩙",
])
def test_script_evidence_is_the_same_counted_or_from_the_tables(text, monkeypatch):
    from wenzhuan.plugins.passes import script

    monkeypatch.setattr(script, "_counted", 0)
    counted = script.evidence(text)
    monkeypatch.setattr(script, "_counted", script.TABLES_AFTER)
    assert script.evidence(text) == counted
    assert counted == script._counted_evidence(text)


def test_script_evidence_counted_a_slice_at_a_time():
    from wenzhuan.plugins.passes import script

    simplified, _ = script._tables()
    text = (SIMP + TRAD + "abc") * 7
    assert script._count(simplified, text, step=5) == len(simplified.findall(text)) > 0
