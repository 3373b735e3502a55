"""The Jinja2 environment of the second template engine (settings.TEMPLATES).

Django's template language renders the pages; Jinja2 renders only the loops that
run hundreds of times a page, where Django's engine costs about 5 µs a node: the
story list's rows and filter selects, the matrix's rows, the editor's themes and
guidance (with {% jinja %}, stories/templatetags/jinja.py). Before, those were HTML
written in Python f-strings to be fast enough; a template is as fast within noise
(bench, 100 stories) and keeps the markup in one place, escaped. Its templates are
in templates/jinja2/. Autoescaping is on, as Django's backend sets it; Jinja2
writes a quote as &#34; or &#39; where Django writes &quot; or &#x27;.
"""

import functools

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django_htmx.jinja import htmx_script
from jinja2 import Environment


def environment(**options):
    env = Environment(**options)
    env.globals.update({"url": url, "static": static, "htmx_script": htmx_script})
    env.filters["localtime"] = timezone.localtime
    return env


def url(viewname, args=None, kwargs=None):
    """reverse(), remembered for URLs without arguments: the nav's dozen links cost
    some 20 µs each to reverse on every page, and what such a name reverses to is
    fixed for the process under a given script prefix and URLconf."""
    if args or kwargs:
        return reverse(viewname, args=args, kwargs=kwargs)
    return _plain_url(
        viewname, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )


@functools.lru_cache(maxsize=512)
def _plain_url(viewname, prefix, urlconf):
    return reverse(viewname, urlconf=urlconf)
