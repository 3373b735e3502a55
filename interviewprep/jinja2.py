"""The Jinja2 environment of the second template engine (settings.TEMPLATES).

Django's template language renders the pages; Jinja2 renders only the few loops
that run hundreds of times a page (the story list's rows, the matrix's rows), where
Django's engine costs about 5 µs a node. Its templates are in templates/jinja2/.
Autoescaping is on, as Django's backend sets it.
"""

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment


def environment(**options):
    env = Environment(**options)
    env.globals.update({"url": reverse, "static": static})
    env.filters["localtime"] = timezone.localtime
    return env
