from django.db import migrations

APPEND_ONLY = """
CREATE FUNCTION kantor_virtual_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Riwayat kejadian hanya boleh ditambah: % pada kantor_virtual_event ditolak', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER kantor_virtual_event_append_only
    BEFORE UPDATE OR DELETE ON kantor_virtual_event
    FOR EACH ROW EXECUTE FUNCTION kantor_virtual_event_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER kantor_virtual_event_append_only ON kantor_virtual_event;
DROP FUNCTION kantor_virtual_event_append_only();
"""


class Migration(migrations.Migration):
    """Events are history: the database itself refuses to change or remove one."""

    dependencies = [("kantor_virtual", "0002_initial")]

    operations = [migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY)]
