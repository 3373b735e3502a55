from django.apps import AppConfig


class MatcherConfig(AppConfig):
    name = "matcher"
