"""The DOCX writer: the written XML parsed with lxml, and a LibreOffice rendering checked with
pdffonts/pdftotext (skipped, with a message, where LibreOffice or poppler is absent)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree

from wenzhuan.errors import OptionError, WenzhuanError
from wenzhuan.manager import PluginHost
from wenzhuan.model import (
    Attr, BlockQuote, BulletList, Code, CodeBlock, Div, Document, Emph, Heading, LineBreak, Link,
    Metadata, OrderedList, Para, Span, Strong, Text, ThematicBreak,
)
from wenzhuan.pipeline import Source, load, render
from wenzhuan.report import ChangeReport
from wenzhuan.walk import collect

from .conftest import shared_path
from .helpers import run_cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R, "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
      "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
      "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


# ---------------------------------------------------------------------------- fixtures


def article(script: str) -> Document:
    """One article exercising every block and inline, in Simplified or Traditional."""
    t = (lambda hans, hant: hans if script == "hans" else hant)
    return Document(
        Metadata(title=t("城市的早晨", "城市的早晨"), subtitle=t("一篇散文", "一篇散文"),
                 authors=(t("张三", "張三"), t("李四", "李四")), date=dt.date(2024, 3, 1),
                 tags=(t("城市", "城市"), t("散文", "散文")), language=t("zh-Hans", "zh-Hant"),
                 source=t("人民日报", "人民日報"), url="https://example.com/a"),
        (
            Heading(2, (Text(t("第一节 清晨", "第一節 清晨")),), Attr(id="sec-1")),
            Para((Text(t("清晨六点，", "清晨六點，")), Emph((Text(t("街道", "街道")),)),
                  Text(t("还很安静。", "還很安靜。")), Strong((Text(t("这很重要", "這很重要")),)),
                  Code("print()"), LineBreak(), Text(t("第二行", "第二行")))),
            Para((Text(t("详见", "詳見")), Link((Text(t("这个链接", "這個連結")),), "https://example.org/城市", "标题"),
                  Text(t("和", "和")), Link((Text(t("坏链接", "壞連結")),), " JavaScript:alert(1)"),
                  Text(t("，回到", "，回到")), Link((Text(t("第一节", "第一節")),), "#sec-1"), Text("。"))),
            BlockQuote((Para((Text(t("引用的话", "引用的話")),)),)),
            BulletList((
                (Para((Text(t("苹果", "蘋果")),)),),
                (Para((Text(t("香蕉", "香蕉")),)), BulletList(((Para((Text(t("小香蕉", "小香蕉")),)),),)),
                 Para((Text(t("香蕉的补充", "香蕉的補充")),))),
            )),
            OrderedList(((Para((Text(t("第三步", "第三步")),)),), (Para((Text(t("第四步", "第四步")),)),)), start=3),
            OrderedList(((Para((Text(t("另一列表", "另一列表")),)),),)),
            CodeBlock("x = 1\n\ty = 2"),
            ThematicBreak(),
            Div((Para((Text("Hello, world."),)),), Attr(lang="en")),
            Para((Text(t("英文：", "英文：")), Span((Text("English"),), Attr(lang="en")),
                  Span((Text(t("繁体", "简体")),), Attr(lang=t("zh-Hant", "zh-Hans"))))),
            Heading(3, (Text(t("第二节", "第二節")),)),
            Para((Text(t("最后一段。", "最後一段。")),)),
        ),
    )


def expected_paragraphs(script: str) -> list[tuple[str, str]]:
    t = (lambda hans, hant: hans if script == "hans" else hant)
    return [
        ("Title", "城市的早晨"),
        ("Subtitle", "一篇散文"),
        ("Author", t("张三、李四", "張三、李四")),
        ("Date", "2024-03-01"),
        ("Heading2", t("第一节 清晨", "第一節 清晨")),
        ("BodyText", t("清晨六点，街道还很安静。这很重要print()\n第二行", "清晨六點，街道還很安靜。這很重要print()\n第二行")),
        ("BodyText", t("详见这个链接和坏链接，回到第一节。", "詳見這個連結和壞連結，回到第一節。")),
        ("Quote", t("引用的话", "引用的話")),
        ("ListBullet", t("苹果", "蘋果")),
        ("ListBullet", "香蕉"),
        ("ListBullet", "小香蕉"),
        ("ListContinue", t("香蕉的补充", "香蕉的補充")),
        ("ListNumber", "第三步"),
        ("ListNumber", "第四步"),
        ("ListNumber", "另一列表"),
        ("SourceCode", "x = 1\n\ty = 2"),
        ("ThematicBreak", ""),
        ("BodyText", "Hello, world."),
        ("BodyText", t("英文：English繁体", "英文：English简体")),
        ("Heading3", t("第二节", "第二節")),
        ("BodyText", t("最后一段。", "最後一段。")),
    ]


def write(doc: Document, report: ChangeReport | None = None, **options) -> bytes:
    host = PluginHost(entry_points=False)
    return render(doc, host.catalog.writer("docx"), options, report or ChangeReport(), catalog=host.catalog)


class Docx:
    """An unzipped DOCX: parts parsed with lxml."""

    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = self.xml("word/document.xml")
        self.styles = self.xml("word/styles.xml")

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    def paragraphs(self, root=None) -> list[tuple[str, str]]:
        out = []
        for p in (root if root is not None else self.document).iter(w("p")):
            style = p.find("w:pPr/w:pStyle", NS)
            out.append((style.get(w("val")) if style is not None else "", para_text(p)))
        return out

    def style(self, style_id: str):
        [st] = self.styles.xpath(f"w:style[@w:styleId='{style_id}']", namespaces=NS)
        return st

    def rels(self) -> dict[str, tuple[str, str, str | None]]:
        root = self.xml("word/_rels/document.xml.rels")
        return {r.get("Id"): (r.get("Type").rsplit("/", 1)[-1], r.get("Target"), r.get("TargetMode"))
                for r in root.findall("rel:Relationship", NS)}


def para_text(p) -> str:
    parts = []
    for el in p.iter(w("t"), w("br"), w("tab")):
        if el.tag == w("t"):
            parts.append(el.text or "")
        elif el.tag == w("br"):
            parts.append("\n")
        else:
            parts.append("\t")
    return "".join(parts)


SCRIPTS = {
    "hans": ("zh-CN", "Noto Serif CJK SC", "SimSun", "Noto Sans CJK SC", "SimHei"),
    "hant": ("zh-TW", "Noto Serif CJK TC", "PMingLiU", "Noto Sans CJK TC", "Microsoft JhengHei"),
}


@pytest.fixture(scope="module")
def written() -> dict[str, tuple[bytes, ChangeReport]]:
    out = {}
    for script in SCRIPTS:
        report = ChangeReport()
        out[script] = (write(article(script), report), report)
    return out


# ------------------------------------------------------------------------- XML checks


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_east_asian_font_and_language_are_on_the_styles(written, script):
    lang, body_font, body_alt, heading_font, heading_alt = SCRIPTS[script]
    d = Docx(written[script][0])
    defaults = d.styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    normal = d.style("Normal")
    for rpr in (defaults, normal.find("w:rPr", NS)):
        assert rpr.find("w:rFonts", NS).get(w("eastAsia")) == body_font
        assert rpr.find("w:lang", NS).get(w("eastAsia")) == lang
    for level in (1, 2, 3):
        fonts = d.style(f"Heading{level}").find("w:rPr/w:rFonts", NS)
        assert fonts.get(w("eastAsia")) == heading_font
    # no theme font attribute anywhere can override the East Asian font
    for fonts in d.styles.iter(w("rFonts")):
        assert not [a for a in fonts.attrib if "Theme" in a or "theme" in a], etree.tostring(fonts)
    # two-character first-line indent on body text, line spacing on Normal
    ind = d.style("BodyText").find("w:pPr/w:ind", NS)
    assert ind.get(w("firstLineChars")) == "200"
    assert normal.find("w:pPr/w:spacing", NS).get(w("line")) == "360"
    assert d.style("Heading2").find("w:pPr/w:ind", NS).get(w("firstLineChars")) == "0"
    # Word substitutes the font its users have where Noto is missing
    table = d.xml("word/fontTable.xml")
    alt = {f.get(w("name")): f.find("w:altName", NS).get(w("val"))
           for f in table.findall("w:font", NS) if f.find("w:altName", NS) is not None}
    assert alt[body_font] == body_alt and alt[heading_font] == heading_alt
    assert d.xml("word/settings.xml").find("w:themeFontLang", NS).get(w("eastAsia")) == lang


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_every_paragraph_has_its_style_and_exact_text(written, script):
    d = Docx(written[script][0])
    assert d.paragraphs() == expected_paragraphs(script)
    used = {s for s, _ in d.paragraphs()}
    defined = {st.get(w("styleId")) for st in d.styles.findall("w:style", NS)}
    assert used <= defined
    # emphasis, strong and code are character styles, not direct formatting
    run_styles = [r.get(w("val")) for r in d.document.iter(w("rStyle"))]
    assert {"Emphasis", "Strong", "VerbatimChar", "Hyperlink"} <= set(run_styles)
    assert not list(d.document.iter(w("b"))) and not list(d.document.iter(w("i")))
    # the only direct paragraph formatting is list numbering / continuation indent
    for ppr in d.document.iter(w("pPr")):
        assert {c.tag for c in ppr} <= {w("pStyle"), w("numPr"), w("ind")}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_hyperlinks_are_relationships_and_unsafe_links_are_dropped(written, script):
    data, report = written[script]
    d = Docx(data)
    links = d.document.findall(".//w:hyperlink", NS)
    external = [h for h in links if h.get(f"{{{R}}}id")]
    assert len(external) == 1
    rels = d.rels()
    assert rels[external[0].get(f"{{{R}}}id")] == ("hyperlink", "https://example.org/城市", "External")
    assert external[0].get(w("tooltip")) == "标题"
    assert para_text(external[0]) == ("这个链接" if script == "hans" else "這個連結")
    # the internal link points at the heading's bookmark
    [internal] = [h for h in links if h.get(w("anchor"))]
    marks = {b.get(w("name")) for b in d.document.iter(w("bookmarkStart"))}
    assert internal.get(w("anchor")) in marks
    assert not [r for r in rels.values() if "javascript" in r[1].lower()]
    assert b"alert" not in data
    # removed (and reported) by the pipeline's sanitizer before any writer sees the document
    [change] = [c for c in report.changes if c.kind == "unsafe link removed"]
    assert "alert" in change.before and change.step == "sanitize"


def test_lists_use_real_numbering(written):
    d = Docx(written["hans"][0])
    numbering = d.xml("word/numbering.xml")
    abstract_fmt = {a.get(w("abstractNumId")): a.find("w:lvl[@w:ilvl='0']/w:numFmt", NS).get(w("val"))
                    for a in numbering.findall("w:abstractNum", NS)}
    nums = {n.get(w("numId")): n for n in numbering.findall("w:num", NS)}

    def numpr(text):
        [p] = [p for p in d.document.iter(w("p")) if para_text(p) == text]
        pr = p.find("w:pPr/w:numPr", NS)
        return pr.find("w:ilvl", NS).get(w("val")), pr.find("w:numId", NS).get(w("val"))

    def fmt(num_id):
        return abstract_fmt[nums[num_id].find("w:abstractNumId", NS).get(w("val"))]

    assert numpr("苹果") == numpr("香蕉") and numpr("苹果")[0] == "0"
    assert fmt(numpr("苹果")[1]) == "bullet"
    ilvl, nested = numpr("小香蕉")
    assert ilvl == "1" and nested != numpr("香蕉")[1] and fmt(nested) == "bullet"
    ilvl, ordered = numpr("第三步")
    assert fmt(ordered) == "decimal"
    start = nums[ordered].find("w:lvlOverride[@w:ilvl='0']/w:startOverride", NS)
    assert start.get(w("val")) == "3"
    _, other = numpr("另一列表")  # a second list restarts: its own instance, starting at 1
    assert other != ordered
    assert nums[other].find("w:lvlOverride/w:startOverride", NS).get(w("val")) == "1"
    assert not any(re.match(r"^\d+[.)]", t) for _, t in d.paragraphs())  # no typed "1."


def test_core_properties_come_from_the_metadata(written):
    d = Docx(written["hant"][0])
    core = d.xml("docProps/core.xml")
    get = lambda path: core.findtext(path, namespaces=NS)  # noqa: E731
    assert get("dc:title") == "城市的早晨"
    assert get("dc:creator") == "張三; 李四"
    assert get("cp:keywords") == "城市, 散文"
    assert get("dc:subject") == "一篇散文"
    assert get("dc:language") == "zh-Hant"
    assert get("dc:description") == "人民日報"
    assert get("dc:identifier") == "https://example.com/a"
    assert get("dcterms:created") == "2024-03-01T00:00:00Z"


def test_span_and_div_languages_reach_the_runs(written):
    d = Docx(written["hans"][0])

    def run_of(text):
        [r] = [r for r in d.document.iter(w("r")) if para_text(r) == text]
        return r

    assert run_of("English").find("w:rPr/w:lang", NS).get(w("val")) == "en"
    assert run_of("Hello, world.").find("w:rPr/w:lang", NS).get(w("val")) == "en"
    trad = run_of("繁体").find("w:rPr", NS)
    assert trad.find("w:lang", NS).get(w("eastAsia")) == "zh-TW"
    assert trad.find("w:rFonts", NS).get(w("eastAsia")) == "Noto Serif CJK TC"
    assert run_of("最后一段。").find("w:rPr", NS) is None  # the style says it all


def test_output_is_reproducible(written):
    again = write(article("hans"))
    assert again == written["hans"][0]
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(again)).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = Docx(write(Document(Metadata(language="zh-Hans"), (Para((Text("无日期"),)),)))).xml("docProps/core.xml")
    assert core.find("dcterms:created", NS) is None and core.find("dcterms:modified", NS) is None


def test_collection_has_a_heading_per_article_and_page_breaks():
    a = Document(Metadata(title="第一篇", language="zh-Hans"), (Para((Text("甲文。"),)),))
    b = Document(Metadata(title="第二篇", language="zh-Hans"), (Para((Text("乙文。"),)),))
    c = Document(Metadata(title="第三篇", language="zh-Hant"), (Para((Text("丙文。"),)),))
    d = Docx(write(collect([a, b, c], Metadata(title="文集", language="zh-Hans"))))
    assert d.paragraphs() == [("Title", "文集"), ("Heading1", "第一篇"), ("BodyText", "甲文。"),
                              ("Heading1", "第二篇"), ("BodyText", "乙文。"),
                              ("Heading1", "第三篇"), ("BodyText", "丙文。")]
    breaks = [para_text(p) for p in d.document.iter(w("p")) if p.find("w:pPr/w:pageBreakBefore", NS) is not None]
    assert breaks == ["第二篇", "第三篇"]
    [run] = [r for r in d.document.iter(w("r")) if para_text(r) == "丙文。"]
    assert run.find("w:rPr/w:lang", NS).get(w("eastAsia")) == "zh-TW"


def bilingual(layout: str) -> Document:
    def pair(orig, conv):
        return Div((Div((orig,), Attr(classes=("bilingual-original",), lang="zh-Hans")),
                    Div((conv,), Attr(classes=("bilingual-converted",), lang="zh-Hant"))),
                   Attr(classes=("bilingual", layout)))

    return Document(
        Metadata(title="汉字", language="zh-Hans",
                 extra={"bilingual": {"layout": layout, "language": "zh-Hant", "title": "漢字"}}),
        (pair(Heading(2, (Text("第一节"),)), Heading(2, (Text("第"), Span((Text("一"),)),
                                                     Span((Text("節"),), Attr(classes=("script-diff",)))))),
         pair(Para((Text("发展经济"),)),
              Para((Span((Text("發"),), Attr(classes=("script-diff",))), Text("展"),
                    Span((Text("經"),), Attr(classes=("script-diff",))), Text("濟"))))))


def test_bilingual_side_by_side_is_a_two_column_table():
    d = Docx(write(bilingual("side-by-side")))
    [table] = d.document.findall("w:body/w:tbl", NS)
    assert len(table.findall("w:tblGrid/w:gridCol", NS)) == 2
    rows = [[d.paragraphs(tc) for tc in tr.findall("w:tc", NS)] for tr in table.findall("w:tr", NS)]
    assert rows == [[[("Heading2", "第一节")], [("Heading2", "第一節")]],
                    [[("BodyText", "发展经济")], [("Converted", "發展經濟")]]]
    converted = d.style("Converted")
    assert converted.find("w:basedOn", NS).get(w("val")) == "Normal"
    assert converted.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "Noto Serif CJK TC"
    assert converted.find("w:rPr/w:lang", NS).get(w("eastAsia")) == "zh-TW"
    diffs = [para_text(r) for r in d.document.iter(w("r"))
             if r.find("w:rPr/w:rStyle", NS) is not None
             and r.find("w:rPr/w:rStyle", NS).get(w("val")) == "ScriptDifference"]
    assert diffs == ["節", "發", "經"]
    assert d.style("ScriptDifference").get(w("type")) == "character"
    # the converted heading's runs carry the target's font and language
    head = [r for r in d.document.iter(w("r")) if para_text(r) == "第"][0]
    assert head.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "Noto Sans CJK TC"
    assert head.find("w:rPr/w:lang", NS).get(w("eastAsia")) == "zh-TW"


def test_bilingual_interleaved_alternates_the_halves():
    d = Docx(write(bilingual("interleaved")))
    assert not d.document.findall(".//w:tbl", NS)
    assert d.paragraphs() == [("Title", "汉字"), ("Title", "漢字"), ("Heading2", "第一节"), ("Heading2", "第一節"),
                              ("BodyText", "发展经济"), ("Converted", "發展經濟")]


def test_control_characters_are_removed_and_reported():
    report = ChangeReport()
    doc = Document(Metadata(title="标\x01题", language="zh-Hans"),
                   (Para((Text("前\x00后\x0b完"),)), CodeBlock("a\x1bb")))
    d = Docx(write(doc, report))
    assert d.paragraphs() == [("Title", "标题"), ("BodyText", "前后完"), ("SourceCode", "ab")]
    # removed by the pipeline's sanitizer before the writer runs: one report line for them all
    kinds = [c for c in report.changes if c.kind == "control characters removed"]
    assert [c.step for c in kinds] == ["sanitize"]
    assert all(f"U+{c:04X}" in kinds[0].message for c in (0x00, 0x01, 0x0B, 0x1B))


@pytest.mark.parametrize("doc", [
    Document(),
    Document(Metadata(language="zh-Hans"), (Para(()), Para((Text("  \x00 "),)))),
])
def test_empty_document_is_a_clear_error(doc):
    with pytest.raises(WenzhuanError, match="empty"):
        write(doc)


def test_script_is_guessed_when_the_metadata_does_not_say():
    report = ChangeReport()
    doc = Document(Metadata(), (Para((Text("會議強調，要堅持以人民為中心的發展思想。"),)),))
    d = Docx(write(doc, report))
    assert d.style("Normal").find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "Noto Serif CJK TC"
    assert d.style("Normal").find("w:rPr/w:lang", NS).get(w("eastAsia")) == "zh-TW"
    assert [c.after for c in report.changes if c.kind == "language guessed"] == ["zh-Hant"]
    hk = Docx(write(Document(Metadata(language="zh-Hant-HK"), (Para((Text("香港"),)),))))
    assert hk.style("Normal").find("w:rPr/w:lang", NS).get(w("eastAsia")) == "zh-HK"


def test_font_and_spacing_options():
    d = Docx(write(article("hans"), font="SimSun", heading_font="SimHei", line_spacing="1.0"))
    assert d.style("Normal").find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "SimSun"
    assert d.style("Heading1").find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "SimHei"
    assert d.style("Normal").find("w:pPr/w:spacing", NS).get(w("line")) == "240"
    with pytest.raises(OptionError):
        write(article("hans"), line_spacing="0")


# ------------------------------------------------------------------------ reference docx


@pytest.fixture()
def reference(tmp_path) -> Path:
    """A user's template as a Chinese Word saves it: localized style ids, its own fonts, some text."""
    import docx

    tpl = docx.Document()
    tpl.add_paragraph("模板里的示例文字")
    styles = tpl.styles.element
    for st in styles.findall("w:style", NS):
        if st.get(w("styleId")) == "Heading2":
            st.set(w("styleId"), "2")  # 标题 2 in a Chinese Word
            color = st.find("w:rPr/w:color", NS)
            color.set(w("val"), "C00000")
    [normal] = [st for st in styles.findall("w:style", NS) if st.get(w("styleId")) == "Normal"]
    normal.append(etree.fromstring(f'<w:rPr xmlns:w="{W}"><w:rFonts w:eastAsia="KaiTi"/></w:rPr>'))
    path = tmp_path / "reference.docx"
    tpl.save(path)
    return path


def test_reference_docx_supplies_the_styles(reference):
    d = Docx(write(article("hans"), reference_docx=str(reference)))
    # its own styles are kept as they are
    assert d.style("Normal").find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "KaiTi"
    assert d.style("2").find("w:rPr/w:color", NS).get(w("val")) == "C00000"
    paras = d.paragraphs()
    assert ("2", "第一节 清晨") in paras  # matched by name, "heading 2", not by id
    assert "模板里的示例文字" not in [t for _, t in paras]
    assert [t for _, t in paras] == [t for _, t in expected_paragraphs("hans")]
    # the styles it lacks are added
    assert d.style("SourceCode").find("w:basedOn", NS).get(w("val")) == "Normal"
    assert d.style("VerbatimChar").get(w("type")) == "character"


def test_reference_docx_flag_on_the_command_line(tmp_path, reference):
    src = tmp_path / "a.md"
    src.write_text("# 标题\n\n正文第一段。\n", encoding="utf-8")
    out = tmp_path / "a.docx"
    proc = run_cli("convert", str(src), "-o", str(out), "--reference-docx", str(reference))
    assert proc.returncode == 0, proc.stderr.decode()
    d = Docx(out.read_bytes())
    assert d.style("Normal").find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "KaiTi"
    assert "正文第一段。" in [t for _, t in d.paragraphs()]
    bad = tmp_path / "not.docx"
    bad.write_text("plain text", encoding="utf-8")
    proc = run_cli("convert", str(src), "-o", str(tmp_path / "b.docx"), "--reference-docx", str(bad))
    assert proc.returncode == 2
    assert b"not a Word .docx file" in proc.stderr and b"Traceback" not in proc.stderr


# ----------------------------------------------------------------- LibreOffice rendering


def _fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    return [row.split()[0] for row in rows if row.split() and row.split()[-4] == "yes"]  # emb column


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", "", out)


def _font_streams(pdf: Path) -> set[str]:
    data = pdf.read_bytes()
    hashes = set()
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            hashes.add(hashlib.sha1(zlib.decompress(m.group(1))).hexdigest())
        except zlib.error:
            pass
    return hashes


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """Every file the LibreOffice checks need, converted in one soffice call."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed; run scripts/setup.sh as root to install it")
    if not shutil.which("pdffonts") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdffonts, pdftotext) is not installed")
    work = tmp_path_factory.mktemp("lo")
    files = {
        "hans": write(article("hans")),
        "hant": write(article("hant")),
        "hant-sc": write(article("hant"), font="Noto Serif CJK SC"),
        "hant-jp": write(article("hant"), font="Noto Serif CJK JP"),
    }
    sample = None
    try:
        sample = shared_path("samples", "article-002-hant-pinyin.txt")
    except pytest.skip.Exception:
        pass
    if sample is not None:
        proc = run_cli("convert", str(sample), "-o", str(work / "sample.docx"))
        assert proc.returncode == 0, proc.stderr.decode()
    for name, data in files.items():
        (work / f"{name}.docx").write_bytes(data)
    docs = sorted(work.glob("*.docx"))
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{work}/profile", "--headless",
                           "--convert-to", "pdf", "--outdir", str(work), *map(str, docs)],
                          capture_output=True, timeout=240)
    out = {p.stem: p.with_suffix(".pdf") for p in docs}
    missing = [p.name for p in out.values() if not p.exists()]
    assert not missing, f"soffice did not convert {missing}: {proc.stderr.decode(errors='replace')}"
    out["_sample"] = sample
    return out


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_libreoffice_renders_with_the_cjk_fonts(rendered, script):
    fonts = _fonts(rendered[script])
    # Noto CJK collections share one CFF table named after the Japanese face, so pdffonts
    # shows NotoSerifCJKjp-… for every Noto Serif CJK face; the serif (body) and sans (heading)
    # families show our fonts were found: a fallback would be a single sans face.
    assert any("NotoSerifCJK" in f for f in fonts), fonts
    assert any("NotoSansCJK" in f for f in fonts), fonts
    text = _text(rendered[script])
    for _, para in expected_paragraphs(script):
        assert re.sub(r"\s+", "", para) in text


@pytest.mark.slow
def test_libreoffice_uses_the_traditional_face(rendered):
    # The same document set in the SC or JP face embeds different glyphs than the default
    # Traditional one: the Traditional document is rendered with Noto Serif CJK TC itself.
    default = _font_streams(rendered["hant"])
    assert default != _font_streams(rendered["hant-sc"])
    assert default != _font_streams(rendered["hant-jp"])
    assert _text(rendered["hant"]) == _text(rendered["hant-jp"])


@pytest.mark.slow
def test_field_sample_renders_traditional(rendered):
    sample = rendered["_sample"]
    if sample is None:
        pytest.skip("../shared/samples/article-002-hant-pinyin.txt is absent")
    docx_path = rendered["sample"].with_suffix(".docx")
    d = Docx(docx_path.read_bytes())
    loaded = load(Source.from_path(sample))
    meta = loaded.document.metadata
    assert d.style("Normal").find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "Noto Serif CJK TC"
    assert d.style("Normal").find("w:rPr/w:lang", NS).get(w("eastAsia")) in ("zh-TW", "zh-HK")
    core = d.xml("docProps/core.xml")
    assert core.findtext("dc:language", namespaces=NS).startswith("zh-Hant")
    assert (core.findtext("dc:title", namespaces=NS) or "") == meta.title
    assert (core.findtext("dc:creator", namespaces=NS) or "") == "; ".join(meta.authors)
    assert any("NotoSerifCJK" in f for f in _fonts(rendered["sample"]))
    text = _text(rendered["sample"])
    for p in loaded.document.blocks:
        if isinstance(p, Para):
            assert re.sub(r"\s+", "", "".join(getattr(n, "text", "") for n in p.content)) in text
    # the reading in parentheses is the pinyin pass's to remove; what matters here is the text around it
    assert "工作會議在湖南省長沙市召開" in text


# Word refuses ("unreadable content") properties out of the schema's sequence order.
PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
             "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr"]
RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
             "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
             "vertAlign", "rtl", "cs", "em", "lang"]
STYLE_ORDER = ["name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
               "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "rsid", "pPr", "rPr", "tblPr"]


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_properties_follow_the_schema_order(written, script):
    d = Docx(written[script][0])
    checked = 0
    for root in (d.document, d.styles, d.xml("word/numbering.xml")):
        for tag, order in (("pPr", PPR_ORDER), ("rPr", RPR_ORDER), ("style", STYLE_ORDER)):
            for el in root.iter(w(tag)):
                names = [etree.QName(c).localname for c in el]
                assert all(n in order for n in names), (tag, names)
                assert names == sorted(names, key=order.index), (tag, names)
                checked += 1
    assert checked > 50
