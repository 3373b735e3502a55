"""Backup and restore: the user's whole story bank out as JSON, and back in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from interviewprep.uploads import SizeLimitHandler
from jobs.models import Job
from mock.models import MockInterview
from practice.models import PracticeCard, PracticeSession
from prepsheet.models import OwnNote, OwnQuestion
from recordings.models import Recording
from stories.models import Story
from themes.models import SampleQuestion, Theme

from . import archive as backup

TOO_LARGE = (
    f"The file is larger than {backup.MAX_UPLOAD_BYTES // (1024 * 1024)} MB, the "
    "limit for a backup. Nothing was changed."
)
TOO_LARGE_WITH_RECORDINGS = (
    f"The file is larger than {backup.MAX_UPLOAD_WITH_RECORDINGS // (1024 * 1024)} "
    "MB, the limit for a backup with recordings. Nothing was changed."
)


def _has_data(user):
    return (
        Story.objects.for_user(user).exists()
        or OwnQuestion.objects.for_user(user).exists()
        or OwnNote.objects.for_user(user).exists()
        or PracticeSession.objects.for_user(user).exists()
        or PracticeCard.objects.for_user(user).exists()
        or Theme.objects.filter(owner=user).exists()
        or SampleQuestion.objects.filter(owner=user).exists()
        or Job.objects.for_user(user).exists()
        or Recording.objects.for_user(user).exists()
        or MockInterview.objects.for_user(user).exists()
    )


def _page(request, errors=(), status=200):
    return render(
        request,
        "backup/backup.html",
        {
            "errors": errors,
            "has_data": _has_data(request.user),
            "story_count": Story.objects.for_user(request.user).count(),
            "limit_mb": backup.MAX_UPLOAD_BYTES // (1024 * 1024),
            "max_stories": f"{backup.MAX_STORIES:,}",
            "revisions_kept": backup.REVISIONS_KEPT,
            "recordings_mb": backup.RECORDINGS_MAX_BYTES // (1024 * 1024),
            "recording_count": Recording.objects.for_user(request.user).count(),
            "mode": request.POST.get("mode", backup.Mode.MERGE),
        },
        status=status,
    )


@login_required
@require_GET
def backup_page(request):
    return _page(request)


@login_required
@require_GET
def backup_export(request):
    # Recordings only when asked for: without them the file is as it always was.
    recordings = request.GET.get("recordings") == "1"
    body = backup.dumps(backup.export_data(request.user, recordings=recordings))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"interviewprep-backup-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The upload handlers must be set before anything reads the body, and the CSRF check
# reads it: hence exempt here and protected inside (Django's documented pattern).
@csrf_exempt
@login_required
@require_POST
def backup_import(request):
    # A file with recordings may be larger; one without is held to the old limit
    # once it is read (_import).
    request.upload_handlers.insert(
        0, SizeLimitHandler(request, backup.MAX_UPLOAD_WITH_RECORDINGS)
    )
    return _import(request)


@csrf_protect
def _import(request):
    upload = request.FILES.get("file")
    if getattr(request, "upload_too_large", False) or (
        upload and upload.size > backup.MAX_UPLOAD_WITH_RECORDINGS
    ):
        return _page(request, [TOO_LARGE_WITH_RECORDINGS], status=400)
    if upload is None:
        return _page(request, ["Choose a backup file to import."], status=400)
    mode = request.POST.get("mode", backup.Mode.MERGE)
    if mode not in (backup.Mode.MERGE, backup.Mode.REPLACE):
        return _page(request, ["Choose merge or replace."], status=400)
    try:
        data = backup.parse(upload.read())
        if upload.size > backup.MAX_UPLOAD_BYTES and not (
            isinstance(data, dict) and data.get("recordings")
        ):
            return _page(request, [TOO_LARGE], status=400)
        clean = backup.validate(data, request.user)
        outcome = backup.restore(clean, request.user, mode)
    except backup.BackupError as error:
        return _page(request, error.messages, status=400)
    parts = [f"{outcome.created} stor{'y' if outcome.created == 1 else 'ies'} added"]
    if outcome.updated:
        parts.append(f"{outcome.updated} updated from newer copies")
    if outcome.kept:
        parts.append(f"{outcome.kept} kept because yours were as new or newer")
    if outcome.removed:
        parts.append(f"{outcome.removed} replaced")
    if outcome.themes_added:
        parts.append(
            f"{outcome.themes_added} theme{'' if outcome.themes_added == 1 else 's'}"
            " of your own added"
        )
    if outcome.questions_added:
        parts.append(f"{outcome.questions_added} sample questions of your own added")
    if outcome.jobs_added or outcome.jobs_updated:
        parts.append(
            f"{outcome.jobs_added + outcome.jobs_updated} jobs added or updated"
        )
    if outcome.rounds_added:
        parts.append(
            f"{outcome.rounds_added} interview round"
            f"{'' if outcome.rounds_added == 1 else 's'} added"
        )
    if outcome.debriefs_added:
        parts.append(
            f"{outcome.debriefs_added} debriefed question"
            f"{'' if outcome.debriefs_added == 1 else 's'} added"
        )
    if outcome.mocks_added:
        parts.append(
            f"{outcome.mocks_added} mock interview"
            f"{'' if outcome.mocks_added == 1 else 's'} added"
        )
    if outcome.sessions_added:
        parts.append(f"{outcome.sessions_added} practice rounds added")
    if outcome.cards_added or outcome.cards_updated:
        parts.append(
            f"{outcome.cards_added + outcome.cards_updated} practice schedules updated"
        )
    if outcome.recordings_added:
        parts.append(f"{outcome.recordings_added} recordings added")
    messages.success(request, "Backup imported: " + ", ".join(parts) + ".")
    return redirect("backup:index")
