"""Chinese script, Word language tags and East Asian fonts.

Font choice (documented in the plugin's docstring): the styles name the Noto CJK families
(`Noto Serif CJK SC/TC/HK` for body text, `Noto Sans CJK SC/TC/HK` for headings). They are free,
ship with most Linux distributions and LibreOffice set-ups, and have every glyph of both scripts.
The font table (`word/fontTable.xml`) gives each an `altName` and a Chinese charset, so Word on a
machine without Noto substitutes the font Word users know: SimSun / SimHei for Simplified,
PMingLiU / Microsoft JhengHei for Traditional (MingLiU_HKSCS for Hong Kong). `--font` and
`--heading-font` name other families (for example SimSun) outright.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Script:
    """One Chinese script variant: the Word tag for `w:lang w:eastAsia` and its fonts."""

    key: str          # "SC", "TC" or "HK"
    word_lang: str    # zh-CN, zh-TW, zh-HK
    bcp47: str        # zh-Hans, zh-Hant, zh-Hant-HK
    body: str
    body_alt: str
    heading: str
    heading_alt: str
    charset: str      # font-table charset: 86 = GB2312, 88 = Big5


SIMPLIFIED = Script("SC", "zh-CN", "zh-Hans", "Noto Serif CJK SC", "SimSun",
                    "Noto Sans CJK SC", "SimHei", "86")
TRADITIONAL = Script("TC", "zh-TW", "zh-Hant", "Noto Serif CJK TC", "PMingLiU",
                     "Noto Sans CJK TC", "Microsoft JhengHei", "88")
HONG_KONG = Script("HK", "zh-HK", "zh-Hant-HK", "Noto Serif CJK HK", "MingLiU_HKSCS",
                   "Noto Sans CJK HK", "Microsoft JhengHei", "88")

_HK_REGIONS = {"hk", "mo"}
_TRAD_REGIONS = {"tw"}
_SIMP_REGIONS = {"cn", "sg", "my"}


def script_of(lang: str) -> Script | None:
    """The script a BCP 47 tag names (`zh-Hant-HK` → Hong Kong), or None when it does not say.

    `zh`, `zh-Hans`, `zh-CN`, `zh-SG` → Simplified; `zh-Hant`, `zh-TW` → Traditional;
    `zh-HK`, `zh-MO`, `zh-Hant-HK` → Hong Kong; `yue` (Cantonese) → Hong Kong.
    """
    parts = [p.lower() for p in re.split(r"[-_]", lang.strip()) if p]
    if not parts:
        return None
    if parts[0] == "yue":
        return HONG_KONG
    if parts[0] not in ("zh", "cmn", "lzh"):
        return None
    rest = set(parts[1:])
    if rest & _HK_REGIONS:
        return HONG_KONG if "hans" not in rest else SIMPLIFIED
    if "hant" in rest or rest & _TRAD_REGIONS:
        return TRADITIONAL
    return SIMPLIFIED


def is_chinese(lang: str) -> bool:
    return script_of(lang) is not None


@lru_cache(maxsize=2)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def guess_script(text: str, *, sample: int = 4000) -> Script | None:
    """Simplified or Traditional from the text itself, or None when it has no Han characters.

    Counts the characters OpenCC would change in each direction: a Traditional text has many
    characters that `t2s` changes and few that `s2t` changes, and the other way round.
    """
    han = "".join(ch for ch in text[: sample * 4] if "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch)
    han = han[:sample]
    if not han:
        return None
    to_simp = _opencc("t2s").convert(han)
    to_trad = _opencc("s2t").convert(han)
    traditional = sum(a != b for a, b in zip(han, to_simp))
    simplified = sum(a != b for a, b in zip(han, to_trad))
    return TRADITIONAL if traditional > simplified else SIMPLIFIED
