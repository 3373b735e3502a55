from html.parser import HTMLParser

import pytest

from markup.render import render_inline, render_markdown, to_text

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def parsed(html):
    collector = Collector()
    collector.feed(html)
    return collector.elements


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml,<svg onload=alert(1)>)",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div hx-get="/accounts/logout/" hx-trigger="load">x</div>',
    '<div data-hx-post="/x" data-hx-trigger="load">x</div>',
    '<form action="/x"><button formaction="javascript:alert(1)">go</button></form>',
    "<iframe src=//evil.example></iframe>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{display:none}</style>",
    '<object data="x.swf"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_inert(source):
    html = render_markdown(source)
    for tag, attrs in parsed(html):
        assert tag not in {
            "script",
            "iframe",
            "object",
            "style",
            "form",
            "svg",
            "math",
            "img",
            "meta",
        }
        for name, value in attrs.items():
            assert not name.startswith("on"), (source, html)
            assert name != "style", (source, html)
            assert not name.startswith(("hx-", "data-hx-")), (source, html)
            if name in ("href", "src", "action", "formaction"):
                normalised = (value or "").strip().lower()
                assert not normalised.startswith(DANGEROUS_SCHEMES), (source, html)


def test_ordinary_markdown_keeps_its_structure():
    html = render_markdown(
        "## Result\n\n*Cut* **p95** by `40%`:\n\n- one\n- two\n\n"
        "> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[docs](https://example.org)"
    )
    tags = [tag for tag, _ in parsed(html)]
    for tag in [
        "h2",
        "em",
        "strong",
        "code",
        "ul",
        "li",
        "blockquote",
        "table",
        "td",
        "a",
    ]:
        assert tag in tags
    links = [attrs for tag, attrs in parsed(html) if tag == "a"]
    assert links[0]["href"] == "https://example.org"
    assert "noopener" in links[0]["rel"]


def test_inline_rendering_drops_the_paragraph():
    assert render_inline("with `nsys` and") == "with <code>nsys</code> and"


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("", ""),
        (
            "## Fix\n\n* **profiled** the `decoder`\n* [read](https://x.example/) it",
            "Fix profiled the decoder read it",
        ),
        ("one<br>two\n\n| a | b |\n|---|---|\n| 1 | 2 |", "one two a b 1 2"),
        ("Fish &amp; `a<b` &lt;3", "Fish & a<b <3"),
        ("<script>alert(1)</script>kept", "kept"),
        ("Said:\n\n> we did it\n\nThen I shipped", "Said: we did it Then I shipped"),
    ],
)
def test_text_is_what_a_reader_sees_on_one_line(markdown, text):
    assert to_text(markdown) == text


def test_text_can_leave_quoted_passages_out():
    markdown = "Said:\n\n> we did it\n\nThen I shipped"
    assert to_text(markdown, blockquotes=False) == "Said: Then I shipped"
