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
