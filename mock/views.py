"""Mock interview mode: start one, answer each question against the clock, hear its
follow-ups, then read the debrief. Plain forms and redirects; the timer is the
only script."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interviewprep.params import parse_id
from jobs.models import Job
from jobs.scope import current_job, job_themes
from practice.scheduling import practicable_stories, stories_for_question
from themes.models import Theme

from .forms import AnswerForm, StartForm
from .models import QUESTIONS_MIN, MockInterview, draw_questions

RECENT = 10


def _get_interview(request, pk):
    """One of the user's mock interviews; anyone else's is a 404."""
    return get_object_or_404(MockInterview.objects.for_user(request.user), pk=pk)


def _chosen_job(request):
    """?job=<id> (a job's page links here with it), else the current job."""
    pk = parse_id(request.GET.get("job", ""))
    if pk is not None:
        return Job.objects.for_user(request.user).filter(pk=pk).first()
    return current_job(request)


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    """The start form (POST starts a mock) and the user's recent mock interviews."""
    form = StartForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"job": _chosen_job(request)},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        job = data["job"]
        themes = job_themes(job) if job else Theme.objects.for_user(request.user)
        questions = draw_questions(request.user, themes, data["count"])
        if len(questions) == data["count"]:
            interview = MockInterview.start(
                request.user, questions, job, data["target_seconds"]
            )
            return redirect(interview)
        form.add_error(
            "count",
            f"These themes have only {len(questions)} question"
            f"{'' if len(questions) == 1 else 's'}: "
            + (
                f"pick {len(questions)} or fewer, or add questions of your own "
                "to the themes."
                if len(questions) >= QUESTIONS_MIN
                else "add questions of your own to the themes, or pick another job."
            ),
        )
    interviews = MockInterview.objects.for_user(request.user).select_related("job")[
        :RECENT
    ]
    return render(
        request,
        "mock/index.html",
        {"form": form, "interviews": interviews},
        status=422 if form.is_bound else 200,
    )


def _step_page(request, interview, step, form=None, status=200):
    stories = []
    if step.answered_at is None and step.question_id is not None:
        stories = stories_for_question(request.user, step.question)
    if form is None and step.answered_at is None:
        form = AnswerForm(
            stories=practicable_stories(request.user),
            user=request.user,
            initial={
                "position": step.position,
                "story": stories[0].pk if stories else None,
            },
        )
    others = []
    if form is not None:
        shown = {s.pk for s in stories}
        others = [
            s
            for s in practicable_stories(request.user).order_by("title", "pk")
            if s.pk not in shown
        ]
    return render(
        request,
        "mock/step.html",
        {
            "interview": interview,
            "step": step,
            "count": interview.steps.count(),
            "form": form,
            "stories": stories,
            "others": others,
        },
        status=status,
    )


@login_required
@require_GET
def run(request, pk):
    """The step the user is on: its question, or its follow-ups once answered."""
    interview = _get_interview(request, pk)
    step = interview.current_step()
    if step is None:
        return redirect("mock:debrief", interview.pk)
    return _step_page(request, interview, step)


@login_required
@require_POST
def answer(request, pk):
    interview = _get_interview(request, pk)
    step = interview.current_step()
    if step is None:
        return redirect("mock:debrief", interview.pk)
    form = AnswerForm(
        request.POST, stories=practicable_stories(request.user), user=request.user
    )
    if form.is_valid() and form.cleaned_data["position"] != step.position:
        # Sent from an older page (another tab, the back button): show where we are.
        return redirect(interview)
    if step.answered_at is not None:
        return redirect(interview)
    if not form.is_valid():
        return _step_page(request, interview, step, form, status=422)
    data = form.cleaned_data
    step.answer(data["story"], data["rating"], recording=data["recording"])
    return redirect(interview)


@login_required
@require_POST
def next_step(request, pk):
    """Done with the follow-ups: on to the next question, or the debrief."""
    interview = _get_interview(request, pk)
    step = interview.current_step()
    sent = request.POST.get("position", "")
    if step is None or step.answered_at is None or sent != str(step.position):
        return redirect(interview)
    if interview.finish_step(step) is None:
        messages.success(request, "That was the last question. Here is your debrief.")
        return redirect("mock:debrief", interview.pk)
    return redirect(interview)


@login_required
@require_GET
def debrief(request, pk):
    interview = _get_interview(request, pk)
    if interview.finished_at is None:
        return redirect(interview)
    return render(
        request,
        "mock/debrief.html",
        {"interview": interview, "debrief": interview.debrief()},
    )
