"""Markdown to safe HTML: render with Python-Markdown, sanitise with nh3, then set link rels.

Content is written by editors but treated as untrusted: no scripts, no event handlers, no
style attributes survive, and links to other sites get rel="noopener" (affiliate redirects
through /go/ get rel="sponsored nofollow").
"""

import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"align", "scope"},
    "td": {"align"},
    "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
ANCHOR = re.compile(r'<a href="([^"]*)"')


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list  # [{"id": ..., "name": ...}] for the ## headings

    def __str__(self):
        return self.html

    def __html__(self):
        return self.html


def _rel_for(href):
    if href.startswith("/go/"):
        return "sponsored nofollow"
    if href.startswith(("http://", "https://", "//")):
        return "noopener"
    return ""


def _add_rel(match):
    href = match.group(1)
    rel = _rel_for(href)
    return f'<a href="{href}" rel="{rel}"' if rel else match.group(0)


def sanitise(html):
    """Strip everything not on the allow-list, then give each off-site link its rel."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return ANCHOR.sub(_add_rel, cleaned)


TABLE_REGION = (
    '<div class="table-wrap" tabindex="0" role="region" aria-label="Scrollable table"><table>'
)


def render_markdown(text):
    """Render Markdown to sanitised HTML with a table of contents of its ## headings."""
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", "toc"],
        extension_configs={"toc": {"toc_depth": "2-2"}},
    )
    html = sanitise(md.convert(text or ""))
    # A wide table scrolls inside its own region, which a keyboard reaches with Tab.
    html = html.replace("<table>", TABLE_REGION).replace("</table>", "</table></div>")
    toc = [{"id": token["id"], "name": token["name"]} for token in md.toc_tokens]
    return Rendered(html=mark_safe(html), toc=toc)
