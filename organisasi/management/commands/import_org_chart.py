"""`manage.py import_org_chart --opd DISKOMINFOS --jabatan jabatan.csv --pegawai pegawai.csv`"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kantor_virtual.errors import Refused
from organisasi.models import Opd, User
from organisasi.services import SYSTEM, import_org_chart


class Command(BaseCommand):
    help = (
        "Impor jabatan dan pegawai sebuah OPD dari berkas CSV (UTF-8, pemisah koma atau titik koma). "
        "Bila ada baris yang salah, tidak ada yang diubah dan semua baris yang salah dilaporkan. "
        "Setiap penugasan baru di berkas pegawai wajib memiliki nomor_sk (nomor SK untuk definitif, "
        "nomor surat perintah untuk Plt/Plh); baris yang menugaskan pengguna --oleh sendiri ditolak."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--opd", required=True, help="Kode OPD, mis. DISKOMINFOS")
        parser.add_argument(
            "--jabatan", type=Path, help="CSV: kode,nama,jenis,kode_atasan,unit,eselon,kepala_opd"
        )
        parser.add_argument(
            "--pegawai",
            type=Path,
            help="CSV: nip,nama,email,kode_jabatan,status,mulai,selesai,nomor_sk "
            "(nomor_sk wajib untuk setiap penugasan baru)",
        )
        parser.add_argument(
            "--oleh",
            help="NIP atau nama pengguna admin yang dicatat sebagai pelaku (bawaan: sistem, tanpa pelaku)",
        )

    def handle(
        self, *args, opd: str, jabatan: Path | None, pegawai: Path | None, oleh: str | None, **options
    ):
        if jabatan is None and pegawai is None:
            raise CommandError("Sebutkan --jabatan, --pegawai, atau keduanya.")
        target = Opd.objects.filter(code=opd).first()
        if target is None:
            raise CommandError(f"OPD dengan kode {opd} tidak ada.")
        actor = SYSTEM
        if oleh:
            actor = User.objects.filter(nip=oleh).first() or User.objects.filter(username=oleh).first()
            if actor is None:
                raise CommandError(f"Pengguna {oleh} tidak ada.")
        try:
            report = import_org_chart(
                actor=actor,
                opd=target,
                positions_csv_text=self._read(jabatan),
                people_csv_text=self._read(pegawai),
            )
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        if not report.ok:
            raise CommandError("\n".join(report.lines()))
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.links_emailed:
            self.stdout.write(
                f"{report.links_emailed} pegawai baru menerima tautan untuk mengatur kata sandi pertama "
                "lewat surel."
            )
        if report.links_to_hand_over:
            # Printed once and kept nowhere: whoever runs the import hands each link to its person.
            self.stdout.write(
                "Tautan untuk mengatur kata sandi pertama bagi pegawai tanpa alamat surel. Serahkan "
                "kepada masing-masing; tautan ini tidak ditampilkan lagi:"
            )
            for link in report.links_to_hand_over:
                self.stdout.write(f"{link.person.nip}\t{link.person.full_name}\t{link.url}")

    def _read(self, path: Path | None) -> str | None:
        if path is None:
            return None
        try:
            return path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as error:
            raise CommandError(f"Berkas {path} tidak ditemukan.") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"Berkas {path} bukan teks UTF-8. Simpan ulang sebagai CSV UTF-8.") from error
