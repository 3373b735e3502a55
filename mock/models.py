"""Mock interviews: a timed set of questions from a job's themes, each followed by
one or two follow-ups, then one debrief. Every step is kept server-side, so a
reload (or another day) resumes where the user left off."""

import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from followups import suggestions
from followups.models import Rung
from jobs.models import Job
from practice.scheduling import ROUND_SECONDS_MAX, record_practice
from stories.models import OwnedQuerySet, Story
from themes.models import SampleQuestion

QUESTIONS_MIN, QUESTIONS_MAX = 3, 8
TARGET_DEFAULT, TARGET_MIN, TARGET_MAX = 120, 30, 900
FOLLOWUPS_PER_ANSWER = 2
# For a story with no ladder (or no story): what interviewers ask of any answer.
GENERIC_FOLLOWUPS = [
    suggestions.DIFFERENTLY,
    suggestions.YOUR_PART,
    suggestions.FIRST_TRY,
    suggestions.MEASURE,
    suggestions.ALTERNATIVES,
]
# A theme whose mean rating is below this felt weak.
WEAK_BELOW = 4


def draw_questions(user, themes, count, rng=None):
    """`count` of the user's questions (built-in and their own, not hidden) from
    `themes`, spread over the themes: one from each in turn, at random."""
    rng = rng or random.Random()
    by_theme = defaultdict(list)
    for question in (
        SampleQuestion.objects.for_user(user)
        .filter(theme__in=themes.values("pk"))
        .select_related("theme")
    ):
        by_theme[question.theme_id].append(question)
    pools = list(by_theme.values())
    rng.shuffle(pools)
    for pool in pools:
        rng.shuffle(pool)
    drawn = []
    while len(drawn) < count and any(pools):
        for pool in pools:
            if pool and len(drawn) < count:
                drawn.append(pool.pop())
    return drawn


class MockInterview(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="mock_interviews"
    )
    job = models.ForeignKey(
        Job, models.SET_NULL, null=True, blank=True, related_name="mock_interviews"
    )
    # What it rehearsed for, kept when the job is deleted.
    title = models.CharField(max_length=300)
    target_seconds = models.PositiveSmallIntegerField(default=TARGET_DEFAULT)
    created = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # The mock page's list of a user's recent mock interviews.
            models.Index(fields=["owner", "-created"], name="mock_owner_recent_idx"),
        ]

    def __str__(self):
        return f"Mock interview: {self.title}"

    def get_absolute_url(self):
        return reverse("mock:run", args=[self.pk])

    @classmethod
    def start(cls, owner, questions, job=None, target_seconds=TARGET_DEFAULT):
        """A new mock interview over `questions`, its first question's clock running."""
        with transaction.atomic():
            interview = cls.objects.create(
                owner=owner,
                job=job,
                title=str(job) if job else "All my themes",
                target_seconds=target_seconds,
            )
            MockStep.objects.bulk_create(
                MockStep(
                    interview=interview,
                    position=position,
                    question=question,
                    question_text=question.text,
                    theme_title=question.theme.title,
                    started_at=interview.created if position == 1 else None,
                )
                for position, question in enumerate(questions, start=1)
            )
        return interview

    def current_step(self):
        """The step the user is on (its answer or its follow-ups); None when done."""
        return (
            self.steps.filter(done_at__isnull=True)
            .select_related("question__theme", "story")
            .first()
        )

    def finish_step(self, step, now=None):
        """The follow-ups are over: start the next question's clock, or end."""
        now = now or timezone.now()
        with transaction.atomic():
            # Only the first of two "Next" presses at once moves on.
            if not MockStep.objects.filter(pk=step.pk, done_at__isnull=True).update(
                done_at=now
            ):
                return self.current_step()
            step.done_at = now
            following = self.steps.filter(position__gt=step.position).first()
            if following is None:
                self.finished_at = now
                self.save(update_fields=["finished_at"])
            else:
                following.started_at = now
                following.save(update_fields=["started_at"])
        return following

    def debrief(self):
        return Debrief(self, list(self.steps.select_related("story")))


class MockStep(models.Model):
    """One question of a mock interview: asked, answered (timed by the server,
    self-rated, the story told), then its follow-ups."""

    interview = models.ForeignKey(MockInterview, models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    # The question and its theme are copied: the debrief still reads when the
    # user deletes a question of their own.
    question = models.ForeignKey(
        SampleQuestion, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question_text = models.TextField()
    theme_title = models.CharField(max_length=300)
    story = models.ForeignKey(
        Story, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    # The length of the recording the user kept for this answer: what they really
    # spoke, which replaces the server's clock.
    spoken_seconds = models.PositiveIntegerField(null=True, blank=True)
    # [{"question", "answer", "ladder"}]: from the story's ladder, or generic.
    followups = models.JSONField(default=list, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["interview", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "position"], name="mockstep_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="mockstep_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return self.question_text

    @property
    def seconds(self):
        """How long the answer took: the recording's length when one was kept, else
        as the server saw it, capped as practice's log is, so a mock left open
        overnight does not count as a day-long answer."""
        if self.spoken_seconds is not None:
            return self.spoken_seconds
        if self.started_at is None or self.answered_at is None:
            return None
        spent = (self.answered_at - self.started_at).total_seconds()
        return min(ROUND_SECONDS_MAX, max(0, round(spent)))

    def answer(self, story, rating, now=None, recording=None):
        """Record the answer, draw its follow-ups and feed practice's schedule; a
        recording kept for it gives its real length and is linked to the practice
        round. False if the step was answered already (a form sent twice at once)."""
        self.story = story
        self.rating = rating
        self.answered_at = now or timezone.now()
        self.followups = self.draw_followups()
        if recording is not None:
            self.spoken_seconds = recording.duration_seconds
        with transaction.atomic():
            fields = ["story", "rating", "answered_at", "followups", "spoken_seconds"]
            # Only the first of two answers at once is recorded (and practised).
            if not MockStep.objects.filter(pk=self.pk, answered_at__isnull=True).update(
                **{name: getattr(self, name) for name in fields}
            ):
                return False
            if self.question_id is not None:
                session, _ = record_practice(
                    self.interview.owner,
                    self.question,
                    story,
                    rating,
                    self.seconds,
                    note=f"Mock interview: {self.interview.title}"[:2000],
                    now=self.started_at,
                )
                if recording is not None:
                    recording.link_to(session)
        return True

    def draw_followups(self):
        """Up to two rungs of the story's ladder (in ladder order), else two generic
        follow-ups. Seeded by the step, so a resent answer draws the same ones."""
        rng = random.Random(self.pk)
        rungs = list(Rung.objects.for_story(self.story)) if self.story else []
        if rungs:
            picked = sorted(
                rng.sample(range(len(rungs)), min(FOLLOWUPS_PER_ANSWER, len(rungs)))
            )
            return [
                {
                    "question": rungs[i].question,
                    "answer": rungs[i].answer,
                    "ladder": True,
                }
                for i in picked
            ]
        return [
            {"question": q, "answer": "", "ladder": False}
            for q in rng.sample(GENERIC_FOLLOWUPS, FOLLOWUPS_PER_ANSWER)
        ]


@dataclass
class ThemeScore:
    title: str
    ratings: list = field(default_factory=list)

    @property
    def mean(self):
        return sum(self.ratings) / len(self.ratings)


@dataclass
class Debrief:
    """A finished mock: time per answer against the target, the ratings, and the
    themes that felt weak (the lowest mean rating, when below WEAK_BELOW)."""

    interview: MockInterview
    steps: list

    def __post_init__(self):
        target = self.interview.target_seconds
        for step in self.steps:
            seconds = step.seconds
            step.over_by = seconds - target if seconds and seconds > target else 0

    @property
    def answered(self):
        return [s for s in self.steps if s.rating is not None]

    @property
    def mean_rating(self):
        ratings = [s.rating for s in self.answered]
        return round(sum(ratings) / len(ratings), 1) if ratings else None

    @property
    def total_seconds(self):
        return sum(s.seconds or 0 for s in self.answered)

    @property
    def over_target(self):
        return [s for s in self.answered if s.seconds > self.interview.target_seconds]

    @property
    def themes(self):
        """Every theme asked, weakest first."""
        scores = {}
        for step in self.answered:
            scores.setdefault(step.theme_title, ThemeScore(step.theme_title))
            scores[step.theme_title].ratings.append(step.rating)
        return sorted(scores.values(), key=lambda t: (t.mean, t.title.lower()))

    @property
    def weak_themes(self):
        themes = self.themes
        if not themes or themes[0].mean >= WEAK_BELOW:
            return []
        lowest = themes[0].mean
        return [t for t in themes if t.mean == lowest]
