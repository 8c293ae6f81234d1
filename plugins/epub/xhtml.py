"""The model → XHTML 5 markup of EPUB content documents, as strings.

Strings rather than element trees: a 10 MB document renders in about a second, and the markup is
exactly what we wrote (no HTML re-parse). Everything user-supplied passes through `Cleaner`
(characters XML cannot hold) and `esc`/`attr_esc`.

Links to an id inside the book are written as placeholders (`\\x00H<scope>:<id>\\x00` in the `<a>`
tag) because the file that will hold the target is known only once the whole book is rendered and
split; `resolve_links` fills them in. NUL never survives the cleaner, so a placeholder cannot
collide with content.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable
from urllib.parse import urlsplit

from wenzhuan.model import (
    Attr, BlockQuote, BulletList, Code, CodeBlock, Div, Emph, Heading, LineBreak, Link, OrderedList,
    Para, Span, Strong, Text, ThematicBreak,
)
from wenzhuan.registry import WriteContext
from wenzhuan.walk import stringify

# XML 1.0 cannot hold C0 controls other than tab, newline and carriage return, lone surrogates,
# U+FFFE and U+FFFF. C1 controls and DEL are legal XML but never text: removed as well.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# BCP 47, close enough to what EPUBCheck's schema accepts (language-subtag, then subtags).
LANG_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")

# A name that is valid as an XML ID (NCName) in most practical cases.
_ID_OK = re.compile(r"^[^\W\d][\w.\-]*$")
_ID_BAD_CHAR = re.compile(r"[^\w.\-]")
_DATA_KEY = re.compile(r"^[a-z_][a-z0-9_.\-]*$")

# Schemes of links that run code or embed content: their href is dropped, the text kept.
UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript", "file"})
# Registered schemes a reading system may follow; others earn EPUBCheck's HTM-025 warning.
# (sms, geo, magnet and ircs are in use but not in EPUBCheck's list.)
KNOWN_SCHEMES = frozenset({"http", "https", "ftp", "mailto", "tel", "urn", "news", "nntp", "irc", "xmpp",
                           "sip", "sips"})
_HOST_OK = re.compile(r"^(?:[\w\-]+(?:\.[\w\-]+)*\.?|\[[0-9A-Fa-f:.]+\])$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_KEEP = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

PLACEHOLDER = re.compile("\x00H([^\x00]*)\x00")
CHAPTER_KEY = "wz-metadata"


class Cleaner:
    """Removes characters XML cannot hold, counting them for one report line per character."""

    def __init__(self) -> None:
        self.removed: Counter[str] = Counter()

    def __call__(self, text: str) -> str:
        if _NOT_XML.search(text) is None:
            return text
        self.removed.update(_NOT_XML.findall(text))
        return _NOT_XML.sub("", text)

    def report(self, ctx: WriteContext | None) -> None:
        if ctx is None:
            return
        for ch, n in sorted(self.removed.items()):
            ctx.change("xml-invalid-character", before=ch, after="",
                       message=f"removed {n} U+{ord(ch):04X} character(s) that XML cannot hold")


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr_esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;"))


def valid_lang(tag: str) -> bool:
    return bool(LANG_TAG.match(tag))


def is_traditional(lang: str) -> bool:
    low = lang.lower()
    return "hant" in low.split("-") or any(r in low.split("-") for r in ("tw", "hk", "mo"))


class Ids:
    """Element ids of the whole book: valid as XML IDs, unique, and traceable to the model's ids."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}  # the next suffix to try for each base
        self.by_original: dict[str, str] = {}  # the first element with each model id, book-wide
        self.scopes: list[dict[str, str]] = [{}]  # the same per article, so links stay in their article

    def new_scope(self) -> int:
        self.scopes.append({})
        return len(self.scopes) - 1

    def lookup(self, original: str, scope: int) -> str | None:
        return self.scopes[scope].get(original) or self.by_original.get(original)

    def make(self, original: str = "", fallback: str = "id") -> str:
        base = original.strip()
        if base and not _ID_OK.match(base):
            base = _ID_BAD_CHAR.sub("-", base)
            if not _ID_OK.match(base):
                base = "id-" + base
        base = base or fallback
        n = self.counters.get(base, 1)
        candidate = base if n == 1 else f"{base}-{n}"
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.counters[base] = n + 1
        self.used.add(candidate)
        if original:
            self.by_original.setdefault(original, candidate)
            self.scopes[-1].setdefault(original, candidate)
        return candidate


def safe_url(url: str) -> tuple[str | None, str]:
    """(href to write or None to drop it, why it was dropped). Fragments are handled elsewhere."""
    url = url.strip()
    m = _SCHEME.match(url)
    if not m:
        return None, "a relative link has no target inside the book"
    scheme = m.group(1).lower()
    if scheme in UNSAFE_SCHEMES:
        return None, f"a {scheme}: link is unsafe"
    if scheme not in KNOWN_SCHEMES:
        return None, f"{scheme}: is not a registered URL scheme"
    if scheme in ("http", "https", "ftp"):
        try:
            netloc = urlsplit(url).netloc
        except ValueError:
            return None, "the link is not a valid URL"
        host = netloc.rpartition("@")[2]
        host = host[:host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]
        if not host or not _HOST_OK.match(host):
            return None, "the link has no valid host"
    # percent-encode what a URL cannot hold as is (spaces, non-ASCII, quotes, stray %)
    url = _BAD_PERCENT.sub("%25", url)
    out = []
    for ch in url:
        if _URL_KEEP.match(ch):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    url = "".join(out)
    return url, ""


class Renderer:
    """Renders blocks and inlines. `ids` is shared by the whole book so ids stay unique."""

    def __init__(self, clean: Cleaner, ids: Ids, ctx: WriteContext | None,
                 headings: Callable[[int, str, str], None] | None = None):
        self.clean = clean
        self.ids = ids
        self.ctx = ctx
        self.on_heading = headings
        self.defined: list[str] = []  # ids defined since the last `take_ids`
        self.scope = ids.new_scope()
        self._converted_half = 0  # inside the converted half of a bilingual pair: not in the TOC
        self._links_dropped: Counter[str] = Counter()

    # ------------------------------------------------------------------ attributes

    def attrs(self, attr: Attr, *, extra_class: str = "", want_id: str = "") -> str:
        parts = []
        ident = ""
        if attr.id:
            ident = self.ids.make(self.clean(attr.id))
        elif want_id:
            ident = self.ids.make("", want_id)
        if ident:
            self.defined.append(ident)
            parts.append(f' id="{attr_esc(ident)}"')
        classes = [c for cls in attr.classes for c in self.clean(cls).split()]
        if extra_class:
            classes.insert(0, extra_class)
        if classes:
            parts.append(f' class="{attr_esc(" ".join(dict.fromkeys(classes)))}"')
        if attr.lang:
            lang = self.clean(attr.lang).strip()
            if valid_lang(lang):
                parts.append(f' lang="{lang}" xml:lang="{lang}"')
            elif self.ctx:
                self.ctx.warn(f"language tag {attr.lang!r} is not BCP 47; left out")
        seen = set()
        for key, value in attr.kv:  # as data-* attributes; the first of a repeated key wins
            name = key.strip().lower()
            if key == CHAPTER_KEY or name in seen or not _DATA_KEY.match(name) or name.startswith("xml"):
                continue
            seen.add(name)
            parts.append(f' data-{name}="{attr_esc(self.clean(value))}"')
        return "".join(parts)

    def take_ids(self) -> list[str]:
        out, self.defined = self.defined, []
        return out

    # ------------------------------------------------------------------ blocks

    def blocks(self, blocks) -> str:
        return "".join(self.block(b) for b in blocks)

    def block(self, b) -> str:
        if isinstance(b, Para):
            return f"<p{self.attrs(b.attr)}>{self.inlines(b.content)}</p>\n"
        if isinstance(b, Heading):
            a = self.attrs(b.attr, want_id="h")
            ident = self.defined[-1]
            text = self.inlines(b.content)
            if self.on_heading is not None and not self._converted_half:
                self.on_heading(b.level, ident, self.clean(stringify(b)).strip())
            return f"<h{b.level}{a}>{text}</h{b.level}>\n"
        if isinstance(b, BlockQuote):
            return f"<blockquote{self.attrs(b.attr)}>\n{self.blocks(b.blocks)}</blockquote>\n"
        if isinstance(b, BulletList):
            return f"<ul{self.attrs(b.attr)}>\n{self.items(b.items)}</ul>\n"
        if isinstance(b, OrderedList):
            start = f' start="{int(b.start)}"' if b.start != 1 else ""
            return f"<ol{self.attrs(b.attr)}{start}>\n{self.items(b.items)}</ol>\n"
        if isinstance(b, CodeBlock):
            return f"<pre{self.attrs(b.attr)}><code>{esc(self.clean(b.text))}</code></pre>\n"
        if isinstance(b, ThematicBreak):
            return f"<hr{self.attrs(b.attr)}/>\n"
        if isinstance(b, Div):
            converted = "bilingual-converted" in b.attr.classes
            self._converted_half += converted
            try:
                return f"<div{self.attrs(b.attr)}>\n{self.blocks(b.blocks)}</div>\n"
            finally:
                self._converted_half -= converted
        if self.ctx:
            self.ctx.warn(f"{type(b).__name__} not rendered in EPUB")
        return ""

    def items(self, items) -> str:
        return "".join(f"<li>{self.blocks(item).rstrip()}</li>\n" for item in items)

    # ------------------------------------------------------------------ inlines

    def inlines(self, nodes, *, in_link: bool = False) -> str:
        return "".join(self.inline(n, in_link) for n in nodes)

    def inline(self, n, in_link: bool) -> str:
        if isinstance(n, Text):
            return esc(self.clean(n.text))
        if isinstance(n, Emph):
            return f"<em>{self.inlines(n.content, in_link=in_link)}</em>"
        if isinstance(n, Strong):
            return f"<strong>{self.inlines(n.content, in_link=in_link)}</strong>"
        if isinstance(n, Code):
            return f"<code{self.attrs(n.attr)}>{esc(self.clean(n.text))}</code>"
        if isinstance(n, LineBreak):
            return "<br/>"
        if isinstance(n, Span):
            return f"<span{self.attrs(n.attr)}>{self.inlines(n.content, in_link=in_link)}</span>"
        if isinstance(n, Link):
            return self.link(n, in_link)
        if self.ctx:
            self.ctx.warn(f"{type(n).__name__} not rendered in EPUB")
        return ""

    def link(self, n: Link, in_link: bool) -> str:
        inner = self.inlines(n.content, in_link=True)
        a = self.attrs(n.attr)
        if in_link:  # <a> cannot nest in HTML: the inner link keeps its text
            if self.ctx:
                self.ctx.warn(f"nested link to {n.url!r} written as plain text")
            return f"<span{a}>{inner}</span>" if a else inner
        url = self.clean(n.url).strip()
        title = f' title="{attr_esc(self.clean(n.title))}"' if n.title else ""
        if url.startswith("#"):
            # resolved against the ids of the whole book once it is split into files
            return f"<a\x00H{self.scope}:{url[1:]}\x00{a}{title}>{inner}</a>"
        href, why = safe_url(url)
        if href is None:
            if self.ctx:
                self.ctx.change("link-dropped", before=n.url, after="", message=f"{why}; its text is kept")
            return f"<span{a}{title}>{inner}</span>" if (a or title) else inner
        return f'<a href="{attr_esc(href)}"{a}{title}>{inner}</a>'


def resolve_links(html: str, here: str, where: dict[str, str], ids: Ids, ctx: WriteContext | None) -> str:
    """Fill in the placeholders of in-book links: `#id` in the same file, `file#id` elsewhere."""
    if "\x00" not in html:
        return html

    def sub(m: re.Match) -> str:
        scope, _, original = m.group(1).partition(":")
        target = ids.lookup(original, int(scope))
        if target is None or target not in where:
            if ctx:
                ctx.change("link-dropped", before="#" + original, after="",
                           message="no element has this id; its text is kept")
            return ""
        file = where[target]
        href = f"#{target}" if file == here else f"{file}#{target}"
        return f' href="{attr_esc(href)}"'

    return PLACEHOLDER.sub(sub, html)
