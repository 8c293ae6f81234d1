"""Shared by the hostile-input tests: the built-in writers, running the CLI in-process, checking
an output folder for leftovers, and reading back every output format."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Iterable

import pytest
from lxml import etree

# Writers wenzhuan ships; the tests run over those of them present in the catalog, so a format
# merged later (EPUB) is covered without a change here.
KNOWN_BUILTINS = ("markdown", "json", "docx", "bilingual", "epub")


def builtin_writers() -> list[str]:
    from wenzhuan.manager import PluginHost

    host = PluginHost(entry_points=False)
    names = []
    for name in host.catalog.writers:
        provider = host.catalog.provider("writer", name)
        if provider is not None and str(provider) == "built-in":
            names.append(name)
    return sorted(names)


def require_writer(name: str) -> None:
    """Skip, saying why, when a check needs a writer that is not (yet) in the catalog."""
    if name not in builtin_writers():
        pytest.skip(f"the {name!r} writer is not in this build's catalog; this check runs once it is merged")


def leftovers(folder: Path, expected: Iterable[str] = ()) -> list[str]:
    """Every file in `folder` (recursively) but the `expected` ones: partial outputs, `.part` files."""
    keep = set(expected)
    out = []
    for root, _dirs, files in os.walk(folder):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), folder)
            if rel not in keep:
                out.append(rel)
    return sorted(out)


def error_line(result) -> str:
    """The CLI's error output, which must be exactly one line with no traceback."""
    err = result.stderr if hasattr(result, "stderr") else result.output
    if isinstance(err, bytes):
        err = err.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one error line, got: {err!r}"
    return lines[0]


def xml_parts(data: bytes) -> dict[str, bytes]:
    """The XML members of a ZIP-based output (DOCX, EPUB), each checked to be well-formed."""
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".xhtml", ".html", ".opf", ".ncx", ".rels")):
                blob = zf.read(name)
                etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))
                parts[name] = blob
    return parts


def output_text(fmt: str, data: bytes) -> str:
    """All the text of an output, for looking for what must not be there: the XML of ZIP-based
    formats (parsed, so they must be well-formed), the text of the others."""
    if data[:2] == b"PK":
        return "\n".join(b.decode("utf-8") for b in xml_parts(data).values())
    text = data.decode("utf-8")
    if fmt == "json":
        json.loads(text)
    return text


def check_output_parses(fmt: str, data: bytes) -> None:
    """The output opens as its format: XHTML/XML well-formed, DOCX with python-docx, JSON as a model."""
    if fmt == "docx":
        import docx

        docx.Document(io.BytesIO(data))
        xml_parts(data)
    elif fmt == "epub":
        xml_parts(data)
    elif fmt == "json":
        from wenzhuan.model import from_json

        from_json(data)
    else:
        data.decode("utf-8")
