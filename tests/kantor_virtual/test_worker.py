import pytest

from kantor_virtual.celery import app
from kantor_virtual.tasks import verify_event_chains
from kantor_virtual.timeline import record_event

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_task_travels_through_the_redis_broker_to_a_real_worker_and_back(worker, opd):
    """The broker and result backend are the Redis of REDIS_URL; the worker runs the task against the
    test database and sends its answer back over Redis."""
    record_event(target=opd, verb="dibuat")
    record_event(target=opd, verb="diubah")
    assert app.conf.broker_url.startswith(("redis://", "redis+socket://", "rediss://"))

    result = verify_event_chains.delay().get(timeout=30)

    assert result == {"checked": 2, "broken": []}
