"""An applicant's e-mail address is verified only through its own link: whatever changes a person's
address (a form, the admin, a bulk update), the database forgets the verification in the same
transaction, and the new address waits for its own link."""

from django.db import migrations

UNVERIFY = """
CREATE FUNCTION layanan_publik_unverify_changed_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE layanan_publik_applicant SET email_verified_at = NULL
    WHERE user_id = NEW.id AND email_verified_at IS NOT NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER layanan_publik_changed_email_is_unverified
    AFTER UPDATE OF email ON organisasi_user
    FOR EACH ROW WHEN (lower(OLD.email) IS DISTINCT FROM lower(NEW.email))
    EXECUTE FUNCTION layanan_publik_unverify_changed_email();
"""
KEEP = """
DROP TRIGGER layanan_publik_changed_email_is_unverified ON organisasi_user;
DROP FUNCTION layanan_publik_unverify_changed_email();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("layanan_publik", "0003_submission_finished"),
        ("organisasi", "0004_people_list_indexes"),
    ]

    operations = [migrations.RunSQL(UNVERIFY, KEEP)]
