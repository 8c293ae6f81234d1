"""The plugin system: built-ins through the same hooks, entry points, isolation of broken plugins."""

import pytest

from wenzhuan import hookspecs
from wenzhuan.hookspecs import hookimpl
from wenzhuan.manager import DEFAULT_PLUGINS, PluginHost
from wenzhuan.model import Document
from wenzhuan.registry import Writer

from .helpers import make_plugin_dist, run_cli

SHOUT = '''
from wenzhuan.api import hookimpl, Writer, Option
from wenzhuan.walk import stringify

class Shout(Writer):
    name = "shout"
    extensions = ("shout",)
    media_type = "text/plain"
    binary = False
    description = "the text, upper-cased"
    options = (Option("bang", int, 1, "exclamation marks to add"),)

    def write(self, doc, out, ctx):
        out.write((stringify(doc).upper() + "!" * ctx.options["bang"]).encode())

@hookimpl
def register_writers(register):
    register(Shout())
'''


class _W(Writer):
    name = "markdown"

    def write(self, doc, out, ctx):
        out.write(b"x")


def test_builtins_register_through_the_same_hooks():
    host = PluginHost(entry_points=False)
    names = [name for name, _ in host.pm.list_name_plugin()]
    assert names == list(DEFAULT_PLUGINS)
    cat = host.catalog
    assert {"markdown", "json"} <= set(cat.writers)
    assert {"text", "markdown"} <= set(cat.readers)
    assert str(cat.provider("writer", "markdown")) == "built-in"
    assert cat.writer("md") is cat.writers["markdown"]


def test_duplicate_writer_name_is_reported_and_ignored():
    class Dup:
        @hookimpl
        def register_writers(self, register):
            register(_W())

    host = PluginHost(entry_points=False)
    host.add(Dup(), "dup-plugin")
    cat = host.catalog
    assert type(cat.writers["markdown"]).__module__ == "wenzhuan.plugins.markdown"
    [problem] = cat.problems
    assert problem.plugin == "dup-plugin"
    assert "writer 'markdown' is already registered by built-in" in problem.message


def test_misspelled_hook_is_refused_by_check_pending():
    class Typo:
        @hookimpl
        def register_writer(self, register):  # missing the s
            pass

    host = PluginHost(entry_points=False)
    assert host.add(Typo(), "typo") is False
    assert "register_writer" in host.problems[0].message
    assert host.catalog.writers  # everything else still works


def test_plugin_raising_in_hook_is_isolated():
    class Boom:
        @hookimpl
        def register_writers(self, register):
            raise RuntimeError("kaboom")

    host = PluginHost(entry_points=False)
    host.add(Boom(), "boom")
    cat = host.catalog
    assert "markdown" in cat.writers
    assert any("kaboom" in p.message and p.plugin == "boom" for p in cat.problems)


def test_registering_a_non_writer_is_reported():
    class Bad:
        @hookimpl
        def register_writers(self, register):
            register(object())

    host = PluginHost(entry_points=False)
    host.add(Bad(), "bad")
    assert "not a named Writer" in host.catalog.problems[0].message


def test_every_hookspec_has_a_docstring():
    for name in dir(hookspecs):
        if name.startswith("register_"):
            assert len(getattr(hookspecs, name).__doc__ or "") > 80, name


def test_entry_point_plugin_is_listed_and_used(tmp_path):
    site = make_plugin_dist(tmp_path / "site", "wenzhuan-shout", "wz_shout", SHOUT)
    env = {"PYTHONPATH": str(site)}
    listing = run_cli("formats", env=env, plugins=True)
    assert listing.returncode == 0, listing.stderr
    assert "shout" in listing.stdout.decode() and "wenzhuan-shout 1.0" in listing.stdout.decode()
    src = tmp_path / "a.txt"
    src.write_text("hello 你好\n", encoding="utf-8")
    out = tmp_path / "a.shout"
    done = run_cli("convert", str(src), "-t", "shout", "-o", str(out), "--bang", "3", env=env, plugins=True)
    assert done.returncode == 0, done.stderr
    assert out.read_text() == "HELLO 你好!!!"
    # the environment variable switches third-party loading off
    off = run_cli("formats", env=env, plugins=False)
    assert "shout" not in off.stdout.decode()


def test_plugin_that_fails_to_import_is_shown_and_others_work(tmp_path):
    site = make_plugin_dist(tmp_path / "site", "wenzhuan-broken", "wz_broken", "import no_such_module_xyz\n")
    make_plugin_dist(site, "wenzhuan-shout", "wz_shout", SHOUT)
    env = {"PYTHONPATH": str(site)}
    listing = run_cli("formats", env=env, plugins=True)
    assert listing.returncode == 0
    assert "broken: wz_broken (wenzhuan-broken): failed to import: ModuleNotFoundError" in listing.stdout.decode()
    assert "shout" in listing.stdout.decode() and "markdown" in listing.stdout.decode()


def test_writer_that_raises_names_the_plugin_and_leaves_no_file(tmp_path):
    source = SHOUT.replace('out.write((stringify(doc).upper() + "!" * ctx.options["bang"]).encode())',
                           'out.write(b"partial"); raise ValueError("half-way")')
    site = make_plugin_dist(tmp_path / "site", "wenzhuan-shout", "wz_shout", source)
    src = tmp_path / "a.txt"
    src.write_text("你好\n", encoding="utf-8")
    out = tmp_path / "out" / "a.shout"
    out.parent.mkdir()
    done = run_cli("convert", str(src), "-t", "shout", "-o", str(out), env={"PYTHONPATH": str(site)}, plugins=True)
    assert done.returncode == 1
    assert done.stderr.decode().strip() == (
        f"wenzhuan: error: {src}: plugin 'wz_shout' (from wenzhuan-shout): "
        "writer 'shout' failed: ValueError: half-way")
    assert list(out.parent.iterdir()) == []
