import django.contrib.postgres.functions
from django.db import migrations, models

# Every statement that adds, changes or removes inbox items gives their positions a new version, once
# per statement (a bulk update or a COPY of a million rows included).
ITEMS_CHANGED = """
CREATE FUNCTION persuratan_new_inbox_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE persuratan_inboxtally SET version = gen_random_uuid()
    WHERE position_id IN (SELECT position_id FROM changed_items);
    RETURN NULL;
END $$;
CREATE TRIGGER persuratan_inboxitem_added AFTER INSERT ON persuratan_inboxitem
    REFERENCING NEW TABLE AS changed_items
    FOR EACH STATEMENT EXECUTE FUNCTION persuratan_new_inbox_version();
CREATE TRIGGER persuratan_inboxitem_changed AFTER UPDATE ON persuratan_inboxitem
    REFERENCING NEW TABLE AS changed_items
    FOR EACH STATEMENT EXECUTE FUNCTION persuratan_new_inbox_version();
CREATE TRIGGER persuratan_inboxitem_removed AFTER DELETE ON persuratan_inboxitem
    REFERENCING OLD TABLE AS changed_items
    FOR EACH STATEMENT EXECUTE FUNCTION persuratan_new_inbox_version();
"""

# A letter's register details as an inbox row shows them; other columns (the text OCR read, the
# search vector) change without touching any inbox.
LETTER_CHANGED = """
CREATE FUNCTION persuratan_letter_new_inbox_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE persuratan_inboxtally SET version = gen_random_uuid()
    WHERE position_id IN (SELECT position_id FROM persuratan_inboxitem WHERE letter_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER persuratan_incomingletter_shown_changed
    AFTER UPDATE OF subject, sender_name, sender_number, agenda_number, agenda_year
    ON persuratan_incomingletter
    FOR EACH ROW
    WHEN ((OLD.subject, OLD.sender_name, OLD.sender_number, OLD.agenda_number, OLD.agenda_year)
          IS DISTINCT FROM (NEW.subject, NEW.sender_name, NEW.sender_number, NEW.agenda_number, NEW.agenda_year))
    EXECUTE FUNCTION persuratan_letter_new_inbox_version();
"""

DROP = """
DROP TRIGGER persuratan_incomingletter_shown_changed ON persuratan_incomingletter;
DROP FUNCTION persuratan_letter_new_inbox_version();
DROP TRIGGER persuratan_inboxitem_added ON persuratan_inboxitem;
DROP TRIGGER persuratan_inboxitem_changed ON persuratan_inboxitem;
DROP TRIGGER persuratan_inboxitem_removed ON persuratan_inboxitem;
DROP FUNCTION persuratan_new_inbox_version();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("persuratan", "0013_letter_reach"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboxtally",
            name="version",
            field=models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID()),
        ),
        migrations.RunSQL(ITEMS_CHANGED + LETTER_CHANGED, DROP),
    ]
