"""Markdown to safe HTML for the guidance articles: headings with ids, an allow-list sanitizer.

No Flask here."""

import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "a", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# A paragraph that is only "[[name]]" marks where the page template puts a block of its own:
# the note on the 2026 penalty changes, or the data controller's box with the office's settings.
BLOCKS = ("penalty-note", "data-controller")
BLOCK_MARK = re.compile(r"^\[\[([a-z-]+)\]\]$")
BLOCK_HTML = re.compile(r"<p>\[\[([a-z-]+)\]\]</p>\n?")


class ContentError(ValueError):
    """An article file is missing, malformed, or disagrees with its translation."""


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


def _heading_id(title):
    # A prefix keeps article ids from clashing with the page's own (#main, #messages).
    return "s-" + slugify(title)


def _markdown():
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return md.use(anchors_plugin, min_level=2, max_level=4, slug_func=_heading_id)


MARKDOWN = _markdown()


def _inline_text(token):
    children = token.children or ()
    return "".join(child.content for child in children if child.type in ("text", "code_inline"))


def render(body, where="article"):
    """Markdown to sanitized HTML in parts ((html, block after it or None), ...), with its
    headings, links and plain text."""
    tokens = MARKDOWN.parse(body)
    toc, links, words = [], [], []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            if token.tag == "h1":
                raise ContentError(f"{where}: use ## for sections; the title is in front matter")
            if token.tag in ("h2", "h3"):
                text = _inline_text(tokens[index + 1])
                toc.append(Heading(int(token.tag[1]), token.attrGet("id"), text))
        if token.type == "inline" and BLOCK_MARK.match(token.content.strip()):
            block = BLOCK_MARK.match(token.content.strip())[1]
            if block not in BLOCKS:
                raise ContentError(f"{where}: unknown block [[{block}]]; known: {list(BLOCKS)}")
        elif token.type == "inline":
            words.append(_inline_text(token))
            links += [kid.attrGet("href") for kid in token.children if kid.type == "link_open"]
    html = sanitize(MARKDOWN.renderer.render(tokens, MARKDOWN.options, {}))
    pieces = BLOCK_HTML.split(html)  # html, block, html, block, ..., html
    parts = tuple(zip(pieces[::2], [*pieces[1::2], None], strict=True))
    return parts, tuple(toc), tuple(links), " ".join(words)


def sanitize(html):
    """Keep only the allow-listed tags and attributes, and links to http(s), mailto or this site.

    Raw HTML in markdown is already escaped (html=False); this is the second line of defence."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
