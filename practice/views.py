"""Practice mode: pick a question, answer it aloud against the clock, rate the round."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from coach.analysis import key_numbers
from followups.models import Rung
from interviewprep.params import ID_MAX, parse_id, parse_int
from jobs.scope import themes_in_view
from recordings.models import Recording
from stories.models import SECTION_LABELS
from stories.views import get_story
from themes.models import SampleQuestion, Theme

from .models import PracticeSession
from .scheduling import (
    ROUND_SECONDS_MAX,
    History,
    due_count,
    due_pick,
    random_pick,
    record_practice,
    stories_for_question,
    what_i_need_most,
)

DEFAULT_SECONDS = 120
MIN_SECONDS, MAX_SECONDS = 1, 900
RECENT_SESSIONS = 10


class ChooseForm(forms.Form):
    MODES = [
        ("need", "What I need most"),
        ("random", "Any question, at random"),
        ("theme", "A question from this theme:"),
        ("due", "The next one due for review"),
    ]
    mode = forms.ChoiceField(
        choices=MODES, initial="need", widget=forms.RadioSelect, label="Pick"
    )
    theme = forms.ModelChoiceField(
        Theme.objects.none(), required=False, empty_label="Any theme", label="Theme"
    )
    seconds = forms.IntegerField(
        # Optional, so a link can leave it out and get the default.
        required=False,
        min_value=MIN_SECONDS,
        max_value=MAX_SECONDS,
        initial=DEFAULT_SECONDS,
        label="Time limit (seconds)",
    )

    def __init__(self, *args, themes, **kwargs):
        """`themes`: the themes in view (jobs.scope), the only ones offered."""
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes


class LogForm(forms.Form):
    question = forms.ModelChoiceField(
        SampleQuestion.objects.none(), widget=forms.HiddenInput
    )
    duration_seconds = forms.IntegerField(
        min_value=0, max_value=ROUND_SECONDS_MAX, label="Seconds you spoke"
    )
    rating = forms.TypedChoiceField(
        choices=PracticeSession.Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="How did it go?",
    )
    note = forms.CharField(
        required=False,
        max_length=PracticeSession._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note to self",
    )
    # A recording kept during the round: its real length replaces the timer's.
    recording = forms.ModelChoiceField(
        Recording.objects.none(),
        required=False,
        widget=forms.HiddenInput(attrs={"data-recording-field": ""}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["question"].queryset = SampleQuestion.objects.visible_to(user)
            self.fields["recording"].queryset = Recording.objects.for_user(
                user
            ).unlinked()


def _seconds(value):
    number = parse_int(value, 0, ID_MAX)
    if number is None:
        return DEFAULT_SECONDS
    return min(MAX_SECONDS, max(MIN_SECONDS, number))


@login_required
@require_GET
def practice(request):
    """The chooser; with ?question=, one round; with ?mode=, pick and go to a round."""
    if "question" in request.GET:
        return _round(request)
    themes = themes_in_view(request)[1]
    form = ChooseForm(request.GET if "mode" in request.GET else None, themes=themes)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        pick = {
            "need": lambda: what_i_need_most(request.user, themes=themes),
            "random": lambda: random_pick(request.user, themes=themes),
            "theme": lambda: random_pick(request.user, data["theme"]),
            "due": lambda: due_pick(request.user),
        }[data["mode"]]()
        if pick is None:
            messages.info(request, "Nothing is due for review: pick another way.")
        else:
            for reason in pick.reasons:
                messages.info(request, reason)
            params = {
                "question": pick.question.pk,
                "seconds": data["seconds"] or DEFAULT_SECONDS,
            }
            if pick.story:
                params["story"] = pick.story.pk
            return redirect(f"{reverse('practice:index')}?{urlencode(params)}")
    sessions = (
        PracticeSession.objects.for_user(request.user)
        .select_related("question__theme", "story")
        .filter(story__deleted_at__isnull=True)[:RECENT_SESSIONS]
    )
    return render(
        request,
        "practice/practice.html",
        {
            # The count due today is the nav's (nav_coverage.due), from its query.
            "form": form if form.is_bound else ChooseForm(themes=themes),
            "sessions": sessions,
            "told": _told(request),
        },
    )


def _told(request):
    """?told=<round>: the story the user just told, whole, to read again."""
    pk = request.GET.get("told", "")
    if not pk:
        return None
    session = get_object_or_404(
        PracticeSession.objects.for_user(request.user).select_related(
            "question", "story"
        ),
        pk=parse_id(pk) or 0,
    )
    story = session.story
    if story is None or story.deleted_at is not None:
        return None
    return {
        "session": session,
        "story": story,
        "sections": [
            (label, getattr(story, name))
            for name, label in SECTION_LABELS.items()
            if getattr(story, name).strip()
        ],
    }


def _round(request):
    question = get_object_or_404(
        SampleQuestion.objects.visible_to(request.user).select_related("theme"),
        pk=parse_id(request.GET["question"]) or 0,
    )
    chosen = None
    if request.GET.get("story"):
        if (story_pk := parse_id(request.GET["story"])) is None:
            return redirect("practice:index")
        chosen = get_story(request, story_pk)
    stories = stories_for_question(request.user, question)
    if chosen and chosen not in stories:
        stories.insert(0, chosen)
    chosen = chosen or (stories[0] if stories else None)
    seconds = _seconds(request.GET.get("seconds"))
    form = LogForm(initial={"question": question, "duration_seconds": seconds})
    return _render_round(request, question, stories, chosen, seconds, form)


def _render_round(request, question, stories, chosen, seconds, form, status=200):
    return render(
        request,
        "practice/practice_round.html",
        {
            "question": question,
            # The figures to say, as the prep sheet lists them.
            "stories": [(s, key_numbers(s.result)) for s in stories],
            "chosen": chosen,
            "seconds": seconds,
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def log(request):
    """Log a round and reschedule its question/story card."""
    story = None
    if request.POST.get("story"):
        if (story_pk := parse_id(request.POST["story"])) is None:
            return redirect("practice:index")
        story = get_story(request, story_pk)
    form = LogForm(request.POST, user=request.user)
    if not form.is_valid():
        question = form.cleaned_data.get("question")
        if question is None:
            return redirect("practice:index")
        stories = stories_for_question(request.user, question)
        seconds = _seconds(request.POST.get("duration_seconds"))
        return _render_round(
            request, question, stories, story, seconds, form, status=422
        )
    data = form.cleaned_data
    recording = data["recording"]
    session, card = record_practice(
        request.user,
        data["question"],
        story,
        data["rating"],
        recording.duration_seconds if recording else data["duration_seconds"],
        data["note"],
    )
    if recording:
        recording.link_to(session)
    days = (card.due_on - timezone.localdate()).days
    messages.success(
        request,
        f"Logged: {data['rating']}/5. This question comes back in {days} "
        f"day{'s' if days != 1 else ''}, on {card.due_on:%a %d %b}.",
    )
    if story is None:
        return redirect("practice:index")
    # The practice page then shows the story told, whole, to read again.
    return redirect(f"{reverse('practice:index')}?{urlencode({'told': session.pk})}")


@login_required
@require_GET
def due_nav(request):
    """The "Practice (3 due)" item of the navigation."""
    return render(
        request,
        "practice/_practice_nav.html",
        {"practice_due": due_count(request.user)},
        using="jinja2",
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def story_practice(request, pk):
    """A story's practice record: the editor loads it into its side panel."""
    story = get_story(request, pk)
    template = "practice/story.html"
    if request.htmx:
        template += "#panel"
    return render(
        request,
        template,
        {
            "story": story,
            "history": _practice_history(story),
            "question": _practice_question(story),
        },
    )


def _practice_history(story):
    """How often and how well the story has been practised: one query."""
    history = History()
    rows = (
        PracticeSession.objects.for_user(story.owner_id)
        .filter(story=story)
        .order_by("started_at", "id")
        .values_list("started_at", "rating")
    )
    for started_at, rating in rows:
        history.times += 1
        history.last = started_at
        history.ratings.append(rating)
    return history


def _practice_question(story):
    """A question to practise the story with: one it answers, else one of its themes."""
    order = ["theme__number", "position"]
    return (
        story.questions.order_by(*order).first()
        or SampleQuestion.objects.filter(theme__story_themes__story=story)
        .order_by(*order)
        .first()
    )


@login_required
@require_GET
def drill(request, pk):
    """Drill a story's follow-up ladder: each question, answered aloud, then the
    saved answer revealed."""
    story = get_story(request, pk)
    return render(
        request,
        "practice/drill.html",
        {"story": story, "rungs": list(Rung.objects.for_story(story))},
    )
