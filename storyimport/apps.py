from django.apps import AppConfig


class StoryImportConfig(AppConfig):
    name = "storyimport"
    verbose_name = "Story import"
