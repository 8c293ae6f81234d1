"""The conformance kit for plugin authors: sample documents, checks, and pytest fixtures.

Installed with wenzhuan as a pytest plugin (the `pytest11` entry point `wenzhuan`), so in a
plugin's own test suite the fixtures are there without any import:

    from wenzhuan.testing import check_writer
    import my_plugin

    def test_conformance(register_plugin):
        host = register_plugin(my_plugin)               # a fresh host: built-ins + my_plugin
        check_writer(host.catalog.writer("shout"))

    def test_cli(register_plugin, wenzhuan_cli, tmp_path):
        register_plugin(my_plugin)
        ...
        result = wenzhuan_cli("convert", str(src), "-t", "shout", "-o", "-", "--bang", "3")
        assert result.exit_code == 0, result.output

Fixtures:
- `wenzhuan_host`: a fresh `PluginHost` with the built-in plugins only (no entry points), which
  is also the host the pipeline and the CLI use for the length of the test.
- `register_plugin(plugin, name=None, strict=True)`: register a module or object with hook
  implementations on that host; with `strict`, fail at once when the plugin registers nothing
  usable (a misspelled hook, a clashing name, a hook that raised). Returns the host.
- `wenzhuan_cli(*args)`: run the `wenzhuan` command in-process on that host; returns click's
  `Result` (`exit_code`, `stdout`, `stderr`, `output`).
- `sample_docs`: `sample_documents()`.

Checks (plain functions, usable without pytest fixtures too):
- `check_writer(writer, options=None)`: writes every sample; each output must be non-empty
  bytes, the same for the same input, and text writers' output must decode in the declared
  charset (UTF-8 by default); every block and inline type is also written alone; a write that
  fails half-way must leave no file behind and an existing file as it was. Returns
  `{sample name: bytes}`.
- `check_transform(transform, options=None)`: applies it to every sample; the result must be a
  valid `Document` (it survives the JSON round trip), the same for the same input, and writable
  by the built-in writers.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import pytest

from . import manager
from .errors import PluginError, WenzhuanError
from .manager import PluginHost
from .model import (
    BLOCK_TYPES, INLINE_TYPES, Attr, BlockQuote, BulletList, Code, CodeBlock, Div, Document, Emph, Heading,
    LineBreak, Link, Metadata, OrderedList, Para, Span, Strong, Text, ThematicBreak, from_dict, to_dict,
)
from .atomic import write_atomic
from .pipeline import render
from .registry import Option, Transform, TransformContext, Writer, resolve_options
from .report import ChangeReport
from .walk import collect, heading, map_text, para, stringify, walk

__all__ = [
    "ConformanceError", "check_transform", "check_writer", "coverage_gaps", "sample_documents",
]


class ConformanceError(AssertionError):
    """A plugin does not meet the contract; the message says which check and which sample."""


# ---------------------------------------------------------------------------- sample documents

_EXTRA = {"series": "社区新闻", "issue": 12, "reviewed": True, "ratio": 0.5, "related": ["a", "b"],
          "nested": {"键": "值"}, "none": None}


def _hans() -> Document:
    meta = Metadata(
        title="城西社区图书馆扩建完工", subtitle="新馆增设古籍阅览室与儿童区", authors=("李明", "王芳"),
        date=_dt.date(2024, 3, 15), source="城西晚报", url="https://example.com/news/library?id=1&lang=zh",
        tags=("图书馆", "社区"), language="zh-Hans", extra=_EXTRA)
    return Document(meta, (
        heading(1, "扩建概况", attr=Attr(id="overview")),
        para("经过两年施工，", Strong([Text("城西社区图书馆")]), "于三月正式", Emph([Text("重新开放")]),
             "。新馆面积达 3,200 平方米，藏书 *12* 万册", LineBreak(),
             "开放时间：周二至周日 9:00–21:00；",
             Link([Text("详见官网")], "https://example.com/library", "图书馆官网"), "。"),
        para("检索系统支持 ", Code("ISBN:978-7-*"), " 格式，索书号以 # 开头；<新书> & [推荐] 书目_每周_更新\\。"),
        heading(2, "馆藏与", Emph([Strong([Text("服务")])])),
        BulletList([
            [para("古籍阅览室：收藏明清刻本 300 余种")],
            [para("儿童区"), BulletList([[para("绘本 5,000 册")], [para("每周六故事会")]])],
            [para("无障碍通道"), para("（东门入口）")],
        ]),
        OrderedList([[para("办理借书证")], [para("预约座位")], [para("凭证入馆")]], start=3),
        BlockQuote([
            para("“图书馆是城市的客厅。”"),
            para("——馆长 ", Span([Text("Zhang Wei")], Attr(lang="en"))),
        ]),
        CodeBlock('# 开放时间\nopen = "09:00"\nclose = "21:00"  # 周一闭馆\n```', Attr(classes=("toml",))),
        ThematicBreak(),
        heading(3, "附：交通", attr=Attr(id="transport", classes=("appendix",))),
        heading(4, "公交"),
        para("乘 ", Link([Code("12")], "https://example.com/bus/12"), " 路公交车在“图书馆站”下车。"),
        heading(5, "地铁"),
        para("地铁 2 号线", Span([Text("图书馆")], Attr(classes=("script-diff",))), "站 B 口。"),
        heading(6, "停车"),
        Div([para("本文由城西晚报授权转载。")],
            Attr(id="note", classes=("note",), kv=(("data-role", "notice"),), lang="zh-Hans")),
    ))


def _hant() -> Document:
    meta = Metadata(
        title="臺北舊書店巡禮", subtitle="牯嶺街的最後風景", authors=("陳美玲",), date=_dt.date(2023, 11, 2),
        source="文化週報", url="https://example.org/文化/舊書店", tags=("書店", "臺北", "文化"),
        language="zh-Hant", extra={"edition": "第二版", "pages": [1, 2]})
    return Document(meta, (
        heading(1, "緣起"),
        para("「舊書店是城市的記憶。」她說，", Emph([Text("語氣")]), "裡帶著", Strong([Text("不捨")]), "。"),
        para("店主", Span([Text("林先生")], Attr(id="lin", kv=(("role", "owner"),))), "經營四十年，",
             "網址見", Link([Text("這裡")], "https://example.org/書店?q=舊書&p=1"), "；電話 ",
             Code("(02) 2345-6789"), "。", LineBreak(), "每週一公休。"),
        heading(2, "店內風景"),
        BulletList([[para("線裝書與民國期刊")], [para("絕版的《台灣文藝》")]]),
        OrderedList([[para("先看櫥窗")], [para("再問店主")]]),
        BlockQuote([para("書比人長壽。"), BlockQuote([para("——引自店內題字")])]),
        CodeBlock("營業時間：10:00–19:00\n地址：臺北市中正區牯嶺街"),
        Div([para("（本文經作者同意轉載）")], Attr(classes=("note",), lang="zh-Hant")),
        ThematicBreak(),
        para("全文完。"),
    ))


def _bilingual(original: Document) -> Document:
    """A Simplified/Traditional pair per block, as docs/model-conventions.md describes it."""
    table = str.maketrans("图书馆扩建开放时间经过两年施工", "圖書館擴建開放時間經過兩年施工")
    blocks = []
    for block in original.blocks[:4]:
        converted = map_text(Document(blocks=(block,)), lambda s: s.translate(table)).blocks
        blocks.append(Div([
            Div([block], Attr(classes=("bilingual-original",), lang="zh-Hans")),
            Div(converted, Attr(classes=("bilingual-converted",), lang="zh-Hant")),
        ], Attr(classes=("bilingual", "interleaved"))))
    meta = Metadata(title=original.metadata.title, language="zh-Hans", extra={"bilingual": {
        "layout": "interleaved", "language": "zh-Hant", "title": original.metadata.title.translate(table),
        "authors": list(original.metadata.authors), "source": original.metadata.source}})
    return Document(meta, tuple(blocks))


def sample_documents() -> dict[str, Document]:
    """Documents that together use every block, inline and metadata field of the model, in
    Simplified and Traditional Chinese; plus each block and inline type alone (`block-Para`,
    `inline-Code`, ...). Fresh objects on each call."""
    hans, hant = _hans(), _hant()
    docs = {
        "hans-article": hans,
        "hant-article": hant,
        "collection": collect([hans, hant], Metadata(
            title="文集", subtitle="两岸文化小品", authors=("编辑部",), date=_dt.date(2024, 5, 1),
            source="wenzhuan", url="https://example.com/collection", tags=("合集",), language="zh-Hans",
            extra={"volume": 1})),
        "bilingual": _bilingual(hans),
        "minimal": Document(blocks=(para("只有一句话。"),)),
        "edge-cases": Document(Metadata(title="边界"), (
            Para([]), heading(1, ""), CodeBlock(""), BulletList([[]]), OrderedList([[para("零")]], start=0),
            Div([]), BlockQuote([]), para(Emph([]), Span([]), Link([], "")),
            para("a" * 300 + "一" * 300),
        )),
    }
    seen_blocks: dict[type, Any] = {}
    seen_inlines: dict[type, Any] = {}
    for node in walk(hans):
        if isinstance(node, BLOCK_TYPES):
            seen_blocks.setdefault(type(node), node)
        elif isinstance(node, INLINE_TYPES):
            seen_inlines.setdefault(type(node), node)
    for cls in BLOCK_TYPES:
        if cls in seen_blocks:
            block = seen_blocks[cls]
            # a document with no text at all is an error writers may raise (an empty book), so a
            # text-less block such as a thematic break stands between two paragraphs
            blocks = (block,) if stringify(block).strip() else (Para([Text("前文。")]), block, Para([Text("后文。")]))
            docs[f"block-{cls.__name__}"] = Document(Metadata(language="zh-Hans"), blocks)
    for cls in INLINE_TYPES:
        if cls in seen_inlines:
            inline = seen_inlines[cls]
            content = [inline] if stringify(inline).strip() else [Text("前文"), inline, Text("后文。")]
            docs[f"inline-{cls.__name__}"] = Document(Metadata(language="zh-Hans"), (Para(content),))
    return docs


def coverage_gaps(docs: Mapping[str, Document] | None = None) -> list[str]:
    """What of the model the documents do not use (empty when they use everything)."""
    docs = sample_documents() if docs is None else docs
    nodes = [n for d in docs.values() for n in walk(d)]
    used = {type(n) for n in nodes}
    gaps = [f"block {c.__name__}" for c in BLOCK_TYPES if c not in used]
    gaps += [f"inline {c.__name__}" for c in INLINE_TYPES if c not in used]
    for name in Metadata.__dataclass_fields__:
        if not any(getattr(d.metadata, name) for d in docs.values()):
            gaps.append(f"metadata {name}")
    attrs = [n.attr for n in nodes if hasattr(n, "attr")]
    for name in ("id", "classes", "kv", "lang"):
        if not any(getattr(a, name) for a in attrs):
            gaps.append(f"attr {name}")
    levels = {n.level for n in nodes if isinstance(n, Heading)}
    gaps += [f"heading level {lv}" for lv in range(1, 7) if lv not in levels]
    languages = {d.metadata.language for d in docs.values()}
    gaps += [f"language {lang}" for lang in ("zh-Hans", "zh-Hant") if lang not in languages]
    if not any(isinstance(n, Link) and n.title for n in nodes):
        gaps.append("link title")
    if not any(isinstance(n, OrderedList) and n.start != 1 for n in nodes):
        gaps.append("ordered list start")
    return gaps


# ------------------------------------------------------------------------------------ checks


def _convert_flags() -> set[str]:
    from .cli import cli

    return {opt.lstrip("-").replace("-", "_") for p in cli.commands["convert"].params for opt in p.opts}


def _check_declaration(writer: Writer) -> None:
    def fail(message: str) -> None:
        raise ConformanceError(f"writer {getattr(writer, 'name', writer)!r}: {message}")

    if not isinstance(writer, Writer):
        fail("is not a wenzhuan.api.Writer instance")
    if not isinstance(writer.name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", writer.name):
        fail("`name` must be lower-case letters, digits, '-', '_' or '.' (it is typed after -t)")
    for alias in writer.aliases:
        if not isinstance(alias, str) or alias != alias.lower() or not alias.strip():
            fail(f"alias {alias!r} must be a lower-case name")
    if not writer.extensions or isinstance(writer.extensions, str):
        fail("`extensions` must be a non-empty tuple, e.g. ('txt',)")
    for ext in writer.extensions:
        if not isinstance(ext, str) or not ext or ext.startswith("."):
            fail(f"extension {ext!r} must be a name without the dot, e.g. 'txt'")
    if not isinstance(writer.media_type, str) or "/" not in writer.media_type:
        fail("`media_type` must be a media type such as 'text/plain; charset=utf-8'")
    names = set()
    taken = _convert_flags()
    for opt in writer.options:
        if not isinstance(opt, Option):
            fail(f"option {opt!r} is not a wenzhuan.api.Option")
        if not opt.name.isidentifier():
            fail(f"option name {opt.name!r} must be a Python identifier (it is given as -O {opt.name}=...)")
        if opt.name in names:
            fail(f"declares option {opt.name!r} twice")
        names.add(opt.name)
        if opt.name in taken:
            fail(f"option {opt.name!r} clashes with `wenzhuan convert {opt.flag}`; choose another name")
        try:
            opt.parse(opt.default, owner=f"format {writer.name!r}")
        except WenzhuanError as exc:
            fail(f"the default of option {opt.name!r} is not valid: {exc}")


def _charset(media_type: str) -> str:
    m = re.search(r"charset=([\w.-]+)", media_type, re.I)
    return m.group(1) if m else "utf-8"


def _render(writer, doc: Document, options: Mapping[str, Any], sample: str) -> bytes:
    try:
        data = render(doc, writer, options, ChangeReport())
    except Exception as exc:  # noqa: BLE001 - reported with the sample that caused it
        cause = exc.__cause__ if isinstance(exc, PluginError) and exc.__cause__ else None
        if cause is not None and str(cause) == "it wrote nothing to the output stream":  # render() refuses that
            raise ConformanceError(f"writer {writer.name!r} wrote nothing for sample {sample!r}") from exc
        what = f"{type(cause).__name__}: {cause}" if cause else str(exc)
        raise ConformanceError(f"writer {writer.name!r} failed on sample {sample!r}: {what}") from exc
    if not isinstance(data, bytes) or not data:
        raise ConformanceError(f"writer {writer.name!r} wrote nothing for sample {sample!r}")
    return data


def check_writer(writer: Writer, options: Mapping[str, Any] | None = None, *,
                 samples: Mapping[str, Document] | None = None) -> dict[str, bytes]:
    """Run the writer conformance checks (see the module docstring); returns the outputs."""
    options = dict(options or {})
    _check_declaration(writer)
    samples = sample_documents() if samples is None else samples
    outputs: dict[str, bytes] = {}
    for name, doc in samples.items():
        first = _render(writer, doc, options, name)
        again = _render(writer, doc, options, name)
        if first != again:
            raise ConformanceError(f"writer {writer.name!r} is not deterministic: two writes of sample "
                                   f"{name!r} differ (timestamps? set iteration? random ids?)")
        if not writer.binary:
            try:
                first.decode(_charset(writer.media_type))
            except (UnicodeDecodeError, LookupError) as exc:
                raise ConformanceError(f"writer {writer.name!r} is a text writer but its output for "
                                       f"{name!r} is not {_charset(writer.media_type)}: {exc}") from None
        outputs[name] = first
    _check_atomic(writer, samples["hans-article"], options, outputs["hans-article"])
    return outputs


class _Tripwire:
    """A stream that fails (like a full disk) once `limit` bytes have been written."""

    def __init__(self, out, limit: int):
        self._out, self._limit, self._count = out, limit, 0

    def write(self, data) -> int:
        room = self._limit - self._count
        if len(data) > room:
            self._out.write(bytes(data[:max(room, 0)]))
            raise OSError(28, "No space left on device (simulated by wenzhuan.testing)")
        self._count += len(data)
        return self._out.write(data)

    def __getattr__(self, name: str):
        return getattr(self._out, name)


class _FailingWriter:
    def __init__(self, writer: Writer, limit: int):
        self._writer, self._limit = writer, limit
        self.name, self.options = writer.name, writer.options

    def write(self, doc, out, ctx) -> None:
        self._writer.write(doc, _Tripwire(out, self._limit), ctx)


def _check_atomic(writer: Writer, doc: Document, options: Mapping[str, Any], expected: bytes) -> None:
    """A write that fails half-way leaves an existing output as it was and creates no file."""
    with tempfile.TemporaryDirectory(prefix="wenzhuan-check-") as tmp:
        folder = Path(tmp)
        existing = folder / f"existing.{writer.extensions[0]}"
        existing.write_bytes(b"previous content")
        fresh = folder / f"fresh.{writer.extensions[0]}"
        failing = _FailingWriter(writer, max(1, len(expected) // 2))
        for target in (existing, fresh):
            try:
                write_atomic(target, render(doc, failing, options, ChangeReport()))
            except WenzhuanError:
                pass
            else:
                raise ConformanceError(f"writer {writer.name!r} went on after a write to its output "
                                       f"failed; let the error propagate")
        if existing.read_bytes() != b"previous content" or fresh.exists():
            raise ConformanceError(f"a failed write by {writer.name!r} changed the output folder")
        left = sorted(os.listdir(folder))
        if left != [existing.name]:
            raise ConformanceError(f"a failed write by {writer.name!r} left files behind: {left}")
        write_atomic(fresh, render(doc, writer, options, ChangeReport()))
        if fresh.read_bytes() != expected:
            raise ConformanceError(f"writer {writer.name!r} wrote different bytes to a file than to memory")


def check_transform(transform: Transform, options: Mapping[str, Any] | None = None, *,
                    samples: Mapping[str, Document] | None = None) -> dict[str, Document]:
    """Run the transform conformance checks (see the module docstring); returns the results."""
    if not isinstance(transform, Transform) or not transform.name:
        raise ConformanceError(f"{transform!r} is not a named wenzhuan.api.Transform instance")
    opts = resolve_options(transform.options, dict(options or {}), owner=f"transform {transform.name!r}")
    samples = sample_documents() if samples is None else samples
    builtin = PluginHost(entry_points=False).catalog
    results: dict[str, Document] = {}
    for name, doc in samples.items():
        try:
            out = transform.apply(doc, TransformContext(ChangeReport(), f"transform:{transform.name}", opts))
            again = transform.apply(doc, TransformContext(ChangeReport(), f"transform:{transform.name}", opts))
        except Exception as exc:  # noqa: BLE001
            raise ConformanceError(f"transform {transform.name!r} failed on sample {name!r}: {exc}") from exc
        if not isinstance(out, Document):
            raise ConformanceError(f"transform {transform.name!r} returned {type(out).__name__}, not a Document, "
                                   f"for sample {name!r}")
        if out != again:
            raise ConformanceError(f"transform {transform.name!r} is not deterministic on sample {name!r}")
        try:
            if from_dict(to_dict(out)) != out:
                raise ValueError("the JSON round trip changes it")
        except Exception as exc:  # noqa: BLE001
            raise ConformanceError(f"transform {transform.name!r} made an invalid document from sample "
                                   f"{name!r}: {exc}") from exc
        for wname in ("markdown", "json"):
            _render(builtin.writers[wname], out, {}, f"{name} after {transform.name}")
        results[name] = out
    return results


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture
def wenzhuan_host(monkeypatch) -> Iterator[PluginHost]:
    """A fresh plugin host (built-ins only) that the pipeline and CLI use during this test."""
    host = PluginHost(entry_points=False)
    monkeypatch.setattr(manager, "_default", host)
    yield host


@pytest.fixture
def register_plugin(wenzhuan_host) -> Callable[..., PluginHost]:
    """`register_plugin(plugin, name=None, strict=True)`: add a plugin to the test's fresh host."""

    def register(plugin: object, name: str | None = None, *, strict: bool = True) -> PluginHost:
        name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        wenzhuan_host.add(plugin, name)
        problems = [p.message for p in wenzhuan_host.catalog.problems if p.plugin == name]
        if strict and problems:
            raise ConformanceError(f"plugin {name!r} did not register cleanly: " + "; ".join(problems))
        return wenzhuan_host

    return register


@pytest.fixture
def wenzhuan_cli(wenzhuan_host):
    """`wenzhuan_cli(*args, input=None)`: run the wenzhuan command in-process on the test's host."""
    from click.testing import CliRunner

    from .cli import cli

    def run(*args: str, input: str | bytes | None = None):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, prog_name="wenzhuan",
                                  terminal_width=80)

    return run


@pytest.fixture
def sample_docs() -> dict[str, Document]:
    """The conformance kit's sample documents."""
    return sample_documents()
