"""Recordings of the user's spoken answers, kept as audio files per user."""

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from practice.models import PracticeSession
from stories.models import OwnedQuerySet, Story
from themes.models import SampleQuestion

MAX_BYTES = 20 * 1024 * 1024
MAX_SECONDS = 10 * 60
# A disk's worth of answers per user is far more than anyone rehearsing keeps.
MAX_PER_USER = 200
# Speech at the recorder's 32 kbit/s is about 4,000 bytes a second, and even silence
# costs the container more than this: a file smaller than its claimed length at this
# rate is lying about its duration.
MIN_BYTES_PER_SECOND = 50


class AudioType(models.TextChoices):
    WEBM = "audio/webm", "WebM"
    OGG = "audio/ogg", "Ogg"
    MP4 = "audio/mp4", "MP4"


EXTENSIONS = {AudioType.WEBM: "webm", AudioType.OGG: "ogg", AudioType.MP4: "m4a"}


def sniff(head):
    """The audio type the file's first bytes say it is, or None."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML, WebM's container
        return AudioType.WEBM
    if head.startswith(b"OggS"):
        return AudioType.OGG
    if head[4:8] == b"ftyp":  # an ISO media file's first box
        return AudioType.MP4
    return None


class Refused(Exception):
    """Audio that may not be kept; the message says why, to the user."""


def check_audio(data, claimed_type, duration):
    """The content type and whole seconds to store for `data`, or Refused.

    `claimed_type` is what the browser said (parameters such as codecs ignored);
    the bytes must agree with it. `duration` is the length the browser measured,
    a number of seconds as text or a number.
    """
    if not data:
        raise Refused("The recording is empty: nothing was kept.")
    if len(data) > MAX_BYTES:
        raise Refused(
            f"The recording is larger than {MAX_BYTES // (1024 * 1024)} MB: "
            "nothing was kept."
        )
    claimed = (claimed_type or "").split(";")[0].strip().lower()
    if claimed not in AudioType.values or sniff(data[:12]) != claimed:
        raise Refused(
            "That is not a WebM, Ogg or MP4 audio recording: nothing was kept."
        )
    try:
        seconds = float(duration)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not 0 < seconds <= MAX_SECONDS + 1:  # NaN fails too
        raise Refused(
            f"A recording must last between a moment and {MAX_SECONDS // 60} "
            "minutes: nothing was kept."
        )
    whole = min(MAX_SECONDS, max(1, round(seconds)))
    if len(data) < whole * MIN_BYTES_PER_SECOND:
        raise Refused(
            "The recording is too small for the length it claims: nothing was kept."
        )
    return AudioType(claimed), whole


def upload_to(recording, filename):
    # The user's name and the upload's name stay out of the path: a random one each.
    ext = EXTENSIONS[AudioType(recording.content_type)]
    return f"recordings/{recording.owner_id}/{uuid.uuid4().hex}.{ext}"


class RecordingQuerySet(OwnedQuerySet):
    def unlinked(self):
        return self.filter(session__isnull=True)

    def delete_with_files(self):
        """Delete the rows, then (once that has committed) their files."""
        names = list(self.values_list("file", flat=True))
        self.delete()
        transaction.on_commit(lambda: delete_files(names))


def delete_files(names):
    storage = Recording._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


class Recording(models.Model):
    """One spoken answer, recorded in the browser and kept."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="recordings"
    )
    file = models.FileField(upload_to=upload_to, max_length=200)
    content_type = models.CharField(max_length=20, choices=AudioType.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    duration_seconds = models.PositiveIntegerField()
    # What was being answered; the round it was logged with, once it is.
    question = models.ForeignKey(
        SampleQuestion, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    story = models.ForeignKey(
        Story, models.SET_NULL, null=True, blank=True, related_name="recordings"
    )
    session = models.ForeignKey(
        PracticeSession,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="recordings",
    )
    created = models.DateTimeField(default=timezone.now)

    objects = RecordingQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_seconds__gte=1, duration_seconds__lte=MAX_SECONDS),
                name="recording_duration_in_range",
            ),
            models.CheckConstraint(
                condition=Q(size__gte=1, size__lte=MAX_BYTES),
                name="recording_size_in_range",
            ),
        ]
        indexes = [
            # The user's recordings, newest first: the list page and the backup.
            models.Index(fields=["owner", "-created"], name="recording_owner_idx"),
        ]

    def __str__(self):
        return f"{self.duration_seconds} s, {self.created:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("recordings:audio", args=[self.pk])

    @property
    def filename(self):
        """A name for the browser that says nothing the user did not choose."""
        ext = EXTENSIONS[AudioType(self.content_type)]
        return f"answer-{timezone.localtime(self.created):%Y-%m-%d-%H%M}.{ext}"

    @classmethod
    def keep(cls, owner, data, content_type, duration_seconds, on_disk=None, **fields):
        """Store checked audio bytes as the owner's recording: the file, then the row,
        and no file left behind if the row cannot be written. `on_disk` is told the
        file's name as soon as it is written (a caller whose transaction may yet
        roll back deletes it then)."""
        recording = cls(
            owner=owner,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            duration_seconds=duration_seconds,
            **fields,
        )
        recording.file.save("answer", ContentFile(data), save=False)
        if on_disk is not None:
            on_disk(recording.file.name)
        try:
            recording.save()
        except BaseException:
            recording.file.delete(save=False)
            raise
        return recording

    def link_to(self, session):
        """Attach the recording to the practice round it was the answer of."""
        self.session = session
        self.question = session.question
        self.story = session.story
        self.save(update_fields=["session", "question", "story"])

    def remove(self):
        """Delete the recording and, once that has committed, its file."""
        Recording.objects.filter(pk=self.pk).delete_with_files()
