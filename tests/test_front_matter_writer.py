"""The front matter emitter writes exactly what PyYAML's safe dumper writes, for any metadata."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wenzhuan.plugins import front_matter
from wenzhuan.plugins.front_matter import front_matter_dumper


def pyyaml(mapping) -> str:
    return yaml.dump(mapping, Dumper=front_matter_dumper(), allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=10**9)


def test_the_implicit_types_are_pyyamls():
    """The copy of PyYAML's implicit types (so that front matter is read and written without
    importing it) is its table, in its order, for every first character."""
    from yaml.resolver import Resolver

    def table(resolvers):
        return {first: [(tag, regexp.pattern, regexp.flags) for tag, regexp in entries]
                for first, entries in resolvers.items()}

    assert table(front_matter._RESOLVERS) == table(Resolver.yaml_implicit_resolvers)


AWKWARD = [
    "", " ", "yes", "No", "null", "~", "true", "False", "on", "OFF", "y", "n", "123", "-1", "0x1F", "0o17",
    "1e3", "1_000", ".5", ".inf", "-.Inf", ".nan", "1:20", "190:20:30", "2020-01-01", "2020-1-1 10:00:00",
    "<<", "=", "---", "...", "--- x", "... x", "- x", "-x", "-", "? x", "?x", "?", ": x", ":x", ":", "a: b",
    "a:b", "a:", "a #b", "a#b", "#a", ",a", "[a]", "{a}", "&a", "*a", "!a", "|a", ">a", "'a'", '"a"', "%a",
    "@a", "`a`", "a'b", 'a"b', "a, b", "a ", " a", "a  b", "tab\there", "line\nbreak", "line\r\nbreak",
    "nel\x85x", "ls\u2028x", "ps\u2029x", "bom\ufeffx", "nbsp\xa0x", "\xa0", "astral 𠀀", "\U0010ffff",
    "\U0010fffe", "\ue000", "\ud7ff", "\x7f", "\x00", "标题：副标题", "「引号」", "x" * 300, "长" * 5000,
]

text = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(st.sampled_from(list(" :#-?'\"!&*[]{},|>%@`~.=<0123456789eEyYnNoOtTfFaxl\t\n\x85\u2028\xa0长𠀀")),
            max_size=12),
    st.text(max_size=20),
)
scalar = st.one_of(text, st.booleans(), st.none(), st.integers(), st.floats(allow_nan=False),
                   st.dates(), st.datetimes())
value = st.one_of(scalar, st.lists(text, max_size=4), st.lists(scalar, max_size=3),
                  st.dictionaries(text, text, max_size=2))
key = st.one_of(st.sampled_from(["title", "authors", "date", "tags", "yes", "null", "on", "123", "a b",
                                 "a-b", "_x", "K" * 64, "K" * 65, "", "标题"]), text)


@settings(max_examples=3000, deadline=None)
@given(st.dictionaries(key, value, max_size=6))
def test_same_as_pyyaml(mapping):
    assert front_matter.dump(mapping) == pyyaml(mapping)


@pytest.mark.parametrize("s", AWKWARD)
def test_awkward_strings_as_values_and_in_lists(s):
    for mapping in ({"title": s}, {"tags": [s, "x", s]}, {"k": s, "n": 3, "b": False, "z": None}):
        assert front_matter.dump(mapping) == pyyaml(mapping)


def test_an_object_met_twice_is_left_to_pyyaml_which_writes_an_alias():
    shared, day = ["a"], dt.date(2020, 1, 1)
    for mapping in ({"a": shared, "b": shared}, {"date": day, "other": day}):
        assert front_matter.dump(mapping) == pyyaml(mapping)
        assert "&id001" in pyyaml(mapping)


def test_the_usual_shapes_do_not_need_pyyaml(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("fell back to PyYAML")

    monkeypatch.setattr(yaml, "dump", refuse)
    assert front_matter.dump({"title": "标题：副标题", "authors": ["张三"], "date": dt.date(2020, 1, 1),
                              "tags": ["2020-01-01"], "layout": "post", "draft": False, "n": 3}) == (
        "title: 标题：副标题\nauthors:\n- 张三\ndate: 2020-01-01\ntags:\n- '2020-01-01'\n"
        "layout: post\ndraft: false\nn: 3\n")
