from django.apps import AppConfig


class KantorVirtualConfig(AppConfig):
    name = "kantor_virtual"
    verbose_name = "Kantor Virtual"
