"""Practice: each spoken round, and the spaced-repetition schedule."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from stories.models import OwnedQuerySet, Story
from themes.models import SampleQuestion


class PracticeSession(models.Model):
    """One practice round: a question answered aloud against the clock, self-rated."""

    class Rating(models.IntegerChoices):
        BLANK = 1, "1 · Blanked"
        SHAKY = 2, "2 · Shaky"
        OK = 3, "3 · OK"
        GOOD = 4, "4 · Good"
        NAILED = 5, "5 · Nailed it"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="practice_sessions"
    )
    question = models.ForeignKey(
        SampleQuestion, models.CASCADE, related_name="practice_sessions"
    )
    story = models.ForeignKey(
        Story,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_sessions",
    )
    started_at = models.DateTimeField(default=timezone.now)
    duration_seconds = models.PositiveIntegerField()
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    note = models.TextField(blank=True, max_length=2000)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        # Moved here from `stories`; the table kept its name and its rows.
        db_table = "stories_practicesession"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="practicesession_rating_1_to_5",
            )
        ]
        indexes = [
            # A user's practice history, newest first; a story's history.
            models.Index(
                fields=["owner", "-started_at"], name="practice_owner_recent_idx"
            ),
        ]

    def __str__(self):
        return f"{self.question} ({self.rating}/5)"


class PracticeCardQuerySet(OwnedQuerySet):
    def due(self, today):
        return self.filter(due_on__lte=today)


class PracticeCard(models.Model):
    """When a question (told with one story, or none yet) next comes up for practice.

    The scheme lives in practice/scheduling.py.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="practice_cards"
    )
    question = models.ForeignKey(
        SampleQuestion, models.CASCADE, related_name="practice_cards"
    )
    story = models.ForeignKey(
        Story, models.CASCADE, null=True, blank=True, related_name="practice_cards"
    )
    box = models.PositiveSmallIntegerField(default=1)
    due_on = models.DateField()
    last_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    last_practised_on = models.DateField(null=True, blank=True)
    times_practised = models.PositiveIntegerField(default=0)

    objects = PracticeCardQuerySet.as_manager()

    class Meta:
        db_table = "stories_practicecard"
        ordering = ["due_on", "box", "id"]
        constraints = [
            # One card per pair; NULLs are distinct in a plain unique constraint.
            models.UniqueConstraint(
                fields=["owner", "question", "story"],
                condition=Q(story__isnull=False),
                name="practicecard_unique_pair",
            ),
            models.UniqueConstraint(
                fields=["owner", "question"],
                condition=Q(story__isnull=True),
                name="practicecard_unique_storyless",
            ),
        ]
        indexes = [
            # The "due today" count in the navigation.
            models.Index(fields=["owner", "due_on"], name="practicecard_due_idx"),
        ]

    def __str__(self):
        return f"{self.question} → {self.story or 'no story'} (box {self.box})"
