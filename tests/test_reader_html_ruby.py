"""Ruby annotations in HTML: the reading is not part of the text."""

from wenzhuan.pipeline import Source, load
from wenzhuan.walk import stringify


def test_ruby_readings_are_dropped():
    html = "<p>这是<ruby>漢<rp>(</rp><rt>hàn</rt><rp>)</rp></ruby>字的读音。</p>".encode()
    loaded = load(Source(html, "a.html"), from_format="html", skip_passes=["metadata"])
    assert stringify(loaded.document) == "这是漢字的读音。"
