from django.apps import AppConfig


class TteConfig(AppConfig):
    name = "tte"
    verbose_name = "Tanda Tangan Elektronik"
