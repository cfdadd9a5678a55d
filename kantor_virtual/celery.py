import os

from django_celery_outbox import OutboxCelery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kantor_virtual.settings")

# Sending a task writes a row of the outbox in the caller's transaction instead of talking to the
# broker: the task exists exactly when the work that asked for it was committed, and the relay
# (`manage.py celery_outbox_relay`, started by ./kantor run) takes it to Redis whenever Redis answers.
app = OutboxCelery("kantor_virtual")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
