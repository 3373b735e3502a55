from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from markup.render import render_inline, render_markdown

register = template.Library()


@register.filter
def markdown(text):
    # hx-disable: even sanitised user HTML must never be able to drive htmx.
    return format_html(
        '<div class="prose" hx-disable>{}</div>', mark_safe(render_markdown(text))
    )


@register.filter
def markdown_inline(text):
    return mark_safe(render_inline(text))
