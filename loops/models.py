"""A job's interview loop: its rounds, the themes each probes, and the story the
user plans to tell for each (round, theme)."""

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from practice.scheduling import reschedule
from stories.models import Story
from themes.models import QUESTION_MAX, SampleQuestion, Theme

NAME_MAX = 200
# A loop is a handful of rounds of a few themes each: the plan is one printed page,
# and the bounds keep its PDF and the suggestion cheap whatever is posted.
ROUNDS_MAX = 12
THEMES_PER_ROUND_MAX = 10


def live_stories(user):
    """The stories the user may plan to tell: their own, not in the trash, not
    retired."""
    return Story.objects.for_user(user).alive().exclude(status=Story.Status.RETIRED)


class RoundQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(job__owner=user)

    def of_job(self, job):
        return self.filter(job=job)


class Round(models.Model):
    job = models.ForeignKey(Job, models.CASCADE, related_name="rounds")
    name = models.CharField(max_length=NAME_MAX)
    interviewer = models.CharField(max_length=NAME_MAX, blank=True)
    # A round already held can be logged too: no check that it is in the future.
    date = models.DateField()
    time = models.TimeField()
    themes = models.ManyToManyField(Theme, related_name="loop_rounds")
    created = models.DateTimeField(default=timezone.now, editable=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["date", "time", "pk"]
        indexes = [
            # The loop page: one job's rounds in date order.
            models.Index(fields=["job", "date", "time"], name="round_job_date_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("loops:plan", args=[self.job_id]) + f"#round-{self.pk}"

    def set_themes(self, themes):
        """Probe these themes; the stories planned for the themes dropped go too."""
        with transaction.atomic():
            self.themes.set(themes)
            self.assignments.exclude(theme__in=[t.pk for t in themes]).delete()

    def assign(self, theme, story):
        """Plan `story` for `theme` in this round (None: no story yet)."""
        if story is None:
            self.assignments.filter(theme=theme).delete()
            return None
        assignment, _ = Assignment.objects.update_or_create(
            round=self, theme=theme, defaults={"story": story}
        )
        return assignment


class AssignmentQuerySet(models.QuerySet):
    def of_job(self, job):
        return self.filter(round__job=job)

    def replace_plan(self, job, pairs):
        """Make `pairs` ({(round pk, theme pk): story pk}) the job's whole plan."""
        with transaction.atomic():
            self.of_job(job).delete()
            self.bulk_create(
                Assignment(round_id=round_id, theme_id=theme_id, story_id=story_id)
                for (round_id, theme_id), story_id in pairs.items()
            )

    def fill_plan(self, job, pairs):
        """Plan `pairs` ({(round pk, theme pk): story pk}) in the slots that have
        no live story; the rest of the job's plan stays as the user made it.

        A slot's row for a story since retired or trashed (which the plan counts as
        none) makes way; a slot the user filled since the suggestion was made keeps
        their pick (the conflict is ignored)."""
        if not pairs:
            return
        slots = Q()
        for round_id, theme_id in pairs:
            slots |= Q(round_id=round_id, theme_id=theme_id)
        with transaction.atomic():
            self.of_job(job).filter(slots).exclude(
                story__in=live_stories(job.owner)
            ).delete()
            self.bulk_create(
                (
                    Assignment(round_id=round_id, theme_id=theme_id, story_id=story_id)
                    for (round_id, theme_id), story_id in pairs.items()
                ),
                ignore_conflicts=True,
            )


class Assignment(models.Model):
    """The story the user plans to tell when a round probes a theme."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="assignments")
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="+")
    story = models.ForeignKey(Story, models.CASCADE, related_name="+")

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["round", "theme__number", "theme_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "theme"], name="assignment_unique_round_theme"
            ),
        ]

    def __str__(self):
        return f"{self.round}: {self.theme} → {self.story}"


# A debrief is the questions of one round: a page's worth, bounded whatever is posted.
DEBRIEF_ENTRIES_MAX = 30
NOTE_MAX = 2000


class DebriefEntryQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(round__job__owner=user)

    def told_to(self, job):
        """Stories told (in any of the owner's rounds) to the job's company: the
        same job, or another at a company of the same name, whatever its case."""
        return self.for_user(job.owner_id).filter(
            Q(round__job=job) | Q(round__job__company__iexact=job.company),
            story__isnull=False,
        )


class DebriefEntry(models.Model):
    """One question asked in a round held, the story told for it (that story's use)
    and how it went. The question also becomes a practice card (`log`)."""

    class Rating(models.IntegerChoices):
        BLANK = 1, "1 · Blanked"
        SHAKY = 2, "2 · Shaky"
        OK = 3, "3 · OK"
        GOOD = 4, "4 · Good"
        NAILED = 5, "5 · Nailed it"

    round = models.ForeignKey(Round, models.CASCADE, related_name="debrief")
    question_text = models.CharField(max_length=QUESTION_MAX)
    theme = models.ForeignKey(
        Theme, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The question the practice card is for (one of the user's own, made from the
    # text, or the sample question it matches).
    question = models.ForeignKey(
        SampleQuestion, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Deleting the story keeps this entry: its text and title stay, the link goes.
    story = models.ForeignKey(
        Story, models.SET_NULL, null=True, blank=True, related_name="debrief_entries"
    )
    story_title = models.CharField(max_length=300, blank=True)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    note = models.TextField(blank=True, max_length=NOTE_MAX)
    created = models.DateTimeField(default=timezone.now, editable=False)

    objects = DebriefEntryQuerySet.as_manager()

    class Meta:
        ordering = ["round", "created", "id"]
        verbose_name_plural = "debrief entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="debriefentry_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return self.question_text

    def get_absolute_url(self):
        return reverse("loops:debrief", args=[self.round_id]) + f"#entry-{self.pk}"

    @property
    def story_deleted(self):
        return self.story_id is None and bool(self.story_title)

    @classmethod
    def log(cls, round_, question_text, theme, story, rating, note="", today=None):
        """Log a question asked in `round_`, and schedule it for practice with the
        story told: the question is the theme's sample question of that text if the
        owner sees one, else a new question of their own on the theme."""
        owner = round_.job.owner
        with transaction.atomic():
            question = (
                SampleQuestion.objects.visible_to(owner)
                .filter(theme=theme, text=question_text)
                .first()
            ) or theme.add_question(owner, question_text)
            entry = cls.objects.create(
                round=round_,
                question_text=question_text,
                theme=theme,
                question=question,
                story=story,
                story_title=story.title if story else "",
                rating=rating,
                note=note,
            )
            reschedule(owner, question, story, rating, today)
        return entry
