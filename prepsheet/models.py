"""The user's own additions to the prep sheet: questions to ask and negotiation notes."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from stories.models import OwnedQuerySet

OWN_TEXT_MAX = 1000


class OwnText(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="%(class)ss"
    )
    text = models.CharField(max_length=OWN_TEXT_MAX)
    created = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created", "id"]

    def __str__(self):
        return self.text


class OwnQuestion(OwnText):
    """A question the user wants to ask the interviewer, beside the document's."""

    class Meta(OwnText.Meta):
        # Moved here from `stories`; the table kept its name and its rows.
        db_table = "stories_ownquestion"


class OwnNote(OwnText):
    """A negotiation or offer note of the user's own, beside the document's."""

    class Meta(OwnText.Meta):
        db_table = "stories_ownnote"
