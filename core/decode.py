"""Bytes to text: a BOM, then strict UTF-8, then GB18030 or Big5; `--encoding` overrides.

Chinese legacy encodings cannot be told apart by validity alone: most GBK byte strings are also
valid Big5 and the other way round, and GB18030 accepts nearly anything. So both are tried
strictly and the decoding whose characters are mostly common Chinese characters wins (see
`hanfreq`). General-purpose detectors guess wrong on short Chinese texts (two characters of GBK
come out as Big5 or Shift-JIS), which is why this is done here rather than delegated.

Undecodable input is an `InputError` naming the byte offset, never silent replacement characters.
"""

from __future__ import annotations

import codecs
import re

from . import regex_cache
from .errors import InputError
from .hanfreq import common

# (mark, the encoding reported, the codec for what follows the mark)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)

# Tried in this order when the input is not UTF-8; on a tie the first wins.
LEGACY = ("gb18030", "big5", "big5hkscs")

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Characters a wrong decoding produces and real Chinese text almost never has.
_IMPLAUSIBLE = regex_cache.compile(r"[\x80-\x9f\ue000-\uf8ff\u3040-\u30ff\uac00-\ud7af\u0100-\u02ff\u0400-\u04ff]")


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode `data`; return the text and the name of the encoding used."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", hint="try utf-8, gb18030 or big5") from None
        if data.startswith(codecs.BOM_UTF8) and codecs.lookup(encoding).name != "utf-8":
            data = data[len(codecs.BOM_UTF8):]  # a UTF-8 mark on a file the user says is not UTF-8
        return _strict(data, encoding), encoding
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), name
            except UnicodeDecodeError as exc:
                label = name.replace("-sig", "").upper()
                raise InputError(
                    f"starts with a {label} byte order mark but is not {label}: "
                    f"invalid bytes at offset {exc.start + len(bom)}",
                    hint="give the right encoding with --encoding, for example gb18030 or big5",
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    candidates = []
    for name in LEGACY:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((plausibility(text), name, text))
        if name == "big5":
            break  # big5hkscs only matters when plain Big5 fails
    if not candidates:
        raise InputError(
            f"cannot decode: not UTF-8 (invalid bytes at offset {utf8_error.start}), GB18030 or Big5",
            hint="give the right encoding with --encoding",
        )
    best = max(candidates, key=lambda c: c[0])  # max keeps the first of equal scores
    return best[2], best[1]


def plausibility(text: str) -> float:
    """How much `text` looks like correctly decoded Chinese: the share of its non-ASCII
    characters that are common Chinese characters or punctuation, less implausible ones."""
    sample = text[:200_000]
    non_ascii = _NON_ASCII.findall(sample)
    if not non_ascii:
        return 0.0
    common_chars = common()
    good = sum(1 for ch in non_ascii if ch in common_chars or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
               or ch in "“”‘’…—·")
    bad = len(_IMPLAUSIBLE.findall(sample))
    return (good - 2 * bad) / len(non_ascii)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode as {encoding}: invalid bytes at offset {exc.start}",
            hint="leave out --encoding to have it detected, or name another: "
                 + " or ".join(e for e in ("utf-8", "gb18030", "big5") if codecs.lookup(e).name != codecs.lookup(encoding).name),
        ) from None
