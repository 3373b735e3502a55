"""The matrix's rows, written out in Python rather than by the template engine.

A row is the story's link and one button per theme, so the matrix holds stories ×
themes cells: 500 at 100 stories, 5,000 at 1,000, and no paging (every story in one
matrix). Django's template engine spends about 5 µs a node and a cell has seven, so
the loop alone made the page 15–20 ms at 100 stories (bench: 35× the bare page);
written here it costs about 0.2 ms. The rest of the matrix stays in
templates/coverage/matrix.html, which says where the rows go.
"""

from html import escape  # as Django's escape(), without its lazy-string wrapper

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from stories.models import Story

register = template.Library()

LABELS = dict(Story.Status.choices)
# An id no story has, within the <id:…> converter's 18 digits.
PLACEHOLDER = 987654321987654321


def _cells(theme_pks, tagged, status):
    """A row's cells, with "{0}" where the story's pk goes.

    Each cell is a button of the matrix's one form, posting "tag" or "untag" with
    "<story pk>-<theme pk>"; it is named by its row's story link and its column's
    theme (aria-labelledby), aria-pressed says whether it is tagged, and its id keeps
    the keyboard focus on it across htmx swaps. A tag is marked ● on a ready story,
    ◐ on a draft.
    """
    mark = "●" if status == Story.Status.READY else "◐"
    return "".join(
        f'<td><button id="c{{0}}-{theme}" name="{"untag" if on else "tag"}" '
        f'value="{{0}}-{theme}" aria-labelledby="s{{0}} t{theme}" '
        f'aria-pressed="{"true" if on else "false"}">{mark if on else ""}</button></td>'
        for theme, on in zip(theme_pks, tagged, strict=True)
    )


@register.simple_tag
def matrix_rows(coverage):
    """Every row of `coverage.matrix` (Coverage.with_matrix()), as <tr> elements."""
    # One reverse() for every row's link, not one per story.
    url = reverse("stories:detail", args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{}")
    theme_pks = [t.theme.pk for t in coverage.themes]
    # Rows differ in their cells only by the story's pk, its status and which themes
    # it is tagged with: each such pattern is written out once.
    patterns = {}
    html = []
    for row in coverage.matrix:
        story = row.story
        key = (story.status, row.tagged)
        cells = patterns.get(key)
        if cells is None:
            cells = patterns[key] = _cells(theme_pks, row.tagged, story.status)
        pk = story.pk
        count = (
            f' class="is-stretched">{row.count} <span class="warning-word">'
            "stretched</span>"
            if row.stretched
            else f">{row.count}"
        )
        html.append(
            f'<tr class="is-{story.status}"><th scope="row"><a href="'
            f'{url.format(pk)}" id="s{pk}">{escape(story.title)}</a> '
            f"<span>{LABELS[story.status]}</span></th>{cells.format(pk)}"
            f"<td{count}</td></tr>\n"
        )
    return mark_safe("".join(html))
