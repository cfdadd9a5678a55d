from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kantor_virtual.backup import read_secret_key, restore_backup
from kantor_virtual.errors import Refused


class Command(BaseCommand):
    help = (
        "Memulihkan arsip cadangan ke basis data dan folder berkas yang kosong (selain itu ditolak), lalu "
        "memeriksa SHA-256 setiap berkas dan jumlah baris setiap tabel terhadap manifest."
    )
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="arsip cadangan")
        parser.add_argument(
            "--print-secret-key",
            action="store_true",
            help="hanya mencetak SECRET_KEY dalam arsip (untuk instalasi DATABASE_URL/docker), tanpa memulihkan",
        )

    def handle(self, *args, file: str, print_secret_key: bool = False, **options) -> None:
        try:
            if print_secret_key:
                self.stdout.write(read_secret_key(Path(file)))
                return
            report = restore_backup(Path(file))
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        manifest = report.manifest
        self.stdout.write(
            self.style.SUCCESS(f"Cadangan {file} dipulihkan dalam {report.seconds:.1f} detik.")
            + f"\n  Dibuat {manifest['created_at']}, rilis {manifest['release']['version']}"
            f" ({manifest['release']['fingerprint'][:12]})."
            f"\n  {report.files} berkas ({report.bytes / 1024 / 1024:.1f} MB): SHA-256 dan ukuran cocok dengan manifest."
            f"\n  {report.tables} tabel, {report.rows} baris: jumlah baris setiap tabel cocok dengan manifest."
        )
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"  {report.pending_migrations} migrasi rilis ini belum ada di cadangan;"
                    " `migrate` (atau ./kantor run) menerapkannya."
                )
            )
        if report.missing_files:
            for name in report.missing_files[:20]:
                self.stderr.write(f"  Berkas tidak ada: {name}")
            raise CommandError(f"{len(report.missing_files)} berkas yang dirujuk basis data tidak ada.")
