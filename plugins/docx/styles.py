"""The styles, numbering definitions and font table the DOCX writer puts in its documents.

Everything visible is a style, not direct formatting, so a user restyles the whole document
in Word (or with `--reference-docx`):

- `Normal` and the document defaults carry the Chinese set-up: the East Asian font on the run
  fonts (`w:rFonts w:eastAsia`, no theme font attributes that would override it, `w:hint`
  eastAsia so shared punctuation such as “” takes the Chinese font), the East Asian language
  (`w:lang w:eastAsia` zh-CN / zh-TW / zh-HK), 12 pt (小四), line spacing, justified.
- `Body Text` (body paragraphs, based on Normal) adds the first-line indent of two characters
  (`w:firstLineChars="200"`). It lives on Body Text rather than Normal so that headings, list
  items, quotes and table cells, all based on Normal, do not inherit it (pandoc's reference
  documents use Body Text for body paragraphs too).
- `Title`, `Subtitle`, `Author`, `Date`, `Heading 1`-`Heading 6` (heading font: Noto Sans CJK,
  i.e. 黑体), `Quote`, `List Bullet`, `List Number`, `List Continue`, `Source Code` and
  `Verbatim Char` (code), `Thematic Break`, `Hyperlink`, `Emphasis`, `Strong`, and for bilingual
  editions `Converted` (the converted half: the target's font and language) and the character
  style `Script Difference`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import quoteattr

from .fonts import Script

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LATIN_BODY = "Times New Roman"
LATIN_HEADING = "Arial"
LATIN_CODE = "Courier New"
BODY_SIZE = 24  # half-points: 12 pt, 小四


@dataclass(frozen=True)
class Setup:
    """What the generated styles depend on."""

    script: Script
    body_font: str
    heading_font: str
    line: int  # w:spacing w:line, 240 = single
    converted: Script | None = None  # the target script of a bilingual edition


def fonts(ascii_: str, east_asia: str, hint: bool = True) -> str:
    h = ' w:hint="eastAsia"' if hint else ""
    return (f"<w:rFonts w:ascii={quoteattr(ascii_)} w:hAnsi={quoteattr(ascii_)} "
            f"w:eastAsia={quoteattr(east_asia)} w:cs={quoteattr(ascii_)}{h}/>")


def lang(word_lang: str) -> str:
    return f'<w:lang w:val="en-US" w:eastAsia="{word_lang}" w:bidi="ar-SA"/>'


NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'


@dataclass(frozen=True)
class StyleDef:
    name: str        # the w:name (what Word and reference documents match on)
    style_id: str
    kind: str        # paragraph, character
    body: str        # everything after w:name: basedOn, next, pPr, rPr


def style_defs(s: Setup) -> list[StyleDef]:
    first_line = f'<w:ind w:firstLineChars="200" w:firstLine="{BODY_SIZE * 20}"/>'
    heading_run = fonts(LATIN_HEADING, s.heading_font)
    sizes = {1: 32, 2: 30, 3: 28, 4: 24, 5: 24, 6: 24}
    spacing = {1: (480, 240), 2: (360, 180), 3: (240, 120), 4: (240, 120), 5: (240, 120), 6: (240, 120)}
    out = [
        StyleDef("Normal", "Normal", "paragraph",
                 "<w:qFormat/><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" "
                 f"w:line=\"{s.line}\" w:lineRule=\"auto\"/><w:jc w:val=\"both\"/></w:pPr>"
                 f"<w:rPr>{fonts(LATIN_BODY, s.body_font)}<w:sz w:val=\"{BODY_SIZE}\"/>"
                 f"<w:szCs w:val=\"{BODY_SIZE}\"/>{lang(s.script.word_lang)}</w:rPr>"),
        StyleDef("Body Text", "BodyText", "paragraph",
                 f'<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{first_line}</w:pPr>'),
        StyleDef("Title", "Title", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/>'
                 '<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="240"/>'
                 f'{NO_INDENT}<w:jc w:val="center"/></w:pPr>'
                 f'<w:rPr>{heading_run}<w:b/><w:bCs/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr>'),
        StyleDef("Subtitle", "Subtitle", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/>'
                 f'<w:pPr><w:keepNext/><w:spacing w:after="240"/>{NO_INDENT}<w:jc w:val="center"/></w:pPr>'
                 '<w:rPr><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr>'),
        StyleDef("Author", "Author", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/>'
                 f'<w:pPr><w:keepNext/>{NO_INDENT}<w:jc w:val="center"/></w:pPr>'),
        StyleDef("Date", "Date", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/>'
                 f'<w:pPr><w:keepNext/><w:spacing w:after="240"/>{NO_INDENT}<w:jc w:val="center"/></w:pPr>'),
    ]
    for level in range(1, 7):
        before, after = spacing[level]
        out.append(StyleDef(
            f"heading {level}", f"Heading{level}", "paragraph",
            f'<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:uiPriority w:val="9"/><w:qFormat/>'
            f'<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="{after}"/>'
            f'{NO_INDENT}<w:jc w:val="left"/><w:outlineLvl w:val="{level - 1}"/></w:pPr>'
            f'<w:rPr>{heading_run}<w:b/><w:bCs/><w:sz w:val="{sizes[level]}"/>'
            f'<w:szCs w:val="{sizes[level]}"/></w:rPr>'))
    out += [
        StyleDef("Quote", "Quote", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="120" w:after="120"/>'
                 '<w:ind w:left="840" w:right="840" w:firstLineChars="0" w:firstLine="0"/></w:pPr>'
                 '<w:rPr><w:color w:val="404040"/></w:rPr>'),
        StyleDef("List Bullet", "ListBullet", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:pPr><w:contextualSpacing/></w:pPr>'),
        StyleDef("List Number", "ListNumber", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:pPr><w:contextualSpacing/></w:pPr>'),
        StyleDef("List Continue", "ListContinue", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:pPr><w:contextualSpacing/></w:pPr>'),
        StyleDef("Source Code", "SourceCode", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:pPr>'
                 '<w:shd w:val="clear" w:color="auto" w:fill="F5F5F5"/>'
                 '<w:spacing w:before="120" w:after="120" w:line="240" w:lineRule="auto"/>'
                 '<w:jc w:val="left"/></w:pPr>'
                 f'<w:rPr>{fonts(LATIN_CODE, s.body_font, hint=False)}<w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'),
        StyleDef("Thematic Break", "ThematicBreak", "paragraph",
                 '<w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:pPr>'
                 '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="808080"/></w:pBdr>'
                 '<w:spacing w:before="120" w:after="240"/><w:ind w:left="2880" w:right="2880"/></w:pPr>'),
        StyleDef("Default Paragraph Font", "DefaultParagraphFont", "character",
                 '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'),
        StyleDef("Emphasis", "Emphasis", "character",
                 '<w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr><w:i/><w:iCs/></w:rPr>'),
        StyleDef("Strong", "Strong", "character",
                 '<w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr><w:b/><w:bCs/></w:rPr>'),
        StyleDef("Verbatim Char", "VerbatimChar", "character",
                 '<w:basedOn w:val="DefaultParagraphFont"/><w:rPr>'
                 f'{fonts(LATIN_CODE, s.body_font, hint=False)}<w:sz w:val="21"/></w:rPr>'),
        StyleDef("Hyperlink", "Hyperlink", "character",
                 '<w:basedOn w:val="DefaultParagraphFont"/><w:unhideWhenUsed/><w:rPr>'
                 '<w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>'),
        StyleDef("Script Difference", "ScriptDifference", "character",
                 '<w:basedOn w:val="DefaultParagraphFont"/><w:rPr>'
                 '<w:shd w:val="clear" w:color="auto" w:fill="FFF2CC"/></w:rPr>'),
    ]
    if s.converted is not None:
        t = s.converted
        out.append(StyleDef(
            "Converted", "Converted", "paragraph",
            f'<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{first_line}</w:pPr>'
            f'<w:rPr>{fonts(LATIN_BODY, t.body)}<w:color w:val="1F3864"/>{lang(t.word_lang)}</w:rPr>'))
    return out


def style_xml(d: StyleDef, style_id: str | None = None) -> str:
    default = ' w:default="1"' if d.style_id in ("Normal", "DefaultParagraphFont") else ""
    return (f'<w:style xmlns:w="{W_NS}" w:type="{d.kind}"{default} w:styleId={quoteattr(style_id or d.style_id)}>'
            f'<w:name w:val={quoteattr(d.name)}/>{d.body}</w:style>')


def styles_xml(s: Setup) -> str:
    """A complete, compact `word/styles.xml` (used when no reference document is given)."""
    defs = "".join(style_xml(d) for d in style_defs(s))
    return (f'<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr>'
            f'{fonts(LATIN_BODY, s.body_font)}<w:kern w:val="2"/><w:sz w:val="{BODY_SIZE}"/>'
            f'<w:szCs w:val="{BODY_SIZE}"/>{lang(s.script.word_lang)}</w:rPr></w:rPrDefault>'
            f'<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="{s.line}" w:lineRule="auto"/></w:pPr>'
            f'</w:pPrDefault></w:docDefaults>'
            '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
            '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
            '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
            '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
            '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
            f'{defs}</w:styles>')


def font_table_entries(s: Setup) -> list[tuple[str, str, str, str]]:
    """(name, altName, charset, family) for each East Asian font the styles name."""
    out = []
    seen = set()
    scripts = [s.script] + ([s.converted] if s.converted else [])
    for script in scripts:
        for name, alt, family in ((script.body, script.body_alt, "roman"),
                                  (script.heading, script.heading_alt, "swiss")):
            if name in seen:
                continue
            seen.add(name)
            out.append((name, alt, script.charset, family))
    if s.body_font not in seen:
        out.append((s.body_font, "", s.script.charset, "roman"))
    if s.heading_font not in seen and s.heading_font != s.body_font:
        out.append((s.heading_font, "", s.script.charset, "swiss"))
    return out


def font_xml(name: str, alt: str, charset: str, family: str) -> str:
    alt_el = f"<w:altName w:val={quoteattr(alt)}/>" if alt else ""
    return (f'<w:font xmlns:w="{W_NS}" w:name={quoteattr(name)}>{alt_el}<w:charset w:val="{charset}"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')


def font_table_xml(s: Setup) -> str:
    latin = "".join(font_xml(n, "", "00", f) for n, f in
                    ((LATIN_BODY, "roman"), (LATIN_HEADING, "swiss"), (LATIN_CODE, "modern")))
    cjk = "".join(font_xml(*e) for e in font_table_entries(s))
    return f'<w:fonts xmlns:w="{W_NS}">{latin}{cjk}</w:fonts>'


# ---------------------------------------------------------------------------- numbering

_BULLETS = ("•", "◦", "▪")
_ORDERED = (("decimal", "%{n}."), ("lowerLetter", "%{n}."), ("lowerRoman", "%{n}."))
LIST_INDENT = 480  # twips per level: two characters at 12 pt
LIST_HANGING = 360


@lru_cache(maxsize=64)  # the same few definitions in every document
def abstract_num_xml(abstract_id: int, ordered: bool) -> str:
    levels = []
    for ilvl in range(9):
        if ordered:
            fmt, text = _ORDERED[ilvl % 3]
            text = text.format(n=ilvl + 1)
            run = ""
        else:
            fmt, text = "bullet", _BULLETS[ilvl % 3]
            run = f'<w:rPr>{fonts(LATIN_BODY, LATIN_BODY, hint=False)}</w:rPr>'
        left = LIST_INDENT * (ilvl + 1)
        levels.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val={quoteattr(text)}/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="{LIST_HANGING}"/></w:pPr>{run}</w:lvl>')
    nsid = f"{0x57A00000 + abstract_id * 2 + int(ordered):08X}"
    return (f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}"><w:nsid w:val="{nsid}"/>'
            f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>')


def num_xml(num_id: int, abstract_id: int, level: int, start: int | None) -> str:
    override = (f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                if start is not None else "")
    return (f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f'{override}</w:num>')
