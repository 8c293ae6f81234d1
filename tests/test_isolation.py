"""A broken third-party plugin is reported with its name and distribution; nothing else breaks.

(tests/test_plugins.py covers a plugin that fails to import, a misspelled hook, a duplicate name
registered in-process, and a writer that raises half-way.)
"""

import pytest

from wenzhuan.errors import PluginError
from wenzhuan.manager import PluginHost
from wenzhuan.pipeline import render
from wenzhuan.report import ChangeReport
from wenzhuan.testing import sample_documents

from .helpers import make_plugin_dist, run_cli

WRITER = '''
from wenzhuan.api import hookimpl, Writer, stringify

class Bad(Writer):
    name = "bad"
    extensions = ("bad",)

    def write(self, doc, out, ctx):
        BODY

@hookimpl
def register_writers(register):
    register(Bad())
'''


def _env(tmp_path, body, dist="wenzhuan-bad", module="wz_bad"):
    site = make_plugin_dist(tmp_path / "site", dist, module, WRITER.replace("BODY", body))
    return {"PYTHONPATH": str(site)}


@pytest.mark.parametrize("body,reason", [
    ("out.write(stringify(doc))", "TypeError: wrote str to the output stream; writers write bytes "
                                  "(encode text first: text.encode('utf-8'))"),
    ("out.write(b'x'); out.close()", "ValueError: it closed the output stream; wenzhuan closes it after "
                                     "write() returns"),
])
def test_garbage_from_a_writer_is_that_plugins_failure(tmp_path, body, reason):
    env = _env(tmp_path, body)
    src = tmp_path / "a.txt"
    src.write_text("你好，世界。\n", encoding="utf-8")
    out = tmp_path / "out" / "a.bad"
    out.parent.mkdir()
    done = run_cli("convert", str(src), "-t", "bad", "-o", str(out), env=env, plugins=True)
    assert done.returncode == 1
    assert done.stderr.decode().strip() == (
        f"wenzhuan: error: {src}: plugin 'wz_bad' (from wenzhuan-bad): writer 'bad' failed: {reason}")
    assert list(out.parent.iterdir()) == []
    # other formats still work in the same environment
    fine = run_cli("convert", str(src), "-t", "md", "-o", str(out.parent / "a.md"), "--no-front-matter", env=env,
                   plugins=True)
    assert fine.returncode == 0 and (out.parent / "a.md").read_text(encoding="utf-8") == "你好，世界。\n"


def test_in_process_failure_carries_plugin_and_distribution():
    class Closer:
        from wenzhuan.api import hookimpl as _h

        @_h
        def register_writers(self, register):
            from wenzhuan.api import Writer

            class W(Writer):
                name = "closer"
                extensions = ("c",)

                def write(self, doc, out, ctx):
                    out.close()

            register(W())

    from wenzhuan.registry import Provider

    host = PluginHost(entry_points=False)
    host.add(Closer(), "closer-plugin", Provider("closer-plugin", "wenzhuan-closer", "2.0"))
    writer = host.catalog.writer("closer")
    with pytest.raises(PluginError) as info:
        render(sample_documents()["minimal"], writer, {}, ChangeReport(), catalog=host.catalog)
    assert info.value.plugin == "closer-plugin" and info.value.distribution == "wenzhuan-closer"
    # the built-ins on the same host are unaffected
    assert render(sample_documents()["minimal"], host.catalog.writer("md"), {}, ChangeReport()) == "只有一句话。\n".encode()


def test_formats_shows_a_duplicate_and_keeps_the_original(tmp_path):
    dup = WRITER.replace('name = "bad"', 'name = "markdown"').replace("BODY", "out.write(b'no')")
    site = make_plugin_dist(tmp_path / "site", "wenzhuan-dup", "wz_dup", dup)
    env = {"PYTHONPATH": str(site)}
    listing = run_cli("formats", env=env, plugins=True).stdout.decode()
    assert ("broken: wz_dup (wenzhuan-dup): writer 'markdown' is already registered by built-in; "
            "this one is ignored") in listing
    plugins = run_cli("plugins", env=env, plugins=True).stdout.decode()
    assert "wz_dup  [wenzhuan-dup 1.0]  register_writers" in plugins and "broken: wz_dup" in plugins
    src = tmp_path / "a.txt"
    src.write_text("好。\n", encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "markdown", "-o", "-", "--no-front-matter", env=env, plugins=True)
    assert done.stdout.decode() == "好。\n"


def test_asking_for_the_format_of_a_plugin_that_failed_to_import(tmp_path):
    site = make_plugin_dist(tmp_path / "site", "wenzhuan-shout", "wz_shout", "raise ImportError('needs libfoo')\n")
    src = tmp_path / "a.txt"
    src.write_text("好。\n", encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "shout", "-o", "-", env={"PYTHONPATH": str(site)}, plugins=True)
    assert done.returncode == 2
    assert "plugin(s) wz_shout failed to load; `wenzhuan formats` shows why" in done.stderr.decode()
    listing = run_cli("formats", env={"PYTHONPATH": str(site)}, plugins=True).stdout.decode()
    assert "broken: wz_shout (wenzhuan-shout): failed to import: ImportError: needs libfoo" in listing
