"""Docs kept honest: the API reference, the hook reference, CLI help shown in docs, and the
author guide's plugin, which must work exactly as printed."""

import re
import runpy
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

import wenzhuan.api
from wenzhuan.cli import cli

from .conftest import ROOT
from .helpers import make_plugin_dist, run_cli

DOCS = ROOT / "docs"


def _fenced(text: str, lang: str | None = None) -> list[str]:
    return [body for tag, body in re.findall(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)
            if lang is None or tag == lang]


def _api_doc_names() -> set[str]:
    """Names defined on docs/api.md: backticked identifiers before the first ': ' of each item."""
    names = set()
    for line in (DOCS / "api.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("- "):
            head = line[2:].split(": ", 1)[0]
            names.update(re.findall(r"`([A-Za-z_]\w*)", head))
    return names


def test_every_api_name_is_documented_and_nothing_else():
    documented = _api_doc_names()
    exported = set(wenzhuan.api.__all__)
    assert exported - documented == set(), "exported from wenzhuan.api but not in docs/api.md"
    assert documented - exported == set(), "in docs/api.md but not exported from wenzhuan.api"


def test_api_exports_everything_it_defines_and_nothing_private():
    public = {n for n, v in vars(wenzhuan.api).items()
              if not n.startswith("_") and type(v).__name__ != "module" and n != "annotations"}
    assert public == set(wenzhuan.api.__all__)
    assert len(wenzhuan.api.__all__) == len(set(wenzhuan.api.__all__))


def test_hooks_doc_is_generated_from_the_hookspecs():
    generated = runpy.run_path(str(ROOT / "scripts" / "hooks_doc.py"))["render"]()
    assert (DOCS / "hooks.md").read_text(encoding="utf-8") == generated, (
        "docs/hooks.md is stale: .venv/bin/python scripts/hooks_doc.py > docs/hooks.md")


def _help_blocks():
    for path in sorted(DOCS.glob("*.md")) + [ROOT / "README.md"]:
        for body in _fenced(path.read_text(encoding="utf-8")):
            first, _, rest = body.partition("\n")
            if first.startswith("$ wenzhuan ") and first.endswith("--help"):
                yield path.name, first[len("$ wenzhuan "):].split(), rest


HELP_BLOCKS = list(_help_blocks())


def test_docs_show_cli_help():
    assert {" ".join(args) for _, args, _ in HELP_BLOCKS} >= {"formats --help", "transforms --help"}


@pytest.mark.parametrize("doc,args,shown", HELP_BLOCKS, ids=[f"{d}:{' '.join(a)}" for d, a, _ in HELP_BLOCKS])
def test_cli_help_in_docs_matches_the_real_help(doc, args, shown):
    real = CliRunner().invoke(cli, args, prog_name="wenzhuan", terminal_width=80)
    assert real.exit_code == 0
    assert real.output == shown, f"{doc} shows stale help for `wenzhuan {' '.join(args)}`"


# ---------------------------------------------------------------- the guide's plugin, as printed

GUIDE = (DOCS / "plugins.md").read_text(encoding="utf-8")


def _guide_plugin():
    plugin, tests = _fenced(GUIDE, "python")[:2]
    return plugin, tests


def test_guide_plugin_is_complete_and_short():
    plugin, _ = _guide_plugin()
    assert len(plugin.strip().splitlines()) < 30
    assert "def register_writers(register)" in plugin and "Option(" in plugin
    if sys.version_info >= (3, 11):
        import tomllib

        [toml] = _fenced(GUIDE, "toml")
        project = tomllib.loads(toml)["project"]
        assert project["entry-points"]["wenzhuan"] == {"sentences": "wenzhuan_sentences"}
        assert project["name"] == "wenzhuan-sentences" and "wenzhuan" in project["dependencies"]
    assert "pip install -e ./wenzhuan-sentences" in GUIDE


def test_guide_plugin_installs_lists_converts_and_takes_an_option(tmp_path):
    plugin, _ = _guide_plugin()
    site = make_plugin_dist(tmp_path / "site", "wenzhuan-sentences", "wenzhuan_sentences", plugin,
                            entry_name="sentences", version="0.1.0")
    env = {"PYTHONPATH": str(site)}
    listing = run_cli("formats", env=env, plugins=True).stdout.decode()
    assert re.search(r"^sentences +\.txt +text/plain +wenzhuan-sentences 0\.1\.0$", listing, re.M), listing
    src = tmp_path / "a.md"
    src.write_text("他说：“好。”然后走了。\n\n第二段！\n", encoding="utf-8")
    for flag in (["--numbered"], ["-O", "numbered=yes"]):
        done = run_cli("convert", str(src), "-t", "sentences", "-o", "-", *flag, env=env, plugins=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout.decode() == "1\t他说：“好。”\n2\t然后走了。\n3\t第二段！\n"
    plain = run_cli("convert", str(src), "-t", "sentences", "-o", "-", env=env, plugins=True)
    assert plain.stdout.decode() == "他说：“好。”\n然后走了。\n第二段！\n"


def test_guide_plugin_passes_its_own_tests_with_the_kit(tmp_path):
    plugin, tests = _guide_plugin()
    site = make_plugin_dist(tmp_path / "site", "wenzhuan-sentences", "wenzhuan_sentences", plugin,
                            entry_name="sentences", version="0.1.0")
    suite = tmp_path / "wenzhuan-sentences" / "tests"
    suite.mkdir(parents=True)
    (suite / "test_sentences.py").write_text(textwrap.dedent(tests), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "wenzhuan-sentences"],
                          cwd=tmp_path, env={**__import__("os").environ, "PYTHONPATH": str(site)},
                          capture_output=True, timeout=300)
    out = done.stdout.decode()
    assert done.returncode == 0, out + done.stderr.decode()
    assert "2 passed" in out
