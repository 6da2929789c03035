"""Read HTML left in an article's text as the text it marks up.

Archives exported from a newsroom's CMS, and scraped pages saved as text,
carry markup inside the text: entities (``&nbsp;``, ``&laquo;``, ``&#8212;``),
tags (``<p>``, ``<br>``, ``<sup>3</sup>``), often escaped once more
(``&lt;br&gt;``, as in KazQAD's Wikipedia contexts). Left in, the tags become
words of the lexical index ("lt", "br", "sup"), pull the passage's vector
toward markup, and are quoted to the user verbatim in answers. A tag is read
by what it does: a block (paragraph, line break, list item, heading, table
cell) ends a line, inline markup (bold, a link, a superscript) just goes, and
what a script, style or comment holds is not article text. Only names of real
HTML elements count as tags, so "<1100 қызықты дерек>" or "x < 5 > y" stay.
"""

from __future__ import annotations

import html
import re

_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCKS = ("address|article|aside|blockquote|br|caption|center|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|"
           "header|hr|li|main|nav|ol|p|poem|pre|section|table|tbody|td|tfoot|th|thead|tr|ul")
_INLINE = ("a|abbr|b|bdi|bdo|big|cite|code|del|dfn|em|font|i|img|ins|kbd|mark|nobr|q|s|samp|small|span|strike|"
           "strong|sub|sup|time|tt|u|var|wbr")
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCKS})\b[^<>]*>", re.IGNORECASE)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE})\b[^<>]*>", re.IGNORECASE)
# Whole elements that hold no article text, and comments.
_HIDDEN = re.compile(r"<(script|style|noscript|iframe)\b[^<>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\xa0]+")
_LINE_ENDS = re.compile(r" *\n *")
_UNESCAPE_PASSES = 3  # "&amp;lt;br&amp;gt;": an export escaped twice


def has_markup(text: str) -> bool:
    """Whether ``text`` holds an entity or an HTML tag (cheap enough to ask of every document)."""
    return ("&" in text and _ENTITY.search(text) is not None) or (
        "<" in text and (_BLOCK_TAG.search(text) or _INLINE_TAG.search(text) or _HIDDEN.search(text)) is not None)


def plain(text: str) -> str:
    """``text`` with its entities decoded and its tags read as line breaks or nothing; text without markup
    comes back unchanged, so a plain corpus indexes byte for byte as before."""
    if not has_markup(text):
        return text
    for _ in range(_UNESCAPE_PASSES):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    text = _HIDDEN.sub(" ", text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _INLINE_TAG.sub("", text)
    text = _SPACES.sub(" ", text)
    return _LINE_ENDS.sub("\n", text)
