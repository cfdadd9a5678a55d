from django.apps import AppConfig


class PersuratanConfig(AppConfig):
    name = "persuratan"
    verbose_name = "Persuratan"
