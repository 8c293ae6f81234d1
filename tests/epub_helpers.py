"""Build EPUBs through the real pipeline and read them back with zipfile + lxml."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from wenzhuan.manager import PluginHost
from wenzhuan.model import (
    Attr, BlockQuote, BulletList, Code, CodeBlock, Div, Document, Emph, Heading, LineBreak, Link,
    Metadata, OrderedList, Para, Span, Strong, Text, ThematicBreak,
)
from wenzhuan.pipeline import render
from wenzhuan.report import ChangeReport

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BYLINE_CLASSES = {"byline", "date", "source", "url", "subtitle", "title-converted"}


def write_epub(doc: Document, report: ChangeReport | None = None, **options: Any) -> bytes:
    host = PluginHost(entry_points=False)
    writer = host.catalog.writer("epub")
    return render(doc, writer, options, report if report is not None else ChangeReport(), catalog=host.catalog)


def text_of(el) -> str:
    """The text of an element with <br/> as a newline, as `wenzhuan.walk.stringify` does."""
    parts = []
    if el.text:
        parts.append(el.text)
    for child in el:
        if etree.QName(child).localname == "br":
            parts.append("\n")
        else:
            parts.append(text_of(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


@dataclass
class Book:
    data: bytes
    zf: zipfile.ZipFile
    opf: Any
    opf_dir: str
    spine: list[str] = field(default_factory=list)      # hrefs of the spine, in order
    pages: dict[str, Any] = field(default_factory=dict)  # href -> parsed XHTML

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.findall(f"opf:metadata/dc:{name}", NS)]

    def meta(self, prop: str) -> list[str]:
        return [e.text for e in self.opf.findall(f"opf:metadata/opf:meta[@property='{prop}']", NS)]

    def manifest(self) -> dict[str, dict]:
        return {e.get("href"): dict(e.attrib) for e in self.opf.findall("opf:manifest/opf:item", NS)}

    def content_pages(self) -> list[tuple[str, Any]]:
        """Spine pages other than the title page and the navigation document."""
        props = {e.get("href"): e.get("properties", "") for e in self.opf.findall("opf:manifest/opf:item", NS)}
        out = []
        for href in self.spine:
            if "nav" in props.get(href, "").split():
                continue
            tree = self.pages[href]
            if tree.find(".//x:section[@epub:type='titlepage']", NS) is not None:
                continue
            out.append((href, tree))
        return out

    def paragraphs(self) -> list[str]:
        """The text of every <p> of the content pages, in reading order, bylines left out."""
        out = []
        for _, tree in self.content_pages():
            for p in tree.iterfind(".//x:p", NS):
                if set((p.get("class") or "").split()) & BYLINE_CLASSES:
                    continue
                out.append(text_of(p))
        return out

    def read(self, href: str) -> bytes:
        return self.zf.read(self.opf_dir + href)


def read_epub(data: bytes) -> Book:
    zf = zipfile.ZipFile(io.BytesIO(data))
    container = etree.fromstring(zf.read("META-INF/container.xml"))
    opf_path = container.find(".//container:rootfile", NS).get("full-path")
    opf_dir = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
    opf = etree.fromstring(zf.read(opf_path))
    items = {e.get("id"): e.get("href") for e in opf.findall("opf:manifest/opf:item", NS)}
    book = Book(data, zf, opf, opf_dir)
    for ref in opf.findall("opf:spine/opf:itemref", NS):
        href = items[ref.get("idref")]
        book.spine.append(href)
        book.pages[href] = etree.fromstring(zf.read(opf_dir + href))
    return book


def model_paragraphs(doc: Document) -> list[str]:
    from wenzhuan.walk import query, stringify

    return [stringify(p) for p in query(doc, Para)]


# ------------------------------------------------------------------------------ documents

TRICKY_TITLE = 'A <b>标题</b> & "引号" \'单引号\' 1 < 2'


# URLs as found in the wild; those EPUBCheck would refuse lose their href (text kept).
AWKWARD_URLS = (
    "https://例子.中国/路径", "http://[::1]:8080/x", "tel:+86 10 1234", "https://example.org/a b#frag ment",
    "ftp://", "HTTPS://EXAMPLE.ORG", "http://exa mple.org/", "https://example.org/%zz%41", "urn:isbn:978-7-02",
    "news:comp.lang", "a:b", "http://example.org/<script>", "https://user:pa ss@example.org/", "http:/x",
    "https://example.org/\\path", "x-custom://q|w^e`r{t}", "sms:+8610", "geo:39.9,116.4", "VBScript:msgbox",
    "https://example.org:8443/x", " https://example.org/padded ", "file:///etc/passwd",
)
DROPPED_URLS = {"ftp://", "http://exa mple.org/", "a:b", "http:/x", "x-custom://q|w^e`r{t}", "sms:+8610",
                "geo:39.9,116.4", "VBScript:msgbox", "file:///etc/passwd"}


def every_type_document() -> Document:
    """Every block and inline type of the model, with awkward attributes and links."""
    inlines = (
        Text("普通文字，"), Emph((Text("强调"),)), Text("、"), Strong((Text("加粗"), Emph((Text("套叠"),)))),
        Text("、"), Code("print('你好 <&>')", Attr(classes=("python",))), LineBreak(),
        Span((Text("繁體標註"),), Attr(classes=("note", "two words"), lang="zh-Hant")),
        Text("，"), Link((Text("外部链接"),), "https://example.org/路径 有空格?q=中文&x=1%", 'title "quoted"'),
        Text("，"), Link((Text("脚本链接"),), "javascript:alert(1)"),
        Text("，"), Link((Text("数据链接"),), "data:text/html,<b>x</b>"),
        Text("，"), Link((Text("内部链接"),), "#sec-2"),
        Text("，"), Link((Text("后文链接"),), "#后文"),
        Text("，"), Link((Text("相对链接"),), "other/page.html"),
        Text("，"), Link((Text("外层"), Link((Text("内层"),), "https://example.org/in")), "https://example.org/out"),
        Text("，"), Link((Text("失效锚点"),), "#nowhere"),
        Text("，"), Link((Text("邮件"),), "mailto:editor@example.org"),
        Text("。"),
    )
    blocks = (
        Heading(1, (Text("第一章 <开始> & “引号”"),), Attr(id="sec 1")),
        Para(inlines),
        Para((Text("控制\x07字符\x00与\x1b转义\ufffe被删除"),)),
        Heading(2, (Text("第二节"),), Attr(id="sec-2")),
        BlockQuote((
            Para((Text("引文第一段。"),)),
            BulletList(((Para((Text("引文中的列表"),)),),)),
        )),
        BulletList((
            (Para((Text("无序一"),)),),
            (Para((Text("无序二"),)), OrderedList(((Para((Text("嵌套有序"),)),),), start=5)),
            (),
        )),
        OrderedList(((Para((Text("第三项"),)),), (Para((Text("第四项"),)),)), start=3),
        CodeBlock("def 函数():\n    return '<&>'\n", Attr(classes=("python",))),
        ThematicBreak(),
        Div((Para((Text("一个带属性的区块。"),)),),
            Attr(id="1-bad id", classes=("aside",), kv=(("note-kind", "旁注"), ("Bad Key!", "x"), ("Note-Kind", "重复")), lang="zh-Hant")),
        Para((Text("语言标签无效的段落。"),), Attr(lang="not a language!!")),
        Heading(3, (Text("重复的锚点"),), Attr(id="sec-2")),
        Heading(2, (Text("后文"),), Attr(id="后文")),
        Para(()),
        BulletList(tuple((Para((Link((Text(f"网址{n}"),), url),)),) for n, url in enumerate(AWKWARD_URLS))),
        Para((Text("最后一段。"),)),
    )
    meta = Metadata(title=TRICKY_TITLE, subtitle="副标题 & 说明", authors=("作者甲", "作者<乙>"),
                    date="2024-03-01", source="测试出版社 & 合作方", url="https://example.org/书?id=1",
                    tags=("测试", "标签&符号"), language="zh-Hans")
    return Document(meta, blocks)


def bilingual_document(layout: str, *, mark_differences: bool = True) -> Document:
    """A Simplified article with a Traditional half per block, as docs/model-conventions.md says."""
    import opencc

    s2t = opencc.OpenCC("s2t")

    def convert_inlines(nodes):
        out = []
        for n in nodes:
            if isinstance(n, Text):
                converted = s2t.convert(n.text)
                if not mark_differences:
                    out.append(Text(converted))
                    continue
                run = ""
                for a, b in zip(n.text, converted):
                    if a != b:
                        if run:
                            out.append(Text(run))
                            run = ""
                        out.append(Span((Text(b),), Attr(classes=("script-diff",))))
                    else:
                        run += b
                if run:
                    out.append(Text(run))
            elif isinstance(n, (Emph, Strong)):
                out.append(type(n)(tuple(convert_inlines(n.content))))
            else:
                out.append(n)
        return tuple(out)

    def convert_block(b):
        if isinstance(b, Para):
            return Para(convert_inlines(b.content), b.attr)
        if isinstance(b, Heading):
            return Heading(b.level, convert_inlines(b.content), Attr())
        if isinstance(b, BulletList):
            return BulletList(tuple(tuple(convert_block(x) for x in item) for item in b.items))
        return b

    original = (
        Heading(1, (Text("图书馆的新阅览室"),), Attr(id="reading-room")),
        Para((Text("新阅览室今天开放，读者可以在这里借阅报纸和杂志。"),)),
        Para((Text("开放时间为"), Strong((Text("每天上午九点"),)), Text("至晚上八点。"))),
        BulletList(((Para((Text("儿童绘本区"),)),), (Para((Text("电脑检索区"),)),))),
    )
    blocks = tuple(
        Div((Div((b,), Attr(classes=("bilingual-original",), lang="zh-Hans")),
             Div((convert_block(b),), Attr(classes=("bilingual-converted",), lang="zh-Hant"))),
            Attr(classes=("bilingual", layout)))
        for b in original
    )
    extra = {"bilingual": {"layout": layout, "language": "zh-Hant", "title": s2t.convert("图书馆的新阅览室"),
                           "authors": ["王丽"], "source": "城西区报"}}
    meta = Metadata(title="图书馆的新阅览室", authors=("王丽",), date="2024-05-06", source="城西区报",
                    language="zh-Hans", extra=extra)
    return Document(meta, blocks)


def split_document(paragraphs: int = 400) -> Document:
    """A long article whose internal links cross XHTML files once split."""
    blocks = [Para((Text("开头链接到"), Link((Text("最后一节"),), "#last"), Text("。"))),]
    for n in range(paragraphs):
        if n % 50 == 0:
            blocks.append(Heading(2, (Text(f"第{n // 50 + 1}节"),), Attr(id=f"part-{n // 50 + 1}")))
        blocks.append(Para((Text(f"第{n + 1}段：" + "长文档的正文用来测试拆分成多个文件。" * 4),
                            Link((Text("回到开头"),), "#part-1"))))
    blocks.append(Heading(2, (Text("最后一节"),), Attr(id="last")))
    blocks.append(Para((Text("完。"),)))
    return Document(Metadata(title="拆分测试", authors=("测试",), language="zh-Hans"), tuple(blocks))
