from django.apps import AppConfig


class PrepsheetConfig(AppConfig):
    name = "prepsheet"
    verbose_name = "Prep sheet"
