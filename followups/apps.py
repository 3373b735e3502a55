from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-up questions"

    def ready(self):
        from stories.models import story_duplicated

        from .models import copy_ladder

        # A copy of a story is asked the same follow-ups: its ladder goes with it.
        story_duplicated.connect(copy_ladder, dispatch_uid="followups.copy_ladder")
