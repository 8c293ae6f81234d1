"""The character model the mojibake and pinyin passes share is built with shortcuts (rows of
byte pairs decoded at once, OpenCC's regional variants taken from s2t's output); each must
give what the plain way gives."""

import opencc

from wenzhuan.plugins.passes._hanzi import _decode_range, _decode_row, _opencc_forms


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
