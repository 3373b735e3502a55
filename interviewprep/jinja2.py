"""The Jinja2 environment of the second template engine (settings.TEMPLATES).

Django's template language renders the pages; Jinja2 renders the parts every page
has (the chrome: interviewprep/chrome.py), form widgets (FORM_RENDERER), and the
loops that run hundreds of times a page, where Django's engine costs about 5 µs a
node: the story list's rows and filters, the matrix's table, coverage's live part,
the editor's fields, themes and guidance, the prep sheet's body, practice's recent
rounds (with {% jinja %}, stories/templatetags/jinja.py, or a tag of their own).
Before, some were HTML written in Python f-strings to be fast enough; a template is
as fast within noise (bench, 100 stories) and keeps the markup in one place,
escaped. Its templates are in templates/jinja2/. Autoescaping is on, as Django's
backend sets it; Jinja2 writes a quote as &#34; or &#39; where Django writes
&quot; or &#x27;.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static as static_url
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django_htmx.jinja import htmx_script as htmx_script_tags
from jinja2 import Environment

from markup.templatetags.markup import markdown


def environment(**options):
    env = Environment(**options)
    env.globals.update({"url": url, "static": static, "htmx_script": htmx_script})
    env.filters["localtime"] = timezone.localtime
    env.filters["date"] = local_date
    env.filters["markdown"] = markdown
    return env


def local_date(value, format):
    """Django's |date filter, in the current time zone as Django's engine shows a
    datetime."""
    return date_format(timezone.localtime(value), format)


# The page chrome's dozen links, stylesheets and scripts, on every page: reversing
# a name or finding a file's hashed name costs 10–20 µs each time, and both are
# fixed for the process (the URLconf, and the static manifest WhiteNoise loads at
# start), so each is worked out once. The project sets no per-request URLconf; the
# script prefix is part of the key, and the tests' setting changes clear them.


def url(viewname, args=None, kwargs=None):
    """reverse(), remembered for names without arguments."""
    if args or kwargs:
        return reverse(viewname, args=args, kwargs=kwargs)
    return _plain_url(viewname, get_script_prefix())


@functools.lru_cache(maxsize=512)
def _plain_url(viewname, prefix):
    return reverse(viewname)


# An id no row has, within the <id:…> converter's 18 digits, and a slug no theme has.
_ID_PLACEHOLDER = 987654321987654321
_SLUG_PLACEHOLDER = "slug-placeholder-987654321"


def url_format(viewname, *args, slug=False):
    """The URL of `viewname` with `args` and, last, "{}" for str.format: one
    reverse() for the links of every row of a loop, not one per row. `slug`: the
    last argument is a slug, not an id."""
    placeholder = _SLUG_PLACEHOLDER if slug else _ID_PLACEHOLDER
    url = reverse(viewname, args=[*args, placeholder])
    return url.replace(str(placeholder), "{}")


@functools.lru_cache(maxsize=512)
def static(path):
    return static_url(path)


@functools.cache
def htmx_script():
    return htmx_script_tags()


@receiver(setting_changed)
def _forget_urls(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _plain_url.cache_clear()
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG"}:
        static.cache_clear()
        htmx_script.cache_clear()
