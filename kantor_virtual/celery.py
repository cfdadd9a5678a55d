import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kantor_virtual.settings")

app = Celery("kantor_virtual")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
