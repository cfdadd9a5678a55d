from django.core.management.base import BaseCommand, CommandError

from kantor_virtual.models import Event
from kantor_virtual.timeline import verify_chains


class Command(BaseCommand):
    help = "Memeriksa rantai hash riwayat kejadian; gagal bila ada kejadian yang diubah atau dihapus."

    def handle(self, *args, **options) -> None:
        broken = list(verify_chains())
        for link in broken:
            self.stderr.write(f"Kejadian #{link.event_id} ({link.target}, urutan {link.seq}): {link.reason}")
        if broken:
            raise CommandError(f"{len(broken)} kejanggalan ditemukan pada riwayat kejadian.")
        self.stdout.write(self.style.SUCCESS(f"Rantai utuh: {Event.objects.count()} kejadian diperiksa."))
