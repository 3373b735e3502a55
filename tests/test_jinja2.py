"""The second template engine: Jinja2 for the hot loops (interviewprep/jinja2.py)."""

from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_it_escapes_what_it_is_given():
    html = render("<p>{{ text }}</p>", text='<script>alert("x")</script>')
    assert "<script>" not in html
    assert html.startswith("<p>&lt;script&gt;")


def test_it_keeps_html_marked_safe_by_django():
    assert render("{{ html }}", html=mark_safe("<em>ok</em>")) == "<em>ok</em>"


def test_it_has_url_and_static():
    html = render("{{ url('stories:list') }} {{ static('css/app.css') }}")
    assert html.startswith(reverse("stories:list") + " ")
    assert "css/app.css" in html


def test_the_django_engine_still_renders_the_pages():
    assert list(engines)[0] == "django"


def test_the_jinja_tag_renders_a_jinja2_template_with_the_pages_context():
    from themes.models import Theme

    theme = Theme(pk=7, title="Ownership & <scope>", slug="ownership")
    page = engines["django"].from_string(
        '{% load jinja %}{% jinja "stories/_theme_rows.html" %}'
    )
    row = {
        "theme": theme,
        "checked": True,
        "angle_name": "angle-7",
        "angle": "",
        "questions": [],
    }
    html = page.render({"theme_rows": [row]})
    assert 'id="theme-7" checked>' in html
    assert "Ownership &amp; &lt;scope&gt;" in html
