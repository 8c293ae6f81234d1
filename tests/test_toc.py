"""The built-in `toc` transform and transform options from the command line."""

import re

import pytest

from wenzhuan.api import (
    Attr, BulletList, Div, Document, Heading, Link, Metadata, OptionError, Para, Strong, Text, collect, heading,
    para, query,
)
from wenzhuan.manager import PluginHost
from wenzhuan.pipeline import apply_transforms
from wenzhuan.report import ChangeReport
from wenzhuan.walk import chapters

from .helpers import run_cli

HOST = PluginHost(entry_points=False)


def toc(doc, report=None, **options):
    return apply_transforms(doc, ["toc"], report or ChangeReport(), host=HOST,
                            options={"toc": {k: str(v) for k, v in options.items()}})


def outline(lst: BulletList, depth=0):
    """The table as (depth, text, target) rows."""
    rows = []
    for item in lst.items:
        [link] = item[0].content
        rows.append((depth, "".join(t.text for t in link.content), link.url))
        for sub in item[1:]:
            rows.extend(outline(sub, depth + 1))
    return rows


DOC = Document(Metadata(title="文", language="zh-Hans"), (
    heading(1, "第一章 开始"),
    para("正文。"),
    heading(3, "小节：细节", Link([Text("（链接）")], "http://x")),
    heading(2, "Second Part"),
    heading(1, "第一章 开始"),
    heading(2, "已有", attr=Attr(id="given")),
))


def test_table_lists_headings_nested_with_github_style_ids():
    report = ChangeReport()
    out = toc(DOC, report)
    table = out.blocks[0]
    assert isinstance(table, Div) and table.attr.id == "toc" and table.attr.classes == ("toc",)
    assert table.blocks[0] == Para((Strong((Text("目录"),)),))
    assert outline(table.blocks[1]) == [
        (0, "第一章 开始", "#第一章-开始"),
        (1, "小节：细节（链接）", "#小节细节链接"),   # links inside a heading become text; h3 under h1 nests once
        (1, "Second Part", "#second-part"),
        (0, "第一章 开始", "#第一章-开始-1"),       # repeated titles get numbered ids
        (1, "已有", "#given"),                      # an id already given is kept
    ]
    ids = [h.attr.id for h in query(out, Heading)]
    assert ids == ["第一章-开始", "小节细节链接", "second-part", "第一章-开始-1", "given"]
    assert [c.after for c in report.changes if c.kind == "heading id"] == ids[:4]
    assert out.blocks[1:] == tuple(b for b in toc(DOC).blocks[1:])  # deterministic


def test_depth_and_title_options_and_traditional_default_title():
    out = toc(DOC, depth=1, title="目次")
    assert out.blocks[0].blocks[0] == Para((Strong((Text("目次"),)),))
    assert [row[1] for row in outline(out.blocks[0].blocks[1])] == ["第一章 开始", "第一章 开始"]
    hant = Document(Metadata(language="zh-Hant-TW"), DOC.blocks)
    assert toc(hant).blocks[0].blocks[0] == Para((Strong((Text("目錄"),)),))


@pytest.mark.parametrize("depth", ["0", "7"])
def test_depth_out_of_range_is_an_option_error(depth):
    with pytest.raises(OptionError, match=f"takes 1 to 6, not {depth}"):
        toc(DOC, depth=depth)


def test_applying_twice_replaces_the_table():
    once = toc(DOC)
    assert toc(once) == once
    assert len([b for b in once.blocks if isinstance(b, Div)]) == 1


def test_no_headings_warns_and_changes_nothing():
    report = ChangeReport()
    doc = Document(Metadata(), (para("只有正文。"),))
    assert toc(doc, report) == doc
    assert "no headings" in report.warnings[0].describe()


def test_collection_gets_the_table_as_its_first_chapter():
    a = Document(Metadata(title="甲篇", language="zh-Hant"), (heading(2, "一節"), para("文。")))
    b = Document(Metadata(title="乙篇", language="zh-Hant"), (para("文。"),))
    out = toc(collect([a, b], Metadata(title="集")))
    arts = chapters(out)
    assert [x.metadata.title for x in arts] == ["目錄", "甲篇", "乙篇"]
    assert outline(arts[0].blocks[0]) == [(0, "甲篇", "#甲篇"), (1, "一節", "#一節"), (0, "乙篇", "#乙篇")]
    assert [d.attr.id for d in out.blocks] == ["toc", "甲篇", "乙篇"]
    assert chapters(toc(out)) == arts  # again: replaced, not added


def test_cli_transform_options(tmp_path):
    src = tmp_path / "a.md"
    # with a title in the front matter, the first `#` heading is a chapter, not the title
    src.write_text("---\ntitle: 书名\n---\n# 第一章\n\n正文。\n\n## 第一节\n\n正文。\n", encoding="utf-8")
    done = run_cli("convert", str(src), "-t", "md", "-o", "-", "--no-front-matter", "--transform", "toc", "-T", "toc.depth=1",
                   "-T", "toc.title=目次")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("**目次**\n\n- [第一章](#第一章)\n\n# 第一章\n")
    orphan = run_cli("convert", str(src), "-t", "md", "-o", "-", "-T", "toc.depth=1")
    assert orphan.returncode == 2 and "is for transform 'toc', which is not applied (add --transform toc)" in \
        orphan.stderr.decode()
    shape = run_cli("convert", str(src), "-t", "md", "-o", "-", "--transform", "toc", "-T", "depth=1")
    assert shape.returncode == 2 and "must look like NAME.KEY=VALUE" in shape.stderr.decode()
    typo = run_cli("convert", str(src), "-t", "md", "-o", "-", "--transform", "toc", "-T", "toc.dept=1")
    assert typo.returncode == 2
    assert typo.stderr.decode().strip() == (f"wenzhuan: error: {src}: transform 'toc' has no option 'dept' "
                                            "(did you mean 'depth'?)")
    unknown = run_cli("convert", str(src), "-t", "md", "-o", "-", "--transform", "tok")
    assert unknown.returncode == 2 and "unknown transform 'tok'; known: bilingual, script, toc" in unknown.stderr.decode()


def test_transforms_listing():
    listing = run_cli("transforms").stdout.decode()
    assert re.search(r"^toc +a table of contents from the headings, with links to them +\[built-in\]$", listing, re.M)
    one = run_cli("transforms", "toc").stdout.decode()
    assert "-T toc.depth=INTEGER  deepest heading level listed (1-6) [default: 3]" in one
    assert "provided by: built-in" in one
