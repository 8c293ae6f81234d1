"""The EPUB container's ZIP writer writes exactly what `zipfile` writes for the same entries."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from wenzhuan.plugins.epub.package import _FixedZip


def with_zipfile(entries, date_time) -> bytes:
    """What the container was written with before: zipfile, one ZipInfo per entry."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data, compress_type in entries:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = compress_type
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if isinstance(data, str):
                data = data.encode("utf-8")
            zf.writestr(info, data, compresslevel=9 if compress_type == zipfile.ZIP_DEFLATED else None)
    return buffer.getvalue()


def with_fixed_zip(entries, date_time) -> bytes:
    buffer = io.BytesIO()
    out = _FixedZip(buffer, date_time)
    for name, data, compress_type in entries:
        out.writestr(name, data, compress_type=compress_type)
    out.close()
    return buffer.getvalue()


names = st.one_of(st.sampled_from(["mimetype", "META-INF/container.xml", "EPUB/content.opf", "EPUB/目录.xhtml"]),
                  st.text(min_size=1, max_size=20).filter(lambda n: "\x00" not in n))
contents = st.one_of(st.binary(max_size=3000), st.text(max_size=2000),
                     st.text("中文，。abc <p>", max_size=5000))
entries = st.lists(st.tuples(names, contents, st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])),
                   max_size=8, unique_by=lambda entry: entry[0])
date_times = st.tuples(st.integers(1980, 2107), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
                       st.integers(0, 59), st.integers(0, 59))


@settings(max_examples=300, deadline=None)
@given(entries, date_times)
def test_same_bytes_as_zipfile(entries, date_time):
    assert with_fixed_zip(entries, date_time) == with_zipfile(entries, date_time)


def test_a_large_entry():
    data = "很长的一段中文。".encode() * 200_000
    entries = [("mimetype", "application/epub+zip", zipfile.ZIP_STORED), ("EPUB/big.xhtml", data, zipfile.ZIP_DEFLATED)]
    made = with_fixed_zip(entries, (2000, 1, 1, 0, 0, 0))
    assert made == with_zipfile(entries, (2000, 1, 1, 0, 0, 0))
    assert zipfile.ZipFile(io.BytesIO(made)).read("EPUB/big.xhtml") == data
