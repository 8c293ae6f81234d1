"""Metadata pass: the title, bylines, source notes and signatures move from the body to metadata.

- **Title**, unless front matter gave one: a first heading (`<h1>`, `# …`; it also replaces an
  HTML `<title>` that merely starts with it), or a short first line without sentence-final
  punctuation (a half-width `.` right after a Han character counts: `今天天气很好.明天可能下雨.`),
  bullets such as `•` dropped.
- **Bylines** at the top: `胡燕斌 亢俊杰   2020-08-07   来源:《辽邮新媒》公众号`, or labelled
  fields, glued or not: `作者:来源:中国邮政网发布时间:2019-08-23`. Authors, an ISO date, and the
  source without brackets or `公众号`. Labelled lines at the end (`来源：新华社`, `责任编辑：…`) too.
- **Source notes** at the end, alone or after the last sentence: `（文章来源：中国邮政快递报）`,
  `(本文來源:國家郵政局)`.
- **Signatures**: `……发展。□宗合` at the end of the last paragraph gives author 宗合.
- **Dateline credits**, when nothing above named the authors: `本报讯（记者 张伟 通讯员 李明）…` at
  the start of the lead gives authors 张伟 and 李明; the lead keeps its dateline.

Both scripts (作者/來源/發布時間/編輯). Front matter always wins; consumed lines leave the body.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from wenzhuan import regex_cache
from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document, Heading, Metadata, Para, Text
from wenzhuan.plugins.hanzi import HAN, headline_of_title
from wenzhuan.plugins.passes.textops import without_blocks
from wenzhuan.registry import Pass, PassContext
from wenzhuan.walk import stringify

_LABELS = {
    "editor": "责任编辑|責任編輯|责编|責編|编辑|編輯|审核|審核|校对|校對",
    "date": "发布时间|發布時間|发布日期|發布日期|发表时间|發表時間|发表日期|發表日期|更新时间|更新時間|时间|時間|日期",
    "source": "文章来源|文章來源|信息来源|信息來源|稿件来源|稿件來源|来源|來源|出处|出處|稿源",
    "author": "本报记者|本報記者|作者|撰文|撰稿|记者|記者|通讯员|通訊員|文",
}
_LABEL_KIND = {}
for _kind, _names in _LABELS.items():
    for _name in _names.split("|"):
        _LABEL_KIND[_name] = _kind
LABEL = regex_cache.compile(
    "(" + "|".join(sorted(_LABEL_KIND, key=len, reverse=True)) + r")\s*[:：]\s*")
DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")
NAME = regex_cache.compile(rf"(?:[{HAN}]{{2,5}}|[{HAN}]{{1,8}}[·•][{HAN}]{{1,8}})")
_NAME_SEP = re.compile(r"[\s\u3000、，,/／;；]+")
_BRACKETS = "《》〈〉「」『』【】“”\"'<>[]（）()"
_SOURCE_SUFFIX = re.compile(r"(?:微信)?(?:公众号|公眾號|微信号|微信號|官方微信)$")
_SENTENCE_END = "。！？!?…"
_BULLET = re.compile(r"\A[•·●◆◇■□▪►▶★☆\-–—*]+\s*")
_TITLE_MAX = 64
_HAN_STOP = regex_cache.compile(f"[{HAN}]\\.")  # a half-width full stop ending a Chinese sentence (not 2.0, not v1.2)

SOURCE_NOTE = regex_cache.compile(
    r"[（(【\[]\s*(?:文章|本文|信息|稿件|新闻|新聞)?(?:来源|來源|出处|出處|稿源)\s*[:：]\s*([^（()）【】\[\]]{1,40}?)\s*[)）】\]]\s*\Z")
_CREDIT_ROLES = (r"特约记者|特約記者|见习记者|見習記者|实习记者|實習記者|摄影记者|攝影記者|本报记者|本報記者|记者|記者"
                 r"|特约通讯员|特約通訊員|通讯员|通訊員|实习生|實習生")
# A news lead's dateline with its credit: `本报讯（记者 张伟 通讯员 李明）…`, `新华社北京5月6日电（记者 王五）`.
# The credit names the authors when nothing else does; the lead itself stays as written.
DATELINE_CREDIT = regex_cache.compile(
    rf"\A\s*(?:[{HAN}\d]{{0,16}}(?:讯|訊|电|電))?\s*[（(]\s*"
    rf"((?:{_CREDIT_ROLES})[^（()）]{{2,60}}?)\s*[)）]")
_CREDIT_LABEL = re.compile(_CREDIT_ROLES)
# what a credit holds besides names and roles: where from and how (`北京报道`, `发自北京`, `摄影`)
_CREDIT_WORDS = re.compile(r"报道|報道|发自|發自|摄影|攝影|供稿|整理|编译|編譯|综合|綜合")
# a person's name: Chinese names have two to four characters (`节目组报道` is not one)
_CREDIT_NAME = regex_cache.compile(rf"(?:[{HAN}]{{2,4}}|[{HAN}]{{1,8}}[·•][{HAN}]{{1,8}})")
SIGNATURE = regex_cache.compile(
    rf"\s*□\s*(?:(?:本报|本報)?(?:记者|記者|通讯员|通訊員)\s*)?"
    rf"([{HAN}]{{2,5}}(?:[\s、]+[{HAN}]{{2,5}}){{0,3}})\s*\Z")


@dataclass
class Found:
    """Metadata found in the body."""

    authors: list[str] = field(default_factory=list)
    date: dt.date | None = None
    source: str = ""
    editors: list[str] = field(default_factory=list)

    def merge(self, other: "Found") -> None:
        self.authors.extend(a for a in other.authors if a not in self.authors)
        self.editors.extend(e for e in other.editors if e not in self.editors)
        self.date = self.date or other.date
        self.source = self.source or other.source


def parse_date(text: str) -> tuple[dt.date | None, str]:
    """The first date in `text` and the text without it."""
    m = DATE.search(text)
    if not m:
        return None, text
    try:
        date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None, text
    return date, text[:m.start()] + " " + text[m.end():]


def parse_names(text: str) -> list[str] | None:
    """Names separated by spaces or 、, or None when something else is there."""
    tokens = [t for t in _NAME_SEP.split(text.strip()) if t]
    if not all(NAME.fullmatch(t) for t in tokens):
        return None
    return tokens


def clean_source(value: str) -> str:
    value = value.strip().strip(_BRACKETS + " ")
    value = _SOURCE_SUFFIX.sub("", value).strip()
    return value.strip(_BRACKETS + " ")


def parse_byline(text: str, *, need_label: bool = False) -> Found | None:
    """A byline's authors, date and source, or None when `text` is not a byline."""
    text = text.strip()
    if not text or len(text) > 120 or text[-1] in "。！？!?；;，,":
        return None
    labels = list(LABEL.finditer(text))
    if need_label and not labels:
        return None
    found = Found()
    lead = text[:labels[0].start()] if labels else text
    date, lead = parse_date(lead)
    found.date = date
    if lead.strip():
        names = parse_names(lead)
        if names is None:
            return None
        found.authors.extend(names)
    if not labels and not (date and found.authors):
        return None  # a bare name, or a bare date, is not enough
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        value = text[m.end():end].strip()
        kind = _LABEL_KIND[m.group(1)]
        if len(value) > 40:
            return None
        if kind == "date":
            date, rest = parse_date(value)
            if date is None or rest.strip():
                return None
            found.date = found.date or date
            continue
        date, value = parse_date(value)  # a date glued after another field
        found.date = found.date or date
        value = value.strip()
        if not value:
            continue
        if kind == "source":
            found.source = found.source or clean_source(value)
        else:
            names = parse_names(value)
            if names is None:
                if kind == "author" and len(value) <= 12:
                    names = [value]
                elif kind == "editor":
                    names = [value]
                else:
                    return None
            (found.editors if kind == "editor" else found.authors).extend(names)
    return found


def title_line(block) -> str | None:
    """The title when `block` is a short first line without sentence-final punctuation."""
    if not isinstance(block, Para) or not all(isinstance(n, Text) for n in block.content):
        return None
    text = _BULLET.sub("", stringify(block)).strip()
    if not text or len(text) > _TITLE_MAX or text[-1] in _SENTENCE_END + "，,；;：:、":
        return None
    if _HAN_STOP.search(text):
        return None  # 今天天气很好.明天可能下雨.: sentences ended with a half-width full stop
    if parse_byline(text) is not None:
        return None
    return text


def _last_text(block) -> tuple[int, str] | None:
    if isinstance(block, Para) and block.content and isinstance(block.content[-1], Text):
        return len(block.content) - 1, block.content[-1].text
    return None


def _with_last_text(block: Para, index: int, text: str) -> Para | None:
    content = list(block.content)
    if text:
        content[index] = Text(text)
    else:
        del content[index]
    return dataclasses.replace(block, content=tuple(content)) if content else None


class MetadataPass(Pass):
    name = "metadata"
    description = "title, byline (authors, date, source), source notes and signatures to metadata"

    def run(self, doc: Document, ctx: PassContext) -> Document:
        meta = doc.metadata
        found = Found()
        title = meta.title
        drop: list[int] = []
        blocks = list(doc.blocks)

        def consume(i: int, kind: str, after: str) -> None:
            drop.append(i)
            ctx.change(kind, stringify(blocks[i]).strip(), after, line=ctx.line_of(i), block=i + 1)

        # the title, from the top
        start = 0
        if blocks and len(blocks) > 1:
            first = blocks[0]
            if isinstance(first, Heading):
                heading = stringify(first).strip()
                others = {stringify(b).strip() for b in blocks[1:16] if isinstance(b, Heading)}
                if not title or title == heading or headline_of_title(title, heading, others):
                    title = heading
                    consume(0, "title", f"title: {title}")
                    start = 1
            elif not title:
                line = title_line(first)
                if line:
                    title = line
                    consume(0, "title", f"title: {title}")
                    start = 1
        # bylines right below it
        i = start
        while i < len(blocks) and i < start + 3 and isinstance(blocks[i], Para):
            byline = parse_byline(stringify(blocks[i]))
            if byline is None:
                break
            found.merge(byline)
            consume(i, "byline", _describe(byline))
            i += 1
        top = i
        # from the end: source notes, labelled lines, lone signatures
        j = len(blocks) - 1
        while j >= top and isinstance(blocks[j], Para):
            text = stringify(blocks[j]).strip()
            note = SOURCE_NOTE.fullmatch(text) if text[:1] in "（(【[" else None
            sig = SIGNATURE.fullmatch(text) if text.startswith("□") else None
            byline = None if note or sig else parse_byline(text, need_label=True)
            if note:
                found.source = found.source or clean_source(note.group(1))
                consume(j, "source-note", f"source: {clean_source(note.group(1))}")
            elif sig:
                found.authors.extend(n for n in _NAME_SEP.split(sig.group(1)) if n and n not in found.authors)
                consume(j, "signature", "authors: " + "、".join(_NAME_SEP.split(sig.group(1))))
            elif byline is not None:
                found.merge(byline)
                consume(j, "byline", _describe(byline))
            else:
                break
            j -= 1
        # a signature or source note glued to the end of the last paragraph
        if j >= top:
            last = _last_text(blocks[j])
            if last is not None:
                index, text = last
                new = text
                m = SOURCE_NOTE.search(new)
                if m and m.start() > 0:
                    found.source = found.source or clean_source(m.group(1))
                    ctx.change("source-note", new[m.start():], f"source: {clean_source(m.group(1))}",
                               line=ctx.line_of(j), block=j + 1)
                    new = new[:m.start()].rstrip()
                m = SIGNATURE.search(new)
                if m and m.start() > 0:
                    names = [n for n in _NAME_SEP.split(m.group(1)) if n]
                    found.authors.extend(n for n in names if n not in found.authors)
                    ctx.change("signature", new[max(0, m.start() - 6):], new[max(0, m.start() - 6):m.start()],
                               line=ctx.line_of(j), block=j + 1, message="authors: " + "、".join(names))
                    new = new[:m.start()].rstrip()
                if new != text:
                    blocks[j] = _with_last_text(blocks[j], index, new)
                    if blocks[j] is None:
                        drop.append(j)
                    doc = Document(doc.metadata, tuple([b if b is not None else Para(()) for b in blocks]))
        if not found.authors and not meta.authors and top < len(blocks) and isinstance(blocks[top], Para):
            lead = stringify(blocks[top])
            m = DATELINE_CREDIT.match(lead)
            names = _credit_names(m.group(1)) if m else []
            if names:
                found.authors.extend(names)
                ctx.change("dateline-credit", m.group(0).strip(), m.group(0).strip(), line=ctx.line_of(top),
                           block=top + 1, message="authors: " + "、".join(names))
        doc = without_blocks(doc, ctx, drop)
        if title == meta.title and not (found.authors or found.date or found.source or found.editors):
            return doc  # (what `_merged` would make is `meta` itself)
        return Document(_merged(meta, title, found), doc.blocks)


def _credit_names(credit: str) -> list[str]:
    """The names in a dateline credit (`记者 张伟 李明 通讯员 王五`), or none when anything in it
    is not a name (`记者节目组报道`): a credit is read whole or not at all."""
    names = []
    for part in _CREDIT_LABEL.split(credit):
        for name in _NAME_SEP.split(part):
            if not name:
                continue
            if _CREDIT_WORDS.search(name):
                continue
            if not _CREDIT_NAME.fullmatch(name):
                return []
            if name not in names:
                names.append(name)
    return names


def _describe(found: Found) -> str:
    parts = []
    if found.authors:
        parts.append("authors: " + "、".join(found.authors))
    if found.date:
        parts.append(f"date: {found.date.isoformat()}")
    if found.source:
        parts.append(f"source: {found.source}")
    if found.editors:
        parts.append("editors: " + "、".join(found.editors))
    return "; ".join(parts)


def _merged(meta: Metadata, title: str, found: Found) -> Metadata:
    extra = dict(meta.extra)
    if found.editors and "editors" not in extra:
        extra["editors"] = list(found.editors)
    return dataclasses.replace(
        meta,
        title=meta.title if meta.title and meta.title == title else title or meta.title,
        authors=meta.authors or tuple(found.authors),
        date=meta.date or found.date,
        source=meta.source or found.source,
        extra=extra,
    )


@hookimpl
def register_passes(register):
    register(MetadataPass())
