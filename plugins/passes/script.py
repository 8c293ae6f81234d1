"""Script detection pass: `zh-Hans` or `zh-Hant` in metadata.language, from the text itself.

A character is Traditional evidence when OpenCC's t2s changes it and s2t does not (`經`, `發`),
Simplified evidence the other way round (`经`, `发`); characters both scripts share count for
neither. A mixed document gets the script of the majority of its evidence; Chinese text without
any evidence is plain `zh`. A language set by front matter is kept.

Only distinct characters are converted (one OpenCC call per document), so the cost is a count
over the text, not a conversion of it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from functools import lru_cache

import opencc

from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document
from wenzhuan.plugins.hanzi import HAN_RE
from wenzhuan.registry import Pass, PassContext
from wenzhuan.walk import stringify


@lru_cache(maxsize=None)
def _converters():
    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


_KNOWN: dict[str, int] = {}  # character -> +1 Traditional, -1 Simplified, 0 neither (or not Han)


def _classify(chars: list[str]) -> None:
    t2s, s2t = _converters()
    joined = "\n".join(chars)
    simplified = t2s.convert(joined).split("\n")
    traditional = s2t.convert(joined).split("\n")
    if len(simplified) != len(chars) or len(traditional) != len(chars):  # never seen; be safe
        simplified = [t2s.convert(c) for c in chars]
        traditional = [s2t.convert(c) for c in chars]
    for ch, s, t in zip(chars, simplified, traditional):
        _KNOWN[ch] = 1 if s != ch and t == ch else -1 if t != ch and s == ch else 0


def evidence(text: str) -> tuple[int, int]:
    """(Simplified, Traditional) evidence: occurrences of script-specific characters."""
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
        return dataclasses.replace(doc, metadata=dataclasses.replace(doc.metadata, language=language))


@hookimpl
def register_passes(register):
    register(ScriptPass())
