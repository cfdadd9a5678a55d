import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

# A position's search terms: its unit, its OPD (short and full name) and whoever holds it today, the
# day of the office's time zone (settings.TIME_ZONE, passed by every connection of the application).
TERMS = """
CREATE FUNCTION organisasi_today() RETURNS date LANGUAGE sql STABLE AS $$
    SELECT (now() AT TIME ZONE coalesce(nullif(current_setting('kantor_virtual.time_zone', true), ''), 'UTC'))::date
$$;

CREATE FUNCTION organisasi_position_terms(position_id bigint, unit_id bigint, opd_id bigint)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ',
        (SELECT u.name FROM organisasi_unit u WHERE u.id = $2),
        (SELECT o.short_name || ' ' || o.name FROM organisasi_opd o WHERE o.id = $3),
        (SELECT string_agg(person.full_name, ' ' ORDER BY person.full_name)
           FROM organisasi_assignment a JOIN organisasi_user person ON person.id = a.user_id
          WHERE a.position_id = $1 AND a.start <= organisasi_today()
            AND (a."end" IS NULL OR a."end" >= organisasi_today())))
$$;

CREATE FUNCTION organisasi_refresh_position_terms(position_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE organisasi_position p
       SET search_terms = organisasi_position_terms(p.id, p.unit_id, p.opd_id)
     WHERE p.id = ANY($1)
$$;

CREATE FUNCTION organisasi_position_own_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_terms := organisasi_position_terms(NEW.id, NEW.unit_id, NEW.opd_id);
    RETURN NEW;
END $$;
CREATE TRIGGER organisasi_position_own_terms BEFORE INSERT OR UPDATE OF name, unit_id, opd_id
    ON organisasi_position FOR EACH ROW EXECUTE FUNCTION organisasi_position_own_terms();

CREATE FUNCTION organisasi_assignment_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM organisasi_refresh_position_terms(ARRAY[OLD.position_id]);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM organisasi_refresh_position_terms(ARRAY[NEW.position_id]);
    ELSE
        PERFORM organisasi_refresh_position_terms(ARRAY[NEW.position_id, OLD.position_id]);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER organisasi_assignment_terms AFTER INSERT OR UPDATE OR DELETE
    ON organisasi_assignment FOR EACH ROW EXECUTE FUNCTION organisasi_assignment_terms();

CREATE FUNCTION organisasi_unit_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM organisasi_refresh_position_terms(ARRAY(SELECT id FROM organisasi_position WHERE unit_id = NEW.id));
    RETURN NULL;
END $$;
CREATE TRIGGER organisasi_unit_terms AFTER UPDATE OF name ON organisasi_unit
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION organisasi_unit_terms();

CREATE FUNCTION organisasi_opd_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM organisasi_refresh_position_terms(ARRAY(SELECT id FROM organisasi_position WHERE opd_id = NEW.id));
    RETURN NULL;
END $$;
CREATE TRIGGER organisasi_opd_terms AFTER UPDATE OF name, short_name ON organisasi_opd
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.short_name IS DISTINCT FROM NEW.short_name)
    EXECUTE FUNCTION organisasi_opd_terms();

CREATE FUNCTION organisasi_holder_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM organisasi_refresh_position_terms(ARRAY(
        SELECT position_id FROM organisasi_assignment WHERE user_id = NEW.id
    ));
    RETURN NULL;
END $$;
CREATE TRIGGER organisasi_holder_terms AFTER UPDATE OF full_name ON organisasi_user
    FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name) EXECUTE FUNCTION organisasi_holder_terms();

UPDATE organisasi_position SET search_terms = organisasi_position_terms(id, unit_id, opd_id);
"""

DROP = """
DROP TRIGGER organisasi_holder_terms ON organisasi_user;
DROP FUNCTION organisasi_holder_terms();
DROP TRIGGER organisasi_opd_terms ON organisasi_opd;
DROP FUNCTION organisasi_opd_terms();
DROP TRIGGER organisasi_unit_terms ON organisasi_unit;
DROP FUNCTION organisasi_unit_terms();
DROP TRIGGER organisasi_assignment_terms ON organisasi_assignment;
DROP FUNCTION organisasi_assignment_terms();
DROP TRIGGER organisasi_position_own_terms ON organisasi_position;
DROP FUNCTION organisasi_position_own_terms();
DROP FUNCTION organisasi_refresh_position_terms(bigint[]);
DROP FUNCTION organisasi_position_terms(bigint, bigint, bigint);
DROP FUNCTION organisasi_today();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organisasi", "0005_appointed_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="position",
            name="search_terms",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="position",
            name="search",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector("name", config="simple", weight="A"),
                    "||",
                    django.contrib.postgres.search.SearchVector("search_terms", config="simple", weight="B"),
                    django.contrib.postgres.search.SearchConfig("simple"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="position",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search"], name="position_search"),
        ),
        migrations.RunSQL(TERMS, DROP),
    ]
