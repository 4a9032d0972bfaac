"""Plain text out of the site's Markdown, for search snippets and previews.

Pages render Markdown through editorial's renderer; a snippet needs the words a reader sees, not
the `**`, `[text](url)`, table pipes or code fences around them.
"""

import re

_CODE_FENCE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|\*|~~)(?=\S)(.+?)(?<=\S)\1")
# Underscores emphasise only outside words: Q4_K_M and OLLAMA_KV_CACHE_TYPE keep theirs.
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_BACKTICKS = re.compile(r"`+")
_LEFTOVER_SHORTCODE = re.compile(r"\{\{[^}]*\}\}")
_SPACE = re.compile(r"\s+")


def plain_text(markdown):
    """The words of a Markdown text on one line: markup, links' targets and tags removed."""
    text = markdown or ""
    text = _CODE_FENCE.sub(" ", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _TABLE_RULE.sub(" ", text)
    text = _HEADING.sub("", text)
    text = _QUOTE.sub("", text)
    text = _LIST_MARK.sub("", text)
    for _ in range(2):  # nested emphasis: **bold _and italic_**
        text = _EMPHASIS.sub(r"\2", text)
        text = _UNDERSCORE_EMPHASIS.sub(r"\2", text)
    text = _BACKTICKS.sub("", text)
    text = _LEFTOVER_SHORTCODE.sub(" ", text)
    text = text.replace("|", " ")
    return _SPACE.sub(" ", text).strip()
