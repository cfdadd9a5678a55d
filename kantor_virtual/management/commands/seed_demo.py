"""`manage.py seed_demo`: the demo province Nusa Mandiri, its mail and its public portal. Safe to run
again: it changes nothing.

It lives in the project shell because it seeds several apps: the organisation first, then the
letters and dispositions that run through it, then the portal's services and their history.
"""

import time

from django.core.management.base import BaseCommand

from disposisi.demo import seed_demo_letters
from layanan_publik.demo import seed_demo_applicant, seed_demo_portal_history, seed_demo_services
from organisasi.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, PROVINCE_NAME, seed_demo_province
from tte.demo import DEMO_TTE_PASSPHRASE, seed_demo_certificates


class Command(BaseCommand):
    help = (
        "Memuat data demo Provinsi Nusa Mandiri (OPD, jabatan, pegawai, Plt/Plh, akun demo) "
        "beserta surat masuk dan disposisinya."
    )
    # `./kantor run` calls this right after `migrate`, which has run the checks; running them again
    # would load every URLconf (and WeasyPrint behind it) for nothing at each start.
    requires_system_checks = []

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        summary = seed_demo_province()
        certificates = seed_demo_certificates()
        letters = seed_demo_letters()
        services = seed_demo_services()
        seed_demo_applicant()
        history = seed_demo_portal_history()
        seconds = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(f"Data demo {PROVINCE_NAME} siap ({seconds:.1f} detik).")
            + f"\n  {summary.opds} OPD, {summary.units} unit kerja, {summary.positions} jabatan"
            f" ({summary.vacant} kosong), {summary.employees} pegawai, {summary.assignments} penugasan"
            f" (termasuk Plt dan Plh), {summary.role_grants} peran, {summary.accounts} akun."
            f"\n  Baris baru: {summary.created}. Sertifikat TTE baru: {certificates}."
            f"\n  Surat masuk demo: {letters.letters} ({letters.created} baru), {letters.dispositions} disposisi,"
            f" {letters.follow_ups} tindak lanjut."
            f"\n  Layanan publik: {services.services} ({services.created} baru), maklumat {services.pledges} OPD."
            f"\n  Riwayat permohonan portal: {history.submissions} ({history.created} baru),"
            f" {history.finished} selesai dengan balasan bertanda tangan, {history.rated} dinilai (SKM)."
        )
        if history.skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"  {history.skipped} permohonan riwayat belum dapat dibuat (jabatan kosong, layanan"
                    " ditutup atau tanda tangan ditolak); dicoba lagi pada seed_demo berikutnya."
                )
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
        self.stdout.write(
            f"\nKata sandi TTE (passphrase) semua pimpinan, Plt dan Plh demo: {DEMO_TTE_PASSPHRASE}"
        )
