import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection

from kantor_virtual.celery import app
from kantor_virtual.tasks import verify_event_chains
from kantor_virtual.timeline import record_event


def _close_connection(**kwargs) -> None:
    connection.close()


pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_task_travels_through_the_redis_broker_to_a_real_worker_and_back(opd):
    """The broker and result backend are the Redis of REDIS_URL; the worker runs the task against the
    test database and sends its answer back over Redis."""
    record_event(target=opd, verb="dibuat")
    record_event(target=opd, verb="diubah")
    assert app.conf.broker_url.startswith(("redis://", "redis+socket://", "rediss://"))

    # A real `celery worker` closes its database connections after each task (Celery's Django
    # fixup); this in-thread worker does not, and an open connection would keep the test database
    # from being dropped.
    task_postrun.connect(_close_connection, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = verify_event_chains.delay().get(timeout=30)
    finally:
        task_postrun.disconnect(_close_connection)

    assert result == {"checked": 2, "broken": []}
