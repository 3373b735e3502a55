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

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment

from markup.templatetags.markup import markdown


def environment(**options):
    env = Environment(**options)
    env.globals.update({"url": reverse, "static": static})
    env.filters["localtime"] = timezone.localtime
    env.filters["markdown"] = markdown
    return env
