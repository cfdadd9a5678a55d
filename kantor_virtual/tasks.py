import logging

from celery import shared_task

from kantor_virtual.models import Event
from kantor_virtual.timeline import verify_chains

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def verify_event_chains() -> dict:
    """Nightly audit: walk every event chain. It only reads, so running it twice is harmless."""
    broken = [
        {"event": link.event_id, "target": link.target, "seq": link.seq, "reason": link.reason}
        for link in verify_chains()
    ]
    for link in broken:
        logger.error("Rantai kejadian rusak: %s", link)
    return {"checked": Event.objects.count(), "broken": broken}
