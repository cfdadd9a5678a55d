"""`manage.py tte_init_ca`: creates the installation's certificate authority if it does not exist."""

from django.core.management.base import BaseCommand

from tte.services import ensure_authority


class Command(BaseCommand):
    help = "Membuat otoritas sertifikat TTE instalasi ini (sekali saja)."

    def handle(self, *args, **options) -> None:
        authority = ensure_authority()
        self.stdout.write(self.style.SUCCESS(f"Otoritas sertifikat siap: {authority.name}."))
        self.stdout.write(authority.certificate_pem)
