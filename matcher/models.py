from django.db import models
from django.utils import timezone

from jobs.models import Job
from stories.models import Story


class DismissalQuerySet(models.QuerySet):
    def for_job(self, job):
        return self.filter(job=job)

    def offerable(self):
        """Those of stories the matcher would offer again once undone: not in the
        trash, not retired (a trashed story's dismissal is kept for its restore)."""
        return self.filter(story__deleted_at__isnull=True).exclude(
            story__status=Story.Status.RETIRED
        )


class Dismissal(models.Model):
    """A story the user said does not answer one requirement of a job: the matcher
    stops offering it there. Keyed by the requirement's text (`Requirement.key`), so
    it holds while the description keeps that line, and lapses when it is reworded."""

    job = models.ForeignKey(Job, models.CASCADE, related_name="dismissals")
    requirement_key = models.CharField(max_length=64)
    story = models.ForeignKey(Story, models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now, editable=False)

    objects = DismissalQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            # Also the index the match page reads a job's dismissals by.
            models.UniqueConstraint(
                fields=["job", "requirement_key", "story"],
                name="dismissal_unique_story_per_requirement",
            )
        ]

    def __str__(self):
        return f"{self.story} dismissed for a requirement of {self.job}"
