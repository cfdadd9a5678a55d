import logging

from celery import shared_task
from django.db import transaction

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


@shared_task(acks_late=True, expires=120)
def heartbeat() -> None:
    from kantor_virtual.health import record_heartbeat  # here: health reads the broker's app

    record_heartbeat()


@shared_task(acks_late=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """The e-mails of one batch of notices, each its own task, retried alone when its mail fails;
    queued together in one transaction, as the outbox expects: all of them or, for a retry, none."""
    with transaction.atomic():
        for notification_id in notification_ids:
            send_notification_email.delay(notification_id)
    return len(notification_ids)


@shared_task(acks_late=True)
def write_nightly_backup() -> dict:
    """Tonight's archive in BACKUP_DIR, the last BACKUP_KEEP kept. Delivered twice, it writes one."""
    from django.conf import settings

    from kantor_virtual.backup import write_backup_into

    report = write_backup_into(settings.BACKUP_DIR, keep=settings.BACKUP_KEEP, once_per_day=True)
    if report is None:
        return {"written": None}
    logger.info("Cadangan malam tertulis: %s (%d bita, %.1f dtk)", report.path, report.bytes, report.seconds)
    return {"written": str(report.path), "bytes": report.bytes}
