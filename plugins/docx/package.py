"""The styled Word package, prepared once per process and written for each document.

python-docx builds the package: its default template (or the user's `--reference-docx`), our
styles, font table and settings, saved once. Opening python-docx's template and saving through
its object model cost about three times as much as writing an article's body, so every part that
does not depend on the document is kept as the bytes python-docx saved, and only four parts are
made per document: the body (`word/document.xml`), its relationships (the hyperlinks), the
numbering (one instance per list) and the core properties.

The body is streamed into the zip in pieces as it is built, rather than held as one lxml tree:
a 50 MB article would otherwise hold its text several times over (the markup, the tree, its
serialization). The pieces are our own markup (escaped text, quoted attributes), written the way
lxml serializes them, so the bytes are what python-docx would save.

Prepared packages are immutable (bytes and tuples) and shared by every document with the same
set-up; a reference document's is reused only while its path, size and modification time are the
same.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

from lxml import etree

from wenzhuan.errors import OptionError
from wenzhuan.zipwriter import Member, ZipWriter

from .fonts import Script
from .styles import W_NS, Setup, font_table_entries, font_table_xml, font_xml, style_defs, style_xml, styles_xml

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_STYLE_REFS = {f"{{{W_NS}}}{t}" for t in ("basedOn", "next", "link")}
_BODY_MARK = "wenzhuan-body"  # a comment where the body's content goes, split out of the saved XML

# A4 portrait with the margins of a Chinese Word's default page (2.54 cm / 3.17 cm).
_SECT_PR = (f'<w:sectPr xmlns:w="{W_NS}"><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="851" '
            'w:footer="992" w:gutter="0"/><w:cols w:space="425"/></w:sectPr>')


@dataclass(frozen=True)
class Package:
    """Every member of the saved package, in python-docx's order: compressed once where it is the
    same for every document, else the name of a part made per document."""

    members: tuple[Member | str, ...]
    document: str        # member names of the parts made per document
    document_rels: str
    numbering: str
    core: str
    body_head: bytes     # word/document.xml up to the body's content
    body_tail: bytes     # the section properties and the closing tags
    saved_rels: bytes    # the document part's relationships and numbering as saved
    saved_numbering: bytes
    styles: Mapping[str, str]  # our style names → the package's style ids
    rel_ids: frozenset[str]    # relationship ids the document part already uses
    text_width: int            # twips between the margins

    def write(self, out, body: Callable[[Callable[[bytes], None]], None],
              made: Mapping[str, Callable[[], bytes]]) -> None:
        """Write the package to `out`: `body(write)` streams the body's content, `made` gives the
        other per-document parts, each called when its turn comes (so after the body)."""
        seekable = getattr(out, "seekable", lambda: False)
        direct = seekable() and out.tell() == 0
        target = out if direct else io.BytesIO()  # the zip's offsets count from the stream's start
        zw = ZipWriter(target, what="DOCX")
        for member in self.members:
            if isinstance(member, Member):
                zw.add(member)
            elif member == self.document:
                with zw.stream(member) as write:
                    write(self.body_head)
                    body(write)
                    write(self.body_tail)
            else:
                zw.add(Member.deflate(member, made[member]()))
        zw.close()
        if not direct:
            out.write(target.getvalue())

    def document_rels_xml(self, links: Mapping[str, str]) -> bytes:
        """The document part's relationships with an external one per hyperlink (url → id)."""
        if not links:
            return self.saved_rels
        root = etree.fromstring(self.saved_rels)
        for url, rid in links.items():  # attributes in python-docx's order
            etree.SubElement(root, f"{{{_REL_NS}}}Relationship",
                             {"Id": rid, "Type": _HYPERLINK, "Target": url, "TargetMode": "External"})
        return etree.tostring(root, encoding="UTF-8", standalone=True)


def prepare(setup: Setup, reference: Path | None) -> Package:
    """The package for `setup`, from python-docx's template or from the reference document."""
    if reference is None:
        return _default_package(setup)
    try:
        st = reference.stat()
    except OSError:
        st = None
    if st is None or not reference.is_file():
        raise OptionError(f"reference document {str(reference)!r} does not exist", hint="give a .docx file")
    return _reference_package(str(reference), str(reference.resolve()), st.st_mtime_ns, st.st_size, setup)


@lru_cache(maxsize=16)
def _default_package(setup: Setup) -> Package:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document(io.BytesIO(_base_package()))
    document.part._styles_part._element = parse_xml(styles_xml(setup))
    _font_table_part(document)._blob = font_table_xml(setup).encode("utf-8")
    document.part.numbering_part._element = parse_xml(f'<w:numbering xmlns:w="{W_NS}"/>')
    _set_theme_font_lang(document, setup.script)
    return _saved(document, {d.name: d.style_id for d in style_defs(setup)})


@lru_cache(maxsize=8)
def _reference_package(shown: str, resolved: str, mtime_ns: int, size: int, setup: Setup) -> Package:
    """(The resolved path, `mtime_ns` and `size` are the cache key: an edited template is read
    again; `shown` is the path as given, for messages.)"""
    document = _open_reference(Path(resolved), shown)
    styles = _merge_styles(document, setup)
    _merge_fonts(document, setup)
    return _saved(document, styles)


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


def _saved(document, styles: dict[str, str]) -> Package:
    """Save the python-docx document once and keep its members, with the body cut out."""
    part = document.part
    numbering = part.numbering_part  # created when the template has none, as lists need it
    core = part.package._core_properties_part
    root = document.element
    if root.nsmap.get("w") != W_NS or root.nsmap.get("r") != _R_NS:
        root = _with_prefixes(document)  # our markup says w: and r:
    body = root.find(f"{{{W_NS}}}body")
    mark = etree.Comment(_BODY_MARK)
    sect = body.find(f"{{{W_NS}}}sectPr")
    if sect is not None:
        sect.addprevious(mark)
    else:
        body.append(mark)
    rel_ids = frozenset(part.rels)
    text_width = _text_width(body)
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(buf) as zf:
        saved = {info.filename: zf.read(info) for info in zf.infolist()}
    doc_name = part.partname.membername
    rels_name = part.partname.rels_uri.membername  # always there: styles and numbering are related
    made = {doc_name, rels_name, numbering.partname.membername, core.partname.membername}
    head, tail = saved[doc_name].split(f"<!--{_BODY_MARK}-->".encode(), 1)
    return Package(members=tuple(name if name in made else Member.deflate(name, data) for name, data in saved.items()),
                   document=doc_name, document_rels=rels_name, numbering=numbering.partname.membername,
                   core=core.partname.membername, body_head=head, body_tail=tail, saved_rels=saved[rels_name],
                   saved_numbering=saved[numbering.partname.membername], styles=MappingProxyType(dict(styles)),
                   rel_ids=rel_ids, text_width=text_width)


_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _with_prefixes(document):
    """A copy of the document element that declares the w: and r: prefixes our markup uses."""
    old = document.element
    nsmap = {**old.nsmap, "w": W_NS, "r": _R_NS}
    new = etree.Element(old.tag, dict(old.attrib), nsmap=nsmap)
    new.extend(list(old))
    document.part._element = new
    return new


def _font_table_part(document):
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable") and not rel.is_external:
            return rel.target_part
    return None


def _text_width(body) -> int:
    sect = body.find(f"{{{W_NS}}}sectPr")
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


def _open_reference(path: Path, shown: str):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

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
