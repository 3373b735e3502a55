"""The jobs a user is preparing for: each names the themes its interviews probe."""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from stories.models import OwnedQuerySet
from themes.models import Theme

DESCRIPTION_MAX = 50_000


class JobQuerySet(OwnedQuerySet):
    def open(self):
        """The jobs still in play: what the job switcher offers."""
        return self.exclude(status=Job.Status.CLOSED)


class Job(models.Model):
    class Status(models.TextChoices):
        PREPARING = "preparing", "Preparing"
        APPLIED = "applied", "Applied"
        INTERVIEWING = "interviewing", "Interviewing"
        OFFER = "offer", "Offer"
        CLOSED = "closed", "Closed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="jobs"
    )
    company = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    level = models.CharField(max_length=100, blank=True)
    interview_date = models.DateField(null=True, blank=True)
    description = models.TextField(
        blank=True,
        max_length=DESCRIPTION_MAX,
        help_text="The job description, pasted as it is.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PREPARING
    )
    # The themes this job's interviews probe, from any playbook or the owner's own;
    # never another user's (JobForm and the backup check).
    themes = models.ManyToManyField(Theme, related_name="jobs", blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # The job switcher: one user's jobs.
            models.Index(fields=["owner", "-created"], name="job_owner_idx"),
        ]

    def __str__(self):
        return f"{self.role} at {self.company}" if self.role else self.company

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk])

    def add_new_theme(self, title, **fields):
        """A new theme of the owner's own, made for this job: one of the job's
        themes and, last, in the owner's set (so their coverage counts it too)."""
        with transaction.atomic():
            theme = Theme.objects.create(
                owner=self.owner,
                slug=Theme.unique_slug(self.owner, title),
                title=title,
                **fields,
            )
            theme.add_to_set(self.owner)
            self.themes.add(theme)
        return theme
