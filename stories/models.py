import re
from uuid import uuid4

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import F
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from themes.models import SampleQuestion, Section, Theme, ThemePoint

TITLE_MAX = 200
SECTION_MAX = 20_000
# A story's Markdown sections, in the order they are told: the STAR answer, then
# what was learned.
SECTION_FIELDS = [*Section.values, "reflection"]
SECTION_LABELS = {**dict(Section.choices), "reflection": "Reflection"}
# The fields a revision keeps: everything the user types as prose.
TEXT_FIELDS = ["title", "summary", *SECTION_FIELDS]
REVISIONS_KEPT = 50
# The story list searches these; a word may be in any of them.
SEARCH_FIELDS = [*TEXT_FIELDS, "company", "role", "period"]
# Letters and digits: what PostgreSQL's parser keeps as words (it splits on "_").
SEARCH_WORD = re.compile(r"[^\W_]+")
# What a row of the story list (or the trash) shows: never the long sections.
LIST_FIELDS = [
    "owner",
    "title",
    "summary",
    "status",
    "company",
    "role",
    "updated",
    "deleted_at",
]

# Sent inside Story.duplicate()'s transaction with `original` and `copy`: a feature
# that hangs its own rows on a story (followups' ladder) copies them, and stories
# need not know the feature exists.
story_duplicated = Signal()


class StaleVersion(Exception):
    """A save was based on a version that is no longer the latest."""

    def __init__(self, current):
        super().__init__(f"story {current.pk} is at version {current.version}")
        self.current = current


class OwnedQuerySet(models.QuerySet):
    """Every model a user owns is fetched through its owner."""

    def for_user(self, user):
        return self.filter(owner=user)


class StoryQuerySet(OwnedQuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)

    def search(self, q):
        """Stories not in the trash in which every word of `q` starts a word of
        some text field, best match first (`search_rank`, higher is better).

        Both databases rank by their own full text: PostgreSQL with the "simple"
        configuration (no stemming, no stop words) and ts_rank_cd, SQLite with its
        FTS5 index of the same fields (stories/fts.py) and bm25(). Each word is a
        prefix, so a plain word, or the start of one, finds the same stories on both.
        """
        words = SEARCH_WORD.findall(q)
        if not words:
            return self
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import (
                SearchQuery,
                SearchRank,
                SearchVector,
            )

            # Each word is letters and digits only, so quoting it is enough.
            query = SearchQuery(
                " & ".join(f"'{word}':*" for word in words),
                config="simple",
                search_type="raw",
            )
            return (
                self.alive()
                .alias(document=SearchVector(*SEARCH_FIELDS, config="simple"))
                .filter(document=query)
                .annotate(
                    search_rank=SearchRank(F("document"), query, cover_density=True)
                )
                .order_by("-search_rank", "-updated", "-id")
            )
        from django.db.models.expressions import RawSQL

        from .fts import words_query

        match = words_query(words)
        # bm25() is lower for a better match; negated, higher is better as on PG.
        rank = RawSQL(
            "SELECT -bm25(stories_story_words) FROM stories_story_words "
            "WHERE stories_story_words MATCH %s AND rowid = stories_story.id",
            [match],
        )
        hits = RawSQL(
            "SELECT rowid FROM stories_story_words WHERE stories_story_words MATCH %s",
            [match],
        )
        # The index holds no trashed story (stories/fts.py).
        return (
            self.filter(pk__in=hits)
            .annotate(search_rank=rank)
            .order_by("-search_rank", "-updated", "-id")
        )

    def with_list_data(self):
        """What the story list shows, without loading the long Markdown sections."""
        return self.only(*LIST_FIELDS).prefetch_related("themes")


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Ready"
        RETIRED = "retired", "Retired"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="stories"
    )
    # A stable id that survives export and import: a backup's stories are matched
    # to the account's by it, never by the database id.
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    title = models.CharField(max_length=TITLE_MAX)
    summary = models.CharField(
        max_length=300, blank=True, help_text="The one-line hook you say first."
    )
    situation = models.TextField(blank=True, max_length=SECTION_MAX)
    task = models.TextField(blank=True, max_length=SECTION_MAX)
    action = models.TextField(blank=True, max_length=SECTION_MAX)
    result = models.TextField(blank=True, max_length=SECTION_MAX)
    reflection = models.TextField(
        blank=True,
        max_length=SECTION_MAX,
        help_text="What you learned, and what you put in place afterwards.",
    )
    company = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    period = models.CharField(max_length=100, blank=True, help_text="A year or span.")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    themes = models.ManyToManyField(
        Theme, through="StoryTheme", related_name="stories", blank=True
    )
    questions = models.ManyToManyField(
        SampleQuestion, through="StoryQuestion", related_name="stories", blank=True
    )
    # The strong-answer framework and key points the user has ticked for this story.
    checked_points = models.ManyToManyField(
        ThemePoint, related_name="checked_by", blank=True
    )
    # Every save names the version it was based on; a mismatch is a lost update.
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The coach's readiness score, kept so coverage weighed by readiness need not
    # render every story's Markdown on every request. Derived, never backed up:
    # `readiness_key` fingerprints what the score was computed from (the spoken text,
    # the themes, the ticked points, the prep document), and a score whose key no
    # longer matches is recomputed (stories/coverage.py, `readiness_scores`).
    readiness = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    readiness_key = models.CharField(max_length=32, blank=True, editable=False)
    # The idempotency key of the new-story form that created this story: a retried
    # create (a double click, a resent autosave) finds the story instead of making a
    # second one. Its own field rather than `uuid`: the uuid is the identity backups
    # match stories by across accounts, so a browser must not choose it (a user could
    # claim a uuid that someone else's backup will bring). Unique per owner, so one
    # user's key can never find, or even collide with, another user's story.
    create_key = models.UUIDField(null=True, blank=True, editable=False)
    # The editor tab (a random id per rendered editor page) whose save made the
    # current version: the same tab resending that very save is not a conflict.
    last_edit_id = models.CharField(max_length=32, blank=True, editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name_plural = "stories"
        indexes = [
            # The story list: one user's live stories, newest edit first.
            models.Index(
                fields=["owner", "deleted_at", "-updated"], name="story_owner_list_idx"
            ),
            # The nav's count of themes covered, on every page (Summary.for_user) and
            # coverage's counts: one user's live ready stories, answered from the
            # index alone. Without it the database read every story's row (text and
            # all) for its status: 1.1 ms of the page at 1,000 stories, 0.2 with it.
            models.Index(
                fields=["owner", "status", "deleted_at"], name="story_owner_status_idx"
            ),
        ]
        constraints = [
            # Also the index the editor's create looks a retried key up by.
            models.UniqueConstraint(
                fields=["owner", "create_key"], name="story_unique_create_key"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("stories:detail", args=[self.pk])

    def apply_edit(self, changes, based_on, edit_id=""):
        """Save `changes` only if the story is still at version `based_on`.

        A compare-and-set UPDATE rather than select_for_update, which SQLite ignores:
        of two saves based on the same version exactly one wins, and the other gets
        StaleVersion carrying the text that beat it. The text being replaced is kept
        as a revision.

        `edit_id` names the editor tab saving. A tab that resends its last save (the
        answer was lost with the connection) finds the story one version on, made by
        itself with exactly this text: that save is already applied, not a conflict.
        """
        now = timezone.now()
        with transaction.atomic():
            rows = Story.objects.filter(pk=self.pk, version=based_on)
            before = rows.values(*TEXT_FIELDS).first()
            if before is None or not rows.update(
                **changes,
                version=F("version") + 1,
                updated=now,
                last_edit_id=edit_id,
            ):
                current = Story.objects.get(pk=self.pk)
                if not current._is_resent(changes, based_on, edit_id):
                    raise StaleVersion(current)
                for field in self._meta.concrete_fields:
                    setattr(self, field.attname, getattr(current, field.attname))
                return
            if any(
                changes.get(name, before[name]) != before[name] for name in TEXT_FIELDS
            ):
                Revision.objects.create(story=self, version=based_on, **before)
                self.revisions.filter(
                    pk__in=self.revisions.values("pk")[REVISIONS_KEPT:]
                ).delete()
        # What was written, set in memory: no query after the commit, so a save that
        # committed cannot end in an error.
        for name, value in changes.items():
            setattr(self, name, value)
        self.version, self.updated, self.last_edit_id = based_on + 1, now, edit_id

    def _is_resent(self, changes, based_on, edit_id):
        """Whether this story's current version is exactly that save, already made."""
        return (
            bool(edit_id)
            and self.last_edit_id == edit_id
            and self.version == based_on + 1
            and all(getattr(self, name) == value for name, value in changes.items())
        )

    def restore_revision(self, revision, based_on):
        """Bring back an old text; the text it replaces becomes a revision in turn."""
        self.apply_edit(
            {name: getattr(revision, name) for name in TEXT_FIELDS}, based_on
        )

    def tag(self, theme, angle=""):
        StoryTheme.objects.get_or_create(
            story=self, theme=theme, defaults={"angle": angle}
        )

    def answer(self, question, angle=""):
        """Mark this story as an answer to a sample question."""
        StoryQuestion.objects.get_or_create(
            story=self, question=question, defaults={"angle": angle}
        )

    def make_lead(self, theme):
        """Make this story the owner's lead story for `theme` (which it must be
        tagged with); the owner's other lead for the theme, if any, stops being one.

        The rule "at most one lead per owner and theme" cannot be a UniqueConstraint:
        the owner is on Story, not on StoryTheme, and a constraint cannot span the
        join. This method is the one place that sets a lead, and it clears the others
        in the same transaction.
        """
        with transaction.atomic():
            # Lock the owner's links to the theme, so two of these at once take
            # turns (SQLite's write lock already makes them).
            links = list(
                StoryTheme.objects.select_for_update().filter(
                    story__owner_id=self.owner_id, theme=theme
                )
            )
            if not any(link.story_id == self.pk for link in links):
                raise StoryTheme.DoesNotExist(f"{self} is not tagged with {theme}")
            StoryTheme.objects.filter(pk__in=[link.pk for link in links]).exclude(
                story=self
            ).update(is_lead=False)
            StoryTheme.objects.filter(story=self, theme=theme).update(is_lead=True)

    def stop_being_lead(self, theme):
        StoryTheme.objects.filter(story=self, theme=theme).update(is_lead=False)

    def untag(self, theme):
        StoryTheme.objects.filter(story=self, theme=theme).delete()

    def duplicate(self):
        """A new draft with this story's text, tags, questions and ticked points.

        Its own uuid and no revisions: the copy's history starts when it is made.
        """
        prefix = "Copy of "
        title = prefix + self.title
        if len(title) > TITLE_MAX:
            title = title[: TITLE_MAX - 1] + "…"
        fields = {name: getattr(self, name) for name in SEARCH_FIELDS}
        with transaction.atomic():
            copy = Story.objects.create(
                **{**fields, "title": title},
                owner_id=self.owner_id,
                status=Story.Status.DRAFT,
            )
            StoryTheme.objects.bulk_create(
                StoryTheme(story=copy, theme_id=link.theme_id, angle=link.angle)
                for link in self.story_themes.all()
            )
            copy.questions.set(self.questions.all())
            copy.checked_points.set(self.checked_points.all())
            # Inside the transaction: what a feature copies with the story is part of
            # the one duplication, all or nothing.
            story_duplicated.send(sender=Story, original=self, copy=copy)
        return copy

    def move_to_trash(self):
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted_at"])

    def restore_from_trash(self):
        self.deleted_at = None
        self.save(update_fields=["deleted_at"])


class StoryTheme(models.Model):
    story = models.ForeignKey(Story, models.CASCADE, related_name="story_themes")
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="story_themes")
    angle = models.CharField(
        max_length=300,
        blank=True,
        help_text="What to emphasise when this story answers this theme.",
    )
    # The story the user tells first for this theme: the prep sheet and practice
    # offer it first. At most one per (owner, theme), kept by Story.make_lead.
    is_lead = models.BooleanField(default=False)

    class Meta:
        ordering = ["theme__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "theme"], name="storytheme_unique_theme"
            )
        ]

    def __str__(self):
        return f"{self.story} → {self.theme}"


class StoryQuestion(models.Model):
    """A sample question this story answers, and the angle it takes on it."""

    story = models.ForeignKey(Story, models.CASCADE, related_name="story_questions")
    # The column keeps the name of the plain many-to-many table it grew from.
    question = models.ForeignKey(
        SampleQuestion,
        models.CASCADE,
        related_name="story_questions",
        db_column="samplequestion_id",
    )
    # A database default too: bulk inserts that predate angles (a version 1
    # backup's links) need not name it.
    angle = models.CharField(
        max_length=300,
        blank=True,
        db_default="",
        help_text="What to emphasise when this story answers this question.",
    )

    class Meta:
        db_table = "stories_story_questions"
        ordering = ["question__theme__number", "question__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "question"], name="storyquestion_unique_question"
            )
        ]

    def __str__(self):
        return f"{self.story} → {self.question}"


class Revision(models.Model):
    """The text of a story as it was before one save."""

    story = models.ForeignKey(Story, models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX)
    summary = models.CharField(max_length=300, blank=True)
    situation = models.TextField(blank=True)
    task = models.TextField(blank=True)
    action = models.TextField(blank=True)
    result = models.TextField(blank=True)
    reflection = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # A story's history page and the pruning of old revisions.
            models.Index(fields=["story", "-created"], name="revision_story_idx"),
        ]

    def __str__(self):
        return f"{self.story} (version {self.version})"
