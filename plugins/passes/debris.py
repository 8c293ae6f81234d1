"""Markup debris pass: what a web page leaves behind in copied text.

- stray tags in the text (`</h1>`, `<br>`, `<p class="x">`) are removed;
- leftover entities (`&nbsp;`, `&amp;`, `&#12290;`) are decoded (`&nbsp;` between Chinese
  characters or at either end of a paragraph is dropped, elsewhere it is a space);
- view counters (`點擊數:`, `阅读量 1234`, `浏览次数：56次`) are removed, and so is a paragraph
  left empty by that;
- at the end of the article, paragraphs that are only site navigation (`[返回首页](...)`,
  `返回列表`, `上一篇：…` and `下一篇：…` joined by a line break, `打印本页 关闭窗口`), share lines
  (`分享到：微信 微博 QQ空间`: a share word and networks' names) or only a bare share URL are removed; the first such
  URL is kept as metadata `url`. Source notes among them (`（文章来源：…）`) are left for the
  metadata pass.
"""

from __future__ import annotations

import dataclasses
import html
import re

from wenzhuan import regex_cache
from wenzhuan.hookspecs import hookimpl
from wenzhuan.model import Document, Link, Para
from wenzhuan.plugins.passes.textops import rewrite_document, snippet, without_blocks
from wenzhuan.registry import Pass, PassContext
from wenzhuan.walk import stringify

_TAG_NAMES = (
    "a|abbr|article|b|big|blockquote|body|br|center|code|dd|div|dl|dt|em|font|footer|h[1-6]|head|"
    "header|hr|html|i|img|li|main|nav|ol|p|pre|section|small|span|strong|sub|sup|table|tbody|td|"
    "th|thead|tr|u|ul|wbr"
)
STRAY_TAG = regex_cache.compile(rf"</?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?>", re.I)
ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,7}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_NBSP_RUN = re.compile(r"(?:&(?:nbsp|#160|#[xX]0*[aA]0);)+")

_COUNTER_WORDS = (
    "点击数|點擊數|点击量|點擊量|点击率|點擊率|阅读量|閱讀量|阅读数|閱讀數|阅读次数|閱讀次數|"
    "浏览次数|瀏覽次數|浏览量|瀏覽量|浏览数|瀏覽數|访问量|訪問量|访问次数|訪問次數|人气|人氣"
)
COUNTER = regex_cache.compile(
    rf"[\[【(（]?\s*(?:{_COUNTER_WORDS})\s*(?:[:：]\s*(?:[\d,]+\s*次?)?|[\d,]+\s*次?)\s*[\]】)）]?"
    r"|[\[【(（]?\s*(?:阅读|閱讀|浏览|瀏覽)\s*[:：]\s*[\d,]+\s*次?\s*[\]】)）]?"
)

NAV_ITEM = regex_cache.compile(
    r"(?:返回|回到|进入|進入)[^\s。！？!?；;]{0,16}|(?:上一篇|下一篇|上一条|下一條|上一條|下一条|上一页|下一页|上一頁|下一頁)(?:[:：].*)?"
    r"|首页|首頁|主页|主頁|网站首页|網站首頁|顶部|頂部|打印|列印|打印本页|打印本頁|列印本頁|关闭|關閉|关闭窗口|關閉窗口"
    r"|收藏本页|收藏本頁|加入收藏|分享到\S{0,12}|TOP|Top|top|【?字体[:：]?\s*大\s*中\s*小】?|【?字體[:：]?\s*大\s*中\s*小】?",
)
# A share line: `分享到：微信 微博 QQ空间`; the networks' names alone are nav only after a share word.
SHARE_WORD = re.compile(r"(?:一键|一鍵)?(?:分享|转发|轉發)(?:到|至|给|給)?[:：]?")
SOCIAL = re.compile(
    r"微信|微信好友|朋友圈|微博|新浪微博|腾讯微博|騰訊微博|QQ|QQ空间|QQ空間|QQ好友|人人网|人人網|豆瓣|百度|"
    r"抖音|今日头条|今日頭條|知乎|脸书|臉書|Facebook|Twitter|LINE|Line|WhatsApp|Telegram|Plurk|LinkedIn|"
    r"更多|复制链接|複製鏈接|複製連結",
    re.I,
)
_NAV_SEPARATORS = re.compile(r"[\s|｜/·•>»【】\[\]()（）<>、,，]+")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
_NAV_SPLIT = regex_cache.compile(r"\x00|" + _NAV_SEPARATORS.pattern)  # items: between links (\x00) and separators

URL_LINE = re.compile(
    r"\A(?:(?:分享|本文|原文|文章)?(?:链接|鏈接|网址|網址|地址)\s*[:：]\s*)?<?((?:https?://|www\.)[^\s<>]+)>?\Z",
    re.I,
)
SOURCE_NOTE = re.compile(r"\A[（(【\[]?\s*(?:文章|本文|信息|稿件|新闻|新聞|转自|轉自)?(?:来源|來源|出处|出處)\s*[:：]")

_HAN_OR_FW = regex_cache.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def clean_text(text: str, prev: str = "", nxt: str = "") -> tuple[str, list[tuple[str, str, str]]]:
    """Text without stray tags, leftover entities and view counters, and what was done:
    (kind, before, after) triples."""
    if "<" not in text and "&" not in text and not _COUNTER_HINT.search(text):
        return text, []
    changes: list[tuple[str, str, str]] = []
    for _ in range(2):  # `&amp;nbsp;` needs two rounds
        new = _decode_entities(text, prev, nxt, changes)
        if new == text:
            break
        text = new

    def tag(m: re.Match) -> str:
        changes.append(("stray-tag", snippet(m.string, m.start(), m.end()), _removed(m)))
        return ""

    text = STRAY_TAG.sub(tag, text)

    def counter(m: re.Match) -> str:
        changes.append(("view-counter", m.group(0).strip(), ""))
        return ""

    text = COUNTER.sub(counter, text)
    return text, changes


_COUNTER_HINT = regex_cache.compile(rf"{_COUNTER_WORDS}|阅读|閱讀|浏览|瀏覽")


def _removed(m: re.Match) -> str:
    s = m.string
    return s[max(0, m.start() - 4):m.start()] + s[m.end():m.end() + 4]


def _decode_entities(text: str, prev: str, nxt: str, changes: list) -> str:
    def report(m: re.Match, value: str) -> None:
        s = m.string
        changes.append(("entity", snippet(s, m.start(), m.end()),
                        s[max(0, m.start() - 4):m.start()] + value + s[m.end():m.end() + 4]))

    def nbsp(m: re.Match) -> str:
        # a run of &nbsp; is one space in Latin text; nothing at the ends of a paragraph, next
        # to a space, or between Chinese characters (there it was indentation or layout)
        s = m.string
        left = s[m.start() - 1] if m.start() > 0 else prev
        right = s[m.end()] if m.end() < len(s) else nxt
        if not left or not right or left.isspace() or right.isspace() or (
                _HAN_OR_FW.match(left) and _HAN_OR_FW.match(right)):
            value = ""
        else:
            value = " "
        report(m, value)
        return value

    def entity(m: re.Match) -> str:
        value = html.unescape(m.group(0))
        if value == m.group(0):
            return value  # not an entity HTML knows: leave the text alone
        report(m, value)
        return value

    return ENTITY.sub(entity, _NBSP_RUN.sub(nbsp, text))


def _blank(text: str) -> bool:
    """`not text.strip()`, without copying the text."""
    return not text or text.isspace()


def is_nav(block) -> bool:
    """A paragraph made only of site navigation links or phrases, or a share line."""
    if not isinstance(block, Para):
        return False
    found = social = shared = False
    for node in block.content:
        if isinstance(node, Link):
            items = [stringify(node).strip()]
        else:
            text = _MD_LINK.sub(lambda m: "\x00" + m.group(1) + "\x00", stringify(node))
            items = _NAV_SPLIT.split(text)
        for item in items:
            item = _NAV_SEPARATORS.sub("", item)
            if not item:
                continue
            if NAV_ITEM.fullmatch(item):
                found = True
                shared = shared or SHARE_WORD.match(item) is not None  # `分享到：微信`
            elif SOCIAL.fullmatch(item):
                social = True
            else:
                share = SHARE_WORD.match(item)
                if share is None or not SOCIAL.fullmatch(item, share.end()) and share.end() < len(item):
                    return False  # (a paragraph of prose: its first item already says so)
                shared = True
    return (found or shared) and (shared or not social)


def bare_url(block) -> str | None:
    """The URL when a paragraph is nothing but one (a share link), else None."""
    if not isinstance(block, Para):
        return None
    if len(block.content) == 1 and isinstance(block.content[0], Link):
        link = block.content[0]
        if stringify(link).strip() in (link.url, link.url.removeprefix("mailto:")) or not stringify(link).strip():
            return link.url if link.url.lower().startswith(("http://", "https://", "www.")) else None
    m = URL_LINE.match(stringify(block).strip())
    return m.group(1) if m else None


class DebrisPass(Pass):
    name = "debris"
    description = "stray tags, leftover entities, view counters, trailing navigation and share URLs"

    def run(self, doc: Document, ctx: PassContext) -> Document:
        def make(index: int):
            def fix(text: str, prev: str, nxt: str) -> str:
                new, done = clean_text(text, prev, nxt)
                for kind, before, after in done:
                    ctx.change(kind, before, after, line=ctx.line_of(index), block=index + 1)
                return new

            return fix

        # one look at the whole text first: most documents have none of it (each text run is
        # part of this text, so none of them has any either)
        whole = stringify(doc)
        if "<" in whole or "&" in whole or _COUNTER_HINT.search(whole):
            doc = rewrite_document(doc, make)
        drop = [i for i, b in enumerate(doc.blocks) if isinstance(b, Para) and _blank(stringify(b))]
        doc = without_blocks(doc, ctx, drop)
        return self.trailing(doc, ctx)

    def trailing(self, doc: Document, ctx: PassContext) -> Document:
        """Remove navigation and share URLs from the end, looking past source notes."""
        drop: list[int] = []
        url = ""
        for i in range(len(doc.blocks) - 1, -1, -1):
            block = doc.blocks[i]
            text = stringify(block).strip()
            if SOURCE_NOTE.match(text):
                continue
            found = bare_url(block)
            if found:
                url = found  # the earliest one wins: walking backwards, keep overwriting
                ctx.change("share-url", text, "", line=ctx.line_of(i), block=i + 1,
                           message="kept as metadata url")
            elif is_nav(block):
                ctx.change("navigation", text, "", line=ctx.line_of(i), block=i + 1)
            else:
                break
            drop.append(i)
        if len(drop) == len(doc.blocks):
            return doc  # a document of nothing but links is not debris
        doc = without_blocks(doc, ctx, drop)
        if url and not doc.metadata.url:
            doc = Document(dataclasses.replace(doc.metadata, url=url), doc.blocks)
        return doc


@hookimpl
def register_passes(register):
    register(DebrisPass())
