"""OpenCC's own test suite (../shared/opencc-cases) through `wenzhuan script` and the document path.

Every one of the 543 records of cases.json must match exactly, through the raw-text command and
through documents (plain-text paragraphs, read by the text reader, converted by the `script`
transform). The document path runs with every normalizer pass skipped: the passes (punctuation
and the like) may rewrite text on purpose, and this checks the conversion, not them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from wenzhuan.manager import PluginHost
from wenzhuan.model import Document, Para, Strong, Text, from_json
from wenzhuan.pipeline import Source, apply_transforms, load
from wenzhuan.plugins.readers.text import INDENT
from wenzhuan.report import ChangeReport
from wenzhuan.script import CONFIGS
from wenzhuan.walk import stringify

from .conftest import shared_path
from .helpers import run_cli


def _cases() -> dict[str, list[dict]]:
    records = json.loads(shared_path("opencc-cases", "cases.json").read_text(encoding="utf-8"))
    by_config: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_config[r["config"]].append(r)
    return by_config


@pytest.fixture(scope="module")
def cases() -> dict[str, list[dict]]:
    by_config = _cases()
    assert sum(len(v) for v in by_config.values()) == 543
    assert sorted(by_config) == sorted(CONFIGS)
    # one case a line works only because no case spans lines or has blanks the reader strips
    for records in by_config.values():
        for r in records:
            assert "\n" not in r["input"] and r["input"] == r["input"].strip(INDENT)
    return by_config


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost(entry_points=False)


def _all_passes(host: PluginHost) -> list[str]:
    return [p.name for p in host.catalog.passes]


def _mismatches(records, outputs) -> list[str]:
    assert len(outputs) == len(records), (len(outputs), len(records))
    return [f"{r['id']} ({r['config']}): {r['input']!r} -> {got!r}, expected {r['expected']!r}"
            for r, got in zip(records, outputs) if got != r["expected"]]


def test_every_case_through_wenzhuan_script(cases, tmp_path):
    bad, checked = [], 0
    for config, records in sorted(cases.items()):
        src = tmp_path / f"{config}.txt"
        src.write_text("".join(r["input"] + "\n" for r in records), encoding="utf-8")
        done = run_cli("script", config, str(src))
        assert done.returncode == 0, done.stderr.decode()
        bad += _mismatches(records, done.stdout.decode("utf-8").split("\n")[:-1])
        checked += len(records)
    assert checked == 543
    assert not bad, "\n".join(bad)


def _document(lines: list[str], host: PluginHost) -> Document:
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    loaded = load(Source(data, "cases.txt"), host=host, from_format="text", skip_passes=_all_passes(host))
    return loaded.document


def test_every_case_through_the_document_path(cases, host):
    bad, checked = [], 0
    for config, records in sorted(cases.items()):
        doc = _document([r["input"] for r in records], host)
        out = apply_transforms(doc, ["script"], ChangeReport(), host=host, options={"script": {"target": config}})
        assert all(isinstance(b, Para) for b in out.blocks)
        bad += _mismatches(records, [stringify(b) for b in out.blocks])
        checked += len(records)
    assert checked == 543
    assert not bad, "\n".join(bad)


def test_every_case_split_across_inline_formatting(cases, host):
    """Each case with its middle third in bold: phrases keep their context across the boundary."""
    bad, checked = [], 0
    for config, records in sorted(cases.items()):
        blocks = []
        for r in records:
            s, n = r["input"], len(r["input"])
            a, b = n // 3, 2 * n // 3
            blocks.append(Para((Text(s[:a]), Strong((Text(s[a:b]),)), Text(s[b:]))))
        out = apply_transforms(Document(blocks=blocks), ["script"], ChangeReport(), host=host,
                               options={"script": {"target": config}})
        bad += _mismatches(records, [stringify(b) for b in out.blocks])
        assert all(isinstance(b.content[1], Strong) for b in out.blocks)
        checked += len(records)
    assert checked == 543
    assert not bad, "\n".join(bad)


def test_every_case_through_convert_on_the_command_line(cases, host, tmp_path):
    """`wenzhuan convert --script CONFIG` end to end (JSON output, so no Markdown escaping)."""
    skips = [a for name in _all_passes(host) for a in ("--skip-pass", name)]
    bad = []
    for config in ("s2t", "s2twp", "tw2sp", "t2jp"):
        records = cases[config]
        src = tmp_path / f"{config}.txt"
        src.write_text("".join(r["input"] + "\n" for r in records), encoding="utf-8")
        done = run_cli("convert", str(src), "--script", config, "-t", "json", "-o", "-", *skips)
        assert done.returncode == 0, done.stderr.decode()
        doc = from_json(done.stdout)
        bad += _mismatches(records, [stringify(b) for b in doc.blocks])
        assert doc.metadata.language == {"s2t": "zh-Hant", "s2twp": "zh-Hant-TW", "tw2sp": "zh-Hans",
                                         "t2jp": "ja"}[config]
    assert not bad, "\n".join(bad)


def _legacy_pairs() -> list[tuple[str, Path, Path]]:
    folder = shared_path("opencc-cases", "legacy-in-ans")
    return [(p.stem, p, p.with_suffix(".ans")) for p in sorted(folder.glob("*.in"))]


def test_legacy_in_ans_pairs(host):
    pairs = _legacy_pairs()
    assert len(pairs) == 13
    for config, src, ans in pairs:
        done = run_cli("script", config, str(src))
        assert done.returncode == 0, done.stderr.decode()
        assert done.stdout == ans.read_bytes(), config
        lines = [line for line in src.read_text(encoding="utf-8").splitlines() if line.strip(INDENT)]
        expected = [line.strip(INDENT) for line in ans.read_text(encoding="utf-8").splitlines() if line.strip(INDENT)]
        doc = apply_transforms(_document(lines, host), ["script"], ChangeReport(), host=host,
                               options={"script": {"target": config}})
        assert [stringify(b) for b in doc.blocks] == expected, config


GOLDEN = ("s2hk", "s2hkp", "s2t", "s2tw", "s2twp")


@pytest.mark.parametrize("config", GOLDEN)
def test_golden_long_text(config, host):
    src = shared_path("opencc-cases", "golden", "input", "us_constitution_zhs.txt")
    expected = shared_path("opencc-cases", "golden", "output", f"us_constitution_zhs.{config}.txt")
    done = run_cli("script", config, str(src))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == expected.read_bytes()
    # the same text as a document: one paragraph per non-blank line
    loaded = load(Source(src.read_bytes(), src.name), host=host, from_format="text", skip_passes=_all_passes(host))
    doc = apply_transforms(loaded.document, ["script"], ChangeReport(), host=host,
                           options={"script": {"target": config}})
    want = [line.strip(INDENT + "\r\f\v") for line in expected.read_text(encoding="utf-8").splitlines()]
    assert [stringify(b) for b in doc.blocks] == [w for w in want if w]
