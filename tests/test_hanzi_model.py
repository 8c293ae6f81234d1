"""The character model the mojibake and pinyin passes share is built with shortcuts (rows of
byte pairs decoded at once, OpenCC's regional variants taken from s2t's output); each must
give what the plain way gives."""

import opencc

from wenzhuan import disk_cache
from wenzhuan.plugins.passes._hanzi import (GBK_TRAILS, HanziModel, _decode_range, _decode_row, _opencc_forms, cache_key,
                                            gbk_char, gbk_pair)


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


def test_gbk_pairs_and_their_characters_come_from_the_codec_as_a_table_of_every_pair_would():
    table: dict[str, bytes] = {}
    for code in range(0x10000):
        lead, trail = code >> 8, code & 0xFF
        ch = None
        if 0x81 <= lead <= 0xFE and trail in GBK_TRAILS:
            try:
                ch = bytes((lead, trail)).decode("gb18030")
            except UnicodeDecodeError:
                pass
        ch = ch if ch is not None and len(ch) == 1 else None
        assert gbk_char(code) == ch, hex(code)
        if ch is not None:
            table.setdefault(ch, code.to_bytes(2, "big"))
    for ch, pair in table.items():
        assert gbk_pair(ch) == pair, ch
    assert [c for c in map(chr, range(0x80, 0x30000)) if not 0xD800 <= ord(c) <= 0xDFFF
            and gbk_pair(c) is not None and c not in table] == []
    assert gbk_pair("a") is None and gbk_pair("\U00020000") is None  # one byte; four bytes


def _tables(m):
    m.tier("的")  # (loads the tiers)
    return m._tiers, m.suspect_re.pattern, m.pair_re.pattern


def _words(m):
    return [w.dump() for w in m._load_words()]


def test_the_word_tables_from_the_cache_are_the_built_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", "")  # off: built
    built = _words(HanziModel())
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
    assert _words(HanziModel()) == built  # built and stored
    assert (tmp_path / "hanzi-words.marshal").is_file()
    assert _words(HanziModel()) == built  # loaded
    (tmp_path / "hanzi-words.marshal").write_bytes(b"\x00junk")
    assert _words(HanziModel()) == built


def test_word_weights_are_the_heaviest_of_the_word_lists(monkeypatch):
    from wenzhuan.plugins.passes._hanzi import _build_words

    monkeypatch.setenv("WENZHUAN_CACHE_DIR", "")
    bigrams, charw = _build_words("# comment\n中国\t17\n国家\t12\n中间\t9\n中國\t6\n")
    m = HanziModel()
    assert (bigrams, charw) == ({"中国": 17, "国家": 12, "中间": 9, "中國": 6}, {"中": 17, "国": 17, "家": 12, "间": 9, "國": 6})
    assert m.pair_weight("中", "国") == m.pair_weight("中", "國") > 0  # Traditional looked up as Simplified
    assert m.is_word_pair("国", "家") and not m.is_word_pair("家", "国")
    assert m.char_weight("的") > 0 and m.char_weight("a") == m.char_weight("\ue000") == 0
    assert (m.tier("的"), m.tier("們"), m.tier("亍"), m.tier("a")) == (1, 1, 2, 0)  # GB2312 1, Big5 1, GB2312 2


def test_cached_tables_are_the_built_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", "")  # off: built
    built = _tables(HanziModel())
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
    assert _tables(HanziModel()) == built  # built and stored
    assert (tmp_path / "hanzi-tiers.marshal").is_file() and (tmp_path / "hanzi-classes.marshal").is_file()
    assert disk_cache.load("hanzi-tiers", cache_key()) is not None
    assert _tables(HanziModel()) == built  # loaded


def test_a_corrupt_or_stale_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
    built = _tables(HanziModel())
    for name in ("hanzi-tiers", "hanzi-classes"):
        path = tmp_path / f"{name}.marshal"
        for junk in (b"", b"\x00garbage", path.read_bytes()[:1000]):
            path.write_bytes(junk)
            assert _tables(HanziModel()) == built
            assert disk_cache.load(name, cache_key()) is not None  # written again
        disk_cache.store(name, ("another", "key"), ("x", "y"))
        assert disk_cache.load(name, cache_key()) is None
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
    assert _tables(m) == built and loaded == ["hanzi-classes", "hanzi-tiers"]
    (tmp_path / "hanzi-classes.marshal").write_bytes(b"\x00junk")  # rebuilt, both stored again
    assert _tables(HanziModel()) == built
    assert disk_cache.load("hanzi-classes", cache_key()) is not None


def test_single_characters_convert_from_the_cached_maps_as_opencc_converts_them(tmp_path, monkeypatch):
    from wenzhuan.plugins.passes import _hanzi

    monkeypatch.setenv("WENZHUAN_CACHE_DIR", str(tmp_path))
    _hanzi._char_maps.cache_clear()
    try:
        assert _hanzi._char_maps() is not None and (tmp_path / "hanzi-chars.marshal").is_file()
        _hanzi._char_maps.cache_clear()
        maps = _hanzi._char_maps()  # (loaded)
        chars = [chr(o) for o in range(0x3000, 0x10000) if not 0xD800 <= o <= 0xDFFF]
        for which, config in enumerate(("t2s", "s2t")):
            convert = opencc.OpenCC(config).convert
            expected = [out if len(out := convert(c)) == 1 else c for c in chars]
            assert [_hanzi._one_char(which, config, c) for c in chars] == expected, config
        assert len(maps[0][0]) > 2500 and len(maps[1][0]) > 2500
    finally:
        _hanzi._char_maps.cache_clear()


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
