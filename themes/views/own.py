"""The user's own themes (create, edit, delete, copy a built-in one) and their own
sample questions (add, edit, delete; hide and show built-in ones)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from interviewprep.params import parse_id
from stories.models import Story

from ..forms import QuestionForm, ThemeForm
from ..models import SampleQuestion, Theme, ThemePoint
from . import get_own_theme, get_theme
from .reading import detail_context, questions_context

FORM_TEMPLATE = "themes/theme_form.html"


def _form_page(request, form, theme=None):
    """The theme form; 422 after a refused post, with what was typed in it."""
    context = {
        "form": form,
        "theme": theme,
        # A copy's talking points and key points, which the form leaves alone.
        "other_points": theme is not None
        and theme.points.exclude(kind=ThemePoint.Kind.FRAMEWORK).exists(),
    }
    return render(request, FORM_TEMPLATE, context, status=422 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    data = request.POST if request.method == "POST" else None
    form = ThemeForm(data, owner=request.user)
    if form.is_bound and form.is_valid() and (theme := form.save()):
        messages.success(request, f"Added your theme “{theme.title}”.")
        return redirect(theme)
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    """Edit one of the user's own themes; a built-in theme's edit URL is a 404
    (its page offers "Make my own copy")."""
    theme = get_own_theme(request, slug)
    data = request.POST if request.method == "POST" else None
    form = ThemeForm(data, owner=request.user, theme=theme)
    if form.is_bound and form.is_valid() and (saved := form.save()):
        messages.success(request, f"Saved your theme “{saved.title}”.")
        return redirect(saved)
    return _form_page(request, form, theme)


def _tagged_counts(theme, user):
    """How many of the user's stories the theme tags: live ones and trashed ones."""
    return (
        Story.objects.for_user(user)
        .filter(themes=theme)
        .aggregate(
            alive=Count("pk", filter=Q(deleted_at__isnull=True)),
            trashed=Count("pk", filter=Q(deleted_at__isnull=False)),
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, slug):
    """Delete an own theme after a confirmation that says how many stories it
    tags: they are untagged (their StoryTheme rows go), never deleted."""
    theme = get_own_theme(request, slug)
    if request.method == "POST":
        title = theme.title
        theme.delete()
        messages.success(
            request, f"Deleted your theme “{title}”; its stories are untagged."
        )
        return redirect("themes:index")
    return render(
        request,
        "themes/delete.html",
        {"theme": theme, "tagged": _tagged_counts(theme, request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def copy(request, slug):
    """Copy on write: a built-in theme becomes the user's own copy to edit, in its
    place in their set; the built-in one is hidden, never changed."""
    theme = get_object_or_404(Theme.objects.built_in(), slug=slug)
    if request.method == "POST":
        mine = theme.copy_for(request.user)
        messages.success(
            request,
            f"This is your own copy of “{theme.title}”; the original is hidden "
            "from your themes.",
        )
        return redirect(mine)
    return render(
        request,
        "themes/copy.html",
        {"theme": theme, "tagged": _tagged_counts(theme, request.user)},
    )


def _questions_changed(request, theme, message, anchor="questions"):
    if request.htmx:
        return render(
            request, "themes/detail.html#questions", questions_context(request, theme)
        )
    messages.success(request, message)
    return redirect(f"{theme.get_absolute_url()}#{anchor}")


@login_required
@require_POST
def add_question(request, slug):
    """A question of the user's own on any theme they can see."""
    theme = get_theme(request, slug)
    form = QuestionForm(request.POST)
    if form.is_valid():
        form.save(theme=theme, user=request.user)
        return _questions_changed(request, theme, "Added your question.")
    if request.htmx:
        return render(
            request,
            "themes/detail.html#questions",
            questions_context(request, theme, form),
            status=422,
        )
    return render(
        request, "themes/detail.html", detail_context(request, theme, form), status=422
    )


def _own_question(request, pk):
    """One of the user's own questions; anyone else's, or a built-in one, is 404."""
    return get_object_or_404(
        SampleQuestion.objects.filter(owner=request.user).select_related("theme"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_question(request, pk):
    question = _own_question(request, pk)
    data = request.POST if request.method == "POST" else None
    form = QuestionForm(data, question=question)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, "Saved your question.")
        return redirect(f"{question.theme.get_absolute_url()}#questions")
    return render(
        request,
        "themes/question_form.html",
        {"form": form, "question": question, "theme": question.theme},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_POST
def delete_question(request, pk):
    question = _own_question(request, pk)
    question.delete()
    return _questions_changed(request, question.theme, "Deleted your question.")


def _built_in_question(request, theme):
    """The built-in question of this theme named by the form: only built-in
    questions are hidden (own ones are deleted), so anyone's own is a 404."""
    pk = parse_id(request.POST.get("question", ""))
    if pk is None:
        return None
    return get_object_or_404(
        SampleQuestion.objects.filter(theme=theme, owner=None), pk=pk
    )


@login_required
@require_POST
def hide_question(request, slug):
    theme = get_theme(request, slug)
    question = _built_in_question(request, theme)
    if question is None:
        return HttpResponseBadRequest("Say which question to hide.")
    question.hide_for(request.user)
    return _questions_changed(
        request, theme, "Hid the question: it is under Hidden questions."
    )


@login_required
@require_POST
def show_question(request, slug):
    theme = get_theme(request, slug)
    question = _built_in_question(request, theme)
    if question is None:
        return HttpResponseBadRequest("Say which question to show.")
    question.show_for(request.user)
    return _questions_changed(request, theme, "The question is shown again.")
