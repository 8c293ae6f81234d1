"""The conformance kit: built-in writers and transforms pass it, and it catches broken ones."""

import itertools
import random

import pytest

from wenzhuan import manager
from wenzhuan.api import Document, Metadata, Option, Writer, from_dict, hookimpl, stringify, to_dict
from wenzhuan.manager import PluginHost
from wenzhuan.testing import ConformanceError, check_transform, check_writer, coverage_gaps, sample_documents

BUILTIN = PluginHost(entry_points=False).catalog


def _variants(writer):
    """Default options, then each bool option flipped: every built-in writer, present and future."""
    yield {}
    for opt in writer.options:
        if opt.type is bool:
            yield {opt.name: not opt.default}


WRITER_CASES = [(name, opts) for name, w in sorted(BUILTIN.writers.items()) for opts in _variants(w)]


@pytest.mark.parametrize("name,options", WRITER_CASES,
                         ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in o.items()) or 'defaults'}" for n, o in WRITER_CASES])
def test_builtin_writer_passes_the_kit(name, options):
    outputs = check_writer(BUILTIN.writers[name], options)
    assert set(outputs) == set(sample_documents())


@pytest.mark.parametrize("name", sorted(BUILTIN.transforms))
def test_builtin_transform_passes_the_kit(name):
    results = check_transform(BUILTIN.transforms[name])
    assert set(results) == set(sample_documents())


def test_samples_use_every_block_inline_and_metadata_field_in_both_scripts():
    assert coverage_gaps() == []
    docs = sample_documents()
    assert {d.metadata.language for d in docs.values()} >= {"zh-Hans", "zh-Hant"}


def test_coverage_gaps_names_what_is_missing():
    gaps = coverage_gaps({"one": Document(Metadata(title="t", language="zh-Hans"), ())})
    assert "block Para" in gaps and "inline Link" in gaps and "metadata authors" in gaps
    assert "language zh-Hant" in gaps and "metadata title" not in gaps and "attr lang" in gaps


def test_samples_survive_the_json_round_trip_and_are_fresh_each_call():
    a, b = sample_documents(), sample_documents()
    for name, doc in a.items():
        assert from_dict(to_dict(doc)) == doc, name
        assert doc == b[name]


# ----------------------------------------------------------------- the kit catches broken writers


class Good(Writer):
    name = "good"
    extensions = ("good",)
    media_type = "text/plain; charset=utf-8"
    binary = False

    def write(self, doc, out, ctx):
        out.write((stringify(doc) + "\n").encode("utf-8"))


def _writer(**attrs):
    return type("W", (Good,), attrs)()


def _raises_on_code(self, doc, out, ctx):
    from wenzhuan.api import CodeBlock, query

    if query(doc, CodeBlock):
        raise KeyError("CodeBlock")
    Good.write(self, doc, out, ctx)


def _swallows(self, doc, out, ctx):
    try:
        Good.write(self, doc, out, ctx)
    except OSError:
        pass


_counter = itertools.count()

BROKEN = {
    "raises on a block type": (dict(write=_raises_on_code), "failed on sample 'hans-article': KeyError"),
    "writes nothing": (dict(write=lambda self, doc, out, ctx: None), "wrote nothing for sample 'hans-article'"),
    "not deterministic": (dict(write=lambda self, doc, out, ctx: out.write(str(next(_counter)).encode())),
                          "is not deterministic"),
    "writes str": (dict(write=lambda self, doc, out, ctx: out.write(stringify(doc))),
                   "TypeError: wrote str to the output stream"),
    "closes the stream": (dict(write=lambda self, doc, out, ctx: (out.write(b"x"), out.close())),
                          "it closed the output stream"),
    "swallows write errors": (dict(write=_swallows), "went on after a write to its output failed"),
    "not the declared charset": (dict(write=lambda self, doc, out, ctx: out.write(stringify(doc).encode("gb18030") + b".")),
                                 "is not utf-8"),
    "upper-case name": (dict(name="Good"), "`name` must be lower-case"),
    "extension with a dot": (dict(extensions=(".good",)), "without the dot"),
    "no extensions": (dict(extensions=()), "`extensions` must be a non-empty tuple"),
    "option clashes with convert": (dict(options=(Option("title", str, ""),)),
                                    "option 'title' clashes with `wenzhuan convert --title`"),
    "bad option default": (dict(options=(Option("n", int, "many"),)), "the default of option 'n' is not valid"),
    "option declared twice": (dict(options=(Option("n", int, 1), Option("n", int, 2))), "declares option 'n' twice"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_kit_rejects_a_broken_writer(case):
    attrs, message = BROKEN[case]
    with pytest.raises(ConformanceError) as info:
        check_writer(_writer(**attrs))
    assert message in str(info.value)


def test_the_kit_accepts_the_good_writer_and_returns_outputs():
    outputs = check_writer(Good())
    assert outputs["hant-article"].decode().startswith("緣起\n")


def test_a_writer_failing_half_way_leaves_no_file(tmp_path):
    """What the kit's atomic check relies on, shown directly: the pipeline's write path."""
    from wenzhuan.atomic import write_atomic
    from wenzhuan.pipeline import render
    from wenzhuan.report import ChangeReport
    from wenzhuan.errors import PluginError

    class Half(Good):
        def write(self, doc, out, ctx):
            out.write(b"half of it")
            raise RuntimeError("disk on fire")

    target = tmp_path / "out.good"
    target.write_bytes(b"old")
    with pytest.raises(PluginError, match="writer 'good' failed: RuntimeError: disk on fire"):
        write_atomic(target, render(sample_documents()["minimal"], Half(), {}, ChangeReport()))
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.good"]


# ------------------------------------------------------------------------------- the fixtures


def test_wenzhuan_host_is_fresh_and_is_the_default(wenzhuan_host):
    assert manager.default_host() is wenzhuan_host
    assert set(wenzhuan_host.catalog.writers) == set(BUILTIN.writers)
    assert all(p["builtin"] for p in wenzhuan_host.plugins())


def test_register_plugin_adds_for_one_test(register_plugin, wenzhuan_cli):
    class Plugin:
        @hookimpl
        def register_writers(self, register):
            register(Good())

    host = register_plugin(Plugin(), "good-plugin")
    assert host.catalog.writer("good").name == "good"
    assert "good-plugin" in wenzhuan_cli("formats").stdout


def test_the_previous_test_left_no_plugin_behind(wenzhuan_host):
    assert "good" not in wenzhuan_host.catalog.writers


@pytest.mark.parametrize("hooks,message", [
    ("register_writer", "invalid plugin"),                      # misspelled hook
    ("register_writers", "writer 'markdown' is already registered by built-in"),
])
def test_register_plugin_fails_loudly_on_a_bad_plugin(register_plugin, hooks, message):
    class Dup(Good):
        name = "markdown"

    def hook(self, register):
        register(Dup())

    plugin = type("P", (), {hooks: hookimpl(hook)})()
    with pytest.raises(ConformanceError, match=message):
        register_plugin(plugin, "bad-plugin")


def test_random_documents_through_the_kit():
    """The kit's check on property-style inputs: any paragraph text, any of the built-in writers."""
    rng = random.Random(8)
    alphabet = "汉字漢字，。「」*_`[]#<>&\\ \t-+1.!abc"
    from wenzhuan.api import para

    docs = {f"random-{i}": Document(Metadata(title="".join(rng.choice(alphabet) for _ in range(5))),
                                    (para("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))),))
            for i in range(30)}
    docs["hans-article"] = sample_documents()["hans-article"]
    for writer in BUILTIN.writers.values():
        assert len(check_writer(writer, samples=docs)) == 31
