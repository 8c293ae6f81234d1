"""Markdown reader: CommonMark (markdown-it-py) with YAML front matter.

Front matter keys map onto metadata (`title`, `subtitle`, `author`/`authors`, `date`, `source`,
`url`, `tags`, `language`/`lang`); anything else, Jekyll's `layout` and `categories` included,
goes to `metadata.extra`. A soft line break between two Han characters (or full-width marks,
or one of them and a curly quote, ellipsis or dash) joins them with nothing (a space there is a
typesetting error in Chinese); elsewhere it becomes one space.
Raw HTML blocks go through the HTML reader (`html_blocks`); constructs the model cannot hold
(images) are reported as warnings.

Hostile input: block nesting (quotes, lists) deeper than `MAX_NESTING` is refused with a clear
error (markdown-it would silently drop what is deeper); front matter whose YAML aliases expand
to more than `MAX_FRONT_MATTER_VALUES` values ("billion laughs") is refused too.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any, Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, normalize, text_join
from markdown_it.token import Token

from wenzhuan.errors import InputError
from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import (
    Attr, BlockQuote, BulletList, Code, CodeBlock, Document, Emph, Heading, LineBreak, Link, Metadata,
    OrderedList, Para, Span, Strong, Text, ThematicBreak,
)
from wenzhuan.plugins.front_matter import reads_as_str
from wenzhuan.plugins.readers.html import html_blocks
from wenzhuan.registry import ReadContext, Reader
from wenzhuan.walk import merge_text

FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
# Markdown syntax at the start of a line (written after its "\n": the text sniffed starts with
# one), a link, bold text. Every branch starts with a literal character, so the regex engine
# skips to the next "\n", "[" or "*" in a fast scan instead of trying every position (`^` and
# re.M: twice the time). No hint contains a line break, so the matches are the same.
_MD_HINTS = re.compile(r"\n(?:#{1,6} |> |[-*+] |\d+[.)] |```|~~~)|\[[^\]\n]+\]\([^)\n]*\)|\*\*[^*\n]+\*\*")
_INLINE_TAGS = {"em": Emph, "i": Emph, "strong": Strong, "b": Strong}


def is_han(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F
            or 0xF900 <= o <= 0xFAFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF)


MAX_NESTING = 64
MAX_FRONT_MATTER_VALUES = 10_000


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    # Keep URLs as the author typed them (no percent-encoding of Chinese); validateLink still
    # refuses javascript:, vbscript: and most data: URLs.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    tokenize = md.block.tokenize

    def guarded(state, start: int, end: int) -> None:
        # markdown-it skips everything below its nesting limit without a word: refuse instead
        if state.level >= MAX_NESTING:
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                raise InputError(f"its Markdown is nested more than {MAX_NESTING} levels deep "
                                 f"(block quotes, lists), around line {line + 1}; wenzhuan does not "
                                 "read deeper nesting")
        tokenize(state, start, end)

    md.block.tokenize = guarded  # type: ignore[method-assign]
    _dispatch_block_rules(md)
    md.core.ruler.at("normalize", _normalize)
    md.core.ruler.at("inline", _inline)
    md.core.ruler.at("text_join", _text_join)
    return md


def _normalize(state: StateCore) -> None:
    """markdown-it's `normalize` core rule (line endings to `\\n`, NUL to U+FFFD), only for text
    that has something to normalize: two regex substitutions over the whole text otherwise."""
    if "\r" in state.src or "\0" in state.src:
        normalize(state)


def _text_join(state: StateCore) -> None:
    """markdown-it's `text_join` core rule (escaped characters joined to the text around them),
    only for the inline tokens the inline parser made: it leaves a lone text token (what
    `_inline` makes of plain text) as it is."""
    parsed = [t for t in state.tokens
              if t.type == "inline" and t.children and not (len(t.children) == 1 and t.children[0].type == "text")]
    if parsed:
        text_join(SimpleNamespace(tokens=parsed))  # (it reads nothing else of the state)


# The block rules that start only at a line whose first character (after its indentation) is one
# of these: a fence, a block quote, a thematic break, a list item, a link reference definition,
# raw HTML, an ATX heading. Every other rule (indented code, setext headings, paragraphs) may
# start at any line.
_FIRST_CHARS = {
    "fence": "`~", "blockquote": ">", "hr": "*-_", "list": "*-+0123456789", "reference": "[",
    "html_block": "<", "heading": "#",
}
_ANY_FIRST = frozenset("".join(_FIRST_CHARS.values()))


def _dispatch_block_rules(md: MarkdownIt) -> None:
    """Start each block only with the rules its first character allows. markdown-it tries every
    rule at every block, each returning False at once for a line that cannot start it: a
    paragraph of prose, most of the blocks, tried ten rules where two can start it."""
    ruler = md.block.ruler
    names, every = ruler.get_active_rules(), list(ruler.getRules(""))
    some = [rule for name, rule in zip(names, every) if name not in _FIRST_CHARS]
    get_rules = ruler.getRules

    def dispatch(state, line: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[line] + state.tShift[line]
        rules = every if pos >= len(state.src) or state.src[pos] in _ANY_FIRST else some
        for rule in rules:
            if rule(state, line, end, silent):
                return True
        return False

    # the chain of every rule ("") is what the block tokenizer runs; the named chains (the rules
    # that may end a paragraph, a list...) stay as they are
    ruler.getRules = lambda chain: [dispatch] if chain == "" else get_rules(chain)  # type: ignore[method-assign]


# Where an inline rule of the commonmark preset can start: a line break, an escape, a code span,
# emphasis, a link or image (`[`), an autolink or inline HTML, an entity. Text without any of
# these is one text token whatever else it holds, so it is not handed to the inline parser.
_INLINE_SYNTAX = re.compile(r"[\n\\`*_\[<&]")


def _inline(state: StateCore) -> None:
    """markdown-it's `inline` core rule, with plain text (most paragraphs) as one text token
    made directly: the inline parser takes most of the reading time, character by character."""
    parse, md, env = state.md.inline.parse, state.md, state.env
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            content = token.content
            if _INLINE_SYNTAX.search(content) is None:
                if content:
                    text = Token("text", "", 0)
                    text.content = content
                    token.children.append(text)
            else:
                parse(content, md, env, token.children)


_PARSER = make_parser()


def split_front_matter(text: str, warn: Callable[[str], None] | None = None
                       ) -> tuple[dict[str, Any] | None, str, int]:
    """(front matter mapping or None, the body, the number of lines the front matter took).
    Front matter that is YAML but holds a value YAML cannot make (a date that does not exist,
    `2020-02-30`; `!!int abc`) is read with every value as the text written, and `warn` says so."""
    m = FRONT_MATTER.match(text)
    if not m:
        return None, text, 0
    try:
        data = _load_yaml(m.group(1)) or {}
    except Exception as exc:  # noqa: BLE001 - sorted out below
        import yaml  # (imported already: the error came from it)

        if isinstance(exc, (yaml.YAMLError, RecursionError)):  # not YAML, or nested beyond reason
            return None, text, 0
        if not isinstance(exc, (ValueError, KeyError, TypeError, OverflowError)):
            raise
        try:
            data = yaml.load(m.group(1), Loader=yaml.BaseLoader) or {}  # noqa: S506 - strings only
        except (yaml.YAMLError, RecursionError):
            return None, text, 0
        if warn is not None:
            detail = f"no such value {exc.args[0]!r}" if isinstance(exc, KeyError) and exc.args else str(exc)
            warn(f"front matter holds a value YAML cannot make ({detail}); all its values were "
                 "read as the text written")
    if not isinstance(data, dict):
        return None, text, 0
    _check_size(data)
    return data, text[m.end():], m.group(0).count("\n")


# libyaml parses front matter ten times faster than PyYAML's pure-Python parser, and the values
# are built by the same PyYAML constructor either way. The two parsers disagree on some unusual
# input (tabs, byte order marks and Unicode line separators inside, `#` and `?` in odd places),
# and on deep nesting (PyYAML runs out of recursion, libyaml does not): front matter with any of
# these characters, with enough indicators (`[ { - :`) to nest deeply, or that libyaml refuses,
# goes through PyYAML.
# (PyYAML is imported only for front matter that `_simple_front_matter` cannot read.)
_NOT_FOR_LIBYAML = re.compile("[\t\ufeff\u2028\u2029\x85#?]")
_NESTING = re.compile(r"[\[{:-]")  # each level of nesting takes one of these
_LIBYAML_MAX_NESTING = 100  # far below PyYAML's recursion limit


# A line of the commonest front matter, `key: value` with a string value, double-quoted with
# nothing to unescape or plain: YAML's printable characters (no line break of its own: NEL,
# U+2028/9), not starting with a space or an indicator, without `: `, `#` or a quote, not ending
# in a space or a colon. Groups: the key, the quoted value, the plain value.
_SIMPLE_LINE = re.compile(
    r'([A-Za-z_][A-Za-z0-9_-]*): (?:"([^"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]*)"'
    r"|([^\s\x00-\x1f!-/:-@\[-`{-~\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
    r"(?:[^\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff#:'\"]|:(?! |$))*(?<![\s:])))\Z")


def _simple_front_matter(text: str) -> dict[str, str] | None:
    """What YAML reads from front matter of only `_SIMPLE_LINE`s whose keys and plain values
    read as strings (most posts: layout, title, date written with its offset, tags), else None.
    PyYAML's constructor takes ten times as long, a node at a time."""
    data = {}
    for line in text.split("\n"):
        m = _SIMPLE_LINE.match(line)
        if m is None:
            return None
        key, quoted, plain = m.groups()
        if key in data or not reads_as_str(key) or (plain is not None and not reads_as_str(plain)):
            return None
        data[key] = quoted if quoted is not None else plain
    return data


def _load_yaml(text: str) -> Any:
    """What `yaml.safe_load(text)` returns (or raises)."""
    simple = _simple_front_matter(text)
    if simple is not None:
        return simple
    import yaml

    libyaml = getattr(yaml, "CSafeLoader", None)
    if (libyaml is not None and not _NOT_FOR_LIBYAML.search(text)
            and len(_NESTING.findall(text)) < _LIBYAML_MAX_NESTING):
        try:
            return yaml.load(text, Loader=libyaml)  # noqa: S506 - a safe loader
        except Exception:  # noqa: BLE001 - PyYAML gives the answer, or the error, below
            pass
    return yaml.safe_load(text)


def _check_size(data: Any) -> None:
    """Refuse front matter whose YAML aliases (`*name`) expand to a huge structure: PyYAML shares
    aliased values, but anything walking them (metadata, JSON) would expand them all."""
    budget = MAX_FRONT_MATTER_VALUES
    stack = [data]
    while stack:
        value = stack.pop()
        budget -= 1
        if budget < 0:
            raise InputError(f"its front matter expands to more than {MAX_FRONT_MATTER_VALUES} values "
                             "(YAML aliases); wenzhuan does not read it",
                             hint="remove the `&anchor`/`*alias` repetition from the front matter")
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _str_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v for v in re.split(r"[,，、]\s*|\s+", value.strip()) if v) if value.strip() else ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = re.match(r"\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", value)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def metadata_from_front_matter(data: dict[str, Any]) -> Metadata:
    data = dict(data)
    authors = data.pop("authors", None)
    author = data.pop("author", None)
    lang = data.pop("language", None) or data.pop("lang", None)
    date_raw = data.get("date")
    date = _date(date_raw)
    if date is not None or date_raw is None:
        data.pop("date", None)
    return Metadata(
        title=str(data.pop("title", "") or "").strip(),
        subtitle=str(data.pop("subtitle", "") or "").strip(),
        authors=_str_list(authors) + _str_list(author),
        date=date,
        source=str(data.pop("source", "") or "").strip(),
        url=str(data.pop("url", "") or "").strip(),
        tags=_str_list(data.pop("tags", None)),
        language=str(lang or "").strip(),
        extra={str(k): _jsonable(v) for k, v in data.items()},
    )


def _nodes(tokens: list[Token]):
    """The nodes of one level of a token stream, as `markdown_it.tree.SyntaxTreeNode` makes
    them, without building the tree: (the token, or the opening token of a container, and the
    tokens inside the container or None)."""
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        if not token.nesting:
            yield token, None
            i += 1
            continue
        depth, j = 1, i + 1
        while depth:
            depth += tokens[j].nesting
            j += 1
        yield token, tokens[i + 1:j - 1]
        i = j


class _Converter:
    def __init__(self, ctx: ReadContext | None, line_offset: int):
        self.ctx = ctx
        self.line_offset = line_offset

    def warn(self, message: str, token: Token | None = None) -> None:
        if self.ctx is not None:
            line = token.map[0] + 1 + self.line_offset if token is not None and token.map else None
            self.ctx.warn(message, line=line)

    def blocks(self, tokens: list[Token]) -> list:
        out = []
        for token, inner in _nodes(tokens):
            out.extend(self.block(token, inner))
        return out

    def block(self, token: Token, inner: list[Token] | None) -> list:
        t = token.type
        if t == "paragraph_open":
            content = self.inlines(inner[0].children or [] if inner else [])
            return [Para(content)] if content else []
        if t == "heading_open":
            return [Heading(int(token.tag[1]), self.inlines(inner[0].children or [] if inner else []))]
        if t == "blockquote_open":
            return [BlockQuote(self.blocks(inner))]
        if t == "bullet_list_open":
            return [BulletList([self.blocks(item) for _, item in _nodes(inner)])]
        if t == "ordered_list_open":
            start = int(token.attrs.get("start", 1)) if token.attrs else 1
            return [OrderedList([self.blocks(item) for _, item in _nodes(inner)], start)]
        if t in ("code_block", "fence"):
            info = (token.info or "").strip().split()
            attr = Attr(classes=(info[0],)) if t == "fence" and info else Attr()
            text = token.content[:-1] if token.content.endswith("\n") else token.content
            return [CodeBlock(text, attr)]
        if t == "hr":
            return [ThematicBreak()]
        if t == "html_block":
            return [b for b, _ in self.html_block(token)]
        name = t.removesuffix("_open") if token.nesting else t
        self.warn(f"unsupported Markdown construct {name!r}; dropped", token)
        return []

    def html_block(self, token: Token) -> list[tuple]:
        """Raw HTML (Jekyll posts whose body is `<p>` blocks) goes through the HTML reader."""
        offset = self.line_offset + (token.map[0] if token.map else 0)
        return html_blocks(token.content, self.ctx, line_offset=offset)

    def inlines(self, tokens: list[Token]) -> tuple:
        if len(tokens) == 1 and tokens[0].type == "text" and "\n" not in tokens[0].content:
            # most paragraphs: one run of text (the reading of `_inline`), no line to join
            content = tokens[0].content
            return (Text(content),) if content else ()
        stack: list[tuple[type | None, list]] = [(None, [])]
        for token, inner in _nodes(tokens):
            t = token.type
            target = stack[-1][1]
            if t == "text":
                target.append(Text(token.content))
            elif t == "softbreak":
                target.append(Text("\n"))
            elif t == "hardbreak":
                target.append(LineBreak())
            elif t == "em_open":
                target.append(Emph(self.inlines(inner)))
            elif t == "strong_open":
                target.append(Strong(self.inlines(inner)))
            elif t == "code_inline":
                target.append(Code(token.content))
            elif t == "link_open":
                target.append(Link(self.inlines(inner), str(token.attrs.get("href", "")),
                                   str(token.attrs.get("title", "") or "")))
            elif t == "html_inline":
                self._html_inline(token, stack)
            elif t == "image":
                alt = "".join(c.content for c, _ in _nodes(token.children or []) if c.type == "text")
                self.warn("images are not supported; kept the alt text")
                if alt:
                    target.append(Text(alt))
            else:
                name = t.removesuffix("_open") if token.nesting else t
                self.warn(f"unsupported inline {name!r}; dropped")
        while len(stack) > 1:  # unclosed HTML tags: keep their content, drop the tag
            kind, content = stack.pop()
            self.warn(f"unclosed inline HTML tag for {kind.__name__ if kind else 'a span'}; tag dropped")
            stack[-1][1].extend(content)
        return _join_softbreaks(merge_text(stack[0][1]))

    def _html_inline(self, token: Token, stack) -> None:
        m = re.fullmatch(r"<(/?)([a-zA-Z]+)\s*/?>", token.content.strip())
        tag = m.group(2).lower() if m else ""
        if m and tag == "br" and not m.group(1):
            stack[-1][1].append(LineBreak())
        elif m and tag in _INLINE_TAGS and not m.group(1):
            stack.append((_INLINE_TAGS[tag], []))
        elif m and tag in _INLINE_TAGS and m.group(1) and stack[-1][0] is _INLINE_TAGS[tag]:
            kind, content = stack.pop()
            stack[-1][1].append(kind(merge_text(content)))
        elif m and tag == "code" and not m.group(1):
            stack.append((Code, []))
        elif m and tag == "code" and m.group(1) and stack[-1][0] is Code:
            _, content = stack.pop()
            stack[-1][1].append(Code("".join(getattr(c, "text", "") for c in content)))
        elif m and tag == "span" and not m.group(1):
            stack.append((Span, []))
        elif m and tag == "span" and m.group(1) and stack[-1][0] is Span:
            _, content = stack.pop()
            stack[-1][1].append(Span(merge_text(content)))
        else:
            self.warn(f"raw inline HTML {token.content!r} not supported; dropped")


def _last_char(node) -> str:
    if isinstance(node, (Text, Code)):
        return node.text[-1:] if node.text else ""
    content = getattr(node, "content", ())
    return _last_char(content[-1]) if content else ""


def _first_char(node) -> str:
    if isinstance(node, (Text, Code)):
        return node.text[:1]
    content = getattr(node, "content", ())
    return _first_char(content[0]) if content else ""


# Marks Latin text shares with Chinese: a soft break between one of them and Chinese joins too
# (`真的……⏎这是`, `他说：“⏎你好`), but not between two of them (`“a”⏎“b”` is Latin).
_SHARED_MARKS = frozenset("\u2026\u2014\u201c\u201d\u2018\u2019")


def _joins(before: str, after: str) -> bool:
    """Whether a soft break between these characters vanishes: both Chinese, or one Chinese and
    the other a shared mark (pandoc's `east_asian_line_breaks`, with its ambiguous-width marks)."""
    if not before or not after:
        return False
    a, b = is_han(before), is_han(after)
    return (a and b) or (a and after in _SHARED_MARKS) or (b and before in _SHARED_MARKS)


def _join_softbreaks(inlines: tuple) -> tuple:
    """A soft break between Han characters vanishes; elsewhere it is one space."""
    out = []
    for i, node in enumerate(inlines):
        if isinstance(node, Text) and "\n" in node.text:
            pieces = node.text.split("\n")
            text = pieces[0]
            for piece in pieces[1:]:
                before = text[-1:] or (_last_char(inlines[i - 1]) if i > 0 else "")
                after = piece[:1] or (_first_char(inlines[i + 1]) if i + 1 < len(inlines) else "")
                joiner = "" if _joins(before, after) else " "
                text += joiner + piece
            node = Text(text)
        out.append(node)
    return merge_text(out)


def read_markdown(text: str, ctx: ReadContext | None = None) -> Document:
    front, body, offset = split_front_matter(text, None if ctx is None else lambda m: ctx.warn(m, line=1))
    meta = metadata_from_front_matter(front) if front is not None else Metadata()
    conv = _Converter(ctx, offset)
    blocks = []
    for token, inner in _nodes(_PARSER.parse(body)):
        if token.type == "html_block":
            pairs = conv.html_block(token)
            made = [b for b, _ in pairs]
            lines = [line or 0 for _, line in pairs]
        else:
            made = conv.block(token, inner)
            lines = [token.map[0] + 1 + offset if token.map else 0] * len(made)
        if ctx is not None:
            ctx.block_lines.extend(lines)
        blocks.extend(made)
    return Document(meta, tuple(blocks))


class MarkdownReader(Reader):
    name = "markdown"
    extensions = ("md", "markdown", "mdown", "mkd")
    description = "CommonMark with YAML front matter (Jekyll posts)"

    def sniff(self, text: str) -> float:
        head = text[:20000]
        if FRONT_MATTER.match(head):
            return 0.8
        hints = _MD_HINTS.finditer("\n" + head)  # (two are enough: not a scan of all 20,000 characters)
        return 0.4 if next(hints, None) and next(hints, None) else 0.0

    def read(self, text: str, ctx: ReadContext) -> Document:
        return read_markdown(text, ctx)


@hookimpl
def register_readers(register):
    register(MarkdownReader())
