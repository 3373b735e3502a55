"""{% jinja "name" %}: a Jinja2 template (templates/jinja2/) rendered inside a page.

For the editor's loops (its fields and sections, the themes with their questions,
the guidance), which ran at Django's engine's ~5 µs a node; interviewprep/jinja2.py says why there are two
engines. The Jinja2 template sees the page's context, flattened, and any values
given: {% jinja "name" part="prompts" %}.
"""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, name, **values):
    html = get_template(name, using="jinja2").render({**context.flatten(), **values})
    return mark_safe(html)
