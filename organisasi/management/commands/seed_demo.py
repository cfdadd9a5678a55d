"""`manage.py seed_demo`: loads the demo province Nusa Mandiri. Safe to run again: it changes nothing."""

import time

from django.core.management.base import BaseCommand

from organisasi.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, PROVINCE_NAME, seed_demo_province


class Command(BaseCommand):
    help = "Memuat data demo Provinsi Nusa Mandiri (OPD, jabatan, pegawai, Plt/Plh, akun demo)."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        summary = seed_demo_province()
        seconds = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(f"Data demo {PROVINCE_NAME} siap ({seconds:.1f} detik).")
            + f"\n  {summary.opds} OPD, {summary.units} unit kerja, {summary.positions} jabatan"
            f" ({summary.vacant} kosong), {summary.employees} pegawai, {summary.assignments} penugasan"
            f" (termasuk Plt dan Plh), {summary.role_grants} peran, {summary.accounts} akun."
            f"\n  Baris baru: {summary.created}."
        )
        self.stdout.write(f"\nAkun demo (kata sandi semua akun, juga pegawai lain: {DEMO_PASSWORD})")
        rows = [("Peran", "Login", "Nama", "Kegunaan")] + [
            (account["role"], account["login"], account["name"], account["does"]) for account in DEMO_ACCOUNTS
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        rows.insert(1, tuple("-" * width for width in widths))
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
