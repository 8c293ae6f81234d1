"""A small zip writer for DOCX packages: deflated members with fixed timestamps, members
compressed once and reused for every document, and one member streamed.

Python's zipfile cannot take data compressed in advance, and compressing the parts that are the
same in every document (styles, theme, settings, ...) was a quarter of the DOCX writer's time. The
bytes written are those zipfile writes for the same members (`ZipInfo(name, (1980, 1, 1, 0, 0,
0))`, deflated, mode 0644, made on Unix), so the packages are what they were; a test compares the
two.
"""

from __future__ import annotations

import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

from wenzhuan.errors import WenzhuanError

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_DOS_DATE = 1 << 5 | 1   # 1980-01-01 (the earliest a zip can hold), 00:00:00
_DOS_TIME = 0
_VERSION = 20            # deflate
_UNIX = 3
_DEFLATED = 8
_UTF8_NAME = 0x800
_MODE = 0o644 << 16
_LIMIT = (1 << 31) - 1   # zipfile's ZIP64_LIMIT: larger members would need zip64 records


@dataclass(frozen=True)
class Member:
    """One deflated member, ready to be written into any package."""

    name: bytes
    flags: int
    crc: int
    size: int
    data: bytes

    @classmethod
    def deflate(cls, name: str, data: bytes) -> "Member":
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        return cls(*_encode(name), zlib.crc32(data), len(data), packer.compress(data) + packer.flush())


def _encode(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_NAME


def _local_header(name: bytes, flags: int, crc: int, packed: int, size: int) -> bytes:
    return _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, _DEFLATED, _DOS_TIME, _DOS_DATE, crc, packed, size,
                       len(name), 0) + name


class ZipWriter:
    """Writes members to a seekable binary stream that starts empty; `close()` ends the zip."""

    def __init__(self, out: BinaryIO):
        self._out = out
        self._entries: list[tuple[bytes, int, int, int, int, int]] = []  # name, flags, crc, packed, size, offset

    def add(self, member: Member) -> None:
        self._check(member.name, len(member.data), member.size)
        offset = self._out.tell()
        self._out.write(_local_header(member.name, member.flags, member.crc, len(member.data), member.size))
        self._out.write(member.data)
        self._entries.append((member.name, member.flags, member.crc, len(member.data), member.size, offset))

    @contextmanager
    def stream(self, name: str) -> Iterator[Callable[[bytes], None]]:
        """A member written in pieces: `with zw.stream(name) as write: write(b"...")`."""
        encoded, flags = _encode(name)
        out = self._out
        offset = out.tell()
        out.write(_local_header(encoded, flags, 0, 0, 0))  # completed once the sizes are known
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        crc = size = packed = 0

        def write(data: bytes) -> None:
            nonlocal crc, size, packed
            crc = zlib.crc32(data, crc)
            size += len(data)
            chunk = packer.compress(data)
            packed += len(chunk)
            out.write(chunk)

        yield write
        chunk = packer.flush()
        packed += len(chunk)
        out.write(chunk)
        self._check(encoded, packed, size)
        end = out.tell()
        out.seek(offset)
        out.write(_local_header(encoded, flags, crc, packed, size))
        out.seek(end)
        self._entries.append((encoded, flags, crc, packed, size, offset))

    def close(self) -> None:
        start = self._out.tell()
        for name, flags, crc, packed, size, offset in self._entries:
            self._out.write(_CENTRAL.pack(b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, flags, _DEFLATED, _DOS_TIME,
                                          _DOS_DATE, crc, packed, size, len(name), 0, 0, 0, 0, _MODE, offset) + name)
        end = self._out.tell()
        count = len(self._entries)
        self._out.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, end - start, start, 0))

    @staticmethod
    def _check(name: bytes, packed: int, size: int) -> None:
        if max(packed, size) > _LIMIT:
            raise WenzhuanError(f"the DOCX part {name.decode()!r} would be over 2 GB, more than this writer stores",
                                hint="split the input into several documents")
