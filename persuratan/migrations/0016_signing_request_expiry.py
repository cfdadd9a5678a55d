import django.utils.timezone
from django.db import migrations, models

# A request made before this migration started waiting when its row was last saved (by
# request_signature); one that ended without being signed or refused (a task that failed) kept its
# passphrase and stays "waiting": the first run of the hourly expiry job ends it once it is too old.
REQUESTED_WHEN_SAVED = "UPDATE persuratan_signingrequest SET requested_at = updated_at"
# No ended request keeps a passphrase.
WIPE_ENDED = (
    "UPDATE persuratan_signingrequest SET passphrase_token = '' "
    "WHERE state IN ('done', 'refused') AND passphrase_token <> ''"
)


class Migration(migrations.Migration):
    dependencies = [
        ("persuratan", "0015_outgoing_by_order_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="signingrequest",
            name="requested_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="signingrequest",
            name="state",
            field=models.CharField(
                choices=[
                    ("queued", "Menunggu giliran"),
                    ("signing", "Sedang ditandatangani"),
                    ("waiting_service", "Menunggu layanan TTE"),
                    ("done", "Selesai"),
                    ("refused", "Ditolak"),
                    ("failed", "Gagal"),
                    ("expired", "Kedaluwarsa"),
                ],
                default="queued",
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="signingrequest",
            index=models.Index(
                condition=models.Q(("state__in", ["queued", "signing", "waiting_service"])),
                fields=["requested_at"],
                name="signing_request_live",
            ),
        ),
        migrations.RunSQL(REQUESTED_WHEN_SAVED, migrations.RunSQL.noop),
        migrations.RunSQL(WIPE_ENDED, migrations.RunSQL.noop),
    ]
