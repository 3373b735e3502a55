"""The prep sheet's side of "Scrub for sharing" (sharing.scrub does the work): the
sheet scrubbed after it is built, in one place, so the three renderings agree; and a
scrubbed download goes through the review of its replacements first."""

from functools import wraps

from django import forms
from django.shortcuts import redirect
from django.urls import reverse

from sharing import scrub
from sharing.models import ShareRules


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


def reviewed_first(view):
    """A scrubbed download goes through the review of its replacements first: the
    review's own download buttons say `reviewed`."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        scrubbing = forms.BooleanField().to_python(request.GET.get("scrub"))
        if scrubbing and not request.GET.get("reviewed"):
            return redirect(f"{reverse('prepsheet:scrub')}?{request.GET.urlencode()}")
        return view(request, *args, **kwargs)

    return wrapper
