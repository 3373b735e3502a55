"""The coverage page's live part, rendered by the Jinja2 engine
(templates/jinja2/coverage/_live.html).

A card per theme, each with its sample questions and the stories answering them,
and the chart's two loops over the themes: some 400 nodes of Django's template
engine at about 5 µs each, so most of the page (bench: 10× the bare page at 100
stories). templates/coverage/coverage.html says where the part goes.
"""

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe

from interviewprep.jinja2 import url_format

register = template.Library()


@register.simple_tag(takes_context=True)
def coverage_live(context):
    """The part of the page htmx swaps: what the view passed, and the URLs."""
    names = ("coverage", "READY_SCORE", "is_new", "next_gap", "next_question")
    html = get_template("coverage/_live.html", using="jinja2").render(
        {**{name: context.get(name) for name in names}, "urls": _urls()}
    )
    return mark_safe(html)


def _urls():
    return {
        "coverage": reverse("coverage:index"),
        "create": reverse("stories:create"),
        "list": reverse("stories:list"),
        "practice": reverse("practice:index"),
        "themes": reverse("themes:index"),
        "choose": reverse("themes:choose"),
        # One reverse() for every story's or theme's link, not one each.
        "story": url_format("stories:detail"),
        "theme": url_format("themes:detail", slug=True),
    }
