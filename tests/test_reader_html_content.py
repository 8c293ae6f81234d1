"""A web page's main content: what is left out of a page is reported, one change per region, and
a GBK page reads as its UTF-8 original."""

from pathlib import Path

from .normalize_fixtures import normalize, read_cases

CASES = {c.name: c for c in read_cases(Path(__file__).parent / "fixtures" / "normalize" / "readers.txt")}
PAGE = next(c for name, c in CASES.items() if name.startswith("HTML news page without <article>"))


def _read_changes(loaded) -> list[tuple[str, str, str]]:
    return [(c.kind, c.before, c.after) for c in loaded.report.changes if c.step == "read:html"]


def test_a_gbk_page_gives_the_document_and_report_of_its_utf8_original():
    utf8 = normalize(PAGE.input, ext="html")
    gbk = normalize(PAGE.input.encode("gbk"), ext="html")
    assert gbk.encoding == "gb18030"
    assert gbk.document == utf8.document
    assert _read_changes(gbk) == _read_changes(utf8) == [
        ("page title", "港口运营再创新高_港城晚报", "港口运营再创新高"),
        ("page chrome", '<div id="top"> 首页 | 新闻 | 本地 | 体育', ""),
        ("page chrome", '<div class="right"> 热点排行 一则新闻标题在这里 另一则新闻标题 第三则新闻', ""),
        ("page chrome", '<div id="foot"> 版权所有 港城晚报社 ICP备12345678号 联系我们', ""),
    ]


def test_everything_outside_an_article_is_reported_but_scripts_and_navigation():
    page = ("<html><head><title>标题</title><script>var x = 1;</script></head><body>"
            "<nav><a href='/'>首页</a></nav><div class='hot'>热门：<a href='/a'>另一篇</a></div>"
            "<article><p>正文。</p></article>尾巴文字<footer>版权所有</footer></body></html>")
    loaded = normalize(page, ext="html")
    assert _read_changes(loaded) == [
        ("page chrome", '<div class="hot"> 热门： 另一篇', ""),
        ("page chrome", "<body> 尾巴文字", ""),
        ("page chrome", "<footer> 版权所有", ""),
    ]


def test_a_page_whose_body_is_the_article_is_read_whole():
    paragraphs = "".join(f"<p>第{i}段，城西社区图书馆扩建完工，新馆面积达到一千二百平方米。</p>" for i in range(6))
    page = f"<!DOCTYPE html><html><body><h1>标题</h1><p>作者：李明</p>{paragraphs}<p>版权所有</p></body></html>"
    loaded = normalize(page, ext="html", passes=())
    assert _read_changes(loaded) == []
    assert len(loaded.document.blocks) == 9
