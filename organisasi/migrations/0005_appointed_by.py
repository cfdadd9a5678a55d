import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Who made each appointment already recorded: the actor of the assignment's first event on the
# timeline ("ditetapkan" or "ditunjuk"); none for rows the loaders wrote directly.
FROM_TIMELINE = """
UPDATE organisasi_assignment AS a
SET appointed_by_id = e.actor_id
FROM kantor_virtual_event AS e
JOIN django_content_type AS ct ON ct.id = e.target_type_id
WHERE ct.app_label = 'organisasi' AND ct.model = 'assignment'
  AND e.target_id = a.id::text AND e.seq = 1 AND e.actor_id IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("kantor_virtual", "0001_initial"),
        ("organisasi", "0004_people_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="appointed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="ditetapkan oleh",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["created_at", "id"], name="assignment_created"),
        ),
        migrations.RunSQL(FROM_TIMELINE, reverse_sql=migrations.RunSQL.noop),
    ]
