import django.db.models.deletion
from django.db import migrations, models

# A letter signed "a.n. … u.b." named its middle official only through the signer's superior of the
# day it was drawn; it is written down now, as it was drawn.
FILL_BY_ORDER_OF = """
UPDATE persuratan_outgoingletter AS letter
SET by_order_of_id = COALESCE(signer.parent_id, letter.on_behalf_of_id)
FROM organisasi_position AS signer
WHERE signer.id = letter.signer_position_id AND letter.signing_mode = 'an_ub'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organisasi", "0004_people_list_indexes"),
        ("persuratan", "0014_inbox_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingletter",
            name="by_order_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisasi.position",
                verbose_name="untuk beliau (u.b.)",
            ),
        ),
        migrations.RunSQL(FILL_BY_ORDER_OF, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="outgoingletter",
            constraint=models.CheckConstraint(
                condition=models.Q(("by_order_of__isnull", False), ("signing_mode", "an_ub"))
                | models.Q(models.Q(("signing_mode", "an_ub"), _negated=True), ("by_order_of__isnull", True)),
                name="outgoing_by_order_names_a_position",
            ),
        ),
    ]
