"""The main content of a web page without <article> or <main>, found as readability-style
extractors do: by where its Chinese prose is.

Each paragraph (a `<p>`, or a `<div>`/`<td>`/`<section>` holding no blocks, as CMSs write
`text<br><br>text`) with a sentence in it scores by its length and its full-width punctuation;
its parent gets the score and its grandparent half, when they are the kind of element that
holds an article (a `<div>`, `<section>`, `<td>`, `<center>`). A candidate's score is then cut
by its link density (a list of headlines is links). The best candidate is the article when it
clearly wins: enough prose, nearly all of the page's prose inside it, few links. Otherwise
(short pages, pages whose body is the article) the page is left whole.

The article's headline is kept with it: an `<h1>` inside, or the last one before it in the same
parent when little text (a byline, a date) lies between; that text is kept too. So are short
notes without links right after it (an editor's line, a source note).
"""

from __future__ import annotations

import re

from wenzhuan.plugins.hanzi import HAN

_PROSE_MARKS = re.compile("[，。！？；、“”]")
_SENTENCE = re.compile("[，。！？]")
_PARA_MIN = 10  # characters of a paragraph that counts (a short Chinese sentence)
_BLOCK_FREE = ("div", "td", "section")  # a paragraph when it holds no block element
# what can hold an article (not a quotation or a list inside one, nor the page's body)
_CANDIDATES = frozenset({"div", "section", "td", "center"})
_WIN_SCORE = 10.0  # about three short paragraphs of news
_WIN_SHARE = 0.8  # of the page's paragraph score inside the winner
_MAX_LINKS = 0.33  # link density of the winner
_NOTE_MAX = 80  # characters of a note after the article (`（责任编辑：王芳）`)
_NOTE_MARKS = re.compile("[：（）。]")
_HEADLINE_GAP = 200  # characters between a headline and the article for it to be the article's


def main_content(root, blocks: frozenset):
    """(first, last): the article's first element (its headline, or the container) and its last
    (the container, or a note after it); None when no container clearly wins. `blocks` are the
    block tags."""
    if next(root.iter(*_CANDIDATES), None) is None:
        return None  # (a page of paragraphs and headings alone is all article)
    scores: dict = {}
    total = 0.0
    paragraphs: dict = {}  # score by paragraph, to sum what the winner holds
    for el in root.iter("p", *_BLOCK_FREE):
        if len(el):  # (most paragraphs are one run of text: no child to look at)
            if el.tag != "p" and any(isinstance(c.tag, str) and c.tag.lower() in blocks for c in el):
                continue
            text = el.text_content()
        else:
            text = el.text or ""
        score = _paragraph_score(text)
        if not score:
            continue
        total += score
        paragraphs[el] = score
        parent = el.getparent()
        grand = parent.getparent() if parent is not None else None
        if parent is not None and parent.tag in _CANDIDATES:
            scores[parent] = scores.get(parent, 0.0) + score
        if grand is not None and grand.tag in _CANDIDATES:
            scores[grand] = scores.get(grand, 0.0) + score / 2
    if total < _WIN_SCORE:
        return None
    # the best score after link density: candidates by score, until no score left can win
    best, best_score = None, 0.0
    for el, score in sorted(scores.items(), key=lambda pair: -pair[1]):
        if score <= best_score:
            break
        score *= 1 - _link_density(el)
        if score > best_score:
            best, best_score = el, score
    if best is None or best_score < _WIN_SCORE:
        return None
    held = sum(paragraphs.get(el, 0.0) for el in best.iter("p", *_BLOCK_FREE))
    if held < _WIN_SHARE * total or _link_density(best) > _MAX_LINKS:
        return None
    first, last = _headline(best), _notes_after(best)
    if _ARTICLE_TEXT.search(_text_left_out(root, first, last)):
        return None  # a sentence or a byline would go: the scores missed part of the article
    return first, last


# Text that is an article's, never a page's furniture: a sentence of prose (the article's lead, a
# paragraph written as loose text between <br>s that no paragraph scored), or a labelled byline.
_ARTICLE_TEXT = re.compile(
    f"[{HAN}，、“”‘’《》（）]{{12,}}[。！？]|(?:来源|來源|作者|记者|記者|发布时间|發布時間|编辑|編輯)\\s*[:：]")


def _text_left_out(root, first, last) -> str:
    """The text outside links that cutting the page to `first`..`last` would leave out."""
    return "".join(text if text is not None else "".join(el.xpath(_TEXT_OUTSIDE_LINKS))
                   for el, text in left_out(root, first, last))


_TEXT_OUTSIDE_LINKS = ".//text()[not(ancestor::a or ancestor::script or ancestor::style)]"


def _notes_after(container):
    """The last of the short notes without links right after `container` in its parent (an
    editor's line, `（责任编辑：王芳）`, a source note), which belong to the article; else the
    container itself."""
    last = container
    for sib in container.itersiblings():
        text = sib.text_content().strip()
        if not text:
            continue
        if len(text) > _NOTE_MAX or next(sib.iter("a"), None) is not None or not _NOTE_MARKS.search(text):
            break
        last = sib
    return last


def _paragraph_score(text: str) -> float:
    text = text.strip()
    if len(text) < _PARA_MIN or not _SENTENCE.search(text):
        return 0.0
    return 1 + len(_PROSE_MARKS.findall(text)) + min(len(text) / 50, 3.0)


def _link_density(el) -> float:
    length = len(el.text_content().strip())
    if not length:
        return 1.0
    return sum(len(a.text_content().strip()) for a in el.iter("a")) / length


def _headline(container):
    """The `<h1>` that titles `container`: none needed when one is inside it, else the last one
    with text before it in its parent, when little text lies between (a byline, a date; not the
    site's name in a header, with its navigation); else the container itself."""
    if any(h.text_content().strip() for h in container.iter("h1")):
        return container
    from lxml import etree

    seen = 0  # characters of text so far, in document order
    last_h1, after_h1 = None, 0
    for event, el in etree.iterwalk(container.getparent(), events=("start", "end")):
        if event == "start":
            if el is container:
                break
            seen += len((el.text or "").strip())
        else:
            if el.tag == "h1" and el.text_content().strip():
                last_h1, after_h1 = el, seen
            seen += len((el.tail or "").strip())
    if last_h1 is None or seen - after_h1 > _HEADLINE_GAP:
        return container
    return last_h1


def left_out(root, first, last) -> list[tuple]:
    """What cutting the page to `first`..`last` leaves out, in document order: (element, None)
    for each outermost element, (element, text) for loose text in an element (before its first
    child, or after one of its children)."""
    before, after = [], []
    node = first
    while node is not root and node.getparent() is not None:
        parent = node.getparent()
        for sib in node.itersiblings(preceding=True):  # (nearest first: reversed below)
            if sib.tail and sib.tail.strip():
                before.append((parent, sib.tail))
            before.append((sib, None))
        if parent.text and parent.text.strip():
            before.append((parent, parent.text))
        node = parent
    node = last
    while node is not root and node.getparent() is not None:
        parent = node.getparent()
        if node.tail and node.tail.strip():
            after.append((parent, node.tail))
        for sib in node.itersiblings():
            after.append((sib, None))
            if sib.tail and sib.tail.strip():
                after.append((parent, sib.tail))
        node = parent
    return before[::-1] + after


def keep_span(root, first, last) -> list[tuple]:
    """Remove from the tree everything before `first` and after `last` in document order;
    returns what went (`left_out`), for the report."""
    gone = left_out(root, first, last)
    node = first
    while node is not root:
        parent = node.getparent()
        for sib in list(node.itersiblings(preceding=True)):
            parent.remove(sib)  # (with its tail)
        parent.text = None
        node = parent
    node = last
    while node is not root:
        parent = node.getparent()
        node.tail = None
        for sib in list(node.itersiblings()):
            parent.remove(sib)
        node = parent
    return gone
