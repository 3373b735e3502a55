from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"

    def ready(self):
        from .pagecache import connect_signals

        connect_signals()
