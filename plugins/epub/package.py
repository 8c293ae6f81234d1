"""The container: ebooklib's package, navigation and NCX writers over a reproducible ZIP."""

from __future__ import annotations

import zipfile

from ebooklib import epub

from wenzhuan.zipwriter import ZipWriter


class XhtmlPage(epub.EpubHtml):
    """An XHTML page whose bytes are final: ebooklib must not re-parse them as HTML."""

    def __init__(self, uid: str, file_name: str, title: str, lang: str, data: bytes):
        super().__init__(uid=uid, file_name=file_name, title=title, lang=lang,
                         media_type="application/xhtml+xml")
        self._data = data

    def get_content(self, default=None):
        return self._data


# ------------------------------------------------------------------------------- container


class _FixedZip:
    """The part of `zipfile.ZipFile` ebooklib uses (`writestr`, `close`), over wenzhuan's zip
    writer: fixed times, Unix mode 0644, level 9 deflate or stored, the bytes zipfile would write
    (tests/test_epub_zip.py), without zipfile's per-entry bookkeeping."""

    def __init__(self, fh, date_time: tuple[int, ...]):
        self.zw = ZipWriter(fh, date_time=date_time, mode=0o100644, level=9, what="EPUB")

    def writestr(self, name: str, data, compress_type: int = zipfile.ZIP_DEFLATED) -> None:
        self.zw.write(name, data.encode("utf-8") if isinstance(data, str) else data,
                      stored=compress_type == zipfile.ZIP_STORED)

    def close(self) -> None:
        self.zw.close()


class ReproducibleWriter(epub.EpubWriter):
    """ebooklib's writer with a reproducible container: `mimetype` first and stored, fixed times."""

    def __init__(self, out, book, date_time, options):
        super().__init__("", book, options)
        self._fh = out
        self._date_time = date_time

    def write(self):
        self.out = _FixedZip(self._fh, self._date_time)
        self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()
