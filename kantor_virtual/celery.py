import os

from celery.beat import PersistentScheduler
from django.db import close_old_connections, transaction
from django_celery_outbox import OutboxCelery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kantor_virtual.settings")

# Sending a task writes a row of the outbox in the caller's transaction instead of talking to the
# broker: the task exists exactly when the work that asked for it was committed, and the relay
# (`manage.py celery_outbox_relay`, started by ./kantor run) takes it to Redis whenever Redis answers.
app = OutboxCelery("kantor_virtual")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class BeatScheduler(PersistentScheduler):
    """Beat writes each due task to the outbox on a database connection no request cycle refreshes:
    one PostgreSQL dropped (a restart) is checked and replaced before each task instead of failing
    every one after it (settings.CELERY_BEAT_SCHEDULER). Each row is written in a transaction of
    its own, as the outbox expects."""

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        close_old_connections()
        with transaction.atomic():
            return super().apply_async(entry, producer, advance, **kwargs)
