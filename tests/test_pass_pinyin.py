import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import shared_path
from tests.garble import NEGATIVES, SENTENCES_HANS, SENTENCES_HANT
from tests.helpers import run_cli
from tests.passkit import changes, run_pass
from wenzhuan.plugins.passes.pinyin import PinyinPass, is_reading_of, parse_reading

P = PinyinPass()


def test_issue_examples_removed_and_reported():
    texts, report = run_pass(P, "2019年全國郵政經(jīng)營服務(wù)工作會議", "發(fā)布習(xí)近平講話", first_line=3)
    assert texts == ["2019年全國郵政經營服務工作會議", "發布習近平講話"]
    assert changes(report) == [
        ("pinyin-annotation", "經(jīng)營", "經營", 3),
        ("pinyin-annotation", "務(wù)工", "務工", 3),
        ("pinyin-annotation", "發(fā)布", "發布", 4),
        ("pinyin-annotation", "習(xí)近", "習近", 4),
    ]


def test_simplified_full_width_and_at_end():
    texts, report = run_pass(P, "经（jīng）营服务（wù）。", "加快发(fā)", "发展(fā)")
    assert texts == ["经营服务。", "加快发", "发展(fā)"]
    assert [c[1] for c in changes(report)] == ["经（jīng）营", "务（wù）", "发(fā)"]


def test_heteronyms_all_count_and_wrong_readings_stay():
    texts, _ = run_pass(P, "長(zhǎng)大、長(cháng)江、長(jīng)城、行(háng)業、行(xíng)動")
    assert texts == ["長大、長江、長(jīng)城、行業、行動"]


@pytest.mark.parametrize("text", [
    "國內生產總值(GDP)增長", "各省(省、區、市)郵政", "截至去年(2020)年底", "轉運中心(交換站)建成",
    "sample(xi)", "中(abc)", "王(Wang)先生", "他(ta)說", "中(zhōng guó)", "(jīng)開頭",
])
def test_real_parentheses_stay(text):
    texts, report = run_pass(P, text)
    assert texts == [text]
    assert report.changes == []


def test_tone_numbers():
    texts, _ = run_pass(P, "经(jing1)营、绿(lv4)色、女(nu:3)生、们(men5)、吗(ma0)")
    assert texts == ["经营、绿色、女生、们、吗"]


def test_toneless_only_with_evidence_from_marked_readings():
    alone, _ = run_pass(P, "经(jing)营服务(wu)")
    assert alone == ["经(jing)营服务(wu)"]
    with_marks, report = run_pass(P, "经(jīng)营发(fā)展", "服务(wu)到家，王(Wang)先生")
    assert with_marks == ["经营发展", "服务到家，王(Wang)先生"]
    assert len(report.changes) == 3


def test_neutral_tone_needs_no_mark():
    texts, _ = run_pass(P, "我們(men)的")
    assert texts == ["我們的"]


def test_parse_reading():
    assert parse_reading("jīng") == ("jing", 1, True)
    assert parse_reading("Lǚ") == ("lü", 3, True)
    assert parse_reading("ju3") == ("ju", 3, True)
    assert parse_reading("jü3") == ("ju", 3, True)
    assert parse_reading("abc1x") is None
    assert parse_reading("GDP") == ("gdp", None, False)
    assert is_reading_of("女", "nǚ", allow_toneless=False)
    assert not is_reading_of("女", "nǔ", allow_toneless=False)


def test_field_sample_002_is_clean():
    text = shared_path("samples", "article-002-hant-pinyin.txt").read_text("utf-8")
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    annotation = re.compile(r"[(（][a-zA-Z\u00c0-\u024f]+[)）]")
    expected = sum(len(annotation.findall(p)) for p in paragraphs)
    texts, report = run_pass(P, *paragraphs)
    assert expected > 0
    assert not any(annotation.search(t) for t in texts)
    assert len(report.changes) == expected
    # nothing but the annotations went away
    assert [annotation.sub("", p) for p in paragraphs] == texts


CLEAN = SENTENCES_HANS + SENTENCES_HANT + NEGATIVES + ["中國(China)與美國(USA)", "函数f(x)与g(y)", "第(1)款"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(CLEAN), min_size=1, max_size=4), st.sampled_from(["", "(GDP)", "（2020）"]))
def test_clean_text_unchanged(parts, extra):
    text = extra.join(parts)
    texts, report = run_pass(P, text)
    assert texts == [text] and report.changes == []


def test_cli_inspect_changes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("標題\n全國郵政經(jīng)營服務(wù)工作會議(GDP)\n", encoding="utf-8")
    result = run_cli("inspect", str(path), "--changes")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "[pinyin] pinyin-annotation '經(jīng)營' → '經營' (line 2)" in out
    assert "[pinyin] pinyin-annotation '務(wù)工' → '務工' (line 2)" in out
    skipped = run_cli("inspect", str(path), "--changes", "--skip-pass", "pinyin")
    assert "pinyin-annotation" not in skipped.stdout.decode()


def test_the_packed_reading_table_holds_pypinyin_s_readings(tmp_path, monkeypatch):
    from pypinyin.pinyin_dict import pinyin_dict

    from wenzhuan import disk_cache
    from wenzhuan.plugins.passes import pinyin

    for cache in ("", str(tmp_path), str(tmp_path)):  # off (built), built and stored, loaded
        monkeypatch.setenv("WENZHUAN_CACHE_DIR", cache)
        pinyin._pinyin_table.cache_clear()
        table = pinyin._pinyin_table()
        assert all(table.get(code) == raw for code, raw in pinyin_dict.items())
        assert [table.get(code) for code in (0, 0x41, 0x10FFFF)] == [None, None, None]
    assert (tmp_path / "pinyin-table.marshal").is_file()
    monkeypatch.setattr(disk_cache, "load", lambda name, key: ("not", "packed"))
    pinyin._pinyin_table.cache_clear()
    assert pinyin._pinyin_table().get(ord("经")) == pinyin_dict[ord("经")]
    pinyin._pinyin_table.cache_clear()
