"""DOCX writer: Word documents that render Chinese correctly (`-t docx`, `-o FILE.docx`).

- Styles, not direct formatting (see `styles.py`): Normal carries the East Asian font on its run
  fonts (`w:rFonts w:eastAsia`, no theme font attributes), the East Asian language
  (`w:lang w:eastAsia` zh-CN / zh-TW / zh-HK) and the line spacing; Body Text adds the two-character
  first-line indent (`w:firstLineChars="200"`); Title, Subtitle, Author, Date, Heading 1-6, Quote,
  List Bullet / List Number / List Continue, Source Code / Verbatim Char, Hyperlink, Emphasis,
  Strong, Thematic Break; Converted and Script Difference for bilingual editions.
- The script comes from `metadata.language` (`zh-Hans` → Simplified, `zh-Hant`/`zh-TW` →
  Traditional, `zh-HK`/`zh-Hant-HK` → Hong Kong); when the metadata does not say, it is guessed
  from the text (OpenCC) and reported.
- Fonts: Noto Serif CJK SC/TC/HK for body text, Noto Sans CJK for headings, with SimSun / SimHei,
  PMingLiU / Microsoft JhengHei (MingLiU_HKSCS for Hong Kong) as the font table's `altName`, so
  Word substitutes those where Noto is not installed; `--font` / `--heading-font` name others.
- `--reference-docx FILE` takes styles, numbering, page set-up, headers and footers from a user's
  document, as pandoc's reference doc does: its styles are used as they are (matched by name, so a
  Chinese Word's localized style ids work), styles it lacks are added, its body text is dropped.
- Real lists (numbering.xml, nested levels, ordered start), real `w:hyperlink`s with external
  relationships (`javascript:`, `vbscript:` and `data:` links are dropped, their text kept, and
  reported), line breaks, thematic breaks, Div/Span `lang` → `w:lang` on runs, bilingual halves
  (interleaved, or a two-column table for side-by-side), collections (a heading per article, page
  breaks between).
- Core properties from the metadata: title, authors, created date, subject and keywords, language,
  source (description) and URL (identifier).
- Characters XML cannot hold are removed and reported; an empty document is an error.
- Reproducible: the same document gives the same bytes (fixed zip timestamps; the created and
  modified dates come from the metadata, and are left out when it has none).
- The styled package is prepared once per process and the body streamed into it (`package.py`):
  python-docx per document cost most of the writing time, and one lxml tree of a large document
  most of its memory.
"""

from __future__ import annotations

from pathlib import Path

from wenzhuan.hookspecs import hookimpl
from wenzhuan.registry import Option, WriteContext, Writer

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocxWriter(Writer):
    name = "docx"
    aliases = ("word",)
    extensions = ("docx",)
    media_type = MEDIA_TYPE
    binary = True
    description = "Word document with Chinese fonts, language and styles (python-docx)"
    options = (
        Option("reference_docx", Path, None,
               "take styles, numbering, page set-up, headers and footers from this .docx (like pandoc)"),
        Option("font", str, "",
               "East Asian body font; default Noto Serif CJK SC/TC/HK by script (Word substitutes "
               "SimSun/PMingLiU where Noto is absent)"),
        Option("heading_font", str, "", "East Asian heading font; default Noto Sans CJK SC/TC/HK"),
        Option("line_spacing", float, 1.5, "line spacing in lines (1 = single)"),
    )

    def write(self, doc, out, ctx: WriteContext) -> None:
        # imported on first use: python-docx and lxml cost a batch of other formats its start-up
        from .writer import write_docx

        write_docx(doc, out, ctx)


@hookimpl
def register_writers(register):
    register(DocxWriter())
