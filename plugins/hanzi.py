"""Character classes for Chinese text, shared by the readers and the normalizer passes.

Kept as regular-expression classes so that callers test whole strings in C, not character by
character in Python (the normalizer has a throughput target).
"""

from __future__ import annotations

import re
from typing import Collection

from wenzhuan import regex_cache

# CJK ideographs: unified, extension A, compatibility, and the supplementary planes.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Full-width punctuation that belongs to Chinese text only (never used in Latin text).
CJK_PUNCT = "\u3001-\u3003\u3008-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
# Ambiguous marks shared with Latin typography: curly quotes, ellipsis, dashes, middle dot.
SHARED_PUNCT = "\u2018\u2019\u201c\u201d\u2026\u2014\u2013\u00b7"
# Sentence-final punctuation (a paragraph may end after these).
SENTENCE_END = "。！？!?」』”…"
# Indentation people type before Chinese paragraphs.
INDENT = " \t\u3000\u00a0"

HAN_RE = regex_cache.compile(f"[{HAN}]")
CJK_RE = regex_cache.compile(f"[{HAN}{CJK_PUNCT}]")


def is_han(ch: str) -> bool:
    """One CJK ideograph."""
    return bool(ch) and HAN_RE.match(ch) is not None


def is_cjk(ch: str) -> bool:
    """An ideograph or Chinese-only punctuation: evidence that the text around is Chinese."""
    return bool(ch) and CJK_RE.match(ch) is not None


def display_width(text: str) -> int:
    """Columns `text` takes in a fixed-width font: wide (CJK) characters count two."""
    if text.isascii():
        return len(text)
    # Count the narrow characters, not the wide ones: in Chinese text they are the few, and the
    # regex engine skips over the others in a fast scan instead of making a match of each.
    return 2 * len(text) - len(_NARROW_RE.findall(text))


def is_wide(ch: str) -> bool:
    """Whether the character `ch` takes two columns (`display_width(ch) == 2`); False for ""."""
    return _WIDE_RE.match(ch) is not None


# Characters two columns wide, as inclusive code point ranges: CJK radicals, CJK symbols and
# punctuation, U+3100-U+31FF, the ideographs of `HAN`, full-width forms.
_WIDE_RANGES = (
    (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3100, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF), (0xFF01, 0xFF60), (0xFFE0, 0xFFE6), (0x20000, 0x3134F),
)


def _char_class(ranges) -> str:
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]"


def _complement(ranges, top: int = 0x10FFFF) -> list[tuple[int, int]]:
    out, low = [], 0
    for a, b in sorted(ranges):
        if a > low:
            out.append((low, a - 1))
        low = b + 1
    if low <= top:
        out.append((low, top))
    return out


_WIDE_RE = regex_cache.compile(_char_class(_WIDE_RANGES))
_NARROW_RE = regex_cache.compile(_char_class(_complement(_WIDE_RANGES)))


# A page's <title> is often the headline, a separator and the site's name: `标题_港城晚报`.
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|[-—–]+)\s*(\S.*)\Z")


def headline_of_title(title: str, heading: str, others: Collection[str] = ()) -> bool:
    """Whether `title` is `heading` followed by a separator and a site's name: what follows is
    shorter than the headline, or short and not another of the page's headings (`others`).
    `港口运营再创新高_港城晚报` is the headline 港口运营再创新高's; `人民网 | 上半年经济运行平稳`, with
    上半年经济运行平稳 a heading below the site's logo 人民网, is not 人民网's."""
    if not heading or not title.startswith(heading):
        return False
    m = _SITE_SUFFIX.match(title, len(heading))
    if m is None:
        return False
    rest = m.group(1)
    return len(rest) < len(heading) or (len(rest) <= 12 and rest.strip() not in others)
