"""Pass `mojibake`: repair text that went through the wrong decoder.

Two kinds of garbling are repaired:

(a) UTF-8 bytes decoded as GBK: `鈥滃弻鍗佷竴鈥濇湡闂` was `“双十一”期间`. Re-encoded as GB18030
    the run is valid UTF-8, which real Chinese text almost never is. Where the decoder could not
    read a byte (0x80; with Python's gbk also a lead byte whose pair is unmapped, as A2AB or the
    user-defined rows AA-AF) it put one marker (`�`, `?`) for that byte, or dropped it, and read
    the next byte afresh; so did a run's last byte, or it was cut off. Such a byte's value is
    lost, known only to be one at which the decoder fails before the byte after it (a UTF-8
    continuation byte: lead bytes never fail before one); a dropped one shows where a UTF-8
    character comes up short at a garbled character's start. A character that lost a byte is
    chosen from context among those the possible bytes make, in the text's script, and reported;
    with nothing to go on it is lost (U+FFFD). `锟斤拷` is U+FFFD U+FFFD read this way: it becomes
    them, reported as lost. Garbling left as it is between two repairs or beside one (mostly
    suspicious characters there) is reported as unrepaired.
(b) GBK text decoded after one byte was lost, so every pair is misaligned until the next
    single-byte character: `会议要求“稳龀ぁ比〉妹飨猿尚В` was `会议要求“稳增长”取得明显成效，`.
    The run is re-encoded, shifted by one byte and decoded again. The two characters that lost
    a byte (at each end, and next to a `?` the decoder put where a pair was unmappable) are
    chosen from context: the same phrase elsewhere in the document, then the word list, then
    punctuation's prior. Runs that went through a Simplified→Traditional converter after the
    garbling are mapped back with OpenCC t2s first, and the repair is converted back to
    Traditional. Private Use Area characters (GBK's user-defined area) round-trip via GB18030.

Every repair is reported; a character that could not be recovered becomes U+FFFD and is
reported as unrepaired (`inspect --strict` fails on it).

Speed: clean text costs one regex scan per text run (a character class of the characters a
GBK pair can decode to, minus the common ones); only runs around a suspicious character are
looked at closely, and a candidate that scores badly is abandoned early.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document
from wenzhuan.registry import Pass, PassContext
from wenzhuan.walk import stringify

from ._hanzi import (BIGRAM_BONUS, LOGP_SYMBOL, HanziModel, gbk_char, gbk_pair, map_block_text, model,
                     opencc_converter, s2t_char, t2s_char)

LOOKBACK = 16        # how far before the first suspicious character a misaligned run may start
LOST = "\ufffd"      # what an unrecoverable character becomes
MARKERS = "?\ufffd"  # what decoders put where they dropped a byte


@dataclass
class Repair:
    start: int
    end: int
    text: str
    kind: str
    unknown: int = 0            # characters that could not be recovered
    guessed: list[str] = field(default_factory=list)  # lost characters chosen from context


class Repairer:
    def __init__(self, m: HanziModel, doc: Document):
        self.m = m
        self._doc = doc
        self._doc_text: str | None = None
        self._doc_pairs: set[str] | None = None
        self._variants: dict[str, list[bytes]] = {}
        self._lost: dict[int, list[str]] = {}  # candidate sets: lead byte, or -trail - 1
        self._utf8_steps: dict[tuple[str, int], tuple[bytes | None, int, int]] = {}  # see _utf8_step

    # ---------------------------------------------------------------- context

    @property
    def doc_text(self) -> str:
        if self._doc_text is None:
            self._doc_text = stringify(self._doc)
        return self._doc_text

    @property
    def doc_pairs(self) -> set[str]:
        """Every pair of adjacent characters in the document, built once, on first need."""
        if self._doc_pairs is None:
            t = self.doc_text
            self._doc_pairs = set(map("".join, zip(t, t[1:])))
        return self._doc_pairs

    def choose(self, cands: list[str], prev: str, nxt: str, local: str = "") -> str | None:
        """The most probable of the characters a lost byte leaves possible, or None when nothing
        in the context speaks for any of them."""
        if len(cands) == 1:
            return cands[0]
        best, best_score = None, float("-inf")
        doc = self.doc_text
        pairs = self.doc_pairs

        def elsewhere(s: str) -> bool:  # in the document, not only in the garbled text itself
            if s not in local:
                return len(s) == 2 or s in doc  # a pair is known to be in `pairs` already
            return doc.count(s) > local.count(s)

        prevs = _forms(prev) if prev and prev != LOST else ()
        nxts = _forms(nxt) if nxt and nxt != LOST else ()
        for c in cands:
            evidence = 0.0
            # the same phrase elsewhere in the document, in either script; the set of the
            # document's pairs rules out nearly every candidate before any string search
            for f in _forms(c):
                left = [p + f for p in prevs if p + f in pairs]
                right = [f + n for n in nxts if f + n in pairs]
                if left and right and any(elsewhere(p + f + n) for p in prevs for n in nxts):
                    evidence += 12
                if left and any(elsewhere(x) for x in left):
                    evidence += 3
                if right and any(elsewhere(x) for x in right):
                    evidence += 3
            # the word list: how frequent the likeliest word joining it to a neighbour is
            if prev:
                evidence += 0.5 * self.m.pair_weight(prev, c)
            if nxt:
                evidence += 0.5 * self.m.pair_weight(c, nxt)
            lp = self.m.logp(c)
            if t2s_char(c) != c:
                lp -= 5  # a GBK decode of Simplified text: a Traditional-only reading is unlikely
            if evidence == 0 and lp < -3.6:
                continue  # only frequent punctuation is chosen on its prior alone
            score = evidence + lp
            if score > best_score:
                best, best_score = c, score
        return best

    def traditional(self, text: str) -> bool:
        """Whether the text around a run is Traditional: the repair is written in its script."""
        t = s = 0
        for c in text[:400]:
            if c >= "\u3400":
                t += t2s_char(c) != c
                s += s2t_char(c) != c
        return t > s

    # ---------------------------------------------------------------- encoding helpers

    def variants(self, c: str) -> list[bytes]:
        """Byte pairs a garbled character may stand for: itself, or what it was before an s2t
        conversion turned it into a Traditional character."""
        got = self._variants.get(c)
        if got is None:
            got = self._variants[c] = self._compute_variants(c)
        return got

    def _compute_variants(self, c: str) -> list[bytes]:
        out = []
        direct = gbk_pair(c)
        if direct is not None:
            out.append(direct)
        s = t2s_char(c)
        if s != c:
            alt = gbk_pair(s)
            if alt is not None and alt != direct:
                out.append(alt)
        return out

    def lost_lead(self, trail: int) -> list[str]:
        got = self._lost.get(-trail - 1)
        if got is None:
            got = self._lost[-trail - 1] = [c for a in range(0x81, 0xFF)
                                            if (c := gbk_char(a << 8 | trail)) and _plain(c)]
        return got

    def lost_trail(self, lead: int) -> list[str]:
        got = self._lost.get(lead)
        if got is None:
            got = self._lost[lead] = [c for b in range(0x40, 0xFF)
                                      if (c := gbk_char(lead << 8 | b)) and _plain(c)]
        return got

    # ---------------------------------------------------------------- the repair

    def repair(self, text: str) -> tuple[str, list[Repair]]:
        repairs: list[Repair] = []
        rx = self.m.suspect_re
        pos = 0
        rev: str | None = None  # the text reversed, to extend runs leftwards with a regex
        while True:
            hit = rx.search(text, pos)
            if hit is None:
                break
            k = hit.start()
            if not self._in_run(text[k]):
                pos = k + 1
                continue
            if rev is None:
                rev = text[::-1]
            start = self._extend_left(rev, k, pos)
            end = self._extend_right(text, k + 1)
            found = self._utf8_runs(text, start, end)
            if not found:
                tried: set[int] = set()
                run = _LazyRun(self, text, start, end)
                gains = self.pair_gains(text, start, run)
                for seed in rx.finditer(text, k, end):
                    found = self._shifted_run(text, start, end, seed.start(), tried, run, gains)
                    if found:
                        break
            repairs.extend(found)
            pos = max([end] + [r.end for r in found])
        if not repairs:
            return text, []
        out, last = [], 0
        for r in repairs:
            out.append(text[last:r.start])
            out.append(r.text)
            last = r.end
        out.append(text[last:])
        return "".join(out), repairs

    def _in_run(self, c: str) -> bool:
        return c in MARKERS or bool(self.variants(c))

    # A run is a maximal stretch of characters `_in_run` accepts. Most of them have a GBK pair
    # of their own (`pair_re`, a regex scan); the others (Traditional forms whose t2s form has
    # one) are checked one by one where the scan stops.

    def _extend_right(self, text: str, end: int) -> int:
        n = len(text)
        rx = self.m.pair_re
        while end < n:
            m = rx.match(text, end)
            if m is not None:
                end = m.end()
            elif self._in_run(text[end]):
                end += 1
            else:
                break
        return end

    def _extend_left(self, rev: str, start: int, pos: int) -> int:
        """The start of the run ending just before `start`, not before `pos`; `rev` is the text
        reversed, so the scan runs forwards."""
        n = len(rev)
        r, limit = n - start, n - pos
        rx = self.m.pair_re
        while r < limit:
            m = rx.match(rev, r, limit)
            if m is not None:
                r = m.end()
            elif self._in_run(rev[r]):
                r += 1
            else:
                break
        return n - r

    # (a) UTF-8 read as GBK ---------------------------------------------------------

    def _utf8_runs(self, text: str, start: int, end: int) -> list[Repair]:
        found: list[Repair] = []
        suspect = self.m.suspect_re
        # maximal stretches of characters with a GBK pair (or a decoder's marker); a repair
        # always holds a suspicious character, so stretches without one are not looked at
        for m in self.m.pair_re.finditer(text, start, end):
            i, j = m.span()
            if j - i >= 2 and suspect.search(text, i, j) is not None:
                got = self._utf8_segment(text, i, j)
                got += self._replacement_chars(text, i, j, got)
                got.sort(key=lambda r: r.start)
                found.extend(got)
                found.extend(self._left_garbled(text, i, j, got))
        found.sort(key=lambda r: r.start)
        return found

    @staticmethod
    def _replacement_chars(text: str, i: int, j: int, repairs: list[Repair]) -> list[Repair]:
        """`锟斤拷` is the UTF-8 of U+FFFD U+FFFD read as GBK, and nothing else: the characters
        it replaced were lost before the garbling. Those a repair did not take in, and not the
        word quoted (`见过“锟斤拷”这样的乱码` writes about it)."""
        out = []
        for m in _REPLACEMENT_CHARS.finditer(text, i, j):
            a, b = m.span()
            if a and b < len(text) and _QUOTES.get(text[a - 1]) == text[b]:
                continue
            if not any(r.start < b and a < r.end for r in repairs):
                n = 2 * (b - a) // 3
                out.append(Repair(a, b, LOST * n, "mojibake-replacement-character", n))
        return out

    def _left_garbled(self, text: str, i: int, j: int, repairs: list[Repair]) -> list[Repair]:
        """What is left as it was between and beside the repairs of one stretch, reported
        when it is garbling too: between two repairs, anything suspicious (a file read with
        the wrong decoder is garbled from one end to the other); beside one, mostly
        suspicious characters (real text beside garbling has few)."""
        if not repairs:
            return []
        out = []
        suspect = self.m.suspect_re
        bounds = [(i, repairs[0].start, False)]
        bounds += [(a.end, b.start, True) for a, b in zip(repairs, repairs[1:])]
        bounds.append((repairs[-1].end, j, False))
        for a, b, between in bounds:
            if a >= b:
                continue
            n = len(suspect.findall(text, a, b))
            if n and (between or n >= 2 and 2 * n >= b - a):
                out.append(Repair(a, b, text[a:b], "mojibake-unrepaired", b - a))
        return out

    def _utf8_segment(self, text: str, i: int, j: int) -> list[Repair]:
        # A decoder's marker stands for one byte it could not read, and a decoder that drops
        # such bytes leaves a UTF-8 character short where a garbled character begins: either
        # way the byte is a hole, its value known only to be one `_fails` allows.
        codec = "gb18030" if any(_pua(c) for c in text[i:j]) else "gbk"
        raw, holes, dropped, char_at = self._utf8_bytes(text, i, j)
        decoded = raw.decode("utf-8", "surrogateescape")
        # maximal stretches of valid UTF-8, as (byte start, byte end, text)
        # (each undecodable byte is one escape character; the text between them is valid)
        stretches, off, last = [], 0, 0
        for m in _VALID_UTF8.finditer(decoded):
            off += m.start() - last
            dec = m.group()
            size = len(dec.encode("utf-8"))
            stretches.append((off, off + size, dec))
            off += size
            last = m.end()
        after = ord(text[j]) if j < len(text) and text[j] < "\x80" else None
        out = []
        for b0, b1, dec in stretches:
            # start and end on a garbled character's boundary
            while b0 not in char_at and dec:
                b0 += len(dec[0].encode("utf-8"))
                dec = dec[1:]
            while b1 not in char_at and dec:
                b1 -= len(dec[-1].encode("utf-8"))
                dec = dec[:-1]
            if not dec:
                continue
            c0, c1 = i + char_at[b0], i + char_at[b1]
            if c1 - c0 < 2 or not any(ord(d) > 0x7F for d in dec):
                continue
            garbled = text[c0:c1]
            if not self.m.suspect_re.search(garbled):
                continue
            # the characters that lost a byte, as (index in dec, their bytes, where the holes are)
            lost, short, b = [], 0, b0
            for n, d in enumerate(dec):
                size = len(d.encode("utf-8"))
                at = tuple(h - b for h in range(b, b + size) if h in holes)
                if at:
                    lost.append((n, bytes(raw[b:b + size]), at, b + size))
                    short += any(b + h in dropped for h in at)
                b += size
            # the checks that do not depend on the lost characters first: choosing them is the
            # costly part (a character two bytes short has hundreds of candidates)
            gone = {n for n, _, _, _ in lost}
            known = [d for n, d in enumerate(dec) if n not in gone]
            if any(_pua(c) or ord(c) < 0x20 for c in known):
                continue
            # what it decodes to must read as text: few symbols, Hangul or other rarities (a
            # U+FFFD is a character lost before the garbling, 锟斤拷 its bytes)
            rare = sum(1 for c in known if c != LOST and self.m.logp(c) <= LOGP_SYMBOL)
            if rare and (len(dec) < 6 or rare > 0.2 * len(dec)):
                continue
            # a byte dropped without a mark is inferred from the UTF-8 around it: most of the
            # characters must be read without such a guess
            if short > 1 and 3 * short > len(dec):
                continue
            chars = list(dec)
            unknown, guessed = chars.count(LOST), []
            trad = self.traditional("".join(known)) if lost else False
            for n, pattern, at, e in lost:
                # the byte after the character: what the decoder saw after its last hole
                nxt_byte = after if e == len(raw) else None if e in holes else raw[e]
                cands = self._same_script(_lost_chars(codec, pattern, at, nxt_byte), trad)
                prev = chars[n - 1] if n else (text[c0 - 1] if c0 else "")
                nxt = dec[n + 1] if n + 1 < len(dec) and n + 1 not in gone else \
                    (text[c1] if n + 1 == len(dec) and c1 < len(text) else "")
                pick = self.choose(cands, prev, nxt, text) if cands else None
                if pick is None:
                    chars[n] = LOST
                    unknown += 1
                else:
                    chars[n] = pick
                    if len(cands) > 1:
                        guessed.append(pick)
            new = "".join(chars)
            if self.m.score(new) - self.m.score(garbled) < 4 + 0.5 * len(garbled):
                continue
            out.append(Repair(c0, c1, new, "mojibake-utf8-as-gbk", unknown, guessed))
        return out

    @staticmethod
    def _same_script(cands: list[str], traditional: bool) -> list[str]:
        """The candidates written in the text's script: UTF-8 read as GBK was not converted
        after, so a lost character is written like its neighbours (说, not 說)."""
        other = s2t_char if traditional else t2s_char
        same = [c for c in cands if other(c) == c]
        return same or cands

    def _utf8_bytes(self, text: str, i: int, j: int) -> tuple[bytes, set[int], set[int], dict[int, int]]:
        """The bytes text[i:j] stands for read as GBK: (bytes, offsets of holes, those of them
        inferred where a UTF-8 character was short, byte offset -> garbled character index).
        A hole's placeholder is 0x80, a continuation byte, which every hole is: a UTF-8 lead
        byte never fails before a continuation byte."""
        chunks: list[bytes] = []
        holes: set[int] = set()
        dropped: set[int] = set()
        char_at: dict[int, int] = {}
        steps = self._utf8_steps
        size = 0
        need = 0  # continuation bytes the current UTF-8 character still lacks
        for n in range(j - i):
            c = text[i + n]
            char_at[size] = n
            step = steps.get((c, need))
            if step is None:
                step = steps[(c, need)] = self._utf8_step(c, need)
            chunk, short, need = step
            if short:
                # bytes dropped where this garbled character begins
                for _ in range(short):
                    dropped.add(size)
                    holes.add(size)
                    size += 1
                chunks.append(b"\x80" * short)
                char_at[size] = n
            if chunk is None:  # a decoder's marker
                holes.add(size)
                chunk = b"\x80"
            chunks.append(chunk)
            size += len(chunk)
        char_at[size] = j - i
        if 0 < need <= 2:
            # the end of the run cut a character short (its last bytes dropped, or cut off)
            for _ in range(need):
                dropped.add(size)
                holes.add(size)
                size += 1
            chunks.append(b"\x80" * need)
            char_at[size] = j - i
        return b"".join(chunks), holes, dropped, char_at

    def _utf8_step(self, c: str, need: int) -> tuple[bytes | None, int, int]:
        """What garbled character `c` adds when the UTF-8 character before it lacks `need`
        continuation bytes: (its bytes, None for a marker; how many bytes were dropped before it;
        what the character it ends in lacks). Bytes were dropped where a non-continuation byte
        comes while the character before still lacks some (a garbled character begins there)."""
        if c in MARKERS:
            return None, 0, max(need - 1, 0)
        pair = gbk_pair(c)
        short = 0
        if need:
            k = 0
            while k < len(pair) and k < need and 0x80 <= pair[k] <= 0xBF:
                k += 1
            if 0 < need - k <= 2 and k < len(pair):
                short = need - k
        need = max(need - short, 0) if short else need
        for byte in pair:
            if 0x80 <= byte <= 0xBF:
                need = max(need - 1, 0)
            else:
                need = 1 if 0xC2 <= byte <= 0xDF else 2 if 0xE0 <= byte <= 0xEF else 3 if 0xF0 <= byte <= 0xF4 else 0
        return pair, short, need

    # (b) GBK with a lost byte ---------------------------------------------------------

    def _shifted_run(self, text: str, start: int, end: int, seed: int, tried: set[int],
                     run: "_LazyRun", gains: "_Gains") -> list[Repair]:
        best: tuple[float, Repair] | None = None
        ends = [end] + [x for x in range(seed + 1, end) if text[x] in MARKERS]
        for s in range(max(start, seed - LOOKBACK), seed + 1):
            if text[s] in MARKERS or s in tried:
                continue
            tried.add(s)
            if not self._screen(gains, s - start, end - start):
                continue
            for e in ends:
                if e - s < 2:
                    continue
                got = self._shift(text, s, e, run[s - start:e - start])
                if got and (best is None or got[0] > best[0]):
                    best = got
        return [best[1]] if best else []

    def pair_gains(self, text: str, start: int, run: list) -> "_Gains":
        """For each adjacent pair of garbled characters, how much likelier the character their
        shifted bytes make is than the second of them as it stands (optimistic about forms).
        The same for every start, so each is computed once per run, and only when `_screen`
        asks for it: shifting real text fails the screen within a few characters, and a
        paragraph with one rare character in it is one run from end to end."""
        return _Gains(self, text, start, run)

    def pair_gain(self, text: str, start: int, run: list, k: int) -> float | None:
        m = self.m
        a, b = run[k], run[k + 1]
        if a is None or b is None:
            return 0.0
        best = float("-inf")
        for x in a:
            for y in b:
                c = gbk_char(x[1] << 8 | y[0])
                if c is not None and _plain(c):
                    lp = m.logp(c)
                    if lp > best:
                        best = lp
        return None if best == float("-inf") else best - m.logp(text[start + k + 1])

    @staticmethod
    def _screen(gains: "_Gains", i: int, j: int) -> bool:
        """A cheap look before the real one: shifting real text yields junk within a few
        characters, and a shift must gain about two units a character to be worth more."""
        total = 0.0
        for k in range(i, j - 1):
            g = gains[k]
            if g is None:
                return False
            total += g
            if k - i >= 2 and total < -10:
                return False
        return total >= 2 * (j - i - 1)

    def _shift(self, text: str, s: int, e: int, tokens: list) -> tuple[float, Repair] | None:
        m = self.m
        if tokens[0] is None or tokens[-1] is None:
            return None
        # Walk the shifted pairs left to right. A garbled character may stand for itself or for
        # its t2s form (the run went through s2t after the garbling); each is taken greedily by
        # the character its pair decodes to. Shifting real text yields junk within a few
        # characters, so a candidate start that scores worse than the text as it is stops early.
        n = len(tokens)
        # Then each character's form exactly (a small Viterbi over the chain of pairs).
        choice = [0] * n
        if any(t is not None and len(t) > 1 for t in tokens):
            choice = self._variant_path(tokens)
        chosen = [None if t is None else t[v] for t, v in zip(tokens, choice)]
        converted = any(v > 0 for v in choice)
        slots: list[list[str]] = []
        for k in range(n - 1):
            a, b = chosen[k], chosen[k + 1]
            if a is None and b is None:
                return None
            if a is None:
                slots.append(self.lost_lead(b[0]))
            elif b is None:
                slots.append(self.lost_trail(a[1]))
            else:
                c = gbk_char(a[1] << 8 | b[0])
                if c is None or not _plain(c):
                    return None
                slots.append([c])
        first = chosen[0]
        slots.insert(0, self.lost_lead(first[0]) + self.lost_trail(first[0]))  # type: ignore[index]
        last = chosen[-1]
        if last is None:
            return None
        if last[1] < 0x80:
            # the last lead byte took the ASCII letter after it as its trail (期间B → 诩銪)
            slots.append([chr(last[1])])
        else:
            slots.append(self.lost_trail(last[1]))
        end = e
        if end < len(text) and text[end] in MARKERS:
            end += 1
        prev = text[s - 1] if s > 0 else ""
        nxt = text[end] if end < len(text) else ""
        garbled = text[s:end]
        base = m.score(prev + garbled + nxt)
        if self._gain_bound(slots, prev, nxt) - base < 6 + 1.0 * len(garbled) - 1e-6:  # (rounding)
            return None  # no choice of the lost characters could make it (choosing costs most)
        chars: list[str] = []
        unknown, guessed = 0, []
        for idx, cands in enumerate(slots):
            if len(cands) == 1:
                chars.append(cands[0])
                continue
            before = chars[-1] if chars else prev
            after = ""
            if idx + 1 < len(slots):
                after = slots[idx + 1][0] if len(slots[idx + 1]) == 1 else ""
            else:
                after = nxt
            pick = self.choose(cands, before, after, text)
            if pick is None:
                unknown += 1
                chars.append(LOST)
            else:
                guessed.append(pick)
                chars.append(pick)
        new = "".join(chars)
        known = "".join(c for c in new if c != LOST)
        # the neighbours take part, so a repair that forms a word with them (稳|增长) wins
        gain = m.score(prev + known + nxt) + LOGP_UNKNOWN * unknown - base
        interior = new[1:-1]
        if gain < 6 + 1.0 * len(garbled) or not known:
            return None
        # Dense kana is Japanese (garbling leaves a stray ぁ among Han), not evidence; and a repair
        # that brings back no Han character at all (only symbols, lost characters) is noise.
        kana = sum(1 for c in garbled if _kana(c))
        if kana >= 2 and kana >= 0.3 * len(garbled) or not any(_han(c) for c in known):
            return None
        # A short run with no decoder's mark (`?`, U+FFFD) may as well be real text in another
        # script (Japanese, Greek, a rare idiom): repair it only when the result names every
        # character and reads as words with its neighbours (弧逼诩 → 一”期间), never by invention.
        if len(garbled) < SHORT_RUN and not any(c in MARKERS for c in text[max(0, s - 1):end + 1]):
            # (garbled Chinese is mostly Han: most shifted lead bytes fall in GBK's Han rows)
            if unknown or not any(_han(c) for c in garbled) or m.word_pair_ratio(prev + known + nxt) < 0.5:
                return None
        if len(interior) >= 4 and m.word_pair_ratio(interior) < 0.25:
            return None
        if converted or self.traditional(text):
            new = opencc_converter("s2t")(new)
        return gain, Repair(s, end, new, "mojibake-shifted-gbk", unknown, guessed)

    def _gain_bound(self, slots: list[list[str]], prev: str, nxt: str) -> float:
        """At least `score(prev + known + nxt) + LOGP_UNKNOWN * unknown` for any choice of the
        slots' lost characters (each slot is a chosen character or lost). Fixed characters and
        pairs of them count exactly; a slot with a choice counts as its best candidate with
        the bonuses it would make with fixed neighbours, or as lost (LOGP_UNKNOWN, and a
        bonus for the pair its neighbours then make); a pair of two such slots counts a bonus."""
        m = self.m
        seq = ([[prev]] if prev else []) + slots + ([[nxt]] if nxt else [])
        total = 0.0
        n = len(seq)
        for i, cands in enumerate(seq):
            if len(cands) == 1:
                total += m.logp(cands[0])
                continue
            left = seq[i - 1][0] if i > 0 and len(seq[i - 1]) == 1 else None
            right = seq[i + 1][0] if i + 1 < n and len(seq[i + 1]) == 1 else None
            total += max(self._slot_bound(cands, left, right), LOGP_UNKNOWN + BIGRAM_BONUS)
        for a, b in zip(seq, seq[1:]):
            if len(a) == 1 and len(b) == 1:
                if m.is_word_pair(a[0], b[0]):
                    total += BIGRAM_BONUS
            elif len(a) != 1 and len(b) != 1:
                total += BIGRAM_BONUS
        return total

    def _slot_bound(self, cands: list[str], left: str | None, right: str | None) -> float:
        """The best of logp(c) plus the bigram bonuses c makes with its fixed neighbours."""
        key = (tuple(cands), left, right)
        got = _SLOT_BOUNDS.get(key)
        if got is None:
            m = self.m
            best = float("-inf")
            for c in cands:
                v = m.logp(c)
                if left is not None and m.is_word_pair(left, c):
                    v += BIGRAM_BONUS
                if right is not None and m.is_word_pair(c, right):
                    v += BIGRAM_BONUS
                if v > best:
                    best = v
            if len(_SLOT_BOUNDS) > 50_000:
                _SLOT_BOUNDS.clear()
            got = _SLOT_BOUNDS[key] = best
        return got

    def _variant_path(self, tokens: list) -> list[int]:
        m = self.m
        n = len(tokens)
        opts = [range(len(t)) if t is not None else range(1) for t in tokens]
        score = [0.0 for _ in opts[0]]
        back: list[list[int]] = []
        for k in range(1, n):
            new_score, ptr = [], []
            for v in opts[k]:
                best, arg = float("-inf"), 0
                for u in opts[k - 1]:
                    a = tokens[k - 1][u] if tokens[k - 1] is not None else None
                    b = tokens[k][v] if tokens[k] is not None else None
                    lp = 0.0
                    if a is not None and b is not None:
                        c = gbk_char(a[1] << 8 | b[0])
                        lp = m.logp(c) if c else -30.0
                    if score[u] + lp > best:
                        best, arg = score[u] + lp, u
                new_score.append(best)
                ptr.append(arg)
            score = new_score
            back.append(ptr)
        v = max(range(len(score)), key=score.__getitem__)
        path = [v]
        for ptr in reversed(back):
            v = ptr[v]
            path.append(v)
        return path[::-1]


LOGP_UNKNOWN = -7.5
# (candidates, fixed left neighbour, fixed right neighbour) -> Repairer._slot_bound; the model
# is one per process, so the bounds hold across documents
_SLOT_BOUNDS: dict[tuple, float] = {}
_REPLACEMENT_CHARS = re.compile("(?:锟斤拷)+")
_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", '"': '"', "'": "'", "（": "）", "(": ")"}
_VALID_UTF8 = re.compile("[^\udc80-\udcff]+")  # what surrogateescape decoded, between escapes


class _LazyRun:
    """The byte pairs each character of text[start:end] may stand for (None for a decoder's
    marker), worked out for the characters looked at only."""

    __slots__ = ("_repairer", "_text", "_start", "_end", "_memo")

    def __init__(self, repairer: "Repairer", text: str, start: int, end: int):
        self._repairer, self._text, self._start, self._end = repairer, text, start, end
        self._memo: dict[int, list[bytes] | None] = {}

    def __len__(self) -> int:
        return self._end - self._start

    def _one(self, k: int) -> list[bytes] | None:
        memo = self._memo
        if k in memo:
            return memo[k]
        c = self._text[self._start + k]
        got = memo[k] = None if c in MARKERS else self._repairer.variants(c)
        return got

    def __getitem__(self, k):
        n = self._end - self._start
        if isinstance(k, slice):
            return [self._one(i) for i in range(*k.indices(n))]
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(k)
        return self._one(k)


class _Gains:
    """`Repairer.pair_gain` for each index of a run, computed on first access, then kept."""

    __slots__ = ("_repairer", "_text", "_start", "_run", "_memo")

    def __init__(self, repairer: Repairer, text: str, start: int, run: list):
        self._repairer, self._text, self._start, self._run = repairer, text, start, run
        self._memo: dict[int, float | None] = {}

    def __getitem__(self, k: int) -> float | None:
        memo = self._memo
        if k in memo:
            return memo[k]
        if not 0 <= k < len(self._run) - 1:
            raise IndexError(k)
        got = memo[k] = self._repairer.pair_gain(self._text, self._start, self._run, k)
        return got


@functools.lru_cache(maxsize=None)
def _fails(codec: str, nxt: int | None) -> tuple[int, ...]:
    """The continuation bytes (80-BF) at which `codec` fails when `nxt` follows (None: nothing
    does, or it is unknown). Python's GBK decoders then mark (or drop) that one byte and read
    `nxt` afresh: gbk fails at 0x80, and at a lead byte whose pair is unmapped (A2AB, the
    user-defined rows AA-AF with a trail from A1); gb18030 maps those rows to the Private Use
    Area and fails at 0x80 alone."""
    tail = b"" if nxt is None else bytes((nxt,))
    return tuple(b for b in range(0x80, 0xC0) if (bytes((b,)) + tail).decode(codec, "replace")[0] == "\ufffd")


@functools.lru_cache(maxsize=4096)
def _lost_chars(codec: str, pattern: bytes, holes: tuple[int, ...], nxt: int | None) -> list[str]:
    """The characters the UTF-8 sequence `pattern` may have been, its bytes at `holes` unknown:
    each a byte at which `codec` fails given the byte after it (`nxt` after the last)."""
    out: list[str] = []
    buf = bytearray(pattern)

    def fill(k: int, after: int | None) -> None:
        h = holes[k]
        for b in _fails(codec, after):
            buf[h] = b
            if k == 0:
                try:
                    c = buf.decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if len(c) == 1 and _plain(c):
                    out.append(c)
            else:
                before = holes[k - 1]
                fill(k - 1, b if before + 1 == h else buf[before + 1])

    last = holes[-1]
    fill(len(holes) - 1, pattern[last + 1] if last + 1 < len(pattern) else nxt)
    return out


def _pua(c: str) -> bool:
    return "\ue000" <= c <= "\uf8ff"


def _plain(c: str) -> bool:
    """Not private use and in the BMP (gb18030 maps a few pairs to supplementary characters)."""
    return not _pua(c) and c <= "\uffff"


def _forms(c: str) -> set[str]:
    return {c, s2t_char(c)}


class MojibakePass(Pass):
    name = "mojibake"
    description = "repair mojibake: UTF-8 read as GBK, GBK read with a lost byte"

    def run(self, doc: Document, ctx: PassContext) -> Document:
        m = model()
        rx = m.suspect_re
        repairer = Repairer(m, doc)

        def fix(text: str, index: int) -> str:
            if rx.search(text) is None:
                return text
            new, repairs = repairer.repair(text)
            line = ctx.line_of(index)
            for r in repairs:
                before = text[r.start:r.end]
                if r.text == before:
                    ctx.unrepaired(r.kind, before, line=line, block=index + 1,
                                   message="garbled text left as it is: its bytes do not read as UTF-8")
                    continue
                message = f"lost character(s) chosen from context: {''.join(r.guessed)}" if r.guessed else ""
                ctx.change(r.kind, before, r.text, line=line, block=index + 1, message=message)
                if r.unknown:
                    how = "before the garbling (锟斤拷 is its mark)" if r.kind == "mojibake-replacement-character" \
                        else "with a byte"
                    ctx.unrepaired("mojibake-lost-character", r.text, line=line, block=index + 1,
                                   message=f"{r.unknown} character(s) lost {how}; marked {LOST}")
            return new

        return map_block_text(doc, fix)


@hookimpl
def register_passes(register):
    register(MojibakePass())


SHORT_RUN = 6


def _kana(c: str) -> bool:
    return "\u3041" <= c <= "\u30ff" or "\u31f0" <= c <= "\u31ff" or "\uff66" <= c <= "\uff9d"


def _han(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F
