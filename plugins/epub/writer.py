"""The EPUB writer's implementation (see the package's docstring), imported on first use."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import uuid
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from wenzhuan.errors import OptionError, WenzhuanError
from wenzhuan.model import Div, Document, Heading, Metadata, iter_json
from wenzhuan.registry import WriteContext
from wenzhuan.walk import chapters, query, stringify

from .xhtml import Cleaner, Ids, Renderer, attr_esc, esc, is_traditional, resolve_links, safe_url, valid_lang

FIXED_MODIFIED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
UUID_NAMESPACE = uuid.UUID("3c4f5b0e-8a57-5d3e-9b1c-77656e7a6875")  # wenzhuan's own namespace
STYLE = "style/wenzhuan.css"
VERTICAL_STYLE = "style/vertical.css"

_LABELS = {
    # (Simplified, Traditional)
    "toc": ("目录", "目錄"),
    "untitled": ("无题", "無題"),
    "collection": ("文集", "文集"),
    "source": ("来源：", "來源："),
    "body": ("正文", "正文"),
    "landmarks": ("导览", "導覽"),
}


def _label(key: str, lang: str) -> str:
    return _LABELS[key][1 if is_traditional(lang) else 0]


# ------------------------------------------------------------------------------- language


_t2s = _s2t = None


def guess_language(doc: Document) -> str:
    """`zh-Hans` or `zh-Hant` from the characters that differ between the scripts, else `zh`."""
    global _t2s, _s2t
    sample = stringify(doc)[:20000]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if not han:
        return "zh"
    try:
        import opencc
        if _t2s is None:
            _t2s, _s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    except Exception:  # noqa: BLE001 - no converter: say only that it is Chinese
        return "zh"
    trad = sum(a != b for a, b in zip(sample, _t2s.convert(sample)))
    simp = sum(a != b for a, b in zip(sample, _s2t.convert(sample)))
    if trad > simp:
        return "zh-Hant"
    if simp > trad:
        return "zh-Hans"
    return "zh"


# ------------------------------------------------------------------------------- pages


@dataclass
class Page:
    file: str
    title: str
    lang: str
    body: str            # the markup inside <body>, links unresolved
    kind: str = "chapter"  # epub:type of the section: titlepage, chapter, bodymatter
    ids: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)  # of the section (a chapter division's classes)


@dataclass
class TocEntry:
    title: str
    file: str
    fragment: str = ""


def page_xhtml(page: Page, styles: list[str], body: str) -> bytes:
    links = "".join(f'<link rel="stylesheet" type="text/css" href="{s}"/>\n' for s in styles)
    lang = page.lang
    classes = (["titlepage"] if page.kind == "titlepage" else []) + page.classes
    section_class = f' class="{attr_esc(" ".join(dict.fromkeys(classes)))}"' if classes else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{lang}" xml:lang="{lang}">\n<head>\n<title>{esc(page.title)}</title>\n{links}</head>\n'
        f'<body>\n<section epub:type="{page.kind}"{section_class}>\n{body}</section>\n</body>\n</html>\n'
    ).encode("utf-8")


# ------------------------------------------------------------------------------- the writer


def _modified(raw: str | None) -> dt.datetime:
    if not raw:
        return FIXED_MODIFIED
    text = raw.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.timezone.utc)
        else:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise OptionError(f"option 'modified' of format 'epub' takes an ISO 8601 date or time, not {raw!r}",
                          hint="for example 2024-05-01T12:00:00Z") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _stylesheet(path: Path | None) -> bytes:
    if path is None:
        return resources.files(__package__).joinpath("wenzhuan.css").read_bytes()
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise OptionError(f"stylesheet {str(path)!r} does not exist", hint="give an existing CSS file with --css") from None
    except OSError as exc:
        raise OptionError(f"cannot read stylesheet {str(path)!r}: {exc.strerror or exc}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise OptionError(f"stylesheet {str(path)!r} is not UTF-8", hint="save it as UTF-8") from None
    return data


def _is_empty(doc: Document) -> bool:
    return not stringify(doc).strip()


def _derive_title(doc: Document, clean: Cleaner) -> str:
    heads = query(doc, Heading)
    for h in heads:
        text = clean(stringify(h)).strip()
        if text:
            return text
    for line in stringify(doc).split("\n"):
        text = clean(line).strip()
        if text:
            return text[:24] + ("…" if len(text) > 24 else "")
    return ""


def build_epub(doc: Document, ctx: WriteContext) -> bytes:
    from ebooklib import epub  # imported here: the command line starts faster for other formats

    from .package import ReproducibleWriter, XhtmlPage

    opts = ctx.options
    clean = Cleaner()
    meta = doc.metadata
    if _is_empty(doc):
        raise WenzhuanError("the document is empty: there is nothing to put in an EPUB",
                            hint="check the input; `wenzhuan inspect` shows what was read")

    lang = (opts.get("lang") or "").strip()
    if lang and not valid_lang(lang):
        raise OptionError(f"option 'lang' of format 'epub' takes a BCP 47 tag such as zh-Hant, not {lang!r}")
    if not lang:
        lang = meta.language.strip() if valid_lang(meta.language.strip()) else ""
    if not lang:
        lang = guess_language(doc)
        ctx.change("language", before="", after=lang, message="book language guessed from the script")
    modified = _modified(opts.get("modified"))
    split_bytes = max(int(opts.get("split_kb") or 256), 1) * 1024
    vertical = bool(opts.get("vertical"))
    css = _stylesheet(opts.get("css"))

    title = clean(meta.title).strip()
    arts = chapters(doc)
    if not title:
        title = _label("collection", lang) if arts is not None else (_derive_title(doc, clean) or _label("untitled", lang))
        ctx.warn(f"the document has no title; the book is called {title!r}")

    ids = Ids()
    pages: list[Page] = []
    toc: list[TocEntry] = []
    pages.append(Page("title.xhtml", title, lang, _title_page(meta, title, lang, clean, ids), "titlepage"))
    toc.append(TocEntry(title, "title.xhtml"))

    counter = [0]

    def next_file() -> str:
        counter[0] += 1
        return f"part-{counter[0]:04d}.xhtml"

    if arts is None:
        headings: list[tuple[int, str, str]] = []
        renderer = Renderer(clean, ids, ctx, lambda lv, i, t: headings.append((lv, i, t)))
        chunks = []
        for block in doc.blocks:
            html = renderer.block(block)
            chunks.append((html, renderer.take_ids(), [h for h in headings]))
            headings.clear()
        body_pages = _split(chunks, split_bytes, next_file, title, lang, "bodymatter")
        pages.extend(body_pages)
        top = [h for _, _, hs in chunks for h in hs if h[2]]
        del chunks  # the pages hold the markup now (one copy of a large document's, not two)
        if top:
            level = min(h[0] for h in top)
            file_of = {ident: p.file for p in body_pages for ident in p.ids}
            for lv, ident, text in top:
                if lv == level:
                    toc.append(TocEntry(text, file_of[ident], ident))
        else:
            toc.append(TocEntry(_label("body", lang), body_pages[0].file))
    else:
        for number, (div, art) in enumerate(zip(doc.blocks, arts), start=1):
            if _is_empty(art):
                ctx.warn(f"article {number} is empty; left out of the book")
                continue
            art_lang = art.metadata.language.strip()
            if not valid_lang(art_lang):
                art_lang = guess_language(art)
                art_lang = lang if art_lang == "zh" else art_lang
            art_title = clean(art.metadata.title).strip() or _derive_title(art, clean) or _label("untitled", lang)
            renderer = Renderer(clean, ids, ctx)
            # the chapter division's own id (links to the article point at it) goes on its title
            head, head_id = _chapter_head(art.metadata, art_title, art_lang, clean, ids, clean(div.attr.id))
            chunks = [(head, [head_id], [])]
            for block in art.blocks:
                chunks.append((renderer.block(block), renderer.take_ids(), []))
            extra = [c for cls in div.attr.classes if cls != "chapter" for c in clean(cls).split()]
            ch_pages = _split(chunks, split_bytes, next_file, art_title, art_lang, "chapter", extra)
            del chunks
            pages.extend(ch_pages)
            toc.append(TocEntry(art_title, ch_pages[0].file))

    where = {ident: p.file for p in pages for ident in p.ids}
    styles = [STYLE] + ([VERTICAL_STYLE] if vertical else [])

    book = epub.EpubBook()
    content = hashlib.sha256()
    for piece in iter_json(doc):  # (a block at a time: a large document's JSON is never whole)
        content.update(piece.encode("utf-8"))
    identifier = "urn:uuid:" + str(uuid.uuid5(UUID_NAMESPACE, content.hexdigest()))
    _package_metadata(book, doc, arts, identifier, title, lang, clean)
    if vertical:
        book.set_direction("rtl")

    style = epub.EpubItem(uid="style", file_name=STYLE, media_type="text/css", content=css)
    book.add_item(style)
    if vertical:
        vstyle = resources.files(__package__).joinpath("vertical.css").read_bytes()
        book.add_item(epub.EpubItem(uid="style-vertical", file_name=VERTICAL_STYLE, media_type="text/css",
                                    content=vstyle))

    spine_items = []
    for n, page in enumerate(pages):
        body = resolve_links(page.body, page.file, where, ids, ctx)
        page.body = ""  # from here on only its XHTML bytes are kept
        data = page_xhtml(page, styles, body)
        del body
        item = XhtmlPage(f"page-{n:04d}" if n else "titlepage", page.file, page.title, page.lang, data)
        book.add_item(item)
        spine_items.append(item)

    nav = epub.EpubNav(title=_label("toc", lang))
    for s in styles:
        nav.add_link(href=s, rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    book.toc = [epub.Link(e.file + (f"#{e.fragment}" if e.fragment else ""), e.title, f"toc-{n + 1}")
                for n, e in enumerate(toc)]
    # the nav is the reading system's table of contents; it is also a page after the title page,
    # unless the document carries its own table (the `toc` transform), which the landmarks then
    # point at: not two tables in a row
    own_toc = where.get(TOC_ID) if _has_own_toc(doc) else None
    book.spine = [spine_items[0], *(() if own_toc else (nav,)), *spine_items[1:]]
    book.guide = [{"href": own_toc or nav.file_name, "title": _label("toc", lang), "type": "toc"},
                  {"href": spine_items[1].file_name, "title": _label("body", lang), "type": "text"}]
    # put the nav and the NCX after the stylesheets, before the pages, for a stable order
    book.items = [i for i in book.items if not isinstance(i, XhtmlPage)] + spine_items

    clean.report(ctx)
    buffer = io.BytesIO()
    date_time = (max(modified.year, 1980), modified.month, modified.day,
                 modified.hour, modified.minute, modified.second)
    writer = ReproducibleWriter(buffer, book, date_time, {
        "mtime": modified, "raise_exceptions": True, "epub3_pages": False,
        "landmark_title": _label("landmarks", lang)})
    writer.write()
    return buffer.getvalue()


def _package_metadata(book, doc: Document, arts, identifier: str, title: str, lang: str, clean: Cleaner) -> None:
    """dc:identifier, dc:title (and subtitle), dc:language, dc:creator per author (a collection
    without authors of its own names its articles' authors as contributors), dc:date,
    dc:publisher (the source), dc:source (the url), dc:subject per tag."""
    meta = doc.metadata
    book.set_identifier(identifier)
    book.set_title(title)
    book.set_language(lang)
    for n, author in enumerate(a for a in (clean(x).strip() for x in meta.authors) if a):
        book.add_metadata("DC", "creator", author, {"id": f"creator-{n + 1}"})
    if arts is not None and not meta.authors:
        seen = dict.fromkeys(clean(a).strip() for art in arts for a in art.metadata.authors)
        for n, author in enumerate(a for a in seen if a):
            book.add_metadata("DC", "contributor", author, {"id": f"contributor-{n + 1}"})
    if meta.date:
        book.add_metadata("DC", "date", meta.date.isoformat())
    if clean(meta.source).strip():
        book.add_metadata("DC", "publisher", clean(meta.source).strip())
    if meta.url:
        url, _ = safe_url(clean(meta.url))
        if url:
            book.add_metadata("DC", "source", url)
    for tag in dict.fromkeys(clean(t).strip() for t in meta.tags):
        if tag:
            book.add_metadata("DC", "subject", tag)
    if clean(meta.subtitle).strip():
        book.add_metadata("DC", "title", clean(meta.subtitle).strip(), {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})


def _split(chunks, limit: int, next_file, title: str, lang: str, kind: str,
           classes: list[str] | None = None) -> list[Page]:
    """Group rendered blocks into pages of at most `limit` bytes (a larger block stands alone)."""
    pages: list[Page] = []
    body: list[str] = []
    ids: list[str] = []
    size = 0
    for html, chunk_ids, _ in chunks:
        n = len(html.encode("utf-8"))
        if body and size + n > limit:
            pages.append(Page(next_file(), title, lang, "".join(body), kind, ids, list(classes or ())))
            body, ids, size = [], [], 0
        body.append(html)
        ids.extend(chunk_ids)
        size += n
    if body or not pages:
        pages.append(Page(next_file(), title, lang, "".join(body), kind, ids, list(classes or ())))
    return pages


def _byline(meta: Metadata, lang: str, clean: Cleaner) -> str:
    out = []
    authors = [a for a in (clean(x).strip() for x in meta.authors) if a]
    if authors:
        out.append(f'<p class="byline">{esc("、".join(authors))}</p>\n')
    if meta.date:
        iso = meta.date.isoformat()
        out.append(f'<p class="date"><time datetime="{iso}">{iso}</time></p>\n')
    source = clean(meta.source).strip()
    if source:
        out.append(f'<p class="source">{esc(_label("source", lang) + source)}</p>\n')
    if meta.url:
        url, _ = safe_url(clean(meta.url))
        if url:
            out.append(f'<p class="url"><a href="{attr_esc(url)}">{esc(clean(meta.url).strip())}</a></p>\n')
    return "".join(out)


def _title_page(meta: Metadata, title: str, lang: str, clean: Cleaner, ids: Ids) -> str:
    out = [f'<h1 id="{ids.make("", "title")}">{esc(title)}</h1>\n']
    subtitle = clean(meta.subtitle).strip()
    if subtitle:
        out.append(f'<p class="subtitle">{esc(subtitle)}</p>\n')
    bilingual = meta.extra.get("bilingual") if isinstance(meta.extra, dict) else None
    if isinstance(bilingual, dict) and isinstance(bilingual.get("title"), str) and bilingual["title"].strip():
        other = str(bilingual.get("language") or "")
        attrs = f' lang="{other}" xml:lang="{other}"' if valid_lang(other) else ""
        out.append(f'<p class="title-converted"{attrs}>{esc(clean(bilingual["title"]).strip())}</p>\n')
    out.append(_byline(meta, lang, clean))
    return "".join(out)


TOC_ID = "toc"  # the id the `toc` transform gives its table


def _has_own_toc(doc: Document) -> bool:
    """Whether a table of contents division (`Div` with class `toc`) opens the document or its
    first chapter, where the `toc` transform puts it."""
    def is_toc(b) -> bool:
        return isinstance(b, Div) and "toc" in b.attr.classes
    return any(is_toc(b) or (isinstance(b, Div) and b.blocks and is_toc(b.blocks[0])) for b in doc.blocks[:2])


def _chapter_head(meta: Metadata, title: str, art_lang: str, clean: Cleaner, ids: Ids,
                  original_id: str = "") -> tuple[str, str]:
    ident = ids.make(original_id, "chapter")
    return f'<h1 class="chapter-title" id="{ident}">{esc(title)}</h1>\n' + _byline(meta, art_lang, clean), ident
