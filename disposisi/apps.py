from django.apps import AppConfig


class DisposisiConfig(AppConfig):
    name = "disposisi"
    verbose_name = "Disposisi"
