"""The character model the mojibake and pinyin passes share is built with shortcuts (rows of
byte pairs decoded at once, OpenCC's regional variants taken from s2t's output); each must
give what the plain way gives."""

import opencc

from wenzhuan import disk_cache
from wenzhuan.plugins.passes._hanzi import HanziModel, _decode_range, _decode_row, _opencc_forms, cache_key


def test_regional_forms_are_what_s2tw_and_s2hk_write():
    common = "".join(sorted(_decode_range("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))))
    expected = set()
    for config in ("s2t", "s2tw", "s2hk"):
        expected |= set(opencc.OpenCC(config).convert(common))
    assert _opencc_forms(common) == expected


def test_rows_decode_as_their_pairs_do():
    for codec, leads, trails in (("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF)),
                                 ("big5", range(0xA1, 0xFA), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]),
                                 ("gb18030", range(0x81, 0xFF), [*range(0x40, 0x7F), *range(0x80, 0xFF)])):
        for lead in leads:
            expected = []
            for trail in trails:
                try:
                    expected.append((lead << 8 | trail, bytes((lead, trail)).decode(codec)))
                except UnicodeDecodeError:
                    pass
            assert _decode_row(codec, lead, trails) == expected, (codec, hex(lead))


def _tables(m):
    return (m.tier1, m.tier2, list(m.pair_char.items()), list(m.char_pair.items()), m.suspect_re.pattern,
            m.pair_re.pattern)


def test_the_word_tables_from_the_cache_are_the_built_ones(tmp_path, monkeypatch):
    def words():
        m = HanziModel()
        return list(m.bigrams.items()), list(m.charw.items())

    monkeypatch.setenv("WENZHUAN_CACHE_DIR", "")  # off: built
    built = words()
    assert len(built[0]) > 40_000 and built[0][:2] != built[0][-2:]
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
    assert words() == built  # built and stored
    assert (tmp_path / "hanzi-words.marshal").is_file()
    assert words() == built  # loaded


def test_cached_tables_are_the_built_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", "")  # off: built
    built = _tables(HanziModel())
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
    assert _tables(HanziModel()) == built  # built and stored
    assert (tmp_path / "hanzi-tables.marshal").is_file()
    assert disk_cache.load("hanzi-tables", cache_key()) is not None
    assert _tables(HanziModel()) == built  # loaded


def test_a_corrupt_or_stale_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
    built = _tables(HanziModel())
    path = tmp_path / "hanzi-tables.marshal"
    for junk in (b"", b"\x00garbage", path.read_bytes()[:1000]):
        path.write_bytes(junk)
        assert _tables(HanziModel()) == built
        assert disk_cache.load("hanzi-tables", cache_key()) is not None  # written again
    disk_cache.store("hanzi-tables", ("another", "key"), ((), (), {}, {}, "x"))
    assert disk_cache.load("hanzi-tables", cache_key()) is None
    assert _tables(HanziModel()) == built


def test_text_without_a_suspicious_character_needs_only_the_classes(tmp_path, monkeypatch):
    from wenzhuan.plugins.passes import _hanzi

    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
    built = _tables(HanziModel())
    loaded = []
    load = disk_cache.load
    monkeypatch.setattr(_hanzi.disk_cache, "load", lambda name, key: loaded.append(name) or load(name, key))
    m = HanziModel()
    assert m.suspect_re.search("会议强调，要坚持稳中求进工作总基调。") is None
    assert loaded == ["hanzi-classes"]
    assert m.suspect_re.search("浼氳") is not None  # 会议 as UTF-8 read as GBK
    assert _tables(m) == built and loaded == ["hanzi-classes", "hanzi-tables"]
    (tmp_path / "hanzi-classes.marshal").write_bytes(b"\x00junk")  # rebuilt, both stored again
    assert _tables(HanziModel()) == built
    assert disk_cache.load("hanzi-classes", cache_key()) is not None


def test_no_cache_folder_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    HanziModel()
    assert not any(tmp_path.iterdir())


def test_the_script_pass_tables_from_the_cache_are_the_built_ones(tmp_path, monkeypatch):
    from wenzhuan.plugins.passes import script

    def fresh():
        script._tables.cache_clear()
        return [p.pattern for p in script._tables()]

    try:
        monkeypatch.setenv("WENZHUAN_CACHE_DIR", "")
        built = fresh()
        monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
        assert fresh() == built  # built and stored
        assert disk_cache.load("script-tables", cache_key(script.__file__)) is not None
        assert fresh() == built  # loaded
        (tmp_path / "script-tables.marshal").write_bytes(b"\x00junk")
        assert fresh() == built
    finally:
        script._tables.cache_clear()


def test_the_cache_key_follows_the_installed_opencc_without_importing_it(tmp_path, monkeypatch):
    """Tables built from one OpenCC are not used with another: installing another version
    rewrites its package, whose `__init__` is in the key (found, not imported)."""
    import importlib.util
    import os
    import sys

    fake = tmp_path / "opencc" / "__init__.py"
    fake.parent.mkdir()
    fake.write_text("__version__ = '1.0'\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("opencc", fake)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec if name == "opencc" else None)
    monkeypatch.delitem(sys.modules, "opencc", raising=False)
    before = cache_key()
    assert "opencc" not in sys.modules
    fake.write_text("__version__ = '2.0'\n", encoding="utf-8")  # (another size)
    assert cache_key() != before
    os.utime(fake, ns=(1, 1))
    same_size_older = cache_key()
    os.utime(fake, ns=(2, 2))
    assert cache_key() != same_size_older
    assert before[0] == cache_key()[0] and before[2] == cache_key()[2]  # (Python, the code: unchanged)
