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


P = "<p>昨天下午，市政府召开新闻发布会，通报了今年上半年全市经济运行情况，各项指标总体平稳。</p>"
LOOSE = "　　昨天下午，市政府召开新闻发布会，通报了今年上半年全市经济运行情况，各项指标总体平稳。<br><br>"


def _page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>上半年经济运行平稳</title></head><body>{body}</body></html>"


def _texts(loaded) -> str:
    from wenzhuan.walk import stringify
    return "\n".join(stringify(b) for b in loaded.document.blocks)


def test_an_article_of_loose_text_between_brs_is_not_left_out_for_a_sidebar_of_paragraphs():
    sidebar = "<p>本报今起推出“经济观察”专栏，每周一期，敬请读者关注。</p>" * 3
    page = _page(f"<div class='main'><div class='left'><h1>上半年经济运行平稳</h1><div id='content'>{LOOSE * 2}"
                 f"<center>图</center>{LOOSE * 6}</div></div><div class='right'><div class='box'>{sidebar}"
                 "</div></div></div>")
    text = _texts(normalize(page, ext="html"))
    assert text.count("各项指标总体平稳。") == 8 and "经济观察" in text


def test_a_lead_outside_the_best_scoring_division_keeps_the_page_whole():
    page = _page(f"<div class='content'><p>本报讯（记者 张伟）第一段是导语，交代了新闻的时间、地点和主要事件。</p>"
                 f"<div style='font-size:16px'>{P * 10}</div><p>（责任编辑：王芳）</p></div>")
    loaded = normalize(page, ext="html")
    assert "第一段是导语" in _texts(loaded) and loaded.document.metadata.authors == ("张伟",)


def test_a_byline_in_another_table_row_keeps_the_page_whole():
    page = _page("<table><tr><td><h1>上半年经济运行平稳</h1></td></tr>"
                 "<tr><td class='info'>发布时间：2024-07-01 来源：港城晚报 作者：李明</td></tr>"
                 f"<tr><td class='content'>{P * 6}</td></tr></table>")
    meta = normalize(page, ext="html").document.metadata
    assert (meta.authors, str(meta.date), meta.source) == (("李明",), "2024-07-01", "港城晚报")


def test_a_site_name_before_the_headline_is_not_taken_for_it():
    page = ("<!DOCTYPE html><html><head><title>人民网 | 上半年经济运行平稳</title></head><body>"
            "<div class='top'><h1 class='logo'><a href='/'>人民网</a></h1></div>"
            f"<div class='content'><h2>上半年经济运行平稳</h2>{P * 5}</div></body></html>")
    assert normalize(page, ext="html").document.metadata.title != "人民网"
