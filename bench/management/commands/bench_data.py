"""`manage.py bench_data --size 10k|100k|1m`: the demo province with ten years of mail, for the benchmark."""

import time
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from bench.generator import (
    BENCH_PASSWORD,
    DEFAULT_SEED,
    DEFAULT_USERS,
    SIZES,
    Generator,
    Plan,
    vacuum_analyze,
)
from bench.models import Dataset


class Command(BaseCommand):
    help = (
        "Mengisi basis data dengan data tolok ukur: Provinsi Nusa Mandiri dengan 20.000 pegawai dan surat "
        "masuk, disposisi, surat keluar serta permohonan layanan publik selama sepuluh tahun (lewat COPY)."
    )

    def add_arguments(self, parser) -> None:
        size = parser.add_mutually_exclusive_group(required=True)
        size.add_argument("--size", choices=SIZES, help="10k, 100k atau 1m surat masuk")
        size.add_argument("--letters", type=int, help="jumlah surat masuk lain (untuk uji kecil)")
        parser.add_argument("--users", type=int, default=DEFAULT_USERS, help="pegawai pemegang jabatan")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="benih acak (hasil sama bila sama)"
        )
        parser.add_argument(
            "--processes",
            type=int,
            choices=(1, 2),
            default=2,
            help="2: satu proses membuat baris selagi proses ini memuatnya (bawaan); 1: semuanya di sini",
        )
        parser.add_argument(
            "--replace", action="store_true", help="kosongkan seluruh basis data (flush) lalu muat ulang"
        )

    def handle(self, *args, **options) -> None:
        letters = SIZES[options["size"]] if options["size"] else options["letters"]
        if letters < 1:
            raise CommandError("Jumlah surat masuk harus positif.")
        plan = Plan(
            size=options["size"] or str(letters),
            letters=letters,
            users=options["users"],
            seed=options["seed"],
        )
        started = time.monotonic()
        self._prepare(replace=options["replace"])
        self.stdout.write(f"Memuat data tolok ukur {plan.size} (benih {plan.seed})…")
        generator = Generator(plan, say=self.stdout.write)
        with transaction.atomic():
            tables = generator.run(processes=options["processes"])
            dataset = generator.record(time.monotonic() - started)
        vacuum_analyze(self.stdout.write)
        seconds = time.monotonic() - started
        Dataset.objects.filter(pk=dataset.pk).update(seconds=round(seconds, 1))
        self.stdout.write(self.style.SUCCESS(f"Data tolok ukur {plan.size} siap dalam {seconds:.0f} detik."))
        for table, (rows, copy_seconds) in sorted(tables.items(), key=lambda pair: -pair[1][0]):
            self.stdout.write(
                f"  {table:<36} {rows:>12,} baris  {copy_seconds:7.1f} dtk COPY".replace(",", ".")
            )
        self.stdout.write(f"Kata sandi semua akun: {BENCH_PASSWORD}")

    def _prepare(self, *, replace: bool) -> None:
        """Schema and demo province first; never a second dataset on top of the first."""
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("Menerapkan migrasi…")
            call_command("migrate", verbosity=0)
        if Dataset.objects.exists():
            if not replace:
                held = Dataset.objects.order_by("-created_at").first()
                raise CommandError(
                    f"Basis data ini sudah berisi data tolok ukur {held}. Pakai folder data baru "
                    "(KV_DATA_DIR) atau --replace untuk mengosongkan seluruh basis data lalu memuat ulang."
                )
            self.stdout.write("Mengosongkan basis data (--replace)…")
            call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("Memuat data demo (seed_demo)…")
        call_command("seed_demo", stdout=StringIO())
