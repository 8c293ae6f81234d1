"""The disk cache of compiled regular expressions gives the patterns `re.compile` gives."""

from __future__ import annotations

import re

import pytest

from wenzhuan import disk_cache, regex_cache
from wenzhuan.plugins.hanzi import HAN

PATTERNS = [
    (f"(?<=[{HAN}])-{{2,}}(?=[{HAN}])", 0),
    (r"(?P<year>\d{4})-(?P<month>\d\d)|(x)(?:y)", 0),
    (r"</?(?:a|b|span)(?:\s[^<>]*)?/?>", re.I),
    (r"^\s*#+ (.*)$", re.M | re.S),
    (r"[^\t\n\r -~\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", 0),
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(regex_cache, "_codes", None)  # as in a new process
    return tmp_path


@pytest.mark.parametrize("pattern, flags", PATTERNS)
def test_a_pattern_from_the_cache_is_the_compiled_one(cache, monkeypatch, pattern, flags):
    expected = re.compile(pattern, flags)
    assert regex_cache.compile(pattern, flags) == expected  # compiled and stored (== compares the code)
    assert (cache / f"{regex_cache.NAME}.marshal").is_file()
    monkeypatch.setattr(regex_cache, "_codes", None)
    monkeypatch.setattr(re, "compile", None)  # (a miss would fail)
    loaded = regex_cache.compile(pattern, flags)
    monkeypatch.undo()
    assert loaded == expected
    assert (loaded.pattern, loaded.flags, loaded.groups, loaded.groupindex) == (
        expected.pattern, expected.flags, expected.groups, expected.groupindex)
    text = "城市--故乡 2024-05 <SPAN a=1> ## 标题\nxy \x01"
    assert [m.span() for m in loaded.finditer(text)] == [m.span() for m in expected.finditer(text)]


def test_a_corrupt_or_foreign_cache_is_compiled_again(cache, monkeypatch):
    pattern = f"[{HAN}]+"
    path = cache / f"{regex_cache.NAME}.marshal"
    for junk in (b"", b"\x00garbage"):
        path.write_bytes(junk)
        monkeypatch.setattr(regex_cache, "_codes", None)
        assert regex_cache.compile(pattern) == re.compile(pattern)
    disk_cache.store(regex_cache.NAME, regex_cache._KEY, {(pattern, 0): (0, [1, 2, 3], 0, {}, (None,))})
    monkeypatch.setattr(regex_cache, "_codes", None)
    assert regex_cache.compile(pattern) == re.compile(pattern)  # a damaged entry is compiled again
    monkeypatch.setattr(regex_cache, "_codes", None)
    assert regex_cache.compile(pattern) == re.compile(pattern)  # ... and stored right


def test_no_cache_folder_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert regex_cache.compile(f"[{HAN}]x") == re.compile(f"[{HAN}]x")
    assert not any(tmp_path.iterdir())
