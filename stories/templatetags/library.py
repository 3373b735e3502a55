"""The story list's rows, rendered by the Jinja2 engine (templates/jinja2/stories/_rows.html).

The list shows 50 stories a page, and a row has some thirty template nodes (links,
dates, the status, the themes): Django's template engine spent 0.2–0.5 ms a row,
most of the page (bench: the list at 10× the bare page). Jinja2 compiles the same
template to Python and renders a row in some 25 µs. templates/stories/list.html says
where the rows go.

What is not markup (each row's URLs and dates) is worked out here, in one loop: in
the template, each method call (str.format, strftime) goes through Jinja2's
context.call and each localtime looks the time zone up again, which took half of the
rows' time.
"""

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from interviewprep.jinja2 import url_format

from ..models import Story

register = template.Library()

LABELS = dict(Story.Status.choices)


def _render(stories, themes, restored=False):
    detail, history, delete = (
        url_format("stories:detail"),
        url_format("stories:history"),
        url_format("stories:delete"),
    )
    zone = timezone.get_current_timezone()
    rows = []
    for story in stories:
        pk = story.pk
        updated = story.updated.astimezone(zone)
        rows.append(
            (
                story,
                pk,
                detail.format(pk),
                history.format(pk),
                delete.format(pk),
                updated.strftime("%Y-%m-%dT%H:%M:%S%z"),
                f"{updated.day} {updated.strftime('%b %Y, %H:%M')}",
                themes[pk],
            )
        )
    context = {
        "rows": rows,
        "restored": restored,
        "labels": LABELS,
        # In the list, a theme's link keeps the list's path.
        "themes_url": reverse("stories:list") if restored else "",
    }
    html = get_template("stories/_rows.html", using="jinja2").render(context)
    return mark_safe(html)


@register.simple_tag
def story_rows(stories, themes):
    """Every story of the page, as the list's <li> rows; `themes` holds each one's
    themes as (slug, title, is_lead) by story pk."""
    return _render(stories, themes)


@register.simple_tag
def story_row(story, restored=False):
    """One story's row, as the restore view sends it back."""
    themes = {
        story.pk: [
            (link.theme.slug, link.theme.title, link.is_lead)
            for link in story.story_themes.select_related("theme")
        ]
    }
    return _render([story], themes, restored)
