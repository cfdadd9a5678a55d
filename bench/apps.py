from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The province-scale benchmark: its data generator and load runner (see README, "Kinerja")."""

    name = "bench"
    verbose_name = "Tolok ukur"
