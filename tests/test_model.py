import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings

from wenzhuan.errors import WenzhuanError
from wenzhuan.model import (
    Attr, BulletList, Document, Emph, Heading, Link, Metadata, Para, Text, from_json, iter_json, new_plain_paras,
    new_text, to_dict, to_json, with_fields,
)
from wenzhuan.walk import chapters, collect, map_text, para, query, stringify

from .strategies import documents


@settings(max_examples=300, deadline=None)
@given(documents)
def test_json_round_trip_is_lossless(doc):
    assert from_json(to_json(doc)) == doc


@settings(max_examples=300, deadline=None)
@given(documents)
def test_json_in_pieces_is_the_json(doc):
    assert "".join(iter_json(doc)) == to_json(doc, indent=None)


def test_wire_form_is_versioned():
    data = to_dict(Document(Metadata(title="标题"), (para("正文"),)))
    assert data["wenzhuan_model"] == 1
    assert data["blocks"] == [{"type": "Para", "content": [{"type": "Text", "text": "正文"}]}]


def test_wrong_schema_version_is_refused():
    with pytest.raises(WenzhuanError, match="schema version 2"):
        from_json('{"wenzhuan_model": 2, "blocks": []}')


def test_unknown_node_type_is_refused():
    with pytest.raises(WenzhuanError, match="unknown node type 'Table'"):
        from_json('{"wenzhuan_model": 1, "blocks": [{"type": "Table"}]}')


def test_nodes_are_frozen_and_lists_become_tuples():
    p = Para([Text("一"), Text("二")])
    assert p.content == (Text("一"), Text("二"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.content = ()
    assert BulletList([[p]]).items == ((p,),)
    assert Attr(kv={"a": "b"}).kv == (("a", "b"),)
    assert not hasattr(p, "__dict__")  # slotted


def test_fast_rebuilding_makes_what_the_constructors_make():
    attr = Attr(id="x", classes=("c",))
    made = [new_text("文"), *new_plain_paras(["文", "字"], [attr, Attr()]),
            with_fields(Link((Text("a"),), "u", "t"), title="T"), with_fields(Heading(2, (Text("a"),), attr), content=(Emph((Text("b"),)),))]
    expected = [Text("文"), Para((Text("文"),), attr), Para((Text("字"),)), Link((Text("a"),), "u", "T"),
                Heading(2, (Emph((Text("b"),)),), attr)]
    assert made == expected
    assert [hash(m) for m in made] == [hash(e) for e in expected]
    assert [type(m) for m in made] == [type(e) for e in expected]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[1].attr = Attr()


def test_metadata_date_accepts_iso_and_datetime():
    assert Metadata(date="2020-08-07").date == dt.date(2020, 8, 7)
    assert Metadata(date=dt.datetime(2022, 1, 25, 13, 47)).date == dt.date(2022, 1, 25)


def test_heading_level_is_checked():
    with pytest.raises(ValueError):
        Heading(7, ())


def test_walk_helpers():
    doc = Document(blocks=(Heading(1, (Text("标"),)), Para((Text("甲"), Emph((Text("乙"),))))))
    assert stringify(doc) == "标\n甲乙"
    assert [t.text for t in query(doc, Text)] == ["标", "甲", "乙"]
    doubled = map_text(doc, lambda s: s * 2)
    assert stringify(doubled) == "标标\n甲甲乙乙"
    assert stringify(doc) == "标\n甲乙"  # the original is untouched


def test_collection_round_trips_chapter_metadata():
    a = Document(Metadata(title="一", authors=("甲",), date="2020-01-02", language="zh-Hans"), (para("正文一"),))
    b = Document(Metadata(title="二"), (para("正文二"),))
    book = collect([a, b], Metadata(title="文集"))
    assert chapters(book) == [a, b]
    assert chapters(a) is None
    assert from_json(to_json(book)) == book
