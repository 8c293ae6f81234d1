"""Property tests of the EPUB writer on random documents: well-formed pages, every paragraph back."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings

from wenzhuan.errors import WenzhuanError
from wenzhuan.model import CodeBlock, Document, Para, Text
from wenzhuan.sanitize import clean_document
from wenzhuan.walk import stringify

from .epub_helpers import NS, XML_LANG, model_paragraphs, read_epub, write_epub
from .strategies import documents

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
# (text made only of characters no output may carry is no text: the writer sees it sanitized)
@example(Document(blocks=(CodeBlock("\x00"),)))
@example(Document(blocks=(Para((Text("\x01\ufffe"),)),)))
def test_any_document_gives_well_formed_pages_and_its_paragraphs(doc):
    if not stringify(clean_document(doc)).strip():
        try:
            write_epub(doc)
        except WenzhuanError as exc:
            assert "empty" in str(exc)
            return
        raise AssertionError("an empty document gave a book")
    data = write_epub(doc)
    assert write_epub(doc) == data
    book = read_epub(data)  # every spine page parsed as XML
    for href, page in book.pages.items():
        assert page.get("lang") and page.get("lang") == page.get(XML_LANG), href
        assert page.find(".//x:a//x:a", NS) is None
        ids = [e.get("id") for e in page.iter() if e.get("id")]
        assert len(ids) == len(set(ids)), href
        for a in page.iterfind(".//x:a[@href]", NS):
            file, _, frag = a.get("href").partition("#")
            if not file:
                assert page.find(f".//*[@id='{frag}']") is not None
    assert book.paragraphs() == [NOT_XML.sub("", p) for p in model_paragraphs(doc)]
    assert book.dc("title") and book.dc("title")[0].strip()
