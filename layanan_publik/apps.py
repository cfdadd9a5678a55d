from django.apps import AppConfig


class LayananPublikConfig(AppConfig):
    name = "layanan_publik"
    verbose_name = "Layanan Publik"

    def ready(self) -> None:
        from layanan_publik import receivers  # noqa: F401  (connects to letters' and dispositions' signals)
