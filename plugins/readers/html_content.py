"""The main content of a web page without <article> or <main>, found as readability-style
extractors do: by where its Chinese prose is.

Each paragraph (a `<p>`, or a `<div>`/`<td>`/`<section>` holding no blocks, as CMSs write
`text<br><br>text`) with a sentence in it scores by its length and its full-width punctuation;
its parent gets the score and its grandparent half. A candidate's score is then cut by its link
density (a list of headlines is links). The best candidate is the article when it clearly wins:
enough prose, nearly all of the page's prose inside it, few links, and something outside it to
drop. Otherwise (short pages, pages whose body is the article) the page is left whole.

The article's headline is kept with it: an `<h1>` inside, or the last one before it when little
text (a byline, a date) lies between; that text is kept too.
"""

from __future__ import annotations

import re

_PROSE_MARKS = re.compile("[，。！？；、“”]")
_SENTENCE = re.compile("[，。！？]")
_PARA_MIN = 10  # characters of a paragraph that counts (a short Chinese sentence)
_BLOCK_FREE = ("div", "td", "section")  # a paragraph when it holds no block element
_WIN_SCORE = 10.0  # about three short paragraphs of news
_WIN_SHARE = 0.8  # of the page's paragraph score inside the winner
_MAX_LINKS = 0.33  # link density of the winner
_HEADLINE_GAP = 200  # characters between a headline and the article for it to be the article's


def main_content(root, blocks: frozenset):
    """(first, container): the article's first element (its headline, or the container itself)
    and its container; None when no container clearly wins. `blocks` are the block tags."""
    scores: dict = {}
    total = 0.0
    inside: dict = {}  # paragraph score by paragraph, to sum what the winner holds
    for el in root.iter("p", *_BLOCK_FREE):
        if el.tag != "p" and any(isinstance(c.tag, str) and c.tag.lower() in blocks for c in el):
            continue
        score = _paragraph_score(el.text_content())
        if not score:
            continue
        total += score
        inside[el] = score
        parent = el.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + score
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + score / 2
    if total < _WIN_SCORE:
        return None
    best, best_score = None, 0.0
    for el, score in scores.items():
        score *= 1 - _link_density(el)
        if score > best_score:
            best, best_score = el, score
    if best is None or best_score < _WIN_SCORE or best.tag in ("html", "body"):
        return None
    held = sum(score for el, score in inside.items() if el is best or _within(el, best))
    if held < _WIN_SHARE * total or _link_density(best) > _MAX_LINKS:
        return None
    return _headline(root, best), best


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


def _within(el, ancestor) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def _headline(root, container):
    """The `<h1>` that titles `container`: none needed when one is inside it, else the last one
    with text before it, when little text lies between; else the container itself."""
    if any(h.text_content().strip() for h in container.iter("h1")):
        return container
    from lxml import etree

    seen = 0  # characters of text so far, in document order
    last_h1, after_h1 = None, 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
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


def keep_span(root, first, last) -> list[tuple]:
    """Remove from the tree everything before `first` and after `last` in document order; what
    went, for the report: (element, None) for each outermost element removed, (element, text)
    for the loose text (outside any child) of an element."""
    before, after = [], []
    node = first
    while node is not root:  # before: the preceding siblings and the text before them
        parent = node.getparent()
        for sib in list(node.itersiblings(preceding=True)):
            before.append((sib, None))
            parent.remove(sib)
        if parent.text and parent.text.strip():
            before.append((parent, parent.text))
        parent.text = None
        node = parent
    node = last
    while node is not root:  # after: the tail and the following siblings
        parent = node.getparent()
        if node.tail and node.tail.strip():
            after.append((parent, node.tail))
        node.tail = None
        for sib in list(node.itersiblings()):
            after.append((sib, None))
            parent.remove(sib)
        node = parent
    return before[::-1] + after
