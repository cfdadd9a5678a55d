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


# SMTP errors (smtplib.SMTPException) and refused connections are OSErrors: transient, retried.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def send_notification_email(notification_id: int) -> bool:
    from kantor_virtual.notifications import send_notification_email as send  # it imports this module

    return send(notification_id=notification_id)
