"""Reading: a theme's page, a playbook's themes, questions to ask, negotiation."""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..forms import QuestionForm
from ..models import (
    HiddenQuestion,
    NegotiationNote,
    Playbook,
    QuestionCategory,
    QuestionToAsk,
    SampleQuestion,
    Theme,
    ThemePoint,
    UserTheme,
    by_playbook,
)
from . import get_theme


def questions_context(request, theme, form=None):
    """A theme's sample questions as the user sees them: the built-in ones, their
    own, and the built-in ones they hid (folded away), in one query."""
    user = request.user
    questions = list(
        SampleQuestion.objects.visible_to(user)
        .filter(theme=theme)
        .annotate(
            is_hidden=Exists(
                HiddenQuestion.objects.filter(owner=user, question=OuterRef("pk"))
            )
        )
        .order_by("position", "pk")
    )
    return {
        "theme": theme,
        "questions": [q for q in questions if not q.is_own and not q.is_hidden],
        "own_questions": [q for q in questions if q.is_own],
        "hidden_questions": [q for q in questions if not q.is_own and q.is_hidden],
        "question_form": form or QuestionForm(),
    }


def _neighbours(request, theme, choice):
    """The themes before and after this one: in the user's set when it is shown
    there, else in its playbook."""
    if choice is not None and not choice.hidden:
        themes = Theme.objects.for_user(request.user)
    elif theme.playbook_id is not None:
        themes = Theme.objects.filter(playbook_id=theme.playbook_id).order_by("number")
    else:
        return None, None
    themes = list(themes.only("slug", "title"))
    at = next(i for i, t in enumerate(themes) if t.pk == theme.pk)
    return (
        themes[at - 1] if at > 0 else None,
        themes[at + 1] if at + 1 < len(themes) else None,
    )


def detail_context(request, theme, question_form=None):
    points = list(theme.points.all())
    choice = UserTheme.objects.filter(owner=request.user, theme=theme).first()
    previous, following = _neighbours(request, theme, choice)
    return {
        **questions_context(request, theme, question_form),
        "choice": choice,
        "prompts": list(theme.star_prompts.all()),
        "framework": [p for p in points if p.kind == ThemePoint.Kind.FRAMEWORK],
        "talking_points": [
            p for p in points if p.kind == ThemePoint.Kind.TALKING_POINT
        ],
        "key_points": [p for p in points if p.kind == ThemePoint.Kind.KEY_POINT],
        "previous": previous,
        "following": following,
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def detail(request, slug):
    theme = get_theme(request, slug, Theme.objects.select_related("playbook"))
    if request.htmx:
        return render(
            request, "themes/detail.html#questions", questions_context(request, theme)
        )
    return render(request, "themes/detail.html", detail_context(request, theme))


@login_required
@require_GET
def playbook(request, playbook_slug):
    """A built-in playbook's themes, to read before adding them or after, and its
    questions to ask and negotiation notes (three more queries): the other pages
    show only the adopted playbooks' ones."""
    book = get_object_or_404(
        Playbook.objects.with_counts(request.user).prefetch_related(
            Prefetch(
                "themes",
                Theme.objects.order_by("number").prefetch_related(
                    Prefetch("questions", SampleQuestion.objects.filter(owner=None))
                ),
            ),
            Prefetch(
                "ask_categories",
                QuestionCategory.objects.order_by("position").prefetch_related(
                    Prefetch("questions", QuestionToAsk.objects.order_by("position"))
                ),
            ),
            Prefetch("negotiation_notes", NegotiationNote.objects.order_by("position")),
        ),
        slug=playbook_slug,
    )
    hidden = dict(
        UserTheme.objects.filter(owner=request.user, theme__playbook=book).values_list(
            "theme_id", "hidden"
        )
    )
    for theme in book.themes.all():
        # None: not in the user's set; False: in it; True: in it, hidden.
        theme.hidden = hidden.get(theme.pk)
    return render(request, "themes/playbook.html", {"playbook": book})


@login_required
@require_GET
def questions_to_ask(request):
    """The questions to ask of the playbooks shown to the user, under each
    playbook's title once there are several; two queries."""
    categories = (
        QuestionCategory.objects.for_user(request.user)
        .select_related("playbook")
        .prefetch_related(
            Prefetch("questions", QuestionToAsk.objects.order_by("position"))
        )
    )
    playbooks = by_playbook(categories)
    return render(
        request,
        "themes/questions_to_ask.html",
        {"playbooks": playbooks, "grouped": len(playbooks) > 1},
    )


@login_required
@require_GET
def negotiation(request):
    """The negotiation notes of the playbooks shown to the user, grouped as the
    questions to ask are; one query."""
    notes = NegotiationNote.objects.for_user(request.user).select_related("playbook")
    playbooks = by_playbook(notes)
    return render(
        request,
        "themes/negotiation.html",
        {"playbooks": playbooks, "grouped": len(playbooks) > 1},
    )
