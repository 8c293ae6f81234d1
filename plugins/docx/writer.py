"""The DOCX writer's implementation (see the package's docstring), imported on first use."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from wenzhuan.errors import OptionError, WenzhuanError
from wenzhuan.model import Div, Document, Metadata, Text
from wenzhuan.registry import WriteContext
from wenzhuan.walk import chapters, stringify, walk

from .fonts import SIMPLIFIED, Script, guess_script, script_of
from .package import prepare
from .render import XML_ILLEGAL, BodyBuilder, Cleaner, Env, Numbering
from .styles import Setup


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
