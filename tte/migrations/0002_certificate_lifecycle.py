"""One certificate row carries its whole life: asked for, issued or rejected, revoked.

Every existing row is an issued certificate of the installation's authority: it stays issued (and
revoked where it was), with the identity of its holder as recorded on the person today, and its
request and decision dated when it was issued, by no one (the system's own loader).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

FILL_IDENTITY = """
UPDATE tte_certificate AS certificate SET
    nik = COALESCE(person.nik, ''),
    nip = COALESCE(person.nip, ''),
    email = person.email,
    full_name = COALESCE(NULLIF(person.full_name, ''), person.username),
    requested_at = certificate.not_before,
    decided_at = certificate.not_before
FROM organisasi_user AS person
WHERE person.id = certificate.user_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organisasi", "0003_person_nik_and_opd"),
        ("tte", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="certificate", name="tte_one_valid_certificate_per_user"),
        # Existing rows are issued certificates; new rows start as requests.
        migrations.AddField(
            model_name="certificate",
            name="status",
            field=models.CharField(
                choices=[("requested", "Diajukan"), ("issued", "Aktif"), ("rejected", "Ditolak")],
                default="issued",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="status",
            field=models.CharField(
                choices=[("requested", "Diajukan"), ("issued", "Aktif"), ("rejected", "Ditolak")],
                default="requested",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="issuer",
            field=models.CharField(
                choices=[
                    ("local", "Otoritas sertifikat Kantor Virtual"),
                    ("national", "Layanan TTE nasional"),
                ],
                default="local",
                max_length=16,
                verbose_name="penerbit",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="nik",
            field=models.CharField(blank=True, max_length=16, verbose_name="NIK"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="nip",
            field=models.CharField(blank=True, max_length=18, verbose_name="NIP"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="surel"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="full_name",
            field=models.CharField(default="", max_length=200, verbose_name="nama"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="requested_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="diajukan pada"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="public_key_pem",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="certificate",
            name="passphrase_changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="certificate",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="certificate",
            name="rejection_reason",
            field=models.TextField(blank=True, verbose_name="alasan penolakan"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revocation_note",
            field=models.TextField(blank=True, verbose_name="keterangan pencabutan"),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="key_pem",
            field=models.TextField(
                blank=True, help_text="PKCS#8, terenkripsi dengan kata sandi TTE pemiliknya."
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="authority",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="tte.authority",
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="serial",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="subject",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="certificate_pem",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="not_before",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="not_after",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="revocation_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("key_compromise", "Kunci bocor / kata sandi TTE diketahui orang lain"),
                    ("passphrase_lost", "Lupa kata sandi TTE"),
                    ("superseded", "Diganti sertifikat baru"),
                    ("cessation_of_operation", "Tidak lagi menjabat"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunSQL(FILL_IDENTITY, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revoked_at__isnull", True), ("status__in", ["requested", "issued"])),
                fields=("user",),
                name="tte_one_live_certificate_per_user",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("serial", ""), _negated=True),
                fields=("issuer", "serial"),
                name="tte_serial_unique_per_issuer",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "issued"), _negated=True),
                    models.Q(
                        models.Q(("serial", ""), _negated=True),
                        ("not_after__isnull", False),
                        ("not_before__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="tte_issued_has_certificate",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "rejected"), _negated=True),
                    models.Q(
                        ("decided_at__isnull", False), models.Q(("rejection_reason", ""), _negated=True)
                    ),
                    _connector="OR",
                ),
                name="tte_rejected_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(("revoked_at__isnull", True), ("status", "issued"), _connector="OR"),
                name="tte_only_issued_revoked",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(("nik", ""), ("nik__regex", "^[0-9]{16}$"), _connector="OR"),
                name="tte_certificate_nik_16_digits",
            ),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(
                condition=models.Q(("status", "requested")),
                fields=["requested_at", "id"],
                name="tte_waiting_requests",
            ),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(
                condition=models.Q(("revoked_at__isnull", True), ("status", "issued")),
                fields=["not_after"],
                name="tte_live_by_expiry",
            ),
        ),
    ]
