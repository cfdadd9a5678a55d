from django.db import migrations, models

WATCHED = ("organisasi_opd", "organisasi_position", "organisasi_assignment", "organisasi_rolegrant")

# A statement-level trigger: a bulk update or an import of a thousand rows changes the version once.
# The row is written back if a TRUNCATE (a test database being flushed) took it away.
NEW_VERSION = """
CREATE FUNCTION organisasi_new_org_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO organisasi_orgversion (id, version) VALUES (1, gen_random_uuid())
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END $$;
"""
TRIGGERS = "\n".join(
    f"CREATE TRIGGER {table}_new_org_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION organisasi_new_org_version();"
    for table in WATCHED
)
DROP_TRIGGERS = "\n".join(f"DROP TRIGGER {table}_new_org_version ON {table};" for table in WATCHED)


class Migration(migrations.Migration):
    dependencies = [
        ("organisasi", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrgVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.UUIDField()),
            ],
            options={
                "verbose_name": "versi organisasi",
            },
        ),
        migrations.RunSQL(
            "INSERT INTO organisasi_orgversion (id, version) VALUES (1, gen_random_uuid());"
            + NEW_VERSION
            + TRIGGERS,
            DROP_TRIGGERS + "DROP FUNCTION organisasi_new_org_version();",
        ),
    ]
