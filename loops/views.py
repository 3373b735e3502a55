"""The loop planner: a job's rounds, the story planned for each theme they probe,
the suggestion, the plan's three downloads, and the debrief of a round held."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from interviewprep.params import parse_id
from jobs.models import Job
from prepsheet.scrubbing import ScrubForm, review_context, reviewed_first, scrubbed
from prepsheet.sheet import PDF_MAX_PAGES, TooLongForPdf
from stories.models import Story, StoryTheme
from stories.views import get_story

from . import plan as loop_plan
from .forms import DebriefForm, RoundForm
from .models import (
    DEBRIEF_ENTRIES_MAX,
    ROUNDS_MAX,
    Assignment,
    DebriefEntry,
    Round,
    live_stories,
)

PAPERS = ("a4", "letter")


def _get_job(request, pk):
    """One of the user's jobs; another user's is a 404, as a missing one is."""
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    job.owner = request.user  # it is theirs: no query to fetch it again
    return job


def _get_round(request, pk):
    return get_object_or_404(
        Round.objects.for_user(request.user).select_related("job"), pk=pk
    )


def _plan_url(job, anchor=""):
    return reverse("loops:plan", args=[job.pk]) + (f"#{anchor}" if anchor else "")


def _story_options(user, plan):
    """For each (round, theme) slot, the stories to pick from: those tagged with the
    theme, then the others. Two queries: the live stories, their tags."""
    stories = list(
        live_stories(user).order_by("title", "pk").values_list("pk", "title", "status")
    )
    tags = set(
        StoryTheme.objects.filter(
            story__in=live_stories(user),
            theme__in={t for r in plan.rounds for t in r.theme_ids},
        ).values_list("story_id", "theme_id")
    )
    labels = [
        (pk, title if status == Story.Status.READY else f"{title} (draft)")
        for pk, title, status in stories
    ]
    options = {}
    for r in plan.rounds:
        for slot in r.slots:
            if slot.theme_id not in options:
                tagged = [o for o in labels if (o[0], slot.theme_id) in tags]
                others = [o for o in labels if (o[0], slot.theme_id) not in tags]
                options[slot.theme_id] = (tagged, others)
            slot.tagged, slot.others = options[slot.theme_id]
    return bool(stories)


def _plan_page(request, job, form=None, status=200):
    plan = loop_plan.build(job)
    has_stories = _story_options(request.user, plan)
    full = len(plan.rounds) >= ROUNDS_MAX
    if form is None and not full:
        form = RoundForm(job=job, initial={"themes": list(job.themes.all())})
    return render(
        request,
        "loops/plan.html",
        {
            "job": job,
            "plan": plan,
            "form": form,
            "full": full,
            "rounds_max": ROUNDS_MAX,
            "has_stories": has_stories,
        },
        status=status,
    )


@login_required
@require_GET
def plan(request, pk):
    return _plan_page(request, _get_job(request, pk))


@login_required
@require_POST
def add_round(request, pk):
    job = _get_job(request, pk)
    if Round.objects.of_job(job).count() >= ROUNDS_MAX:
        messages.error(request, f"A loop holds at most {ROUNDS_MAX} rounds.")
        return redirect(_plan_url(job))
    form = RoundForm(request.POST, instance=Round(job=job), job=job)
    if form.is_valid():
        round_ = form.save()
        messages.success(request, f"Added the round “{round_.name}”.")
        return redirect(_plan_url(job, f"round-{round_.pk}"))
    return _plan_page(request, job, form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def edit_round(request, pk):
    round_ = _get_round(request, pk)
    job = round_.job
    if request.method == "POST":
        form = RoundForm(request.POST, instance=round_, job=job)
        if form.is_valid():
            form.save()
            messages.success(request, f"Saved the round “{round_.name}”.")
            return redirect(_plan_url(job, f"round-{round_.pk}"))
        # The heading names the round as it is saved, not as it was typed.
        saved = Round.objects.get(pk=round_.pk)
        return render(
            request,
            "loops/round_form.html",
            {"form": form, "round": saved, "job": job},
            status=422,
        )
    form = RoundForm(instance=round_, job=job)
    return render(
        request, "loops/round_form.html", {"form": form, "round": round_, "job": job}
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_round(request, pk):
    round_ = _get_round(request, pk)
    if request.method == "POST":
        round_.delete()
        messages.success(request, f"Deleted the round “{round_.name}”.")
        return redirect(_plan_url(round_.job))
    return render(request, "loops/round_delete.html", {"round": round_})


@login_required
@require_POST
def assign(request, pk):
    """Save the stories chosen for a round's themes: `story_<theme id>` each, empty
    for none. Only the owner's live stories can be planned."""
    round_ = _get_round(request, pk)
    # A theme the form did not send is left as it is.
    sent = {
        theme: request.POST[f"story_{theme.pk}"]
        for theme in round_.themes.all()
        if f"story_{theme.pk}" in request.POST
    }
    pks = {theme: parse_id(value) for theme, value in sent.items() if value}
    chosen = {
        story.pk: story
        for story in live_stories(request.user).filter(
            pk__in=[pk for pk in pks.values() if pk is not None]
        )
    }
    if any(pk not in chosen for pk in pks.values()):
        messages.error(
            request,
            "Choose from your own stories listed here (not retired or in the trash). "
            "Nothing was changed.",
        )
        return redirect(_plan_url(round_.job, f"round-{round_.pk}"))
    with transaction.atomic():
        for theme in sent:
            round_.assign(theme, chosen[pks[theme]] if theme in pks else None)
    messages.success(request, f"Saved the stories for “{round_.name}”.")
    return redirect(_plan_url(round_.job, f"round-{round_.pk}"))


@login_required
@require_http_methods(["GET", "POST"])
def suggest(request, pk):
    """GET shows the suggested plan; POST (Accept) saves it.

    By default the suggestion keeps the stories the user picked and fills only the
    empty slots. `fresh=1` (a separate choice, previewed like the other) starts
    from an empty plan, and accepting it replaces every story planned."""
    job = _get_job(request, pk)
    fresh = (request.POST if request.method == "POST" else request.GET).get(
        "fresh"
    ) == "1"
    suggestion, pairs = loop_plan.suggested_plan(job, keep_picks=not fresh)
    if request.method == "POST":
        if fresh:
            Assignment.objects.replace_plan(job, pairs)
            done = "Replaced the plan with the suggestion."
        else:
            Assignment.objects.fill_plan(job, pairs)
            done = (
                f"Filled {len(pairs)} empty slot{'s' if len(pairs) != 1 else ''} "
                "from the suggestion; your own picks are as they were."
            )
        messages.success(request, f"{done} Change any story below.")
        return redirect(_plan_url(job))
    picked = sum(s.picked for r in suggestion.rounds for s in r.slots)
    return render(
        request,
        "loops/suggest.html",
        {
            "job": job,
            "plan": suggestion,
            "filled": len(pairs),
            "picked": picked,
            "fresh": fresh,
        },
    )


def _filename(job, extension):
    return f"interview-loop-{job.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _plan(request, job):
    """The job's plan as the query asks for it: scrubbed for sharing, with the
    replacements the user chose to keep left as written."""
    return scrubbed(request.user, ScrubForm(request.GET), loop_plan.build(job))


@login_required
@require_GET
@reviewed_first("loops:scrub")
def plan_markdown(request, pk):
    job = _get_job(request, pk)
    response = HttpResponse(
        loop_plan.to_markdown(_plan(request, job)),
        content_type="text/markdown; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(job, "md")}"'
    return response


@login_required
@require_GET
@reviewed_first("loops:scrub")
def plan_print(request, pk):
    job = _get_job(request, pk)
    return HttpResponse(loop_plan.to_html(_plan(request, job), request, job=job))


@login_required
@require_GET
@reviewed_first("loops:scrub")
def plan_pdf(request, pk):
    job = _get_job(request, pk)
    paper = request.GET.get("paper")
    paper = paper if paper in PAPERS else "a4"
    try:
        pdf = loop_plan.to_pdf(_plan(request, job), paper)
    except TooLongForPdf:
        messages.error(
            request,
            f"This plan is too long for a PDF (at most {PDF_MAX_PAGES} pages): "
            "use the print view or the Markdown.",
        )
        return redirect(_plan_url(job))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(job, "pdf")}"'
    return response


@login_required
@require_GET
def plan_scrub(request, pk):
    """The review of a scrubbed plan, as the prep sheet's: every replacement, each
    with a box to leave it as written, then the downloads."""
    job = _get_job(request, pk)
    form = ScrubForm(request.GET)
    form.is_valid()
    # The paper is the PDF button's own choice, not an option to carry.
    query = request.GET.copy()
    query.pop("paper", None)
    context = review_context(
        request.user, form, loop_plan.build(job), query.urlencode()
    )
    pdf = reverse("loops:pdf", args=[job.pk])
    return render(
        request,
        "prepsheet/scrub_review.html",
        {
            **context,
            "what": f"Interview loop · {job}",
            "review_url": reverse("loops:scrub", args=[job.pk]),
            "back_url": _plan_url(job),
            "back_label": "Back to the interview loop",
            "downloads": [
                ("Download Markdown", reverse("loops:markdown", args=[job.pk]), ""),
                ("Download PDF (A4)", pdf, "a4"),
                ("Download PDF (US Letter)", pdf, "letter"),
                ("Print view", reverse("loops:print", args=[job.pk]), ""),
            ],
        },
    )


# The debrief of a round held ------------------------------------------------------


def _round_number(round_):
    """Its place in the job's loop, counted from 1 in date order."""
    order = list(Round.objects.of_job(round_.job_id).values_list("pk", flat=True))
    return order.index(round_.pk) + 1


def _debrief_form(request, round_, data=None):
    return DebriefForm(
        data,
        themes=round_.themes.order_by("number", "title", "pk"),
        stories=live_stories(request.user).order_by("title", "pk"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def debrief(request, pk):
    """What happened in a round: each question asked, the story told, how it went.
    Each logged question becomes a practice card with the story told."""
    round_ = _get_round(request, pk)
    entries = list(round_.debrief.select_related("theme", "story"))
    form = _debrief_form(request, round_, request.POST or None)
    full = len(entries) >= DEBRIEF_ENTRIES_MAX
    if request.method == "POST":
        if full:
            messages.error(
                request,
                f"A round's debrief holds at most {DEBRIEF_ENTRIES_MAX} questions.",
            )
            return redirect("loops:debrief", round_.pk)
        if form.is_valid():
            data = form.cleaned_data
            entry = DebriefEntry.log(
                round_,
                data["question_text"],
                data["theme"],
                data["story"],
                data["rating"],
                data["note"],
            )
            messages.success(
                request,
                "Logged the question. It is now a practice card"
                + (f" with “{entry.story_title}”." if entry.story_id else "."),
            )
            return redirect(reverse("loops:debrief", args=[round_.pk]) + "#log")
    return render(
        request,
        "loops/debrief.html",
        {
            "round": round_,
            "job": round_.job,
            "number": _round_number(round_),
            "entries": entries,
            "form": form,
            "full": full,
        },
        status=422 if form.is_bound else 200,
    )


@login_required
@require_POST
def delete_debrief_entry(request, pk):
    """Take a question off a round's debrief; its practice card stays."""
    entry = get_object_or_404(
        DebriefEntry.objects.for_user(request.user).select_related("round"), pk=pk
    )
    entry.delete()
    messages.success(request, f"Took “{entry.question_text}” off the debrief.")
    return redirect("loops:debrief", entry.round_id)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def story_told(request, pk):
    """Where and when a story was told in real rounds: the editor loads it into its
    side panel. Two queries beyond the story: its uses, and their jobs' rounds (to
    number each round in its loop)."""
    story = get_story(request, pk)
    entries = list(
        DebriefEntry.objects.for_user(request.user)
        .filter(story=story)
        .select_related("round__job")
        .order_by("-round__date", "-round__time", "-id")
    )
    # Each round's place in its loop, counted from 1 in date order (Round's ordering).
    place, counts = {}, Counter()
    for job_id, round_id in Round.objects.filter(
        job__in={e.round.job_id for e in entries}
    ).values_list("job_id", "pk"):
        counts[job_id] += 1
        place[round_id] = counts[job_id]
    for entry in entries:
        entry.round_number = place[entry.round_id]
    template = "loops/story_told.html"
    if request.htmx:
        template += "#panel"
    return render(request, template, {"story": story, "entries": entries})
