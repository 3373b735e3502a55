"""The exports' side of "Scrub for sharing" (sharing.scrub does the work): a sheet
scrubbed after it is built, in one place, so the three renderings agree; and a
scrubbed download goes through the review of its replacements first. The prep sheet
and the loop plan (loops) both use it: one review page, one set of rules."""

from functools import wraps

from django import forms
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from sharing import scrub
from sharing.forms import KeepField
from sharing.models import ShareRules

# Places listed per replacement on the review; the count says how many more.
PLACES_SHOWN = 4


class ScrubForm(forms.Form):
    """The scrub's options alone, for a download that has no others."""

    scrub = forms.BooleanField(required=False, label="Scrub for sharing")
    keep = KeepField(required=False)


def is_scrubbed(form):
    form.is_valid()
    return bool(form.cleaned_data.get("scrub"))


def rules_for(user, form):
    return ShareRules.for_user(user).rules(keep=form.cleaned_data.get("keep") or ())


def scrubbed(user, form, sheet):
    """The sheet as the options ask for it: scrubbed when "Scrub for sharing" is on."""
    if not is_scrubbed(form):
        return sheet
    return scrub.apply(sheet, rules_for(user, form))


def reviewed_first(review):
    """A scrubbed download goes through the review of its replacements first (the
    URL named `review`, with the view's arguments): the review's own download
    buttons say `reviewed`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            scrubbing = forms.BooleanField().to_python(request.GET.get("scrub"))
            if scrubbing and not request.GET.get("reviewed"):
                url = reverse(review, args=args, kwargs=kwargs)
                return redirect(f"{url}?{request.GET.urlencode()}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def review_context(user, form, doc, query):
    """What templates/prepsheet/scrub_review.html shows of `doc` (a sheet or a
    plan): every replacement the scrub makes, each with a box to leave it as
    written, and `query`'s other options as hidden fields for the downloads.

    The caller adds where the page is (`what`), its own URL (`review_url`), the way
    back (`back_url`) and the downloads (`downloads`: [(label, url, paper)], paper
    empty or sent by the button)."""
    rules = rules_for(user, form)
    changes = scrub.changes(doc, rules)
    options = QueryDict(query, mutable=True)
    options.pop("reviewed", None)
    options["scrub"] = "on"
    back = options.urlencode()
    for name in ("keep", "scrub"):
        options.pop(name, None)
    return {
        "changes": [
            (
                change,
                change.where[:PLACES_SHOWN],
                max(0, len(change.where) - PLACES_SHOWN),
            )
            for change in changes
        ],
        "replaced": sum(not change.kept for change in changes),
        "suggestions": scrub.suggest_names(doc, rules),
        "options": [
            (name, value) for name, values in options.lists() for value in values
        ],
        "back_query": back,
    }
