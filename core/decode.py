"""Bytes to text: BOM, then strict UTF-8; `--encoding` overrides.

Undecodable input is an `InputError` naming the byte offset, never silent replacement characters.
"""

from __future__ import annotations

import codecs

from .errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode `data`; return the text and the name of the encoding used."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", hint="try utf-8, gb18030 or big5") from None
        return _strict(data, encoding), encoding
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _strict(data, name), name
    return _strict(data, "utf-8"), "utf-8"


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode as {encoding}: invalid bytes at offset {exc.start}",
            hint="give the right one with --encoding (for example gb18030 or big5)",
        ) from None
