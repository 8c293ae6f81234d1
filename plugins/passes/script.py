"""Script detection pass: `zh-Hans` or `zh-Hant` in metadata.language, from the text itself.

A character is Traditional evidence when OpenCC's t2s changes it and s2t does not (`經`, `發`),
Simplified evidence the other way round (`经`, `发`); characters both scripts share count for
neither. A mixed document gets the script of the majority of its evidence; Chinese text without
any evidence is plain `zh`. A language set by front matter is kept.

Only distinct characters are converted (one OpenCC call per document), so the cost is a count
over the text, not a conversion of it; once a process has counted half a million characters, every
ideograph of the Basic Multilingual Plane is classified at once and counting is two regex scans.
With the disk cache on (`wenzhuan.disk_cache`), that classification is kept there and used from
the first document: building it costs a process little more than the first count, and later
processes count with the regex scans without loading OpenCC.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from functools import lru_cache

from wenzhuan import disk_cache, regex_cache
from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document
from wenzhuan.plugins.hanzi import HAN_RE
from wenzhuan.plugins.passes._hanzi import cache_key, char_class, opencc_converter
from wenzhuan.registry import Pass, PassContext
from wenzhuan.walk import stringify


_KNOWN: dict[str, int] = {}  # character -> +1 Traditional, -1 Simplified, 0 neither (or not Han)

# Ideographs of the Basic Multilingual Plane: what `_tables()` classifies in advance.
_BMP_HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# Han characters of the other planes (rare), still classified one by one as met.
_ASTRAL_HAN = re.compile("[\U00020000-\U0003134f]")
# Characters counted one by one before `evidence` builds the tables: a single article needs a
# few hundred characters classified (milliseconds), the tables take tens of milliseconds to
# build and then count at the regex engine's speed.
TABLES_AFTER = 500_000
_counted = 0  # characters `evidence` has been given


def _classify(chars: list[str]) -> None:
    # the mojibake pass's converters: loading OpenCC's dictionaries again takes tens of ms
    t2s, s2t = opencc_converter("t2s"), opencc_converter("s2t")
    joined = "\n".join(chars)
    simplified = t2s(joined).split("\n")
    traditional = s2t(joined).split("\n")
    if len(simplified) != len(chars) or len(traditional) != len(chars):  # never seen; be safe
        simplified = [t2s(c) for c in chars]
        traditional = [s2t(c) for c in chars]
    for ch, s, t in zip(chars, simplified, traditional):
        _KNOWN[ch] = 1 if s != ch and t == ch else -1 if t != ch and s == ch else 0


@lru_cache(maxsize=None)
def _tables() -> tuple[re.Pattern, re.Pattern]:
    """Regexes matching one Simplified-only and one Traditional-only character of the Basic
    Multilingual Plane, from the same per-character classification (kept in the disk cache:
    classifying them loads two OpenCC dictionaries, most of a tenth of a second)."""
    key = cache_key(__file__)
    classes = disk_cache.load("script-tables", key)
    if not (isinstance(classes, tuple) and len(classes) == 2 and all(isinstance(c, str) for c in classes)):
        chars = [chr(c) for a, b in _BMP_HAN for c in range(a, b + 1)]
        _classify([c for c in chars if c not in _KNOWN])
        classes = (char_class([c for c in chars if _KNOWN[c] < 0]), char_class([c for c in chars if _KNOWN[c] > 0]))
        disk_cache.store("script-tables", key, classes)
    # (each with an empty group: `findall` then lists empty strings, not a new one-character
    # string per match, a tenth less time)
    return regex_cache.compile(f"[{classes[0]}]()"), regex_cache.compile(f"[{classes[1]}]()")


def _counted_evidence(text: str) -> tuple[int, int]:
    counts = Counter(text)
    known = _KNOWN
    unknown = [ch for ch in counts if ch not in known]
    if unknown:
        han = []
        for ch in unknown:
            if HAN_RE.match(ch):
                han.append(ch)
            else:
                known[ch] = 0  # not Han: evidence for neither
        if han:
            _classify(han)
    simp = trad = 0
    for ch, n in counts.items():
        k = known[ch]
        if k:
            if k < 0:
                simp += n
            else:
                trad += n
    return simp, trad


def evidence(text: str) -> tuple[int, int]:
    """(Simplified, Traditional) evidence: occurrences of script-specific characters."""
    global _counted
    counted = _counted
    _counted += len(text)  # (either way: once past the threshold, the cache is not asked for again)
    if counted < TABLES_AFTER and not disk_cache.enabled():
        return _counted_evidence(text)
    simplified, traditional = _tables()
    simp, trad = _count(simplified, text), _count(traditional, text)
    if _ASTRAL_HAN.search(text):
        more_simp, more_trad = _counted_evidence("".join(_ASTRAL_HAN.findall(text)))
        simp, trad = simp + more_simp, trad + more_trad
    return simp, trad


def _count(pattern: re.Pattern, text: str, step: int = 1 << 16) -> int:
    """Matches of `pattern` (one character each) in `text`, a slice at a time: a list of every
    match of a 50 MB article would be hundreds of megabytes."""
    return sum(len(pattern.findall(text, start, start + step)) for start in range(0, len(text), step))


def detect(text: str) -> str:
    """`zh-Hans`, `zh-Hant`, `zh` (Chinese, no evidence either way) or "" (no Chinese)."""
    return _language(text, *evidence(text))


def _language(text: str, simp: int, trad: int) -> str:
    if simp > trad:
        return "zh-Hans"
    if trad > simp:
        return "zh-Hant"
    return "zh" if HAN_RE.search(text) else ""


class ScriptPass(Pass):
    name = "script"
    description = "language zh-Hans or zh-Hant from the characters used (majority wins)"

    def run(self, doc: Document, ctx: PassContext) -> Document:
        if doc.metadata.language:
            return doc
        text = doc.metadata.title + "\n" + stringify(doc)
        simp, trad = evidence(text)
        language = _language(text, simp, trad)
        if not language:
            return doc
        ctx.change("language", "", language, message=f"{simp} Simplified, {trad} Traditional characters")
        return Document(dataclasses.replace(doc.metadata, language=language), doc.blocks)


@hookimpl
def register_passes(register):
    register(ScriptPass())
