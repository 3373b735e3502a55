import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practice.models import PracticeSession
from recordings.models import MAX_BYTES, Recording
from tests.factories import PASSWORD
from tests.recordings.conftest import MP4, OGG, WEBM, files_in

HX = {"HTTP_HX_REQUEST": "true"}


def keep(
    client, data=WEBM, content_type="audio/webm;codecs=opus", seconds="2.6", **extra
):
    fields = {"file": SimpleUploadedFile("answer.webm", data, content_type)}
    if seconds is not None:
        fields["duration_seconds"] = seconds
    fields.update(extra.pop("fields", {}))
    return client.post(reverse("recordings:upload"), fields, **extra)


@pytest.fixture
def recording(alice_client, alice, media, question):
    keep(alice_client, fields={"question": question.pk}, **HX)
    return Recording.objects.get(owner=alice)


def test_a_kept_recording_is_stored_and_its_length_replaces_the_timers(
    alice_client, alice, media, question, django_assert_max_num_queries
):
    fields = {"question": question.pk, "next": "/practice/?question=1"}
    response = keep(alice_client, fields=fields, **HX)
    assert response.status_code == 201
    fragment = response.content.decode()
    assert "<html" not in fragment
    recording = Recording.objects.get(owner=alice)
    assert f'data-recording="{recording.pk}"' in fragment
    assert 'data-seconds="3"' in fragment
    assert 'name="next" value="/practice/?question=1"' in fragment
    assert (recording.content_type, recording.duration_seconds) == ("audio/webm", 3)
    assert (recording.size, recording.question) == (len(WEBM), question)
    # Stored under the user's id with a random name, not the upload's.
    [path] = files_in(media)
    assert path.parent == media / "recordings" / str(alice.pk)
    assert path.suffix == ".webm" and path.stem != "answer"
    assert path.read_bytes() == WEBM

    # The round is logged with the recording's 3 seconds, not the timer's 120.
    response = alice_client.post(
        reverse("practice:log"),
        {
            "question": question.pk,
            "duration_seconds": 120,
            "rating": 4,
            "recording": recording.pk,
        },
    )
    assert response.status_code == 302
    session = PracticeSession.objects.get(owner=alice)
    assert session.duration_seconds == 3
    recording.refresh_from_db()
    assert recording.session == session

    # Without htmx the same form posts and goes back to the page it came from; Ogg
    # and MP4 are kept too.
    for data, kind in ((OGG, "audio/ogg"), (MP4, "audio/mp4")):
        response = keep(alice_client, data, kind, fields={"next": "/practice/"})
        assert response.status_code == 302 and response.url == "/practice/"
    assert sorted(Recording.objects.values_list("content_type", flat=True)) == [
        "audio/mp4",
        "audio/ogg",
        "audio/webm",
    ]
    # The session, the user, the nav's summary and jobs, and the recordings with
    # their questions and stories: however many there are.
    with django_assert_max_num_queries(5):
        page = alice_client.get(reverse("recordings:index")).content.decode()
    assert page.count('class="recording"') == 3


def test_a_recording_over_the_limits_of_the_wrong_type_or_empty_is_refused(
    alice_client, media
):
    cases = [
        (dict(data=WEBM + b"\x00" * MAX_BYTES), "larger than 20 MB"),
        (dict(seconds="605"), "between a moment and 10 minutes"),
        (dict(seconds="0"), "between a moment and 10 minutes"),
        (dict(seconds="nan"), "between a moment and 10 minutes"),
        (dict(seconds=None), "between a moment and 10 minutes"),
        (dict(content_type="audio/wav"), "not a WebM, Ogg or MP4"),
        # The type claimed must be the type the bytes are.
        (dict(data=b"RIFF" + WEBM), "not a WebM, Ogg or MP4"),
        (dict(data=OGG), "not a WebM, Ogg or MP4"),
        (dict(data=b""), "empty"),
        (dict(data=WEBM[:100], seconds="500"), "too small for the length"),
    ]
    for fields, message in cases:
        response = keep(alice_client, **fields, **HX)
        assert response.status_code == 422, fields
        assert message in response.content.decode(), fields
        # Without htmx: the message comes back with the page it was sent from.
        response = keep(alice_client, **fields, follow=True)
        assert message in response.content.decode(), fields
    assert not Recording.objects.exists()
    assert files_in(media) == []


def test_a_recording_is_served_to_its_owner_only_with_safe_headers(
    alice_client, bob_client, recording, media, django_capture_on_commit_callbacks
):
    response = alice_client.get(reverse("recordings:audio", args=[recording.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == WEBM
    assert response["Content-Type"] == "audio/webm"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        f'inline; filename="{recording.filename}"'
    )
    assert recording.filename.startswith("answer-")
    response = alice_client.get(reverse("recordings:download", args=[recording.pk]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="{recording.filename}"'
    )

    for name in ("audio", "download"):
        url = reverse(f"recordings:{name}", args=[recording.pk])
        assert bob_client.get(url).status_code == 404
    delete = reverse("recordings:delete", args=[recording.pk])
    assert bob_client.post(delete).status_code == 404
    assert bob_client.post(delete, **HX).status_code == 404
    # Nor can bob log a round with alice's recording.
    response = bob_client.post(
        reverse("practice:log"),
        {
            "question": recording.question.pk,
            "duration_seconds": 60,
            "rating": 3,
            "recording": recording.pk,
        },
    )
    assert response.status_code == 422
    recording.refresh_from_db()
    assert recording.session is None and len(files_in(media)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(delete, **HX)
    assert response.status_code == 200 and response.content == b""
    assert "recordingDeleted" in response["HX-Trigger"]
    assert not Recording.objects.exists()
    assert files_in(media) == []
    assert (
        alice_client.get(reverse("recordings:audio", args=[recording.pk])).status_code
        == 404
    )


def test_the_practice_round_has_the_recorder_and_the_policy_allows_its_media(
    alice_client, question
):
    response = alice_client.get(reverse("practice:index"), {"question": question.pk})
    page = response.content.decode()
    assert "data-recorder" in page
    assert "Recording your answer needs JavaScript" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="recording"' in page and "data-recording-field" in page
    policy = response["Content-Security-Policy"]
    assert "media-src 'self' blob:" in policy
    assert "unsafe" not in policy


def test_deleting_the_account_deletes_its_recordings_files(
    alice_client, recording, media, django_capture_on_commit_callbacks
):
    assert len(files_in(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("delete_account"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not Recording.objects.exists()
    assert files_in(media) == []


def test_a_recording_is_served_in_byte_ranges_so_the_player_can_seek(
    alice_client, bob_client, recording
):
    size = len(WEBM)
    url = reverse("recordings:audio", args=[recording.pk])
    # (Range, status, the bytes sent, Content-Range)
    cases = [
        ("bytes=0-3", 206, WEBM[0:4], f"bytes 0-3/{size}"),
        ("bytes=10-", 206, WEBM[10:], f"bytes 10-{size - 1}/{size}"),
        ("bytes=-5", 206, WEBM[-5:], f"bytes {size - 5}-{size - 1}/{size}"),
        ("bytes=-99999", 206, WEBM, f"bytes 0-{size - 1}/{size}"),
        (f"bytes=100-{size * 2}", 206, WEBM[100:], f"bytes 100-{size - 1}/{size}"),
        (f"bytes={size}-", 416, b"", f"bytes */{size}"),
        ("bytes=-0", 416, b"", f"bytes */{size}"),
        # Malformed, backwards or several ranges: the whole file, as RFC 9110 lets.
        ("bytes=5-2", 200, WEBM, None),
        ("bytes=0-1,4-5", 200, WEBM, None),
        ("pages=1-2", 200, WEBM, None),
        ("bytes=-", 200, WEBM, None),
        ("", 200, WEBM, None),
    ]
    for header, status, body, content_range in cases:
        # Asking for gzip too: a range is of the file's bytes, never compressed.
        response = alice_client.get(
            url, headers={"Range": header, "Accept-Encoding": "gzip"}
        )
        assert response.status_code == status, header
        assert response.get("Content-Range") == content_range, header
        assert response["Accept-Ranges"] == "bytes", header
        assert "Content-Encoding" not in response, header
        assert "no-store" in response["Cache-Control"], header
        if status != 416:
            assert b"".join(response.streaming_content) == body, header
            assert response["Content-Length"] == str(len(body)), header
            assert response["Content-Type"] == "audio/webm", header
            assert response["Content-Disposition"].startswith("inline;"), header
            assert response["X-Content-Type-Options"] == "nosniff", header
    response = alice_client.get(
        reverse("recordings:download", args=[recording.pk]),
        headers={"Range": "bytes=2-"},
    )
    assert response.status_code == 206
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == WEBM[2:]
    # HEAD gives the headers alone (a range applies to GET only).
    response = alice_client.head(url, headers={"Range": "bytes=0-3"})
    assert response.status_code == 200 and response["Content-Length"] == str(size)
    assert response["Accept-Ranges"] == "bytes"
    # Bob gets a 404 however he asks.
    for headers in ({"Range": "bytes=0-3"}, {"Range": "bytes=-0"}):
        assert bob_client.get(url, headers=headers).status_code == 404
    assert bob_client.head(url).status_code == 404
