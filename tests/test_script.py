"""Script conversion and bilingual editions: targets, dictionaries, documents, streams, the CLI."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap

import pytest

from wenzhuan.errors import InputError, OptionError
from wenzhuan.manager import PluginHost
from wenzhuan.model import (
    Attr, BlockQuote, Code, CodeBlock, Div, Document, Emph, Heading, LineBreak, Link, Metadata, Para,
    Span, Strong, Text, ThematicBreak,
)
from wenzhuan.pipeline import apply_transforms, render
from wenzhuan.plugins.markdown import render_markdown
from wenzhuan.report import ChangeReport
from wenzhuan.script import (
    TextConverter, bilingual_document, convert_document, convert_stream, detect_script, diff_spans,
    engine_lookup, load_dictionary, plan_editions, resolve, script_of, split_converted,
)
from wenzhuan.walk import collect, stringify

from .helpers import run_cli


@pytest.fixture(scope="module")
def host():
    return PluginHost(entry_points=False)


@pytest.fixture(scope="module")
def lookup(host):
    return engine_lookup(host.catalog)


def hans_doc(**meta) -> Document:
    return Document(Metadata(title="软件说明", subtitle="鼠标与头发", authors=("张三", "李四"), source="网络日报",
                             tags=("电脑", "软件"), **meta), (
        Heading(2, (Text("头发"),), Attr(id="tou-fa")),
        Para((Text("这个"), Strong((Text("软"),)), Text("件很好用，"), Code("软件 = 1"), Text("鼠标也是。"))),
        CodeBlock("软件\n头发"),
        ThematicBreak(),
        Para((Link((Text("软件"),), "https://example.com/软件", "软件下载"),)),
    ))


# ----------------------------------------------------------------------------- targets


@pytest.mark.parametrize("tag, script", [
    ("zh-Hans", "hans"), ("zh-CN", "hans"), ("zh-Hant", "hant"), ("zh-Hant-TW", "tw"), ("zh-TW", "tw"),
    ("zh-HK", "hk"), ("zh-Hant-HK", "hk"), ("zh", None), ("en", None), ("", None),
])
def test_script_of_language_tags(tag, script):
    assert script_of(tag) == script


@pytest.mark.parametrize("target, language, configs, tag", [
    ("hant", "zh-Hans", ("s2t",), "zh-Hant"),
    ("hant", "zh-Hant", (), "zh-Hant"),           # already Traditional: nothing to do
    ("hant", "zh-Hant-TW", (), "zh-Hant-TW"),
    ("hans", "zh-Hant", ("t2s",), "zh-Hans"),
    ("hans", "zh-Hant-TW", ("tw2s",), "zh-Hans"),
    ("hans", "zh-HK", ("hk2s",), "zh-Hans"),
    ("hans", "zh-Hans", (), "zh-Hans"),
    ("tw", "zh-Hans", ("s2tw",), "zh-Hant-TW"),
    ("tw", "zh-Hant", ("t2tw",), "zh-Hant-TW"),
    ("tw", "zh-Hant-HK", ("hk2t", "t2tw"), "zh-Hant-TW"),
    ("tw-phrases", "zh-Hans", ("s2twp",), "zh-Hant-TW"),
    ("hk", "zh-Hans", ("s2hk",), "zh-Hant-HK"),
    ("hk", "zh-Hant-TW", ("tw2t", "t2hk"), "zh-Hant-HK"),
    ("auto", "zh-Hans", ("s2t",), "zh-Hant"),
    ("auto", "zh-Hant-TW", ("tw2s",), "zh-Hans"),
    ("s2twp", "zh-Hant", ("s2twp",), "zh-Hant-TW"),  # a config always runs
    ("T2S.json", "", ("t2s",), "zh-Hans"),
])
def test_resolve(target, language, configs, tag):
    plan = resolve(target, language)
    assert plan.configs == configs
    assert plan.language == tag


def test_resolve_detects_the_script_when_the_language_is_unknown(lookup):
    assert detect_script("这个软件很好用，头发也干了。", lookup) == "hans"
    assert detect_script("這個軟件很好用，頭髮也乾了。", lookup) == "hant"
    assert detect_script("hello 123", lookup) is None
    plan = resolve("hant", "", text="這個軟件很好用。", engine=lookup)
    assert plan.noop and plan.source_language == "zh-Hant"
    plan = resolve("hant", "", text="这个软件很好用。", engine=lookup)
    assert plan.configs == ("s2t",) and plan.source_language == "zh-Hans"


def test_unknown_target_is_a_clear_error():
    with pytest.raises(OptionError, match=r"unknown script target 'hnt'.*did you mean 'hant'"):
        resolve("hnt")


# ------------------------------------------------------------------------ dictionaries


def test_user_dictionary_has_priority_with_longest_match(tmp_path, lookup):
    assert lookup("s2t")("两进一出") == "兩進一齣"  # OpenCC's own answer, which users need to correct
    path = tmp_path / "fix.tsv"
    path.write_text("\ufeff# corrections\n两进一出\t兩進一出\n\n一出\t壹出\n进一\t X \n", encoding="utf-8")
    table = load_dictionary(path)
    assert table == {"两进一出": "兩進一出", "一出": "壹出", "进一": " X "}
    conv = TextConverter([lookup("s2t")], table)
    assert conv("他两进一出，又一出戏。") == "他兩進一出，又壹出戲。"
    assert conv.convert_many(["两进一出", "", "头发"]) == ["兩進一出", "", "頭髮"]
    texts = ["两进一出", "", "头发", "软件" * 20, "", "头"] * 5
    for batch in (1, 3, 10, 45, 1 << 20):  # several engine calls, each up to and with the text that fills it
        assert conv.convert_many(texts, batch=batch) == [conv(t) for t in texts]


@pytest.mark.parametrize("content, message", [
    ("两进一出 兩進一出\n", "line 1: expected source<TAB>target, found no tab"),
    ("a\tb\n# ok\nx\ty\tz\n", "line 3: expected source<TAB>target, found 2 tabs"),
    ("\t兩\n", "line 1: source is empty"),
    ("两\t\n", "line 1: target is empty"),
    ("两\t兩\n两\t㒳\n", "line 2: '两' is already mapped to '兩' on line 1"),
])
def test_malformed_dictionary_lines_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_dictionary(path)
    assert str(info.value).startswith(f"{path}: {message}")


def test_dictionary_not_utf8(tmp_path):
    path = tmp_path / "gbk.tsv"
    path.write_bytes("a\tb\n两\t兩\n".encode("gbk"))
    with pytest.raises(InputError, match="line 2: not UTF-8"):
        load_dictionary(path)


# ---------------------------------------------------------------------------- documents


def test_convert_document_text_metadata_and_language(lookup):
    doc = convert_document(hans_doc(), "tw-phrases", lookup)
    m = doc.metadata
    assert (m.title, m.subtitle, m.authors, m.source, m.tags, m.language) == (
        "軟體說明", "滑鼠與頭髮", ("張三", "李四"), "網路日報", ("電腦", "軟體"), "zh-Hant-TW")
    heading, para, code, rule, link_para = doc.blocks
    assert heading == Heading(2, (Text("頭髮"),), Attr(id="tou-fa"))
    # the phrase 软件 spans the bold boundary and is still converted as a phrase (軟體, not 軟件)
    assert para.content == (Text("這個"), Strong((Text("軟"),)), Text("體很好用，"), Code("软件 = 1"), Text("滑鼠也是。"))
    assert code == CodeBlock("软件\n头发") and rule == ThematicBreak()
    link = link_para.content[0]
    assert (link.content, link.url, link.title) == ((Text("軟體"),), "https://example.com/软件", "軟體下載")


def test_convert_document_is_a_no_op_in_the_target_script(lookup):
    doc = Document(Metadata(language="zh-Hant"), (Para((Text("這個軟件很好用"),)),))
    assert convert_document(doc, "hant", lookup) is doc
    # without a language tag the script is detected
    doc2 = Document(blocks=(Para((Text("這個軟件很好用"),)),))
    assert convert_document(doc2, "hant", lookup) is doc2
    assert stringify(convert_document(doc2, "hans", lookup).blocks[0]) == "这个软件很好用"


def test_language_tag_wins_over_detection(lookup):
    """The normalizer's detection (metadata.language) is trusted: hans on a doc tagged zh-Hans is a no-op."""
    doc = Document(Metadata(language="zh-Hans"), (Para((Text("這個軟件"),)),))
    assert convert_document(doc, "hans", lookup) is doc


def test_line_breaks_and_code_split_phrases_but_formatting_does_not(lookup):
    para = Para((Text("头"), Emph((Text("发"),)), LineBreak(), Text("软"), Code("x"), Text("件")))
    out = convert_document(Document(blocks=(para,)), "s2twp", lookup).blocks[0]
    assert out.content == (Text("頭"), Emph((Text("髮"),)), LineBreak(), Text("軟"), Code("x"), Text("件"))


def test_unchanged_nodes_are_kept_and_phrases_that_change_length_are_split_back(lookup):
    same = Para((Text("abc"),))
    quote = BlockQuote((Para((Text("x "), Strong((Text("y"),)))),))
    mixed = Para((Text("ok "), Strong((Text("z"),)), Text("头发")))
    grown = Para((Text("U"), Strong((Text("盘"),)), Text("很好")))  # s2twp: U盘 -> 隨身碟, a phrase that grew
    doc = Document(blocks=(same, quote, mixed, grown))
    out = convert_document(doc, "s2twp", lookup).blocks
    assert out[0] is same and out[1] is quote
    assert out[2].content[1] is mixed.content[1] and out[2].content[2] == Text("頭髮")
    assert stringify(out[3]) == "隨身碟很好" and isinstance(out[3].content[1], Strong)


@pytest.mark.parametrize("config", ["s2t", "s2twp", "t2s"])
def test_paragraphs_converted_directly_match_the_general_path(lookup, config):
    """Paragraphs of Text runs and one-Text emphasis, links and spans are converted without the
    general walk; a block quote of the same paragraphs goes through it: the results agree."""
    texts = ["这个软件很好用", "U盘和鼠标都在内存条旁边", "頭髮與軟體", "abc"]
    paras = []
    for t in texts:
        for cut in range(1, len(t)):
            for wrap in (lambda c: Strong(c), lambda c: Emph(c), lambda c: Link(c, "https://e.x"),
                         lambda c: Span(c, Attr(classes=("k",)))):
                paras.append(Para((Text(t[:cut]), wrap((Text(t[cut:cut + 2]),)), Text(t[cut + 2:])), Attr(id="p")))
    direct = convert_document(Document(blocks=tuple(paras)), config, lookup).blocks
    general = convert_document(Document(blocks=(BlockQuote(tuple(paras)),)), config, lookup).blocks[0].blocks
    assert direct == general
    assert any(d != p for d, p in zip(direct, paras))


def test_collections_convert_each_article_by_its_own_script(lookup):
    a = Document(Metadata(title="头发", language="zh-Hans"), (Para((Text("软件"),)),))
    b = Document(Metadata(title="頭髮", language="zh-Hant"), (Para((Text("軟件"),)),))
    book = convert_document(collect([a, b], Metadata(title="文集")), "hans", lookup)
    from wenzhuan.walk import chapters
    arts = chapters(book)
    assert [(x.metadata.title, x.metadata.language, stringify(x.blocks[0])) for x in arts] == [
        ("头发", "zh-Hans", "软件"), ("头发", "zh-Hans", "软件")]


@pytest.mark.parametrize("runs, converted, expected", [
    (["软", "件"], "軟體", ["軟", "體"]),
    (["算", "法很"], "演算法很", ["演算", "法很"]),   # a phrase that grew is shared out
    (["英伟", "达"], "輝達", ["輝", "達"]),
    (["ab", "", "cd"], "abcd", ["ab", "", "cd"]),
])
def test_split_converted(runs, converted, expected):
    out = split_converted(runs, converted)
    assert out == expected and "".join(out) == converted


def test_diff_spans():
    assert diff_spans("这个软件", "這個軟體") == [("這個軟體", True)]
    assert diff_spans("我们在老挝", "我們在寮國") == [("我", False), ("們", True), ("在", False), ("寮國", True)]
    assert diff_spans("排序算法", "排序演算法") == [("排序", False), ("演", True), ("算法", False)]
    assert diff_spans("abc", "abc") == [("abc", False)]


# ---------------------------------------------------------------------------- bilingual


def test_bilingual_structure(lookup):
    doc = bilingual_document(hans_doc(), "hant", lookup, layout="side-by-side", mark=True)
    assert doc.metadata.title == "软件说明" and doc.metadata.language == "zh-Hans"
    assert doc.metadata.extra["bilingual"] == {
        "layout": "side-by-side", "language": "zh-Hant", "title": "軟件說明", "authors": ["張三", "李四"],
        "source": "網絡日報", "subtitle": "鼠標與頭髮", "tags": ["電腦", "軟件"]}
    heading_pair, para_pair, code, rule, link_pair = doc.blocks
    assert (code, rule) == (CodeBlock("软件\n头发"), ThematicBreak())  # no text: not doubled
    assert heading_pair == Div((
        Div((Heading(2, (Text("头发"),), Attr(id="tou-fa")),), Attr(classes=("bilingual-original",), lang="zh-Hans")),
        Div((Heading(2, (Span((Text("頭髮"),), Attr(classes=("script-diff",))),), Attr(id="tou-fa-zh-hant")),),
            Attr(classes=("bilingual-converted",), lang="zh-Hant")),
    ), Attr(classes=("bilingual", "side-by-side")))
    diff = Attr(classes=("script-diff",))
    converted_para = para_pair.blocks[1].blocks[0]
    assert converted_para.content == (
        Span((Text("這個"),), diff), Strong((Span((Text("軟"),), diff),)), Text("件很好用，"), Code("软件 = 1"),
        Text("鼠"), Span((Text("標"),), diff), Text("也是。"))


def test_bilingual_refuses_the_documents_own_script(lookup):
    with pytest.raises(OptionError, match="already in zh-Hans.*--bilingual hant"):
        bilingual_document(hans_doc(language="zh-Hans"), "hans", lookup)
    once = bilingual_document(hans_doc(), "auto", lookup)
    with pytest.raises(OptionError, match="already bilingual"):
        bilingual_document(once, "auto", lookup)


BILINGUAL_MD = textwrap.dedent("""\
    ---
    title: 软件说明
    authors:
    - 张三
    language: zh-Hans
    bilingual:
      layout: interleaved
      language: zh-Hant-TW
      title: 軟體說明
      authors:
      - 張三
    ---

    # 头发

    # 頭髮

    这个**软**件很好用，`软件`不变。

    這個**軟**體很好用，`软件`不變。

    ```
    软件
    ```
    """)

SOURCE_MD = "---\ntitle: 软件说明\nauthors: [张三]\n---\n\n# 头发\n\n这个**软**件很好用，`软件`不变。\n\n```\n软件\n```\n"


def test_bilingual_markdown_from_the_command_line(tmp_path):
    src = tmp_path / "a.md"
    src.write_text(SOURCE_MD, encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "bilingual", "--bilingual", "tw-phrases", "-o", "-")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == BILINGUAL_MD
    # the markdown writer renders the same divisions the same way
    done = run_cli("convert", str(src), "-t", "md", "--bilingual", "tw-phrases", "-o", "-")
    assert done.stdout.decode() == BILINGUAL_MD


def test_bilingual_writer_applies_the_other_script_and_marks_in_bold(tmp_path):
    src = tmp_path / "a.md"
    src.write_text(SOURCE_MD, encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "bilingual", "-o", "-", "--no-front-matter",
                   "--mark-differences", "--mark-style", "bold")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == (
        "# 头发\n\n# **頭髮**\n\n这个**软**件很好用，`软件`不变。\n\n**這個軟**件很好用，`软件`不**變**。\n\n"
        "```\n软件\n```\n")


def test_bilingual_writer_in_process(host):
    writer = host.catalog.writer("bilingual")
    doc = Document(Metadata(language="zh-Hant"), (Para((Text("頭髮"),)),))
    data = render(doc, writer, {"front_matter": False}, ChangeReport(), catalog=host.catalog)
    assert data.decode() == "頭髮\n\n头发\n"


def test_transforms_in_process(host):
    report = ChangeReport()
    out = apply_transforms(hans_doc(), ["script", "bilingual"], report, host=host, options={
        "script": {"target": "hk"}, "bilingual": {"target": "hans", "layout": "interleaved"}})
    assert out.metadata.language == "zh-Hant-HK"
    assert out.metadata.extra["bilingual"]["title"] == "软件说明"
    pair = out.blocks[1]
    assert [d.attr.lang for d in pair.blocks] == ["zh-Hant-HK", "zh-Hans"]
    assert stringify(pair.blocks[1]) == "这个软件很好用，软件 = 1鼠标也是。"
    # a no-op conversion is reported, not silent
    apply_transforms(out, ["script"], report, host=host, options={"script": {"target": "hant"}})
    assert any("changed nothing" in w.describe() for w in report.warnings)


def test_markdown_writer_flattens_the_bilingual_divisions(lookup):
    doc = bilingual_document(Document(blocks=(Para((Text("头发"),)),)), "hant", lookup)
    assert render_markdown(doc, front=False) == "头发\n\n頭髮\n"


# ------------------------------------------------------------------------------ editions


def test_several_editions_from_one_normalization(tmp_path):
    src = tmp_path / "a.md"
    src.write_text(SOURCE_MD, encoding="utf-8")
    out = tmp_path / "out.md"
    done = run_cli("convert", str(src), "-o", str(out), "--no-front-matter", "--edition", "original",
                   "--edition", "hant", "--edition", "bilingual", "--edition", "bilingual:hk")
    assert done.returncode == 0, done.stderr.decode()
    names = ["out.md", "out.hant.md", "out.bilingual.md", "out.bilingual-hk.md"]
    assert done.stderr.decode().splitlines() == [f"wrote {tmp_path / n}" for n in names]
    body = "这个**软**件很好用，`软件`不变。"
    assert body in (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "這個**軟**件很好用，`软件`不變。" in (tmp_path / "out.hant.md").read_text(encoding="utf-8")
    assert (tmp_path / "out.bilingual.md").read_text(encoding="utf-8").startswith("# 头发\n\n# 頭髮\n\n")
    assert (tmp_path / "out.bilingual-hk.md").read_text(encoding="utf-8").startswith("# 头发\n\n# 頭髮\n\n")


def test_plan_editions_errors():
    with pytest.raises(OptionError, match="--layout and --mark-differences go with --bilingual"):
        plan_editions(mark_differences=True)
    with pytest.raises(OptionError, match="either --edition or --script"):
        plan_editions(script="hant", editions=["original"])
    plan = plan_editions(layout="side-by-side", writer="bilingual")[0]
    assert plan.transforms == ("bilingual",) and plan.options["bilingual"]["target"] == "auto"


def test_convert_with_dictionary_and_errors(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("两进一出\n", encoding="utf-8")
    good = tmp_path / "d.tsv"
    good.write_text("两进一出\t兩進一出\n", encoding="utf-8")
    done = run_cli("convert", str(src), "--script", "hant", "-t", "md", "--no-front-matter", "-o", "-")
    assert done.stdout.decode() == "兩進一齣\n"
    done = run_cli("convert", str(src), "--script", "hant", "--dict", str(good), "-t", "md",
                   "--no-front-matter", "-o", "-")
    assert done.stdout.decode() == "兩進一出\n"
    bad = tmp_path / "bad.tsv"
    bad.write_text("两进一出 兩進一出\n", encoding="utf-8")
    done = run_cli("convert", str(src), "--script", "hant", "--dict", str(bad), "-t", "md", "-o", "-")
    assert done.returncode == 1
    assert done.stderr.decode().startswith(f"wenzhuan: error: {bad}: line 1: expected source<TAB>target")
    done = run_cli("convert", str(src), "--bilingual", "hans", "-t", "md", "-o", "-")
    assert done.returncode == 2 and "already in zh-Hans" in done.stderr.decode()


# ------------------------------------------------------------------------ wenzhuan script


def test_script_command_stdin_stdout_preserves_lines(tmp_path):
    data = "这个软件\r\n\n头发  \n末行没有换行".encode()
    done = run_cli("script", "s2twp", input=data)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == "這個軟體\r\n\n頭髮  \n末行沒有換行".encode()
    out = tmp_path / "o.txt"
    done = run_cli("script", "s2t", "-", "-o", str(out), input=data)
    assert done.returncode == 0 and out.read_bytes() == "這個軟件\r\n\n頭髮  \n末行沒有換行".encode()
    done = run_cli("script", "s2t", "-o", str(out), input=data)
    assert done.returncode == 1 and "already exists" in done.stderr.decode()


def test_script_command_dictionary_and_errors(tmp_path):
    d = tmp_path / "d.tsv"
    d.write_text("两进一出\t兩進一出\n", encoding="utf-8")
    done = run_cli("script", "s2t", "--dict", str(d), input="两进一出\n".encode())
    assert done.stdout.decode() == "兩進一出\n"
    done = run_cli("script", "s2x", input=b"")
    assert done.returncode == 2 and done.stderr.decode().startswith("wenzhuan: error: unknown OpenCC config 's2x'")
    done = run_cli("script", "s2t", input="头发".encode("gbk"))
    assert done.returncode == 1
    assert done.stderr.decode().strip() == ("wenzhuan: error: <stdin>: not valid utf-8 near byte 2 "
                                            "(give the input's encoding with --encoding)")
    done = run_cli("script", "s2t", "--encoding", "gbk", input="头发\n".encode("gbk"))
    assert done.stdout.decode() == "頭髮\n"
    done = run_cli("script", "s2t", "--encoding", "utf-16", input="头发\n".encode("utf-16-le"))
    assert done.returncode == 1 and done.stderr.decode().strip() == (
        "wenzhuan: error: <stdin>: not valid utf-16: UTF-16 stream does not start with BOM "
        "(without a byte-order mark, name the byte order: --encoding utf-16-le or utf-16-be)")
    done = run_cli("script", "s2t", "--encoding", "utf-16-le", input="头发\n".encode("utf-16-le"))
    assert done.stdout.decode() == "頭髮\n"
    done = run_cli("script", "t2s", str(tmp_path / "missing.txt"))
    assert done.returncode == 1 and "missing.txt" in done.stderr.decode()


ENGINE_PLUGIN = """
from wenzhuan.api import ScriptConverter, hookimpl

class Shout(ScriptConverter):
    name = "shout"
    configs = ("s2t",)

    def converter(self, config):
        return lambda s: s.replace("汉", "漢!")

@hookimpl
def register_script_converters(register):
    register(Shout())
"""


def test_script_command_engines_come_from_plugins(tmp_path):
    """`wenzhuan script` uses the built-in engine without loading the plugins, but a plugged-in
    engine is still there with --engine, and a blocked built-in is not used."""
    from .helpers import make_plugin_dist

    site = make_plugin_dist(tmp_path / "site", "wz-shout", "wz_shout", ENGINE_PLUGIN)
    env = {"PYTHONPATH": str(site)}
    done = run_cli("script", "s2t", "--engine", "shout", input="汉语\n".encode(), env=env, plugins=True)
    assert (done.returncode, done.stdout.decode()) == (0, "漢!语\n"), done.stderr.decode()
    done = run_cli("script", "s2t", input="汉语\n".encode(), env=env, plugins=True)
    assert done.stdout.decode() == "漢語\n"
    done = run_cli("script", "s2t", input="汉语\n".encode(), plugins=True,
                   env={**env, "WENZHUAN_BLOCK_PLUGINS": "wenzhuan.plugins.opencc"})
    assert (done.returncode, done.stdout.decode()) == (0, "漢!语\n"), done.stderr.decode()
    done = run_cli("script", "t2s", input="漢語\n".encode(), env={"WENZHUAN_BLOCK_PLUGINS": "wenzhuan.plugins.opencc"})
    assert done.returncode == 2 and "no script conversion engine supports 't2s'" in done.stderr.decode()


def test_convert_stream_in_small_chunks_matches_whole_conversion(lookup):
    text = "".join(f"第{i}行：这个软件的头发干了，两进一出。\n" for i in range(300)) + "没有换行的末尾"
    conv = TextConverter([lookup("s2twp")])
    whole = conv(text).encode()
    for chunk in (1, 7, 64, 4096):
        out = io.BytesIO()
        assert convert_stream(io.BytesIO(text.encode()), out, conv, chunk=chunk) == len(text)
        assert out.getvalue() == whole, chunk


def test_convert_stream_cuts_very_long_lines_at_punctuation(lookup):
    text = "这个软件很好用，" * 2000  # one line, no newline at all
    seen: list[str] = []
    conv = TextConverter([lookup("s2twp")])

    def spy(s: str) -> str:
        seen.append(s)
        return conv(s)

    out = io.BytesIO()
    convert_stream(io.BytesIO(text.encode()), out, spy, chunk=1000, max_line=3000)
    assert out.getvalue() == conv(text).encode()
    assert len(seen) > 4 and max(len(s) for s in seen) <= 4000
    assert all(s.endswith("，") for s in seen)


def test_script_command_memory_is_bounded(tmp_path):
    """200 MB through `wenzhuan script` in a process whose peak memory stays far below that."""
    line = ("这个软件很好用，头发也干了。" * 10 + "\n").encode()
    total = 200 * 1024 * 1024
    env = dict(os.environ, WENZHUAN_LOAD_PLUGINS="")
    proc = subprocess.Popen([sys.executable, "-m", "wenzhuan", "script", "s2t"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    import threading

    counted = []

    def drain():
        n = 0
        while chunk := proc.stdout.read(1 << 20):
            n += len(chunk)
        counted.append(n)

    reader = threading.Thread(target=drain)
    reader.start()
    block = line * (4 * 1024 * 1024 // len(line))
    sent, peak_kb = 0, 0
    status_file = f"/proc/{proc.pid}/status"
    while sent < total:
        proc.stdin.write(block)
        sent += len(block)
        if os.path.exists(status_file):  # VmHWM: this process's own peak (ru_maxrss would count the fork's)
            with open(status_file) as fh:
                peak_kb = max([peak_kb] + [int(x.split()[1]) for x in fh if x.startswith("VmHWM:")])
    proc.stdin.close()
    reader.join()
    assert proc.wait() == 0, proc.stderr.read().decode()
    assert counted[0] == sent  # s2t keeps the length: every character came through
    if os.path.exists("/proc/self/status"):
        assert 0 < peak_kb < 120 * 1024, f"peak {peak_kb // 1024} MB"
        print(f"peak {peak_kb // 1024} MB")


def test_bilingual_transform_twice_changes_nothing_and_says_so(lookup):
    from wenzhuan.manager import PluginHost
    from wenzhuan.pipeline import apply_transforms
    from wenzhuan.report import ChangeReport

    host = PluginHost(entry_points=False)
    report = ChangeReport()
    once = apply_transforms(hans_doc(), ["bilingual"], report, host=host)
    twice = apply_transforms(once, ["bilingual"], report, host=host)
    assert twice == once
    assert [w.message for w in report.warnings] == ["the document is already bilingual; left as it is"]


def test_converting_leaves_the_garbage_collector_collecting(lookup):
    """The collector is paused while nodes are rebuilt, and afterwards collects the caller's
    young garbage as before: a long-running worker converting often must not stop collecting."""
    import gc

    class Cycle:
        def __init__(self):
            self.me = self

    frozen = gc.get_freeze_count()
    before = gc.get_stats()[0]["collections"]
    for _ in range(300):
        for _ in range(100):
            Cycle()  # garbage only a collection frees
        convert_document(hans_doc(), "hant", lookup)
    assert gc.get_freeze_count() == frozen
    # 30,000 objects in cycles: dozens of young collections (700 allocations start one);
    # none when each conversion reset the young count
    assert gc.get_stats()[0]["collections"] - before >= 20
