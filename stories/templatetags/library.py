"""The story list's rows, written out in Python rather than by the template engine.

The list shows 25 stories a page, and a row has some thirty template nodes (links,
dates, the status, the themes): Django's template engine spent 0.2–0.5 ms a row,
most of the page (bench: the list at 10× the bare page). The same markup written
here costs about 15 µs a row. templates/stories/list.html says where the rows go.
"""

from html import escape  # as Django's escape(), without its lazy-string wrapper

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe

from ..models import Story

register = template.Library()

LABELS = dict(Story.Status.choices)
# An id no story has, within the <id:…> converter's 18 digits.
PLACEHOLDER = 987654321987654321


def _url(name):
    """A URL with a story's pk as "{}": one reverse() for every row, not one each."""
    return reverse(name, args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{}")


def _row(story, themes, urls, restored=False):
    """One <li> of the list.

    The actions' accessible names include the story's title through aria-labelledby
    ("History Story title"), not repeated hidden text; hence the short ids: t<pk> the
    title, h<pk> History, d<pk> Move to trash. A row rendered on its own ("restored",
    by the restore view, also from the trash page) carries what it would otherwise
    inherit from the list: its swap target and full links.
    """
    detail, history, delete, themes_url = urls
    pk = story.pk
    parts = [
        f'<li id="story-{pk}"',
        ' hx-target="this" hx-swap="outerHTML"' if restored else "",
        f'><h2><a href="{detail.format(pk)}" id="t{pk}"',
        " autofocus" if restored else "",
        f">{escape(story.title)}</a></h2>\n",
    ]
    if restored:
        parts.append(
            '<p class="restored-note" role="status">Restored from the trash.</p>'
        )
    if story.summary:
        parts.append(f"<p>{escape(story.summary)}</p>")
    parts.append(
        f'\n<p class="meta"><b class="library-status-{story.status}">'
        f"{LABELS[story.status]}</b>"
    )
    if story.role or story.company:
        joiner = ", " if story.role and story.company else ""
        parts.append(f" · {escape(story.role)}{joiner}{escape(story.company)}")
    # As the template's |date filters would: in the current time zone.
    updated = timezone.localtime(story.updated)
    month = str(MONTHS_3[updated.month]).title()
    parts.append(
        f' · edited <time datetime="{updated:%Y-%m-%dT%H:%M:%S%z}">'
        f"{updated.day} {month} {updated.year}, {updated:%H:%M}</time></p>\n"
    )
    if themes:
        parts.append('<ul class="tags" aria-label="Themes">')
        parts += [
            f'<li><a href="{themes_url}?theme={escape(slug)}">{escape(title)}</a></li>'
            for slug, title in themes
        ]
        parts.append("</ul>\n")
    parts.append(
        f'<p class="row-actions"><a href="{history.format(pk)}" id="h{pk}" '
        f'aria-labelledby="h{pk} t{pk}">History</a> <button formaction="'
        f'{delete.format(pk)}" hx-post="{delete.format(pk)}" id="d{pk}" '
        f'aria-labelledby="d{pk} t{pk}">Move to trash</button></p></li>\n'
    )
    return "".join(parts)


def _urls(restored):
    return (
        _url("stories:detail"),
        _url("stories:history"),
        _url("stories:delete"),
        # In the list, a theme's link keeps the list's path.
        reverse("stories:list") if restored else "",
    )


@register.simple_tag
def story_rows(stories, themes):
    """Every story of the page, as the list's <li> rows; `themes` holds each one's
    themes as (slug, title) by story pk."""
    urls = _urls(restored=False)
    return mark_safe("".join(_row(s, themes[s.pk], urls) for s in stories))


@register.simple_tag
def story_row(story, restored=False):
    """One story's row, as the restore view sends it back."""
    themes = [(theme.slug, theme.title) for theme in story.themes.all()]
    return mark_safe(_row(story, themes, _urls(restored), restored))
