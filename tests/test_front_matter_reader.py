"""Front matter is parsed with libyaml when it is safe to: the outcome must be exactly what
PyYAML's `safe_load` gives (the same values, or an error where it errs)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wenzhuan.plugins.readers.markdown import _load_yaml


def outcome(load, text: str):
    try:
        return "ok", repr(load(text))
    except yaml.YAMLError:
        return "yaml error", None
    except RecursionError:
        return "recursion", None
    except Exception as exc:  # noqa: BLE001 - compared, whatever it is
        return type(exc).__name__, None


@pytest.mark.parametrize("text", [
    'layout: post\ntitle: "城西社区图书馆扩建完工"\ndate: 2022-01-25 13:47:42 +0800\ncategories: [新闻, 社区]',
    "title: 標題\ntags:\n  - 邮政\n  - 快递\nauthor: 王晓梅\ndraft: no\nviews: 1_000",
    "date: 2020-13-45",  # not a date: an error from the constructor, in both
    "title: 为什么?\n",
    "date: \tdate",  # a tab: PyYAML refuses it, libyaml does not
    "tags: \u2028\ufeff",
    "layout: >#0o17",
    "{tags%.inf?}",
    "\ufeff\ufeffyes",
    "t: " + "[" * 2000 + "]" * 2000,  # nested too deeply for PyYAML
    "t:\n" + "".join(" " * i + "- \n" for i in range(600)),
    "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]",
    "title: !!python/object:os.system x",
    # lines of `key: string` (read without PyYAML's constructor) and near misses
    'layout: post\ntitle: " 城西 社区, [图书馆] #1 "\ndate: 2022-01-25 13:47:42 +0800\ntags: 邮政 快递',
    "title: a:b\nurl: http://x.cn/a?b=1", "title: a: b", "title: 标题:", "title: 标题 ", "title: 标\u00a0题",
    "a: x\na: y", "yes: x", "title: yes", "title: 12", "title: 2022-01-25", "title: ~", "title: -x",
    'title: "a\\"b"', "title: 'x'", "title: 《书名》", "title: x\n", "title: x\r\ndate: y",
])
def test_front_matter_is_read_as_pyyaml_reads_it(text):
    assert outcome(_load_yaml, text) == outcome(yaml.safe_load, text)


ATOMS = ["title", "date", "tags", ":", ": ", " ", "\t", "\n", "\n  ", "\n- ", '"', "'", "[", "]", "{", "}",
         ",", "#", "&x", "*x", "!!str", "|", ">", "?", "2020-01-02", "2020-01-02 13:47:42 +0800", "12", "yes",
         "~", "中文", "\\", "\u00a0", "\u3000", "\ufeff", "\x85", "\u2028", "\ue000", "---", "...", "<<", "\r",
         "\x80", "\ufffe"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), max_size=25).map("".join))
def test_any_front_matter_is_read_as_pyyaml_reads_it(text):
    assert outcome(_load_yaml, text) == outcome(yaml.safe_load, text)


@pytest.mark.parametrize("line, key, written", [
    ("date: 2020-02-30 10:00:00", "date", "2020-02-30 10:00:00"),  # no 30 February
    ("date: 2020-13-45", "date", "2020-13-45"),
    ("views: !!int many", "views", "many"),
    ("draft: !!bool maybe", "draft", "maybe"),
])
def test_a_value_yaml_cannot_make_keeps_the_front_matter_as_text(line, key, written):
    """A Jekyll post whose front matter holds an impossible date (or a tag its value does not
    fit) is still converted: its front matter read with every value as the text written, with
    a warning, rather than the file failing."""
    from wenzhuan.pipeline import Source, load

    text = f"---\ntitle: 邮政新规\n{line}\ntags: [新闻, 邮政]\n---\n正文第一段。\n"
    loaded = load(Source(text.encode("utf-8"), "post.md"))
    meta = loaded.document.metadata
    assert (meta.title, meta.tags, meta.date, meta.extra[key]) == ("邮政新规", ("新闻", "邮政"), None, written)
    [warning] = [w.describe() for w in loaded.report.warnings]
    assert "front matter holds a value YAML cannot make" in warning and "read as the text written" in warning


def test_front_matter_nested_beyond_reason_is_not_front_matter():
    from wenzhuan.plugins.readers.markdown import split_front_matter

    text = "---\nt: " + "[" * 2000 + "]" * 2000 + "\n---\n正文。\n"
    assert split_front_matter(text) == (None, text, 0)
