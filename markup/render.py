"""The one way user Markdown becomes HTML: Python-Markdown, then nh3 with an allowlist."""

import re
import threading
from html import unescape

import markdown
import nh3

ALLOWED_TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    "p", "br", "hr", "strong", "em", "b", "i", "del", "sup", "sub",
    "ul", "ol", "li", "a", "code", "pre", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}


def sanitize(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_local = threading.local()


def _converter():
    # Building a Markdown instance loads its extensions, which costs far more than
    # converting a section; one per thread is reused (an instance is not thread-safe).
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS
        )
    return converter.reset()


def render_markdown(text):
    if not text:
        return ""
    return sanitize(_converter().convert(text))


def render_inline(text):
    """One paragraph's worth of Markdown without the <p>, for list items and quotes."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


# Where a block starts or ends (or a line breaks): once the tags are gone, the words
# on either side must stay apart.
BLOCK_TAG = re.compile(
    r"</?(?:p|br|hr|li|ul|ol|h[1-6]|pre|blockquote|table|thead|tbody|tr|th|td)\b[^>]*>",
    re.I,
)
# nh3 escapes every "<" that is not a tag, so a tag always ends at the next ">".
ANY_TAG = re.compile(r"<[^>]+>")
BLOCKQUOTE = re.compile(r"<blockquote>.*?</blockquote>", re.S | re.I)


def to_text(text, blockquotes=True):
    """The words a reader sees of this Markdown, on one line: rendered, every tag
    dropped, entities decoded. `blockquotes=False` leaves quoted passages out."""
    html = render_markdown(text)
    if not blockquotes:
        html = BLOCKQUOTE.sub(" ", html)
    return " ".join(unescape(ANY_TAG.sub("", BLOCK_TAG.sub(" ", html))).split())
