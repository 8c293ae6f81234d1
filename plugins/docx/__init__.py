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
"""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

from wenzhuan.errors import OptionError, WenzhuanError
from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Div, Document, Metadata, Text
from wenzhuan.registry import Option, WriteContext, Writer
from wenzhuan.walk import chapters, stringify, walk

from .fonts import SIMPLIFIED, Script, guess_script, script_of
from .render import XML_ILLEGAL, BodyBuilder, Cleaner, Env, Numbering
from .styles import W_NS, Setup, font_table_entries, font_table_xml, font_xml, style_defs, style_xml, styles_xml

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W_NS}
_STYLE_REFS = {f"{{{W_NS}}}{t}" for t in ("basedOn", "next", "link")}
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# A4 portrait with the margins of a Chinese Word's default page (2.54 cm / 3.17 cm).
_SECT_PR = (f'<w:sectPr xmlns:w="{W_NS}"><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="851" '
            'w:footer="992" w:gutter="0"/><w:cols w:space="425"/></w:sectPr>')


@lru_cache(maxsize=1)
def _base_package() -> bytes:
    """python-docx's default template, trimmed: no stylesWithEffects (Word 2010 would read its
    styles instead of ours), no customXml, no thumbnail; A4 page set-up."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    part = document.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            part.drop_rel(rid)
    pkg = part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg.rels[rid]
    compat = document.settings.element.find(f"{{{W_NS}}}compat")
    if compat is not None:  # a line ended by a line break is not stretched in justified text
        compat.insert(0, parse_xml(f'<w:doNotExpandShiftReturn xmlns:w="{W_NS}"/>'))
    body = document.element.body
    old = body.find(f"{{{W_NS}}}sectPr")
    if old is not None:
        body.remove(old)
    body.append(parse_xml(_SECT_PR))
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def reproducible_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps and permissions, members in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


class _FixedTimeZip:
    """python-docx's physical package writer, with fixed timestamps and permissions."""

    def __init__(self, fh):
        self._zip = zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, ZIP_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, blob)

    def close(self) -> None:
        self._zip.close()


def save_reproducibly(document) -> bytes:
    """Save the package with fixed zip timestamps, in one pass where python-docx allows it."""
    buf = io.BytesIO()
    package = document.part.package
    try:
        from docx.opc.pkgwriter import PackageWriter

        steps = (PackageWriter._write_content_types_stream, PackageWriter._write_pkg_rels,
                 PackageWriter._write_parts)
    except (ImportError, AttributeError):  # another python-docx: save, then rewrite the zip
        document.save(buf)
        return reproducible_zip(buf.getvalue())
    for part in package.parts:
        part.before_marshal()
    writer = _FixedTimeZip(buf)
    steps[0](writer, package.parts)
    steps[1](writer, package.rels)
    steps[2](writer, package.parts)
    writer.close()
    return buf.getvalue()


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
        out.write(render_docx(doc, ctx))


def render_docx(doc: Document, ctx: WriteContext) -> bytes:
    import docx
    from docx.oxml import parse_xml

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
    if reference:
        document = _open_reference(Path(reference))
        styles = _merge_styles(document, setup)
        _merge_fonts(document, setup)
    else:
        document = docx.Document(io.BytesIO(_base_package()))
        document.part._styles_part._element = parse_xml(styles_xml(setup))
        _font_table_part(document)._blob = font_table_xml(setup).encode("utf-8")
        document.part.numbering_part._element = parse_xml(f'<w:numbering xmlns:w="{W_NS}"/>')
        styles = {d.name: d.style_id for d in style_defs(setup)}
        _set_theme_font_lang(document, script)

    part = document.part
    clean = Cleaner(ctx.change)
    builder = BodyBuilder(part=part, styles=styles, numbering=Numbering(part.numbering_part.element),
                          script=script, converted_script=conv, doc_lang=doc_lang, clean=clean,
                          change=ctx.change, warn=ctx.warn, text_width=_text_width(document))
    _write_body(doc, builder, clean)

    body = document.element.body
    if builder.out and builder.out[-1].startswith("<w:tbl>"):
        builder.out.append("<w:p/>")  # Word wants a paragraph after a table at the end of the body
    xml = (f'<w:body xmlns:w="{W_NS}" xmlns:r="{R_NS}">{"".join(builder.out)}</w:body>')
    # our own markup, with no DTD or entities: huge_tree lifts libxml2's 10 MB text-node limit
    # (one paragraph of a 50 MB single-line text)
    parsed = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(huge_tree=True, resolve_entities=False))
    sect = body.find(f"{{{W_NS}}}sectPr")
    for child in list(parsed):
        if sect is not None:
            sect.addprevious(child)
        else:
            body.append(child)

    _core_properties(document, doc.metadata, doc_lang, clean)
    return save_reproducibly(document)


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


def _font_table_part(document):
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable") and not rel.is_external:
            return rel.target_part
    return None


def _text_width(document) -> int:
    sect = document.element.body.find(f"{{{W_NS}}}sectPr")
    try:
        width = int(sect.find(f"{{{W_NS}}}pgSz").get(f"{{{W_NS}}}w"))
        mar = sect.find(f"{{{W_NS}}}pgMar")
        return width - int(mar.get(f"{{{W_NS}}}left")) - int(mar.get(f"{{{W_NS}}}right"))
    except (AttributeError, TypeError, ValueError):
        return 8306


def _set_theme_font_lang(document, script: Script) -> None:
    settings = document.settings.element
    el = settings.find(f"{{{W_NS}}}themeFontLang")
    if el is not None:
        el.set(f"{{{W_NS}}}eastAsia", script.word_lang)


# ------------------------------------------------------------------------ reference docx


def _open_reference(path: Path):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    shown = str(path)
    if not path.is_file():
        raise OptionError(f"reference document {shown!r} does not exist", hint="give a .docx file")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise OptionError(f"reference document {shown!r} is not a Word .docx file ({exc})",
                          hint="save it from Word or LibreOffice as .docx") from None
    body = document.element.body
    for child in list(body):
        if child.tag != f"{{{W_NS}}}sectPr":
            body.remove(child)
    # its hyperlink relationships went with its body text
    part = document.part
    for rid, rel in list(part.rels.items()):
        if rel.is_external and rel.reltype.endswith("/hyperlink"):
            del part.rels[rid]
    return document


def _merge_styles(document, setup: Setup) -> dict[str, str]:
    """Map our style names to the reference's style ids, adding the styles it lacks."""
    from docx.oxml import parse_xml

    root = document.styles.element
    by_name: dict[str, str] = {}
    ids = set()
    for st in root.findall(f"{{{W_NS}}}style"):
        sid = st.get(f"{{{W_NS}}}styleId")
        name_el = st.find(f"{{{W_NS}}}name")
        ids.add(sid)
        if name_el is not None:
            by_name.setdefault(name_el.get(f"{{{W_NS}}}val", "").lower(), sid)
    out: dict[str, str] = {}
    missing = []
    for d in style_defs(setup):
        sid = by_name.get(d.name.lower())
        if sid is None:
            sid = d.style_id
            while sid in ids:
                sid += "Wz"
            ids.add(sid)
            missing.append((d, sid))
        out[d.name] = sid
    own_to_actual = {d.style_id: out[d.name] for d in style_defs(setup)}
    for d, sid in missing:
        el = parse_xml(style_xml(d, sid))
        for ref in (c for c in el if c.tag in _STYLE_REFS):
            val = ref.get(f"{{{W_NS}}}val")
            ref.set(f"{{{W_NS}}}val", own_to_actual.get(val, val))
        el.attrib.pop(f"{{{W_NS}}}default", None)
        root.append(el)
    return out


def _merge_fonts(document, setup: Setup) -> None:
    part = _font_table_part(document)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    have = {f.get(f"{{{W_NS}}}name") for f in root.findall(f"{{{W_NS}}}font")}
    for entry in font_table_entries(setup):
        if entry[0] not in have:
            root.append(etree.fromstring(font_xml(*entry)))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ----------------------------------------------------------------------- core properties


def _core_properties(document, meta: Metadata, lang: str, clean) -> None:
    from docx.opc.coreprops import CoreProperties
    from docx.oxml.coreprops import CT_CoreProperties

    part = document.part.package._core_properties_part
    part._element = CT_CoreProperties.new()
    props = CoreProperties(part._element)

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


@hookimpl
def register_writers(register):
    register(DocxWriter())
