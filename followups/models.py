"""The follow-up ladder: the questions an interviewer is likely to ask after a story,
each with the user's own short answer."""

from django.db import models, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from stories.models import Story

QUESTION_MAX = 300
ANSWER_MAX = 2000
# A ladder is a handful of questions; this keeps a page (and a hostile client) bounded.
RUNGS_MAX = 30


class RungQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(story__owner=user)

    def for_story(self, story):
        return self.filter(story=story)


class Rung(models.Model):
    story = models.ForeignKey(Story, models.CASCADE, related_name="rungs")
    position = models.PositiveIntegerField()
    question = models.CharField(max_length=QUESTION_MAX)
    answer = models.TextField(blank=True, max_length=ANSWER_MAX)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = RungQuerySet.as_manager()

    class Meta:
        ordering = ["story", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(question=""), name="rung_question_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="rung_position_from_1"
            ),
        ]
        indexes = [
            # A story's ladder in order: the panel, the drill, the sheet's prefetch.
            models.Index(fields=["story", "position"], name="rung_story_position_idx"),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("followups:panel", args=[self.story_id]) + f"#rung-{self.pk}"

    @classmethod
    def add_to(cls, story, question, answer=""):
        """A new rung at the foot of the story's ladder."""
        with transaction.atomic():
            last = cls.objects.for_story(story).aggregate(last=Max("position"))["last"]
            return cls.objects.create(
                story=story, position=(last or 0) + 1, question=question, answer=answer
            )

    def move(self, up):
        """Swap places with the rung above (or below); at the end, nothing changes.

        The ladder is renumbered 1..n on the way, so ties left by two adds at once
        sort out here."""
        with transaction.atomic():
            ladder = list(Rung.objects.for_story(self.story_id).select_for_update())
            i = next(i for i, rung in enumerate(ladder) if rung.pk == self.pk)
            j = i - 1 if up else i + 1
            if not 0 <= j < len(ladder):
                return
            ladder[i], ladder[j] = ladder[j], ladder[i]
            changed = []
            for position, rung in enumerate(ladder, start=1):
                if rung.position != position:
                    rung.position = position
                    changed.append(rung)
            Rung.objects.bulk_update(changed, ["position"])


def copy_ladder(sender, original, copy, **kwargs):
    """story_duplicated's receiver: the copy gets the original's ladder, in order,
    in one INSERT."""
    Rung.objects.bulk_create(
        Rung(story=copy, position=r.position, question=r.question, answer=r.answer)
        for r in Rung.objects.for_story(original)
    )
