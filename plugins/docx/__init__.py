"""DOCX writer: Word documents that render Chinese correctly (`-t docx`, `-o FILE.docx`).

- Styles, not direct formatting (see `styles.py`): Normal carries the East Asian font on its run
  fonts (`w:rFonts w:eastAsia`, no theme font attributes), the East Asian language
  (`w:lang w:eastAsia` zh-CN / zh-TW / zh-HK) and the line spacing; Body Text adds the two-character
  first-line indent (`w:firstLineChars="200"`); Title, Subtitle, Author, Date, Heading 1-6, Quote,
  List Bullet / List Number / List Continue, Source Code / Verbatim Char, Hyperlink, Emphasis,
  Strong, Thematic Break; Converted and Script Difference for bilingual editions.
- The script comes from `metadata.language` (`zh-Hans` → Simplified, `zh-Hant`/`zh-TW` →
  Traditional, `zh-HK`/`zh-Hant-HK` → Hong Kong); when the metadata does not say, it is guessed
  from the text (OpenCC) and reported.
- Fonts: Noto Serif CJK SC/TC/HK for body text, Noto Sans CJK for headings, with SimSun / SimHei,
  PMingLiU / Microsoft JhengHei (MingLiU_HKSCS for Hong Kong) as the font table's `altName`, so
  Word substitutes those where Noto is not installed; `--font` / `--heading-font` name others.
- `--reference-docx FILE` takes styles, numbering, page set-up, headers and footers from a user's
  document, as pandoc's reference doc does: its styles are used as they are (matched by name, so a
  Chinese Word's localized style ids work), styles it lacks are added, its body text is dropped.
- Real lists (numbering.xml, nested levels, ordered start), real `w:hyperlink`s with external
  relationships (`javascript:`, `vbscript:` and `data:` links are dropped, their text kept, and
  reported), line breaks, thematic breaks, Div/Span `lang` → `w:lang` on runs, bilingual halves
  (interleaved, or a two-column table for side-by-side), collections (a heading per article, page
  breaks between).
- Core properties from the metadata: title, authors, created date, subject and keywords, language,
  source (description) and URL (identifier).
- Characters XML cannot hold are removed and reported; an empty document is an error.
- Reproducible: the same document gives the same bytes (fixed zip timestamps; the created and
  modified dates come from the metadata, and are left out when it has none).
- The styled package is prepared once per process and the body streamed into it (`package.py`):
  python-docx per document cost most of the writing time, and one lxml tree of a large document
  most of its memory.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from wenzhuan.errors import OptionError, WenzhuanError
from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Div, Document, Metadata, Text
from wenzhuan.registry import Option, WriteContext, Writer
from wenzhuan.walk import chapters, stringify, walk

from .fonts import SIMPLIFIED, Script, guess_script, script_of
from .package import prepare
from .render import XML_ILLEGAL, BodyBuilder, Cleaner, Env, Numbering
from .styles import Setup

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document_script(doc: Document, ctx: WriteContext | None) -> tuple[Script, str]:
    """The document's script and BCP 47 language: from the metadata, else guessed from the text."""
    lang = doc.metadata.language
    script = script_of(lang) if lang else None
    if script is not None:
        return script, lang
    guessed = guess_script(stringify(doc)) or SIMPLIFIED
    if ctx is not None:
        ctx.change("language guessed", lang, guessed.bcp47,
                   message=f"metadata gives no Chinese script; the text reads as {guessed.bcp47}")
    return guessed, lang or guessed.bcp47


def converted_script(doc: Document) -> Script | None:
    info = doc.metadata.extra.get("bilingual")
    if isinstance(info, dict) and isinstance(info.get("language"), str):
        found = script_of(info["language"])
        if found:
            return found
    for node in walk(doc):
        if isinstance(node, Div) and "bilingual-converted" in node.attr.classes and node.attr.lang:
            found = script_of(node.attr.lang)
            if found:
                return found
    return None


def _is_empty(doc: Document) -> bool:
    meta = doc.metadata
    text = XML_ILLEGAL.sub("", stringify(doc) + meta.title + meta.subtitle)
    return not text.strip()


class DocxWriter(Writer):
    name = "docx"
    aliases = ("word",)
    extensions = ("docx",)
    media_type = MEDIA_TYPE
    binary = True
    description = "Word document with Chinese fonts, language and styles (python-docx)"
    options = (
        Option("reference_docx", Path, None,
               "take styles, numbering, page set-up, headers and footers from this .docx (like pandoc)"),
        Option("font", str, "",
               "East Asian body font; default Noto Serif CJK SC/TC/HK by script (Word substitutes "
               "SimSun/PMingLiU where Noto is absent)"),
        Option("heading_font", str, "", "East Asian heading font; default Noto Sans CJK SC/TC/HK"),
        Option("line_spacing", float, 1.5, "line spacing in lines (1 = single)"),
    )

    def write(self, doc: Document, out, ctx: WriteContext) -> None:
        write_docx(doc, out, ctx)


def write_docx(doc: Document, out, ctx: WriteContext) -> None:
    """Write `doc` as a DOCX package to the binary stream `out`."""
    opts = ctx.options
    if _is_empty(doc):
        raise WenzhuanError("the document is empty: there is no text to write to DOCX",
                            hint="check that the input has text, or that the passes did not remove it")
    script, doc_lang = document_script(doc, ctx)
    conv = converted_script(doc)
    spacing = opts.get("line_spacing", 1.5)
    if spacing is None or not 0.5 <= spacing <= 5:
        raise OptionError(f"option 'line_spacing' of format 'docx' takes a number from 0.5 to 5, not {spacing!r}")
    setup = Setup(script, opts.get("font") or script.body, opts.get("heading_font") or script.heading,
                  round(240 * spacing), conv)
    reference = opts.get("reference_docx")
    package = prepare(setup, Path(reference) if reference else None)

    # The core properties come before the body in the package; what cleaning them reports is
    # reported after the body's changes, as they are made after it.
    deferred: list[tuple[tuple, dict]] = []
    core = _core_properties(doc.metadata, doc_lang, Cleaner(lambda *a, **k: deferred.append((a, k))))
    clean = Cleaner(ctx.change)
    numbering = Numbering(package.saved_numbering)
    builder = BodyBuilder(styles=package.styles, numbering=numbering, rel_ids=package.rel_ids,
                          script=script, converted_script=conv, doc_lang=doc_lang, clean=clean,
                          change=ctx.change, warn=ctx.warn, text_width=package.text_width)

    def body(write) -> None:
        builder.sink = lambda xml: write(xml.encode("utf-8"))
        _write_body(doc, builder, clean)
        builder.finish()
        for args, kwargs in deferred:
            ctx.change(*args, **{**kwargs, "block": clean.block})

    package.write(out, body, {package.core: lambda: core,
                              package.document_rels: lambda: package.document_rels_xml(builder.links),
                              package.numbering: numbering.xml})


def _write_body(doc: Document, b: BodyBuilder, clean: Cleaner) -> None:
    meta = doc.metadata
    env = Env()
    _front(b, meta, clean, article=False, env=env)
    info = meta.extra.get("bilingual")
    if isinstance(info, dict) and isinstance(info.get("title"), str) and info["title"] \
            and info["title"] != meta.title and b.converted_script is not None:
        lang = info.get("language") or b.converted_script.bcp47
        b.paragraph("Title", b.inlines([Text(info["title"])], Env(lang=lang), "Title"))
    arts = chapters(doc)
    if arts is None:
        b.blocks(doc.blocks, env, top=True)
        return
    for n, art in enumerate(arts):
        clean.block = n + 1
        art_env = Env(lang=art.metadata.language if art.metadata.language != doc.metadata.language else "")
        if n:
            b.pending_break = True
        _front(b, art.metadata, clean, article=True, env=art_env)
        b.blocks(art.blocks, art_env)


def _front(b: BodyBuilder, meta: Metadata, clean: Cleaner, *, article: bool, env: Env) -> None:
    if meta.title:
        style = "heading 1" if article else "Title"
        b.paragraph(style, b.inlines([Text(meta.title)], env, style))
    if meta.subtitle and not article:
        b.paragraph("Subtitle", b.inlines([Text(meta.subtitle)], env, "Subtitle"))
    if meta.authors:
        b.paragraph("Author", b.inlines([Text("、".join(meta.authors))], env, "Author"))
    if meta.date and not article:
        b.paragraph("Date", b.inlines([Text(meta.date.isoformat())], env, "Date"))


# ----------------------------------------------------------------------- core properties


def _core_properties(meta: Metadata, lang: str, clean) -> bytes:
    """docProps/core.xml, as python-docx writes it."""
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.coreprops import CT_CoreProperties

    element = CT_CoreProperties.new()
    props = CoreProperties(element)

    def short(text: str) -> str:  # python-docx refuses more than 255 characters
        return clean(text)[:255]

    if meta.title:
        props.title = short(meta.title)
    if meta.authors:
        props.author = short("; ".join(meta.authors))
    if meta.tags:
        props.keywords = short(", ".join(meta.tags))
    subject = meta.subtitle or ", ".join(meta.tags)
    if subject:
        props.subject = short(subject)
    if meta.source:
        props.comments = short(meta.source)
    if meta.url:
        props.identifier = short(meta.url)
    if lang:
        props.language = short(lang)
    props.revision = 1
    if meta.date:
        when = _dt.datetime.combine(meta.date, _dt.time(0, 0))
        props.created = when
        props.modified = when
    return serialize_part_xml(element)


@hookimpl
def register_writers(register):
    register(DocxWriter())
