"""/kesehatan/: 200 whenever PostgreSQL answers, each part the office leans on in its body, and a part
that fails reported as degraded rather than turned into an error status."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_outbox.models import CeleryOutbox

from kantor_virtual.health import record_heartbeat
from kantor_virtual.models import Heartbeat
from kantor_virtual.tasks import heartbeat

pytestmark = pytest.mark.django_db


def _report(client) -> dict:
    response = client.get(reverse("kesehatan"))
    assert response.status_code == 200, "a degraded part never costs the web node its place"
    return response.json()


def test_everything_working_reports_ok_part_by_part(client):
    heartbeat.apply()

    report = _report(client)

    assert report["status"] == "ok" and report["degraded"] == []
    assert {report[part]["status"] for part in ("database", "redis", "worker", "outbox")} == {"ok"}
    assert report["outbox"]["waiting"] == 0
    assert {folder["status"] for folder in report["disk"].values()} == {"ok"}
    assert report["worker"]["last_beat_seconds"] < 60


def test_a_worker_not_heard_from_for_minutes_is_reported_degraded(client):
    report = _report(client)
    assert report["status"] == "degraded" and report["worker"]["status"] == "degraded", "no beat at all yet"

    record_heartbeat()
    Heartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=10))
    report = _report(client)
    assert report["degraded"] == ["worker"] and report["worker"]["last_beat_seconds"] >= 600


def test_tasks_waiting_in_the_outbox_for_long_are_reported_with_their_number(client):
    record_heartbeat()
    for task_id in ("a", "b"):
        CeleryOutbox.objects.create(task_id=task_id, task_name="persuratan.tasks.ocr_file", args=[1])
    assert _report(client)["outbox"] == {"status": "ok", "waiting": 2, "oldest_seconds": 0}

    CeleryOutbox.objects.update(created_at=timezone.now() - timedelta(minutes=20))
    report = _report(client)
    assert report["degraded"] == ["outbox"]
    assert report["outbox"]["waiting"] == 2 and report["outbox"]["oldest_seconds"] >= 1200


def test_a_full_disk_is_reported_degraded(client, settings, monkeypatch):
    import shutil

    record_heartbeat()
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(100, 99, 1))
    report = _report(client)
    assert report["degraded"] == ["disk"] and report["disk"]["private"]["free_percent"] == 1


@pytest.mark.django_db(transaction=True)
def test_beat_queues_its_next_task_on_a_new_connection_after_postgresql_dropped_its_own(tmp_path):
    """A PostgreSQL restart ends beat's connection without beat noticing: the next task it queues
    must still reach the outbox (here taken at once, so the heartbeat is written)."""
    import psycopg2
    from celery.beat import ScheduleEntry
    from django.db import connection

    from kantor_virtual.celery import BeatScheduler, app

    scheduler = BeatScheduler(app=app, schedule_filename=str(tmp_path / "beat"), lazy=True)
    entry = ScheduleEntry(name="heartbeat", task="kantor_virtual.tasks.heartbeat", schedule=60.0, app=app)
    connection.ensure_connection()
    dropped = connection.connection.info.backend_pid
    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])

    scheduler.apply_async(entry, advance=False)  # no schedule file to move on

    assert Heartbeat.objects.exists()
    assert connection.connection.info.backend_pid != dropped
