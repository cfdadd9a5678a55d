from django.db import migrations, models

# Today's holders as a picker shows them: the definitive one first, then "Plt. …" and "Plh. …", only
# active accounts. The search terms keep finding a position by any holder's name, as before.
HOLDERS = """
CREATE FUNCTION organisasi_position_holders(position_id bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(
               CASE a.kind WHEN 'definitif' THEN person.full_name
                           ELSE initcap(a.kind) || '. ' || person.full_name END,
               ', ' ORDER BY a.kind <> 'definitif', a.kind, person.id), '')
      FROM organisasi_assignment a JOIN organisasi_user person ON person.id = a.user_id
     WHERE a.position_id = $1 AND person.is_active AND a.start <= organisasi_today()
       AND (a."end" IS NULL OR a."end" >= organisasi_today())
$$;

CREATE OR REPLACE FUNCTION organisasi_refresh_position_terms(position_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE organisasi_position p
       SET search_terms = organisasi_position_terms(p.id, p.unit_id, p.opd_id),
           holder_names = organisasi_position_holders(p.id)
     WHERE p.id = ANY($1)
$$;

CREATE OR REPLACE FUNCTION organisasi_position_own_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_terms := organisasi_position_terms(NEW.id, NEW.unit_id, NEW.opd_id);
    NEW.holder_names := organisasi_position_holders(NEW.id);
    RETURN NEW;
END $$;

DROP TRIGGER organisasi_holder_terms ON organisasi_user;
CREATE TRIGGER organisasi_holder_terms AFTER UPDATE OF full_name, is_active ON organisasi_user
    FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name OR OLD.is_active IS DISTINCT FROM NEW.is_active)
    EXECUTE FUNCTION organisasi_holder_terms();

UPDATE organisasi_position SET holder_names = organisasi_position_holders(id);
"""

WITHOUT_HOLDERS = """
DROP TRIGGER organisasi_holder_terms ON organisasi_user;
CREATE TRIGGER organisasi_holder_terms AFTER UPDATE OF full_name ON organisasi_user
    FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name) EXECUTE FUNCTION organisasi_holder_terms();

CREATE OR REPLACE FUNCTION organisasi_position_own_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_terms := organisasi_position_terms(NEW.id, NEW.unit_id, NEW.opd_id);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION organisasi_refresh_position_terms(position_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE organisasi_position p
       SET search_terms = organisasi_position_terms(p.id, p.unit_id, p.opd_id)
     WHERE p.id = ANY($1)
$$;

DROP FUNCTION organisasi_position_holders(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organisasi", "0007_position_heads"),
    ]

    operations = [
        migrations.AddField(
            model_name="position",
            name="holder_names",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunSQL(HOLDERS, WITHOUT_HOLDERS),
    ]
