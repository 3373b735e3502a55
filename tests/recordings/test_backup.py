import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backup import archive
from practice.scheduling import record_practice
from recordings.models import Recording
from tests.factories import make_story
from tests.recordings.conftest import OGG, WEBM, files_in


@pytest.fixture
def kept(alice, media, question):
    story = make_story(alice, title="Sharded the queue")
    Recording.keep(alice, WEBM, "audio/webm", 3, question=question, story=story)
    return Recording.objects.get()


def export(client, **params):
    response = client.get(reverse("backup:export"), params)
    assert response.status_code == 200
    return response.content


def restore(client, content, mode="merge"):
    upload = SimpleUploadedFile("backup.json", content, "application/json")
    return client.post(reverse("backup:import"), {"file": upload, "mode": mode})


def test_recordings_are_in_a_backup_only_when_asked_and_restore_round_trips(
    alice_client,
    alice,
    kept,
    media,
    django_capture_on_commit_callbacks,
):
    plain = export(alice_client)
    assert plain == archive.dumps(archive.export_data(alice)).encode()
    assert "recordings" not in json.loads(plain)
    page = alice_client.get(reverse("backup:index")).content.decode()
    assert 'name="recordings"' in page and "Include my recordings (1;" in page

    # Kept as the answer of a practice round (the second of two).
    record_practice(alice, kept.question, None, 3, 30)
    session, _ = record_practice(alice, kept.question, kept.story, 4, 3)
    kept.link_to(session)
    full = export(alice_client, recordings="1")
    [entry] = json.loads(full)["recordings"]
    assert entry["session"] == 1
    assert base64.b64decode(entry["data"]) == WEBM
    assert entry["content_type"] == "audio/webm" and entry["duration_seconds"] == 3
    assert entry["story"] == str(kept.story.uuid)
    assert entry["question"] == [kept.question.theme.slug, kept.question.position]

    # Deleted here, then restored from the backup: the same audio, links and bytes.
    with django_capture_on_commit_callbacks(execute=True):
        kept.remove()
    assert files_in(media) == []
    assert restore(alice_client, full).status_code == 302
    recording = Recording.objects.get()
    assert (recording.story, recording.question) == (kept.story, kept.question)
    assert recording.session == session
    assert recording.file.read() == WEBM
    assert len(files_in(media)) == 1
    assert export(alice_client, recordings="1") == full
    # Merging it again adds nothing; replacing with a file without recordings
    # keeps them.
    restore(alice_client, full)
    restore(alice_client, plain, mode="replace")
    assert Recording.objects.count() == 1 and len(files_in(media)) == 1

    # Replacing with a file that has recordings replaces them, files too.
    data = json.loads(full)
    data["recordings"][0].update(
        data=base64.b64encode(OGG).decode(), content_type="audio/ogg"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            restore(alice_client, archive.dumps(data).encode(), "replace").status_code
            == 302
        )
    [path] = files_in(media)
    assert path.read_bytes() == OGG
    recording = Recording.objects.get()
    assert recording.content_type == "audio/ogg"
    # Linked again to the practice round the replace wrote in place of its own.
    assert recording.session.started_at == session.started_at
    assert recording.session.pk != session.pk


def test_a_backup_with_a_bad_recording_changes_nothing(
    alice_client, kept, media, django_capture_on_commit_callbacks
):
    data = json.loads(export(alice_client, recordings="1"))
    with django_capture_on_commit_callbacks(execute=True):
        kept.remove()
    good = data["recordings"][0]
    cases = [
        ({"data": base64.b64encode(b"RIFF" + WEBM).decode()}, "not a WebM, Ogg or MP4"),
        ({"data": "not base64!"}, "not valid base64"),
        ({"data": ""}, "empty"),
        ({"duration_seconds": 700}, "between a moment and 10 minutes"),
        ({"story": "5b0c9d5e-0000-4000-8000-000000000000"}, "not a story in this file"),
        ({"session": 0}, "names one of practice_sessions; this file has none"),
    ]
    for change, message in cases:
        data["recordings"] = [{**good, **change}]
        response = restore(alice_client, archive.dumps(data).encode())
        assert response.status_code == 400, change
        assert message in response.content.decode(), change
    assert not Recording.objects.exists()
    assert files_in(media) == []
