"""Punctuation and spacing pass: half-width `, ; : ! ? ( )` touching Chinese become full-width.

"Touching" looks through closing quotes and brackets to the left and opening ones to the right,
so `“双十一”,期间` and `年,“双十一”` both count. Parentheses go in pairs: a pair becomes
`（）` when either parenthesis touches Chinese inside or outside (`拨打(010)` → `拨打（010）`,
`总值(GDP)增长` → `总值（GDP）增长`); `(see below)` stays, and so does notation glued to a
Latin letter or digit with no Chinese inside (`f(x)这样`). Numbers, dates, times, URLs,
e-mail addresses, Latin text and code are left alone (`9:00`, `1,000`, `http://x.cn/a?b=1`).

Marks typed the Latin way where a careful editor writes Chinese ones:
- straight double quotes, taken in pairs, become `“…”` when what they hold is Chinese or either
  quote touches Chinese (`他说"你好"` → `他说“你好”`); an odd number of them in a run of text is
  left alone (which quote opens is not clear), and so are quotes in Latin text;
- an ellipsis of three or more dots (`...`) or full stops (`。。。`) right after a Han character
  becomes `……`;
- two or more hyphens between Han characters (`他--她`) become a dash, `——`;
- a full stop typed `.` after Han that ends the paragraph or a line, or is followed by spaces
  and Chinese, becomes `。` (`走了.` → `走了。`); between two Han characters it stays, as it may
  join the parts of a transliterated name (`约翰.史密斯`), and so does the dot after an ordinal
  numbering a section (`一. 总则`).

Spacing: indentation (ASCII spaces, U+3000, NBSP) at the start and end of a paragraph or line is
removed, and so are stray spaces next to full-width punctuation (`基础 ！` → `基础！`) and between
a Chinese ellipsis or dash and Chinese (`真的…… 这是` → `真的……这是`). No other space is inserted
or removed.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from wenzhuan import regex_cache
from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document
from wenzhuan.plugins.hanzi import CJK_PUNCT, HAN, INDENT
from wenzhuan.plugins.passes.textops import ChangeBatch, rewrite_document, snippet
from wenzhuan.registry import Pass, PassContext

FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
# Full-width punctuation beside which a space is always stray (curly quotes are not here:
# Latin text uses them with spaces).
_FW = "，。、；：！？（）「」『』《》【】〔〕〈〉"
# Looked through when deciding what a mark touches (spaces too: `基础 !2020` is a stray space).
_CLOSERS = "”’\"')）」』》】〕〉] \u3000\u00a0\t"
_OPENERS = "“‘\"'(（「『《【〔〈[ \u3000\u00a0\t"

_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_QUOTE = re.compile('"')
_CANDIDATE = re.compile(r"[,;:!?()]")
# (`[…]+` would match the same runs, but the regex engine scans for its start several times slower)
_SPACE_RUN = re.compile("[ \u3000\u00a0\t][ \u3000\u00a0\t]*")
_CJK = regex_cache.compile(f"[{HAN}{CJK_PUNCT}]")
_PROTECTED = regex_cache.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\u3000-\u303f\uff00-\uffef" + HAN + r"]*[^\s,;:!?.)\u3000-\u303f\uff00-\uffef" + HAN + "]"
    r"|www\.[^\s\u3000-\u303f\uff00-\uffef" + HAN + r"]*[^\s,;:!?.)\u3000-\u303f\uff00-\uffef" + HAN + "]"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
_SPACE_BESIDE_FW = regex_cache.compile(f"[ \u3000\u00a0\t][{_FW}]|[{_FW}][ \u3000\u00a0\t]")
_INDENT_CHARS = tuple(INDENT)  # `x in` these is True only for one of them, not for ""
# after Han, or after a closing quote or bracket that follows it (发布"新规"... → 发布“新规”……;
# the straight quote and parenthesis are matched too: they are made full-width in the same run)
_ELLIPSIS = regex_cache.compile(f"(?<=[{HAN}])(?:\\.{{3,}}|。{{3,}})|(?<=[{HAN}][\"'”’」』)）》])(?:\\.{{3,}}|。{{3,}})")
_DASH = regex_cache.compile(f"(?<=[{HAN}])-{{2,}}(?=[{HAN}])")  # 城市--故乡 → 城市——故乡
# A full stop typed `.` after Han (or a closing mark after Han) that ends the paragraph or a line, or is
# followed by spaces and Chinese, or closes a quotation: `走了.` → `走了。`, `第二句. 比分` →
# `第二句。比分`, `“好."他说` → `“好。”他说`. Not between two
# Han characters: `约翰.史密斯` is a name written with the wrong dot, not two sentences.
# (the dot first, then what is behind it: the regex engine finds a literal fast, where a pattern
# starting with a lookbehind is tried at every position)
_PERIOD = regex_cache.compile(f"\\.(?:(?<=[{HAN}]\\.)|(?<=[{HAN}][\"'”’」』)）》]\\.))"
                     f"(?=[ \u3000\u00a0\t]*$|[ \u3000\u00a0\t]+[{HAN}“「『《（(]"
                     f"|[”’」』）》\"')]+[ \u3000\u00a0\t]*(?:$|[{HAN}]))")
# An ordinal starting a line or following a space, numbering a section: `一. 总则`, `第一. 加强领导`,
# `甲. 乙. 丙.` keep their dots (searched up to the dot: `$` is there)
_ORDINAL = re.compile("(?:\\A|(?<=[\\s\u3000]))(?:第?[一二三四五六七八九十百零〇两]{1,3}|[甲乙丙丁戊己庚辛壬癸])\\Z")
# Spaces between a Chinese ellipsis or dash and Chinese are stray (`真的…… 这是`): Latin text
# has neither doubled mark.
_SPACE_AFTER_DOUBLED = regex_cache.compile(f"(?<=……|——)[ \u3000\u00a0\t]+(?=[{HAN}{CJK_PUNCT}“‘])")
_LEADING = re.compile(f"[{INDENT}]+")
_TRAILING = re.compile(f"[{INDENT}]+$")

# `_CJK_AT(s, i)` tests the one character at position i of s without slicing it out (the class
# matches exactly one character). A negative position would be clamped to 0, so callers check i.
_CJK_AT = _CJK.match


def _touches(s: str, i: int) -> bool:
    """Whether the character at i has Chinese right before or after it (no looking through)."""
    return (i > 0 and _CJK_AT(s, i - 1) is not None) or _CJK_AT(s, i + 1) is not None


def _may_protect(s: str) -> bool:
    """Whether `s` may hold what `_PROTECTED` finds (a URL, an e-mail address): not without these."""
    return "/" in s or "@" in s or "www." in s


def _first_space(s: str) -> int:
    """The position of the first space (ASCII, U+3000, NBSP, tab) in `s`, -1 if none: found by
    string searches, many times faster than the regex engine's scan for a class of characters."""
    if " " not in s and "\u3000" not in s and "\u00a0" not in s and "\t" not in s:
        return -1  # most text (Chinese prose): no list to build
    found = [i for i in (s.find(" "), s.find("\u3000"), s.find("\u00a0"), s.find("\t")) if i >= 0]
    return min(found) if found else -1


def _needs_work(text: str) -> bool:
    """Whether `convert` may change `text`: it has a half-width mark, a straight double quote, an
    ellipsis or a double hyphen, a space beside full-width punctuation, or indentation at its
    start or end (`$` of a regex: at the end or before a final newline)."""
    return (_CANDIDATE.search(text) is not None
            or '"' in text or "..." in text or "。。。" in text or "--" in text
            or ("." in text and _PERIOD.search(text) is not None)
            or (("……" in text or "——" in text) and _SPACE_AFTER_DOUBLED.search(text) is not None)
            or text[:1] in _INDENT_CHARS or text[-1:] in _INDENT_CHARS
            or (text[-1:] == "\n" and text[-2:-1] in _INDENT_CHARS)
            or (_first_space(text) >= 0 and _SPACE_BESIDE_FW.search(text) is not None))


def _stray_spaces(s: str, first: int = 0) -> list[tuple[int, int]]:
    """Spans of the runs of spaces that touch full-width punctuation on either side; `first`
    is where the first space may be.

    The same spans as `[ \u3000\u00a0\t]+(?=[FW])|(?<=[FW])[ \u3000\u00a0\t]+` finds (a run matches
    whole or not at all), but that pattern starts with a lookbehind, so the regex engine tries
    both branches at every position; a plain run of spaces is found by a fast scan."""
    n = len(s)
    return [m.span() for m in _SPACE_RUN.finditer(s, first)
            if (m.end() < n and s[m.end()] in _FW) or (m.start() > 0 and s[m.start() - 1] in _FW)
            or (s[m.start() - 2:m.start()] in ("……", "——") and _SPACE_AFTER_DOUBLED.match(s, m.start()))]


def _trailing_indent(text: str) -> tuple[int, int] | None:
    """The span of indentation at the end of `text` (what `_TRAILING.search` finds)."""
    if text.endswith("\n"):  # `$` also matches before a final newline: keep the regex's answer
        m = _TRAILING.search(text)
        return (m.start(), m.end()) if m else None
    # rstrip instead of the regex: the regex retries at every position of a long run of
    # spaces that is not at the end, which is quadratic in the run's length
    kept = len(text.rstrip(INDENT))
    return (kept, len(text)) if kept < len(text) else None


def convert(text: str, prev: str = "", nxt: str = "", *, line_start: bool = True,
            line_end: bool = True) -> tuple[str, list[tuple[int, int, str]]]:
    """The corrected text and the edits made, as (start, end, replacement) in `text`, sorted.

    `prev`/`nxt` are the characters around `text` in its paragraph; `line_start`/`line_end` say
    whether `text` begins or ends a line (then indentation there is removed)."""
    if not _needs_work(text):
        return text, []
    s = prev + text + nxt
    off = len(prev)
    protected = [(m.start(), m.end()) for m in _PROTECTED.finditer(s)] if _may_protect(s) else []

    edits: dict[int, str] = {}  # position in s -> the full-width replacement
    opens: list[int] = []
    pairs: list[tuple[int, int]] = []
    left: list[int] = []  # marks not converted: one may still be beside a converted one
    closers, openers, cjk_at, n = _CLOSERS, _OPENERS, _CJK_AT, len(s)
    for m in _CANDIDATE.finditer(s, off, off + len(text)):
        i = m.start()
        if protected and any(a <= i < b for a, b in protected):
            continue
        ch = s[i]
        if ch == "(":
            opens.append(i)
        elif ch == ")":
            if opens:
                pairs.append((opens.pop(), i))
            elif _touches(s, i):
                edits[i] = "）"
            else:
                left.append(i)
        elif i and "\u4e00" <= s[i - 1] <= "\u9fff":
            edits[i] = FULL[ch]  # (most marks: right after a common Han character, no look needed)
        else:
            # what the mark touches, looking through closers to the left and openers to the right
            j = i - 1
            while j >= 0 and s[j] in closers:
                j -= 1
            if j >= 0 and cjk_at(s, j) is not None:
                edits[i] = FULL[ch]
                continue
            j = i + 1
            while j < n and s[j] in openers:
                j += 1
            if j < n and cjk_at(s, j) is not None:
                edits[i] = FULL[ch]
            else:
                left.append(i)
    for i in opens:  # unpaired opening parentheses
        if _touches(s, i):
            edits[i] = "（"
        else:
            left.append(i)
    left_pairs = []
    for a, b in pairs:
        if a > 0 and _ASCII_ALNUM.match(s, a - 1) and not _CJK.search(s, a, b):
            continue  # f(x), v2(2020): notation glued to Latin, not Chinese parentheses
        if _touches(s, a) or _touches(s, b):
            edits[a] = "（"
            edits[b] = "）"
        else:
            left_pairs.append((a, b))
    if "." in text:
        # (on all of s: what follows the text in its paragraph decides, `约翰.**史密斯**`)
        for m in _PERIOD.finditer(s, off):
            i = m.start()
            if i >= off + len(text):
                break
            if not (protected and any(a <= i < b for a, b in protected)) and not _ORDINAL.search(s, max(0, i - 5), i):
                edits[i] = "。"
    if edits and (left or left_pairs):
        _beside_converted(s, edits, left, left_pairs)
    if '"' in text:
        _pair_quotes(s, off, off + len(text), protected, edits)
    # (start, end, replacement) in s that change the length: ellipses and dashes
    spans = ([(m.start(), m.end(), "……") for m in _ELLIPSIS.finditer(s, off, off + len(text))]
             + [(m.start(), m.end(), "——") for m in _DASH.finditer(s, off, off + len(text))]
             if "..." in text or "。。。" in text or "--" in text else [])
    if protected:
        spans = [(a, b, rep) for a, b, rep in spans if not any(x <= a < y for x, y in protected)]
    first = _first_space(s)
    spaced = first >= 0
    if not edits and not spans and not (line_start or line_end) and not (spaced and _stray_spaces(s, first)):
        return text, []
    # apply the punctuation edits (one character for one, so positions stay), then find the
    # spaces made stray by them
    out_edits = []
    if edits:
        parts = []
        last = 0
        for i, rep in sorted(edits.items()):
            i -= off
            parts.append(text[last:i])
            parts.append(rep)
            out_edits.append((i, i + 1, rep))
            last = i + 1
        parts.append(text[last:])
        fixed = "".join(parts)
    else:
        fixed = text
    spaces = []
    if spaced:  # else there is nothing to remove
        end = off + len(fixed)
        # (the edits replace marks, never spaces: the first space is where it was)
        spaces = [(a - off, b - off) for a, b in _stray_spaces(prev + fixed + nxt, first) if a >= off and b <= end]
        if line_start:
            m = _LEADING.match(fixed)
            if m:
                spaces.append((0, m.end()))
        if line_end:
            span = _trailing_indent(fixed)
            if span:
                spaces.append(span)
    if spans:
        out_edits.extend((a - off, b - off, rep) for a, b, rep in spans)
    if not spaces and not spans:
        return (fixed, out_edits) if out_edits else (text, [])
    out_edits.extend((a, b, "") for a, b in _merge(spaces))
    out_edits.sort()
    result = []
    last = 0
    for a, b, rep in _drop_overlaps(out_edits):
        result.append(fixed[last:a])
        result.append(rep)
        last = b
    result.append(fixed[last:])
    return "".join(result), out_edits


def convert_fully(text: str, prev: str = "", nxt: str = "", *, line_start: bool = True,
                  line_end: bool = True) -> tuple[str, list[tuple[str, list[tuple[int, int, str]]]]]:
    """`convert` until nothing changes: the final text and each round's (text, edits).

    One round almost always suffices; a second is needed where removing a stray space brings a
    parenthesis or a quote next to a mark converted in the first (`) ，` → `)，` → `），`), or
    joins full stops into an ellipsis (`汉。。 。` → `汉。。。` → `汉……`), or where a mark
    converted in the first makes a pair of straight quotes hold or touch Chinese (`"a!" 汉` →
    `"a！" 汉` → `“a！” 汉`), which a later run of the pass would otherwise convert: the pass
    must change nothing the second time.

    A round that only converted marks one for one (no ellipsis, dash or space) and left no
    straight quote needs no second: every mark left touches no Chinese, and none is beside a
    converted one (`_beside_converted` converted those in the same round), so the second round
    would find what the first did. Nor does one that left an odd number of straight quotes (none
    inside a URL or e-mail address, `_PROTECTED`): they were not paired in the first round (an
    even number is paired or left in pairs), and are not in the second."""
    rounds = []
    while True:
        new, edits = convert(text, prev, nxt, line_start=line_start, line_end=line_end)
        if not edits:
            return text, rounds
        rounds.append((text, edits))
        # a full stop the round made convertible: a removed space put a closer after it (`汉. 》`),
        # or a quote it converted opens what follows it (`走了. "你好"` -> `走了. “你好”`)
        # (and indentation left at an end: only in a text with a line break inside, which no
        # document's Text has, `x ⏎ ` -> `x ⏎` -> `x⏎`, as `$` matches before a final newline)
        more = ("." in new and _PERIOD.search(prev + new + nxt) is not None
                or "\n" in new and (line_end and _trailing_indent(new) is not None
                                    or line_start and _LEADING.match(new) is not None))
        if len(rounds) == 4 or not (_CANDIDATE.search(new) or '"' in new or "..." in new or "。。。" in new
                                    or "--" in new or "……" in new or "——" in new  # (4: a guard, never reached)
                                    or more):
            return new, rounds
        if not more and all(len(rep) == 1 for _, _, rep in edits) and (  # (the marks' replacements)
                '"' not in new or (new.count('"') % 2 and not _may_protect(prev + new + nxt))):
            return new, rounds
        text = new


def _beside_converted(s: str, edits: dict[int, str], left: list[int], pairs: list[tuple[int, int]]) -> None:
    """Convert the marks left half-width that touch a converted one (`汉,,` → `汉，，`,
    `!,汉` → `！，汉`), until none does: a second run would convert them (a full-width mark is
    Chinese punctuation), so the pass converts them now and running it again changes nothing."""
    closers, openers, n = _CLOSERS, _OPENERS, len(s)

    def beside(i: int, through: bool) -> bool:
        j = i - 1
        while j >= 0:
            if j in edits:
                return True
            if not (through and s[j] in closers):
                break
            j -= 1
        j = i + 1
        while j < n:
            if j in edits:
                return True
            if not (through and s[j] in openers):
                break
            j += 1
        return False

    changed = True
    while changed:
        changed = False
        for i in left:
            if i not in edits and beside(i, s[i] not in "()"):
                edits[i] = FULL[s[i]]
                changed = True
        for a, b in pairs:
            if a not in edits and (beside(a, False) or beside(b, False)):
                edits[a], edits[b] = "（", "）"
                changed = True


def _pair_quotes(s: str, start: int, end: int, protected: list[tuple[int, int]], edits: dict[int, str]) -> None:
    """Straight double quotes in `s[start:end]`, in pairs, to `“` and `”` where the pair holds
    Chinese or either quote touches it; nothing when their number is odd."""
    quotes = [m.start() for m in _QUOTE.finditer(s, start, end)
              if not (protected and any(a <= m.start() < b for a, b in protected))]
    if len(quotes) % 2:
        return
    n = len(s)
    for a, b in zip(quotes[::2], quotes[1::2]):
        if (_CJK.search(s, a + 1, b) or (a > 0 and _CJK_AT(s, a - 1)) or (b + 1 < n and _CJK_AT(s, b + 1))):
            edits[a] = "“"
            edits[b] = "”"


def _merge(spans):
    spans = sorted(spans)
    out = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _drop_overlaps(edits):
    last = -1
    for a, b, rep in edits:
        if a < last:
            continue
        yield a, b, rep
        last = b


class PunctuationPass(Pass):
    name = "punctuation"
    description = "full-width punctuation in Chinese text; indentation and stray spaces removed"

    def run(self, doc: Document, ctx: PassContext) -> Document:
        line_of = ctx.line_of
        # (text before a round, the round's edits, line, block) -> one change per cluster of edits
        changes = ChangeBatch(ctx, lambda r: [(kind, old, after, r[2], r[3])
                                              for kind, old, after in _described(r[0], r[1])])

        def make(index: int):
            def fix(text: str, prev: str, nxt: str) -> str:
                new, rounds = convert_fully(text, prev, nxt, line_start=prev in ("", "\n"),
                                            line_end=nxt in ("", "\n"))
                if not rounds:
                    return new
                line, block = line_of(index), index + 1
                for before, edits in rounds:
                    changes.add(_clusters(edits), (before, edits, line, block))
                return new

            return fix

        doc = rewrite_document(doc, make)
        changes.flush()
        return doc


def _clusters(edits: list[tuple[int, int, str]]) -> int:
    """How many changes `_described(text, edits)` makes: edits at most two characters apart
    are one."""
    n = 1
    end = edits[0][1]
    for a, b, _ in edits:
        if a - end > 2:
            n += 1
        end = b
    return n


def _described(text: str, edits: list[tuple[int, int, str]], radius: int = 4) -> list[tuple[str, str, str]]:
    """One (kind, before, after) per cluster of edits close together (at most two characters
    apart): the window `snippet(text, a, b)` shows around the cluster, before and with the
    edits inside it made. `edits` are sorted by start."""
    out = []
    starts = [a for a, _, _ in edits]
    n = len(edits)
    i = 0
    while i < n:
        a, b, rep = edits[i]
        punct = bool(rep)
        i += 1
        while i < n and starts[i] - b <= 2:
            _, b, rep = edits[i]
            punct = punct or bool(rep)
            i += 1
        kind = "punctuation" if punct else "indentation" if a == 0 or b == len(text) else "spacing"
        lo, hi = max(0, a - radius), b + radius
        # only the edits starting inside the window can lie inside it: find them by bisection,
        # not by scanning all edits for every cluster (quadratic on long paragraphs)
        parts, last = [], lo
        for k in range(bisect_left(starts, lo), n):
            x, y, rep = edits[k]
            if x > hi:
                break
            if y <= hi:
                parts.append(text[last:x])
                parts.append(rep)
                last = y
        parts.append(text[last:hi])
        out.append((kind, snippet(text, a, b, radius), "".join(parts)))
    return out


@hookimpl
def register_passes(register):
    register(PunctuationPass())
