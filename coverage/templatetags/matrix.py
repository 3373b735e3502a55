"""The matrix's table, rendered by the Jinja2 engine
(templates/jinja2/coverage/_matrix_table.html).

A row is the story's link and one button per theme, so the matrix holds stories ×
themes cells: 500 at 100 stories, 5,000 at 1,000, and no paging (every story in one
matrix). Django's template engine spends about 5 µs a node and a cell has seven, so
the loop alone made the page 15–20 ms at 100 stories (bench: 35× the bare page).
The head and the totals, four loops over the themes, came to some 300 nodes more
with 15 themes. The rest of the matrix stays in templates/coverage/matrix.html,
which says where the table goes.
"""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from interviewprep.jinja2 import url_format
from stories.models import Story

register = template.Library()

LABELS = dict(Story.Status.choices)


@register.simple_tag
def matrix_table(coverage):
    """The head, every row of `coverage.matrix` (Coverage.with_matrix()) and the
    totals: <thead>, <tbody> and <tfoot>."""
    context = {
        "coverage": coverage,
        "theme_pks": [t.theme.pk for t in coverage.themes],
        "labels": LABELS,
        "ready": Story.Status.READY,
        "zip": zip,
        # One reverse() for every row's link, not one per story.
        "url": url_format("stories:detail"),
    }
    html = get_template("coverage/_matrix_table.html", using="jinja2").render(context)
    return mark_safe(html)
