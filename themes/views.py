from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import (
    Guideline,
    NegotiationNote,
    Playbook,
    QuestionCategory,
    Theme,
    ThemePoint,
)


@login_required
@require_GET
def index(request):
    return render(
        request,
        "themes/index.html",
        {
            "playbook": Playbook.objects.first(),
            "guidelines": Guideline.objects.all(),
            "themes": Theme.objects.prefetch_related("questions"),
        },
    )


@login_required
@require_GET
def detail(request, slug):
    theme = get_object_or_404(
        Theme.objects.with_guidance().prefetch_related("questions"), slug=slug
    )
    points = theme.points.all()
    return render(
        request,
        "themes/detail.html",
        {
            "theme": theme,
            "framework": [p for p in points if p.kind == ThemePoint.Kind.FRAMEWORK],
            "talking_points": [
                p for p in points if p.kind == ThemePoint.Kind.TALKING_POINT
            ],
            "key_points": [p for p in points if p.kind == ThemePoint.Kind.KEY_POINT],
            "themes": Theme.objects.all(),
        },
    )


@login_required
@require_GET
def questions_to_ask(request):
    categories = QuestionCategory.objects.prefetch_related(Prefetch("questions"))
    return render(request, "themes/questions_to_ask.html", {"categories": categories})


@login_required
@require_GET
def negotiation(request):
    return render(
        request, "themes/negotiation.html", {"notes": NegotiationNote.objects.all()}
    )
