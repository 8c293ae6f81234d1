"""Refuse what is not a text document before trying to decode it: images, archives, PDFs,
executables, and binary data in general. A clear "this is a PNG image" beats a decoding error."""

from __future__ import annotations

import codecs

from .errors import UnsupportedInputError

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a DOCX/EPUB/ODT file)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 audio file"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
# in decode.py's order: a UTF-32 LE mark starts with the UTF-16 LE one
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", 4), (codecs.BOM_UTF32_BE, "utf-32-be", 4),
              (codecs.BOM_UTF16_LE, "utf-16-le", 2), (codecs.BOM_UTF16_BE, "utf-16-be", 2))
# Every byte but the C0 controls that never appear in text (tab, newlines, form feed and ESC do).
_TEXT_BYTES = bytes(b for b in range(256) if not (b <= 0x08 or 0x0E <= b <= 0x1A or 0x1C <= b <= 0x1F))


def refuse_binary(data: bytes) -> None:
    """Raise UnsupportedInputError when `data` is clearly not a text document."""
    for magic, what in _MAGIC:
        # "MZ" can start a text too: only trust it with the DOS stub's message behind it
        if data.startswith(magic) and (magic != b"MZ" or b"This program" in data[:512]):
            raise UnsupportedInputError(f"is {what}, not a text document",
                                        hint="wenzhuan reads plain text, Markdown and HTML")
    head = data[:8192]
    for bom, codec, unit in _WIDE_BOMS:
        if head.startswith(bom):
            _refuse_wide_binary(head[len(bom):], codec, unit)
            return
    if b"\x00" in head:
        # Text has no NUL bytes; a file with many is binary. A few stray NULs are the decoder's
        # and the normalizer's business, not a reason to refuse.
        if head.count(b"\x00") > max(8, len(head) // 100):
            raise UnsupportedInputError("is binary data (many NUL bytes), not a text document",
                                        hint="wenzhuan reads plain text, Markdown and HTML")
    # No text encoding wenzhuan reads (UTF-8, GB18030, Big5) uses bytes 0x00-0x08 or 0x0E-0x1A
    # inside characters, and text has almost none of them; random or compressed data has ~8%.
    controls = len(head.translate(None, _TEXT_BYTES))
    if controls > max(8, len(head) // 50):
        raise UnsupportedInputError("is binary data (many control bytes), not a text document",
                                    hint="wenzhuan reads plain text, Markdown and HTML")


def _refuse_wide_binary(body: bytes, codec: str, unit: int) -> None:
    """Binary data behind a UTF-16 or UTF-32 byte-order mark (FF FE starts many binary files)
    decodes to characters all the same, mostly ideographs: what gives it away is the share of
    code points no text uses (controls, unassigned, private use, lone surrogates), about 15% of
    random data and next to none of text."""
    import unicodedata

    text = body[:len(body) - len(body) % unit].decode(codec, errors="replace")
    odd = text.count("\ufffd") + sum(1 for ch in text if unicodedata.category(ch) in _NOT_TEXT
                                     and ch not in "\t\n\r\f\x1b")
    if odd > max(8, len(text) // 50):
        raise UnsupportedInputError(f"is binary data (it starts with a {codec[:6].upper()} byte order mark, "
                                    f"but does not decode to text), not a text document",
                                    hint="wenzhuan reads plain text, Markdown and HTML")


_NOT_TEXT = frozenset(("Cc", "Cn", "Co", "Cs"))
