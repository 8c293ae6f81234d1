"""Punctuation and spacing pass: half-width `, ; : ! ? ( )` touching Chinese become full-width.

"Touching" looks through closing quotes and brackets to the left and opening ones to the right,
so `“双十一”,期间` and `年,“双十一”` both count. Parentheses go in pairs: a pair becomes
`（）` when either parenthesis touches Chinese inside or outside (`拨打(010)` → `拨打（010）`,
`总值(GDP)增长` → `总值（GDP）增长`); `(see below)` stays, and so does notation glued to a
Latin letter or digit with no Chinese inside (`f(x)这样`). Numbers, dates, times, URLs,
e-mail addresses, Latin text and code are left alone (`9:00`, `1,000`, `http://x.cn/a?b=1`).

Spacing: indentation (ASCII spaces, U+3000, NBSP) at the start and end of a paragraph or line is
removed, and so are stray spaces next to full-width punctuation (`基础 ！` → `基础！`). No other
space is inserted or removed.
"""

from __future__ import annotations

import re

from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document, Para
from wenzhuan.plugins.hanzi import CJK_PUNCT, HAN, INDENT
from wenzhuan.plugins.passes.textops import rewrite_document, snippet
from wenzhuan.registry import Pass, PassContext

FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
# Full-width punctuation beside which a space is always stray (curly quotes are not here:
# Latin text uses them with spaces).
_FW = "，。、；：！？（）「」『』《》【】〔〕〈〉"
# Looked through when deciding what a mark touches (spaces too: `基础 !2020` is a stray space).
_CLOSERS = "”’\"')）」』》】〕〉] "
_OPENERS = "“‘\"'(（「『《【〔〈[ "

_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_CANDIDATE = re.compile(r"[,;:!?()]")
_STRAY_SPACE = re.compile(f"[ \u3000\u00a0\t]+(?=[{_FW}])|(?<=[{_FW}])[ \u3000\u00a0\t]+")
_CJK = re.compile(f"[{HAN}{CJK_PUNCT}]")
_PROTECTED = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\u3000-\u303f\uff00-\uffef" + HAN + r"]*[^\s,;:!?.)\u3000-\u303f\uff00-\uffef" + HAN + "]"
    r"|www\.[^\s\u3000-\u303f\uff00-\uffef" + HAN + r"]*[^\s,;:!?.)\u3000-\u303f\uff00-\uffef" + HAN + "]"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
_QUICK = re.compile(f"[,;:!?()]|[ \u3000\u00a0\t][{_FW}]|[{_FW}][ \u3000\u00a0\t]|^[{INDENT}]|[{INDENT}]$")


def _cjk(ch: str) -> bool:
    return bool(ch) and _CJK.match(ch) is not None


def _left(s: str, i: int) -> str:
    """The character before position i, looking through closing quotes and brackets."""
    i -= 1
    while i >= 0 and s[i] in _CLOSERS:
        i -= 1
    return s[i] if i >= 0 else ""


def _right(s: str, i: int) -> str:
    """The character after position i, looking through opening quotes and brackets."""
    i += 1
    n = len(s)
    while i < n and s[i] in _OPENERS:
        i += 1
    return s[i] if i < n else ""


def convert(text: str, prev: str = "", nxt: str = "", *, line_start: bool = True,
            line_end: bool = True) -> tuple[str, list[tuple[int, int, str]]]:
    """The corrected text and the edits made, as (start, end, replacement) in `text`.

    `prev`/`nxt` are the characters around `text` in its paragraph; `line_start`/`line_end` say
    whether `text` begins or ends a line (then indentation there is removed)."""
    if not _QUICK.search(text):
        return text, []
    s = prev + text + nxt
    off = len(prev)
    protected = [(m.start(), m.end()) for m in _PROTECTED.finditer(s)] if ("/" in s or "@" in s or "www." in s) else []

    def is_protected(i: int) -> bool:
        return any(a <= i < b for a, b in protected)

    edits: dict[int, tuple[int, str]] = {}  # position in text -> (length, replacement)
    opens: list[int] = []
    pairs: list[tuple[int, int]] = []
    for m in _CANDIDATE.finditer(s, off, off + len(text)):
        i = m.start()
        ch = s[i]
        if protected and is_protected(i):
            continue
        if ch == "(":
            opens.append(i)
        elif ch == ")":
            if opens:
                pairs.append((opens.pop(), i))
            elif _cjk(s[i - 1:i]) or _cjk(s[i + 1:i + 2]):
                edits[i - off] = (1, "）")
        elif _cjk(_left(s, i)) or _cjk(_right(s, i)):
            edits[i - off] = (1, FULL[ch])
    for i in opens:  # unpaired opening parentheses
        if _cjk(s[i - 1:i]) or _cjk(s[i + 1:i + 2]):
            edits[i - off] = (1, "（")
    for a, b in pairs:
        if _ASCII_ALNUM.match(s[a - 1:a]) and not _CJK.search(s, a, b):
            continue  # f(x), v2(2020): notation glued to Latin, not Chinese parentheses
        if _cjk(s[a - 1:a]) or _cjk(s[a + 1:a + 2]) or _cjk(s[b - 1:b]) or _cjk(s[b + 1:b + 2]):
            edits[a - off] = (1, "（")
            edits[b - off] = (1, "）")
    if not edits and not _STRAY_SPACE.search(s) and not (line_start or line_end):
        return text, []
    # apply the punctuation edits, then find spaces made stray by them
    chars = list(text)
    for pos, (_, rep) in edits.items():
        chars[pos] = rep
    fixed = "".join(chars)
    full = prev + fixed + nxt
    spaces = [(m.start() - off, m.end() - off) for m in _STRAY_SPACE.finditer(full)
              if m.start() >= off and m.end() <= off + len(fixed)]
    if line_start:
        m = re.match(f"[{INDENT}]+", fixed)
        if m:
            spaces.append((0, m.end()))
    if line_end:
        m = re.search(f"[{INDENT}]+$", fixed)
        if m:
            spaces.append((m.start(), m.end()))
    out_edits = [(pos, pos + 1, rep) for pos, (_, rep) in sorted(edits.items())]
    removed = _merge(spaces)
    out_edits.extend((a, b, "") for a, b in removed)
    if not out_edits:
        return text, []
    out_edits.sort()
    result = []
    last = 0
    for a, b, rep in _drop_overlaps(out_edits):
        result.append(fixed[last:a])
        result.append(rep)
        last = b
    result.append(fixed[last:])
    return "".join(result), out_edits


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
        def make(index: int):
            line = ctx.line_of(index)

            def fix(text: str, prev: str, nxt: str) -> str:
                new, edits = convert(text, prev, nxt, line_start=prev in ("", "\n"),
                                     line_end=nxt in ("", "\n"))
                for a, b, kind in _clusters(text, edits):
                    ctx.change(kind, snippet(text, a, b), _apply(text, edits, a, b),
                               line=line, block=index + 1)
                return new

            return fix

        return rewrite_document(doc, make)


def _clusters(text: str, edits, radius: int = 4):
    """Edits close together, reported as one change: (start, end, kind)."""
    groups: list[list] = []
    for a, b, rep in edits:
        if groups and a - groups[-1][-1][1] <= 2:
            groups[-1].append((a, b, rep))
        else:
            groups.append([(a, b, rep)])
    for group in groups:
        a, b = group[0][0], group[-1][1]
        if any(rep for _, _, rep in group):
            kind = "punctuation"
        elif a == 0 or b == len(text):
            kind = "indentation"
        else:
            kind = "spacing"
        yield a, b, kind


def _apply(text: str, edits, a: int, b: int, radius: int = 4) -> str:
    """The window `snippet(text, a, b)` shows, with the edits inside it made."""
    lo, hi = max(0, a - radius), b + radius
    out, last = [], lo
    for x, y, rep in edits:
        if x >= lo and y <= hi:
            out.append(text[last:x])
            out.append(rep)
            last = y
    out.append(text[last:hi])
    return "".join(out)


@hookimpl
def register_passes(register):
    register(PunctuationPass())
