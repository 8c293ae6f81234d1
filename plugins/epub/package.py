"""The container: ebooklib's package, navigation and NCX writers over a reproducible ZIP."""

from __future__ import annotations

import struct
import zipfile
import zlib

from ebooklib import epub

from wenzhuan.errors import WenzhuanError


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
    """The part of `zipfile.ZipFile` ebooklib uses (`writestr`, `close`), writing exactly the bytes
    `zipfile` writes for entries with fixed metadata (a fixed time, Unix mode 0644), level 9
    deflate or stored, into a seekable stream: the headers are packed here directly, since
    `zipfile`'s own bookkeeping cost more than compressing an article's small entries
    (tests/test_epub_zip.py checks the bytes against `zipfile`'s). No ZIP64: an entry or an
    archive of 2 GB is refused."""

    def __init__(self, fh, date_time: tuple[int, ...]):
        self.fh = fh
        dt_ = date_time
        self.dos = ((dt_[3] << 11 | dt_[4] << 5 | dt_[5] // 2), (dt_[0] - 1980) << 9 | dt_[1] << 5 | dt_[2])
        self.central: list[bytes] = []

    def writestr(self, name: str, data, compress_type: int = zipfile.ZIP_DEFLATED) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        if compress_type == zipfile.ZIP_DEFLATED:
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = compressor.compress(data) + compressor.flush()
        else:
            packed = data
        offset = self.fh.tell()  # (absolute, as zipfile records it)
        if len(data) * 1.05 > zipfile.ZIP64_LIMIT or offset > zipfile.ZIP64_LIMIT:
            raise WenzhuanError(f"{name} is too large for an EPUB written by wenzhuan (over 2 GB)")
        crc = zlib.crc32(data)
        dostime, dosdate = self.dos
        self.fh.write(struct.pack(_LOCAL, b"PK\x03\x04", 20, 0, flags, compress_type, dostime, dosdate,
                                  crc, len(packed), len(data), len(encoded), 0) + encoded)
        self.fh.write(packed)
        self.central.append(struct.pack(_CENTRAL, b"PK\x01\x02", 20, 3, 20, 0, flags, compress_type,
                                        dostime, dosdate, crc, len(packed), len(data), len(encoded),
                                        0, 0, 0, 0, _MODE, offset) + encoded)

    def close(self) -> None:
        where = self.fh.tell()
        directory = b"".join(self.central)
        if len(self.central) > 0xFFFF or where > zipfile.ZIP64_LIMIT:
            raise WenzhuanError("the EPUB is too large for wenzhuan to write (over 2 GB or 65,535 files)")
        self.fh.write(directory + struct.pack(_END, b"PK\x05\x06", 0, 0, len(self.central), len(self.central),
                                              len(directory), where, 0))


# zipfile's header layouts (structFileHeader, structCentralDir, structEndArchive)
_LOCAL = "<4s2B4HL2L2H"
_CENTRAL = "<4s4B4HL2L5H2L"
_END = "<4s4H2LH"
_UTF8_NAME = 0x800
_MODE = 0o100644 << 16


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
