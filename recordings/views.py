"""Keep, list, play, download and delete recordings of spoken answers."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST, require_safe
from django_htmx.http import trigger_client_event

from interviewprep.params import parse_id
from interviewprep.uploads import SizeLimitHandler
from themes.models import SampleQuestion

from .models import MAX_BYTES, MAX_PER_USER, Recording, Refused, check_audio


def get_recording(request, pk):
    """The user's own recording: anyone else's is a 404."""
    return get_object_or_404(Recording.objects.for_user(request.user), pk=pk)


def _back(request):
    """Where a plain form post returns to: the page it came from, if it is ours."""
    target = request.POST.get("next", "")
    # A path only: redirect() takes "abc" for the name of a URL pattern (a 500).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("recordings:index")


@login_required
@require_GET
def index(request):
    recordings = Recording.objects.for_user(request.user).select_related(
        "question", "story"
    )
    return render(
        request,
        "recordings/recordings.html",
        {"recordings": recordings, "max_per_user": MAX_PER_USER},
    )


# The size limit must be in place before anything reads the body, and the CSRF check
# reads it: hence exempt here and protected inside (Django's documented pattern).
@csrf_exempt
@login_required
@require_POST
def upload(request):
    request.upload_handlers.insert(0, SizeLimitHandler(request, MAX_BYTES))
    return _upload(request)


@csrf_protect
def _upload(request):
    question = None
    if request.POST.get("question"):
        question = get_object_or_404(
            SampleQuestion.objects.visible_to(request.user),
            pk=parse_id(request.POST["question"]) or 0,
        )
    upload = request.FILES.get("file")
    try:
        if getattr(request, "upload_too_large", False):
            raise Refused(
                f"The recording is larger than {MAX_BYTES // (1024 * 1024)} MB: "
                "nothing was kept."
            )
        if Recording.objects.for_user(request.user).count() >= MAX_PER_USER:
            raise Refused(
                f"You have {MAX_PER_USER} recordings, the most kept: delete some "
                "first. Nothing was kept."
            )
        # At most MAX_BYTES, which the handler has made sure of.
        data = upload.read(MAX_BYTES + 1) if upload else b""
        content_type, seconds = check_audio(
            data,
            upload.content_type if upload else "",
            request.POST.get("duration_seconds"),
        )
    except Refused as refusal:
        if request.htmx:
            return render(
                request,
                "recordings/_refused.html",
                {"message": str(refusal)},
                status=422,
            )
        messages.error(request, str(refusal))
        return _back(request)
    recording = Recording.keep(
        request.user, data, content_type, seconds, question=question
    )
    if request.htmx:
        # Its delete button returns to the recorder's page, not to this URL.
        context = {"recording": recording, "next": request.POST.get("next", "")}
        return render(request, "recordings/_recording.html", context, status=201)
    messages.success(request, f"Recording kept ({seconds} s).")
    return _back(request)


# One range, "bytes=first-last", "bytes=first-" or "bytes=-suffix". Twenty digits
# are more than any file has bytes, and keep int() far from its digit limit.
RANGE = re.compile(r"bytes=(\d{0,20})-(\d{0,20})", re.IGNORECASE)
UNSATISFIABLE = "unsatisfiable"


def byte_range(request, size):
    """(first, last) of the one byte range a GET asks for; None for the whole file
    (no Range, or one this server ignores as RFC 9110 lets it: malformed, several
    ranges, or an If-Range it has no validator to check); or UNSATISFIABLE."""
    header = request.headers.get("Range", "")
    found = RANGE.fullmatch(header.replace(" ", ""))
    if request.method != "GET" or "If-Range" in request.headers or not found:
        return None
    first, last = found.groups()
    if first:
        first = int(first)
        if last and int(last) < first:
            return None  # invalid, so ignored
        if first >= size:
            return UNSATISFIABLE
        return first, min(int(last), size - 1) if last else size - 1
    if not last:
        return None  # "bytes=-"
    suffix = int(last)
    return (max(0, size - suffix), size - 1) if suffix else UNSATISFIABLE


class Slice:
    """`length` bytes of an open file from `start`, read as a file: FileResponse
    streams it in blocks and closes the file once it is sent."""

    def __init__(self, file, start, length):
        file.seek(start)
        self.file, self.left = file, length

    def read(self, size=-1):
        data = self.file.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        return data

    def close(self):
        self.file.close()


def _serve(request, pk, as_attachment):
    recording = get_recording(request, pk)
    try:
        audio = recording.file.open("rb")
    except FileNotFoundError:
        raise Http404("The recording's file is missing.") from None
    size = recording.file.size
    wanted = byte_range(request, size)
    if wanted == UNSATISFIABLE:
        audio.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        # A range lets the player seek: Chromium fetches the part of a WebM it
        # jumps to rather than the file from the start.
        first, last = wanted or (0, size - 1)
        response = FileResponse(
            Slice(audio, first, last - first + 1) if wanted else audio,
            status=206 if wanted else 200,
            as_attachment=as_attachment,
            filename=recording.filename,
            content_type=recording.content_type,
        )
        if wanted:
            response["Content-Length"] = last - first + 1
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def audio(request, pk):
    """The audio itself, for the page's player."""
    return _serve(request, pk, as_attachment=False)


@login_required
@require_safe
def download(request, pk):
    return _serve(request, pk, as_attachment=True)


@login_required
@require_POST
def delete(request, pk):
    recording = get_recording(request, pk)
    recording.remove()
    if request.htmx:
        # Empty: the swap removes the recording from the list.
        return trigger_client_event(HttpResponse(), "recordingDeleted", {"id": pk})
    messages.success(request, "Recording deleted.")
    return _back(request)
