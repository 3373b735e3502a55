"""The matrix's rows, written out in Python rather than by the template engine.

A row is the story's link and one button per theme, so the matrix holds stories ×
themes cells: 500 at 100 stories, 5,000 at 1,000, and no paging any more (every story
in one matrix). Django's template engine spends about 5 µs a node and a cell has
seven, so the loop alone made the page 15–20 ms at 100 stories (bench: 35× the bare
page); the same markup written here costs about 0.2 ms. The rest of the matrix stays
in templates/coverage/matrix.html, which says where the rows go.
"""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from stories.models import Story

register = template.Library()

LABELS = dict(Story.Status.choices)
MARKS = {Story.Status.READY: "●"}  # a draft's tag: ◐
PLACEHOLDER = 2**62


def _cell(story_pk, theme_pk, tagged, mark):
    state = ("untag", "true", mark) if tagged else ("tag", "false", "")
    return (
        f'<td><button id="c{story_pk}-{theme_pk}" name="{state[0]}" '
        f'value="{story_pk}-{theme_pk}" aria-labelledby="s{story_pk} t{theme_pk}" '
        f'aria-pressed="{state[1]}">{state[2]}</button></td>'
    )


@register.simple_tag
def matrix_rows(coverage):
    """Every row of `coverage.matrix` (Coverage.with_matrix()), as <tr> elements.

    Each cell is a button of the matrix's one form, posting "tag" or "untag" with
    "<story pk>-<theme pk>"; it is named by its row's story link and its column's
    theme (aria-labelledby), aria-pressed says whether it is tagged, and its id keeps
    the keyboard focus on it across htmx swaps.
    """
    # One reverse() for every row's link, not one per story.
    url = reverse("stories:detail", args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{}")
    html = []
    for row in coverage.matrix:
        story = row.story
        pk = story.pk
        mark = MARKS.get(story.status, "◐")
        cells = "".join(_cell(pk, theme, tagged, mark) for theme, tagged in row.cells)
        stretched = (
            ' class="is-stretched">{} <span class="warning-word">stretched</span>'
            if row.stretched
            else ">{}"
        ).format(row.count)
        html.append(
            f'<tr class="is-{story.status}"><th scope="row"><a href="'
            f'{url.format(pk)}" id="s{pk}">{escape(story.title)}</a> '
            f"<span>{LABELS[story.status]}</span></th>{cells}<td{stretched}</td></tr>\n"
        )
    return mark_safe("".join(html))
