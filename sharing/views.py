"""The user's lists for scrubbing exports: companies, people's names, secret terms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from stories.validators import unstorable_character

from .forms import ShareRulesForm
from .models import LINE_MAX, ShareRules, parse_lines


@login_required
@require_http_methods(["GET", "POST"])
def rules(request):
    instance = ShareRules.for_user(request.user)
    form = ShareRulesForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved. Scrubbed exports use these lists now.")
        return redirect(_next(request) or "sharing:rules")
    return render(request, "sharing/rules.html", {"form": form, "next": _next(request)})


@login_required
@require_POST
def add_names(request):
    """Add the suggested names the user ticked (on the scrub review) to their list."""
    names = [
        " ".join(name.split())
        for name in request.POST.getlist("name")
        if 0 < len(name.strip()) <= LINE_MAX and unstorable_character(name) is None
    ]
    if names:
        instance = ShareRules.for_user(request.user)
        before = len(parse_lines(instance.names))
        instance.add_names(names)
        added = len(parse_lines(instance.names)) - before
        messages.success(request, f"Added {added} name{'s' if added != 1 else ''}.")
    return redirect(_next(request) or "sharing:rules")


def _next(request):
    """Where to go back to: a path on this site only."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and target.isascii()
        and target.isprintable()
        and len(target) <= 2000
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return target
    return ""
