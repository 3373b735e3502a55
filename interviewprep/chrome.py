"""{% chrome "block" %}: one block of the page chrome every page shares (the head,
the header with its nav and job switcher, the footer), from the Jinja2 template
templates/jinja2/chrome.html; base.html places the blocks around the page's title
and content.

The chrome is some 150 template nodes on every page, and Django's engine spent
about 1 ms a page on them, as much as the bare page costs (bench); Jinja2 compiles
them to Python. interviewprep/jinja2.py says why there are two engines.
"""

from django import template
from django.template import engines
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# What the chrome reads from the page's context: the request and user, the nav's
# counts and the job switcher (context processors, lazy: asked of the database only
# when shown), and what a view sets to stand in for them (coverage's own counts).
CONTEXT = (
    "request",
    "user",
    "csrf_token",
    "messages",
    "nav_coverage",
    "practice_due",
    "nav_current",
    "switcher_jobs",
    "current_job",
)


@register.simple_tag(takes_context=True)
def chrome(context, block):
    values = {key: context.get(key) for key in CONTEXT}
    request = values["request"]
    # The page's one token (Django masks it afresh for every call of get_token).
    token = values["csrf_token"]
    values["csrf_input"] = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
    )
    values["theme"] = request.COOKIES.get("theme") if request else None
    page = engines["jinja2"].env.get_template("chrome.html")
    return mark_safe("".join(page.blocks[block](page.new_context(values))))
