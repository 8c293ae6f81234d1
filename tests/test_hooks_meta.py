"""Every hook has a documented heading and a test here (datasette's meta-tests), and each
`test_hook_<name>` below exercises its hook the way a third-party plugin would, through the
conformance kit's fixtures (`register_plugin`, `wenzhuan_cli`)."""

import inspect
import re

import pytest

from wenzhuan import hookspecs
from wenzhuan.api import (
    Document, Option, Pass, Reader, ScriptConverter, Text, Transform, Writer, hookimpl, map_text, para, stringify,
)
from wenzhuan.pipeline import Source, load

from .conftest import ROOT

HOOKS = [name for name, fn in vars(hookspecs).items() if hasattr(fn, "wenzhuan_spec")]


def _doc_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (\w+)\(.*\)$", text, flags=re.M)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}


def test_the_hook_list_is_what_pluggy_knows():
    pm_hooks = {"register_readers", "register_passes", "register_transforms", "register_writers",
                "register_script_converters"}
    assert set(HOOKS) == pm_hooks


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_documented_heading_with_its_docstring(hook):
    sections = _doc_sections()
    assert hook in sections, f"docs/hooks.md has no heading for {hook}"
    assert sections[hook] == inspect.getdoc(getattr(hookspecs, hook)), f"docs/hooks.md text for {hook} differs"


def test_docs_have_no_heading_for_a_hook_that_does_not_exist():
    assert set(_doc_sections()) == set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook):
    test = globals().get(f"test_hook_{hook}")
    assert callable(test), f"add test_hook_{hook} to tests/test_hooks_meta.py"


# ------------------------------------------------------------------------------- the hooks


def test_hook_register_readers(register_plugin, wenzhuan_cli, tmp_path):
    class Lines(Reader):
        name = "lines"
        extensions = ("lines",)

        def sniff(self, text):
            return 1.0 if text.startswith("LINES\n") else 0.0

        def read(self, text, ctx):
            return Document(blocks=tuple(para(line) for line in text.splitlines()[1:] if line))

    class Plugin:
        @hookimpl
        def register_readers(self, register):
            register(Lines)

    host = register_plugin(Plugin(), "lines-plugin")
    assert str(host.catalog.provider("reader", "lines")) == "lines-plugin"
    loaded = load(Source("LINES\n一句。\n二句。\n".encode(), "x"), host=host)
    assert loaded.reader == "lines" and stringify(loaded.document) == "一句。\n二句。"
    src = tmp_path / "a.dat"
    src.write_text("LINES\n第一句。\n第二句。\n", encoding="utf-8")
    result = wenzhuan_cli("convert", src, "-t", "md", "-o", "-", "--no-front-matter")
    assert result.exit_code == 0, result.output
    assert result.stdout == "第一句。\n\n第二句。\n"


def test_hook_register_passes(register_plugin, wenzhuan_cli, tmp_path):
    class Shout(Pass):
        name = "exclaim"

        def run(self, doc, ctx):
            ctx.change("exclaim", "。", "！")
            return map_text(doc, lambda s: s.replace("。", "！"))

    class After(Pass):
        name = "after-exclaim"

        def run(self, doc, ctx):
            return map_text(doc, lambda s: s.replace("！", "!!"))

    class Plugin:
        @hookimpl
        def register_passes(self, register):
            register(After())
            register(Shout(), before="after-exclaim")
            register(Shout, after="no-such-pass")  # refused: the name is taken

    host = register_plugin(Plugin(), "exclaim-plugin", strict=False)
    assert [p.name for p in host.catalog.passes][-2:] == ["exclaim", "after-exclaim"]
    assert any("pass 'exclaim' is already registered" in p.message for p in host.catalog.problems)
    loaded = load(Source("好。".encode(), "x"), host=host)
    assert stringify(loaded.document) == "好!!"
    # the script pass also reports the language it detected; the text changes are exclaim's alone
    assert [c.step for c in loaded.report.changes if c.step != "script"] == ["exclaim"]
    src = tmp_path / "a.txt"
    src.write_text("好。\n", encoding="utf-8")
    skipped = wenzhuan_cli("convert", src, "-t", "md", "-o", "-", "--no-front-matter", "--skip-pass", "exclaim")
    assert skipped.stdout == "好。\n"


def test_hook_register_transforms(register_plugin, wenzhuan_cli, tmp_path):
    class Repeat(Transform):
        name = "repeat"
        description = "every paragraph n times"
        options = (Option("times", int, 2, "how many"),)

        def apply(self, doc, ctx):
            return Document(doc.metadata, tuple(b for b in doc.blocks for _ in range(ctx.options["times"])))

    class Plugin:
        @hookimpl
        def register_transforms(self, register):
            register(Repeat())

    register_plugin(Plugin(), "repeat-plugin")
    src = tmp_path / "a.txt"
    src.write_text("一段。\n", encoding="utf-8")
    result = wenzhuan_cli("convert", src, "-t", "md", "-o", "-", "--no-front-matter", "--transform", "repeat",
                          "-T", "repeat.times=3")
    assert result.exit_code == 0, result.output
    assert result.stdout == "一段。\n\n一段。\n\n一段。\n"
    listing = wenzhuan_cli("transforms").stdout
    assert re.search(r"^repeat +every paragraph n times +\[repeat-plugin\]$", listing, re.M)
    assert "-T repeat.times=INTEGER  how many [default: 2]" in wenzhuan_cli("transforms", "repeat").stdout


def test_hook_register_writers(register_plugin, wenzhuan_cli, tmp_path):
    class Count(Writer):
        name = "count"
        extensions = ("count",)
        binary = False
        media_type = "text/plain"
        options = (Option("unit", str, "字", "unit", choices=("字", "chars")),)

        def write(self, doc, out, ctx):
            out.write(f"{len(stringify(doc))}{ctx.options['unit']}\n".encode())

    class Plugin:
        @hookimpl
        def register_writers(self, register):
            register(Count())

    register_plugin(Plugin(), "count-plugin")
    src = tmp_path / "a.txt"
    src.write_text("一二三\n", encoding="utf-8")
    out = tmp_path / "a.count"
    assert wenzhuan_cli("convert", src, "-o", out, "-O", "unit=chars").exit_code == 0
    assert out.read_text(encoding="utf-8") == "3chars\n"
    bad = wenzhuan_cli("convert", src, "-t", "count", "-o", "-", "--unit", "words")
    assert bad.exit_code == 2 and "option 'unit' of format 'count' takes one of 字, chars, not 'words'" in bad.stderr
    assert "count-plugin" in wenzhuan_cli("formats").stdout


def test_hook_register_script_converters(register_plugin):
    class Tiny(ScriptConverter):
        name = "tiny"
        configs = ("s2t", "t2s")

        def converter(self, config):
            pairs = {"s2t": ("汉语", "漢語"), "t2s": ("漢語", "汉语")}[config]
            return lambda s: s.translate(str.maketrans(*pairs))

    class Plugin:
        @hookimpl
        def register_script_converters(self, register):
            register(Tiny())

    host = register_plugin(Plugin(), "tiny-plugin")
    engine = host.catalog.script_converters["tiny"]
    assert str(host.catalog.provider("script converter", "tiny")) == "tiny-plugin"
    assert engine.converter("s2t")("说汉语") == "说漢語"
    assert engine.converter("t2s")(Text("漢語").text) == "汉语"
