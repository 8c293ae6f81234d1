"""The DOCX package machinery: the zip writer writes what Python's zipfile writes, packages
prepared once are not changed by the documents written with them, a reference document is read
again when it changes, and the body is streamed in pieces."""

from __future__ import annotations

import io
import os
import zipfile

import docx
from lxml import etree

from wenzhuan.model import Document, Heading, Link, Metadata, OrderedList, Para, Text
from wenzhuan.zipwriter import Member, ZipWriter

from .test_docx import NS, Docx, article, w, write

MEMBERS = [("[Content_Types].xml", b"<Types/>" * 50), ("word/document.xml", "正文".encode() * 5000),
           ("word/media/empty.bin", b""), ("docProps/非ASCII.xml", b"<x/>")]


def _with_zipfile() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in MEMBERS:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def test_zip_writer_writes_the_bytes_zipfile_writes():
    buf = io.BytesIO()
    zw = ZipWriter(buf)
    for name, data in MEMBERS:
        if name == "word/document.xml":  # streamed in uneven pieces
            with zw.stream(name) as write_piece:
                for i in range(0, len(data), 7001):
                    write_piece(data[i:i + 7001])
        else:
            zw.add(Member.deflate(name, data))
    zw.close()
    assert buf.getvalue() == _with_zipfile()
    with zipfile.ZipFile(buf) as zf:
        assert zf.testzip() is None
        assert [(i.filename, zf.read(i)) for i in zf.infolist()] == MEMBERS


def test_the_same_bytes_on_any_stream():
    """A stream that cannot seek (a pipe) gets the bytes a file gets (zipfile would write data
    descriptors to it instead)."""

    class Pipe(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.data += b
            return len(b)

    from wenzhuan.manager import PluginHost
    from wenzhuan.registry import WriteContext
    from wenzhuan.report import ChangeReport

    writer = PluginHost(entry_points=False).catalog.writer("docx")
    opts = {"reference_docx": None, "font": "", "heading_font": "", "line_spacing": 1.5}
    pipe, file = Pipe(), io.BytesIO()
    for out in (pipe, file):
        writer.write(article("hans"), out, WriteContext(ChangeReport(), "write:docx", opts))
    assert bytes(pipe.data) == file.getvalue()


def test_documents_do_not_change_the_shared_package():
    """Lists and links of one document do not reach the next one written with the same set-up."""
    links = Document(Metadata(language="zh-Hans"), (
        Para((Link((Text("链接"),), "https://example.com/1"),)),
        OrderedList(((Para((Text("一"),)),),), start=4)))
    plain = Document(Metadata(language="zh-Hans"), (Para((Text("正文"),)),))
    before = write(plain)
    write(links)
    after = Docx(write(plain))
    assert write(plain) == before
    rels = etree.fromstring(after.zip.read("word/_rels/document.xml.rels"))
    assert not [r for r in rels if r.get("TargetMode") == "External"]
    assert after.xml("word/numbering.xml").findall("w:num", NS) == []


def test_a_changed_reference_document_is_read_again(tmp_path):
    path = tmp_path / "reference.docx"

    def save(color: str, mtime: int) -> None:
        tpl = docx.Document()
        for st in tpl.styles.element.findall("w:style", NS):
            if st.get(w("styleId")) == "Heading1":
                st.find("w:rPr/w:color", NS).set(w("val"), color)
        tpl.save(path)
        os.utime(path, (mtime, mtime))

    def color() -> str:
        doc = Document(Metadata(language="zh-Hans"), (Heading(1, (Text("标题"),)), Para((Text("正文"),))))
        return Docx(write(doc, reference_docx=str(path))).style("Heading1").find("w:rPr/w:color", NS).get(w("val"))

    save("C00000", 1_700_000_000)
    assert color() == "C00000"
    save("00B050", 1_700_000_100)
    assert color() == "00B050"


def test_a_long_body_is_streamed_in_pieces_and_stays_whole():
    paras = tuple(Para((Text(f"第{i}段。"),)) for i in range(2000))
    d = Docx(write(Document(Metadata(language="zh-Hans"), paras)))
    assert [t for _, t in d.paragraphs()] == [f"第{i}段。" for i in range(2000)]
    body = d.document.find("w:body", NS)
    assert body[-1].tag == w("sectPr")
