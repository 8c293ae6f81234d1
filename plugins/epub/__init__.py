"""EPUB 3 writer: EPUBCheck-clean Chinese e-books, one article or a whole collection.

ebooklib builds the package document, the navigation document and the NCX; the XHTML pages are
rendered here (see `xhtml.py`) and handed to ebooklib as finished bytes, and the container is
written by `package.ReproducibleWriter`, so the same document and options give byte-identical files:
fixed timestamps, a fixed order of entries, `mimetype` first and stored.

- Metadata: dc:title, dc:creator per author, dc:date, dc:publisher (source), dc:source (url),
  dc:subject per tag, dc:language (option `lang`, else the document's, else guessed from the
  script), a dc:identifier that is a UUID derived from the content, dcterms:modified.
- A title page with the byline; a collection (`wenzhuan.walk.collect`) gets a chapter per
  article, each with its own title and byline, and a table of contents of the articles.
- Typography for Chinese in `wenzhuan.css` (replace it with `--css FILE`); `--vertical` adds
  `vertical.css` (writing-mode vertical-rl) and page-progression-direction rtl.
- Long documents are split into XHTML files of at most `split_kb` kilobytes (between blocks).
"""

from __future__ import annotations

from pathlib import Path

from wenzhuan.hookspecs import hookimpl
from wenzhuan.registry import Option, Writer


class EpubWriter(Writer):
    name = "epub"
    aliases = ("epub3",)
    extensions = ("epub",)
    media_type = "application/epub+zip"
    binary = True
    description = "EPUB 3 e-book (EPUBCheck-clean) with Chinese typography; several inputs make one book"
    options = (
        Option("lang", str, None, "language of the book, BCP 47 (zh-Hans, zh-Hant-TW, ...); "
               "default: the document's, else guessed from its script"),
        Option("css", Path, None, "a stylesheet to use instead of the default Chinese typography"),
        Option("vertical", bool, False, "vertical writing (writing-mode: vertical-rl), pages turn right to left"),
        Option("modified", str, None, "dcterms:modified, an ISO 8601 date or time; default a fixed time, "
               "so the same input gives the same bytes"),
        Option("split_kb", int, 256, "start a new XHTML file after this many kilobytes of text"),
    )

    def write(self, doc, out, ctx):
        from .writer import build_epub  # imported on first use, as the other formats need none of it

        out.write(build_epub(doc, ctx))


@hookimpl
def register_writers(register):
    register(EpubWriter())
