"""A small zip writer for the containers wenzhuan writes (DOCX, EPUB): fixed timestamps and
modes (the same input gives the same bytes), members compressed once and reused in every
document, members stored uncompressed (EPUB's `mimetype`), and a member streamed in pieces.

Python's zipfile cannot take data compressed in advance, and its per-member bookkeeping cost more
than compressing an article's small parts. The bytes written are those zipfile writes for the same
members (a `ZipInfo` with the writer's date and mode, made on Unix), which tests compare. There is
no ZIP64: a member or a container over 2 GB, or more than 65,535 members, is refused.
"""

from __future__ import annotations

import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

from .errors import WenzhuanError

_LOCAL = struct.Struct("<4s2B4HL2L2H")      # zipfile's structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # structCentralDir
_END = struct.Struct("<4s4H2LH")            # structEndArchive
_VERSION = 20  # what zipfile records for stored and deflated members alike
_UNIX = 3
STORED, DEFLATED = 0, 8
_UTF8_NAME = 0x800
_LIMIT = (1 << 31) - 1  # zipfile's ZIP64_LIMIT: beyond it zip64 records would be needed


@dataclass(frozen=True)
class Member:
    """One member, compressed (or not) and ready to be written into any number of containers."""

    name: bytes
    flags: int
    crc: int
    size: int
    data: bytes
    method: int = DEFLATED

    @classmethod
    def deflate(cls, name: str, data: bytes, level: int = zlib.Z_DEFAULT_COMPRESSION) -> "Member":
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        return cls(*_encode(name), zlib.crc32(data), len(data), packer.compress(data) + packer.flush())

    @classmethod
    def store(cls, name: str, data: bytes) -> "Member":
        return cls(*_encode(name), zlib.crc32(data), len(data), data, STORED)


def _encode(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_NAME


class ZipWriter:
    """Writes members to a seekable binary stream that starts empty; `close()` ends the container.

    `date_time` and `mode` are every member's (as in `zipfile.ZipInfo`); `what` names the container
    in errors ("DOCX", "EPUB")."""

    def __init__(self, out: BinaryIO, *, date_time: tuple[int, ...] = (1980, 1, 1, 0, 0, 0),
                 mode: int = 0o644, level: int = zlib.Z_DEFAULT_COMPRESSION, what: str = "zip"):
        self._out = out
        y, mo, d, h, mi, s = date_time[:6]
        self._time, self._date = h << 11 | mi << 5 | s // 2, (y - 1980) << 9 | mo << 5 | d
        self._attr = mode << 16
        self._level = level
        self._what = what
        self._entries: list[tuple[bytes, int, int, int, int, int, int]] = []  # name flags method crc packed size offset

    def add(self, member: Member) -> None:
        offset = self._out.tell()
        self._check(member.name, len(member.data), member.size, offset)
        self._out.write(self._local(member.name, member.flags, member.method, member.crc, len(member.data),
                                    member.size))
        self._out.write(member.data)
        self._entries.append((member.name, member.flags, member.method, member.crc, len(member.data), member.size,
                              offset))

    def write(self, name: str, data: bytes, *, stored: bool = False) -> None:
        """One member from bytes, compressed at the writer's level unless `stored`."""
        self.add(Member.store(name, data) if stored else Member.deflate(name, data, self._level))

    @contextmanager
    def stream(self, name: str) -> Iterator[Callable[[bytes], None]]:
        """A member written in pieces: `with zw.stream(name) as write: write(b"...")`."""
        encoded, flags = _encode(name)
        out = self._out
        offset = out.tell()
        out.write(self._local(encoded, flags, DEFLATED, 0, 0, 0))  # completed once the sizes are known
        packer = zlib.compressobj(self._level, zlib.DEFLATED, -15)
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
        self._check(encoded, packed, size, offset)
        end = out.tell()
        out.seek(offset)
        out.write(self._local(encoded, flags, DEFLATED, crc, packed, size))
        out.seek(end)
        self._entries.append((encoded, flags, DEFLATED, crc, packed, size, offset))

    def close(self) -> None:
        start = self._out.tell()
        if len(self._entries) > 0xFFFF or start > _LIMIT:
            raise WenzhuanError(f"the {self._what} would be over 2 GB or hold over 65,535 parts, more than "
                                "wenzhuan writes", hint="split the input into several documents")
        directory = b"".join(
            _CENTRAL.pack(b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, flags, method, self._time, self._date, crc,
                          packed, size, len(name), 0, 0, 0, 0, self._attr, offset) + name
            for name, flags, method, crc, packed, size, offset in self._entries)
        count = len(self._entries)
        self._out.write(directory + _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))

    def _local(self, name: bytes, flags: int, method: int, crc: int, packed: int, size: int) -> bytes:
        return _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, method, self._time, self._date, crc, packed, size,
                           len(name), 0) + name

    def _check(self, name: bytes, packed: int, size: int, offset: int) -> None:
        if max(packed, size, offset) > _LIMIT:
            raise WenzhuanError(f"the {self._what} part {name.decode()!r} would be over 2 GB, more than wenzhuan "
                                "writes", hint="split the input into several documents")
