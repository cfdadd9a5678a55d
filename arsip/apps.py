from django.apps import AppConfig


class ArsipConfig(AppConfig):
    name = "arsip"
    verbose_name = "Arsip"

    def ready(self) -> None:
        from arsip import receivers  # noqa: F401  (connects to the signature of berita acara)
