import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kantor_virtual.backup import archive_name, write_backup
from kantor_virtual.errors import Refused


class Command(BaseCommand):
    help = (
        "Mencadangkan basis data, berkas (media dan berkas privat) dan SECRET_KEY ke satu arsip (mode 0600), "
        "terenkripsi bila BACKUP_PASSPHRASE disetel. Tanpa BERKAS: arsip baru di BACKUP_DIR."
    )
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="berkas arsip yang dibuat (tidak boleh sudah ada)")

    def handle(self, *args, file=None, **options) -> None:
        encrypted = bool(os.environ.get("BACKUP_PASSPHRASE"))
        path = (
            Path(file)
            if file
            else Path(settings.BACKUP_DIR) / archive_name(timezone.localtime(), encrypted=encrypted)
        )
        try:
            report = write_backup(path)
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(
            self.style.SUCCESS(f"Cadangan tertulis: {report.path}")
            + f"\n  {report.bytes / 1024 / 1024:.1f} MB dalam {report.seconds:.1f} detik;"
            f" {report.tables} tabel, {report.rows} baris, {report.files} berkas;"
            f" {'terenkripsi' if report.encrypted else 'TIDAK terenkripsi (setel BACKUP_PASSPHRASE)'}."
        )
