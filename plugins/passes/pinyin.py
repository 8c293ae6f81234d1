"""Pass `pinyin`: remove pinyin readings some converters append after characters.

`經(jīng)營` → `經營`, `服務(wù)` → `服務`. A parenthesis right after a Han character is removed only
when what it holds is a reading of that very character according to pypinyin's dictionary
(every heteronym counts). Readings may carry tone marks (`jīng`), tone numbers (`jing1`,
`u:`/`v` for ü) or, only in a document where marked readings were already found, no tone at all
(`jing`): a bare Latin word after a Han character is too often a real gloss (`王(Wang)`).
Real parentheses stay: `(GDP)`, `(省、區、市)`, `(2020)`, `(xi)` after a Latin letter, `中(abc)`.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import unicodedata
from array import array
from bisect import bisect_left
from pathlib import Path
from typing import Mapping

from wenzhuan import disk_cache, regex_cache
from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document
from wenzhuan.registry import Pass, PassContext

from ._hanzi import is_han, map_block_text
from .textops import ChangeBatch

_TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
# A parenthesis (half or full width) around one Latin syllable, right after a Han character:
# groups (character, reading); the match is the parenthesis, the character stays. Written
# parenthesis first, the character in a lookbehind, so that the regex engine scans for the
# parenthesis instead of trying a match at every Han character.
_LETTERS = "a-zA-Z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f:"
ANNOTATION_RE = regex_cache.compile(
    r"[(（](?<=([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff])[(（])"
    r"([" + _LETTERS + r"]{1,7}[0-5]?)[)）]")
# The fast path: text without an opening parenthesis followed by a letter has nothing to do.
_QUICK_RE = re.compile(r"[(（][" + _LETTERS + r"]")


@functools.lru_cache(maxsize=8192)
def parse_reading(raw: str) -> tuple[str, int | None, bool] | None:
    """`jīng` → ('jing', 1, True); `jing1` → ('jing', 1, True); `jing` → ('jing', None, False).

    Returns (letters, tone, toned) or None when it cannot be a pinyin syllable. Tone 5 is the
    neutral tone; `toned` says whether the reading says its tone at all.
    """
    text = raw.strip().lower().replace("u:", "ü").replace("v", "ü")
    tone: int | None = None
    if text and text[-1].isdigit():
        tone = int(text[-1]) or 5
        text = text[:-1]
    letters = []
    for ch in unicodedata.normalize("NFD", text):
        if ch in _TONE_MARKS:
            if tone is not None:
                return None  # two tones in one syllable
            tone = _TONE_MARKS[ch]
        elif ch == "\u0308":
            if not letters or letters[-1] != "u":
                return None
            letters[-1] = "ü"
        elif "a" <= ch <= "z":
            letters.append(ch)
        else:
            return None
    base = "".join(letters)
    if not base or not re.fullmatch(r"[a-zü]{1,6}", base):
        return None
    # after j, q, x, y the ü is written u
    if base[0] in "jqxy":
        base = base.replace("ü", "u")
    return base, tone, tone is not None


class PinyinTable:
    """pypinyin's readings per code point, packed: the code points in order, and their readings
    joined into one string with where each one starts. Made into a dict of 41,000 entries the
    table takes ~20 ms to load; packed, from the disk cache, well under one."""

    def __init__(self, codes: bytes, starts: bytes, text: str):
        self.codes, self.starts, self.text = array("I"), array("I"), text
        self.codes.frombytes(codes)
        self.starts.frombytes(starts)

    @classmethod
    def pack(cls, table: Mapping[int, str]) -> tuple[bytes, bytes, str]:
        """What `PinyinTable(*packed)` is made of (marshal can store it)."""
        codes = sorted(table)
        starts = array("I", [0])
        for code in codes:
            starts.append(starts[-1] + len(table[code]))
        return array("I", codes).tobytes(), starts.tobytes(), "".join(table[code] for code in codes)

    def get(self, code: int) -> str | None:
        """The readings of the character `code` (`jīng,jìng`), None when the table has none."""
        i = bisect_left(self.codes, code)
        if i < len(self.codes) and self.codes[i] == code:
            return self.text[self.starts[i]:self.starts[i + 1]]
        return None


_TABLE_FORMAT = 1  # (of the packed table in the disk cache)


@functools.lru_cache(maxsize=1)
def _pinyin_table() -> PinyinTable:
    """pypinyin's table of readings per character. Read straight from its JSON file (or from
    the disk cache, `wenzhuan.disk_cache`, when that file was packed before): `import pypinyin`
    also loads its phrase dictionary, which this pass never uses (most of a quarter second).
    The module is the fallback."""
    try:
        spec = importlib.util.find_spec("pypinyin")
        locations = list(spec.submodule_search_locations or ()) if spec else []
        path = Path(locations[0]) / "pinyin_dict.json"
        stat = path.stat()
        key = (_TABLE_FORMAT, str(path), stat.st_size, stat.st_mtime_ns)
        packed = disk_cache.load("pinyin-table", key)
        if not (isinstance(packed, tuple) and [type(p) for p in packed] == [bytes, bytes, str]):
            table = json.loads(path.read_text("utf-8"))
            packed = PinyinTable.pack({int(k): v for k, v in table.items()}) if isinstance(table, dict) else None
            if packed and packed[2]:
                disk_cache.store("pinyin-table", key, packed)
        if packed and packed[2]:
            return PinyinTable(*packed)
    except (ImportError, IndexError, OSError, ValueError, TypeError, AttributeError):
        pass
    from pypinyin.pinyin_dict import pinyin_dict

    return PinyinTable(*PinyinTable.pack(pinyin_dict))


@functools.lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[tuple[str, int]]:
    """Every reading pypinyin knows for `char`, as (letters, tone) pairs (tone 5 = neutral)."""
    raw = _pinyin_table().get(ord(char))
    if not raw:
        return frozenset()
    out = set()
    for item in raw.split(","):
        parsed = parse_reading(item)
        if parsed is not None:
            base, tone, _ = parsed
            out.add((base, tone if tone is not None else 5))
    return frozenset(out)


def is_reading_of(char: str, raw: str, *, allow_toneless: bool) -> bool:
    return _is_reading_of(char, raw, allow_toneless)


@functools.lru_cache(maxsize=65536)  # annotated documents repeat the same few hundred pairs
def _is_reading_of(char: str, raw: str, allow_toneless: bool) -> bool:
    parsed = parse_reading(raw)
    if parsed is None:
        return False
    base, tone, toned = parsed
    known = readings(char)
    if toned:
        return (base, tone) in known
    if (base, 5) in known:
        return True  # a neutral-tone reading carries no mark: 們(men)
    # A toneless word is only taken for a reading in a document that has marked ones, and never
    # capitalized (a Latin gloss or name such as 王(Wang) is written that way).
    return allow_toneless and raw == raw.lower() and any(b == base for b, _ in known)


class PinyinPass(Pass):
    name = "pinyin"
    description = "remove pinyin readings appended after characters: 經(jīng)營 → 經營"

    def run(self, doc: Document, ctx: PassContext) -> Document:
        texts: list[str] = []

        def gather(text: str, index: int) -> str:
            # (a string search for the parentheses first: it is many times faster than a regex scan)
            if ("(" in text or "（" in text) and _QUICK_RE.search(text):
                texts.append(text)
            return text

        map_block_text(doc, gather)
        if not texts:
            return doc
        # Evidence that a converter ran: at least two readings with their tone written out.
        toned = 0
        for t in texts:
            for char, raw in ANNOTATION_RE.findall(t):
                if _is_reading_of(char, raw, False) and parse_reading(raw)[2]:
                    toned += 1
            if toned >= 2:
                break  # all that is asked
        allow_toneless = toned >= 2

        # (text, line, block) of each run whose readings were removed
        changes = ChangeBatch(ctx, lambda f: _described(f[0], allow_toneless, f[1], f[2]))

        def fix(text: str, index: int) -> str:
            found = ANNOTATION_RE.findall(text) if "(" in text or "（" in text else None
            if not found:
                return text
            verdicts = [_is_reading_of(char, raw, allow_toneless) for char, raw in found]
            removed = sum(verdicts)
            if not removed:
                return text
            if removed == len(found):
                new = ANNOTATION_RE.sub("", text)
            else:
                keep = iter(verdicts)
                new = ANNOTATION_RE.sub(lambda m: "" if next(keep) else m.group(0), text)
            changes.add(removed, (text, ctx.line_of(index), index + 1))
            return new

        doc = map_block_text(doc, fix)
        changes.flush()
        return doc


def _described(text: str, allow_toneless: bool, line: int | None, block: int) -> list[tuple]:
    """The change report's entries for the readings removed from `text`: each annotation with
    its character, and the character after it when that is Han (`經(jīng)營` → `經營`)."""
    out = []
    for m in ANNOTATION_RE.finditer(text):
        char = m.group(1)
        if _is_reading_of(char, m.group(2), allow_toneless):
            end = m.end()
            after = text[end] if end < len(text) and is_han(text[end]) else ""
            out.append(("pinyin-annotation", char + m.group(0) + after, char + after, line, block))
    return out


@hookimpl
def register_passes(register):
    register(PinyinPass())
