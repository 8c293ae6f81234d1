"""Character classes for Chinese text, shared by the readers and the normalizer passes.

Kept as regular-expression classes so that callers test whole strings in C, not character by
character in Python (the normalizer has a throughput target).
"""

from __future__ import annotations

import re

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

HAN_RE = re.compile(f"[{HAN}]")
CJK_RE = re.compile(f"[{HAN}{CJK_PUNCT}]")


def is_han(ch: str) -> bool:
    """One CJK ideograph."""
    return bool(ch) and HAN_RE.match(ch) is not None


def is_cjk(ch: str) -> bool:
    """An ideograph or Chinese-only punctuation: evidence that the text around is Chinese."""
    return bool(ch) and CJK_RE.match(ch) is not None


def display_width(text: str) -> int:
    """Columns `text` takes in a fixed-width font: wide (CJK) characters count two."""
    return len(text) + len(_WIDE_RE.findall(text))


_WIDE_RE = re.compile(f"[{HAN}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6\u2e80-\u2fdf\u3100-\u31ff]")
