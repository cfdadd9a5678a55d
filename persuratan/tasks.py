"""Thin tasks: load by id, call a service, safe to run twice."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from kantor_virtual.ocr import OcrFailed
from tte.backends import ServiceUnavailable


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=6)
def extract_file_text(file_id: int) -> bool:
    from persuratan.services import store_file_text  # here, because services import this module

    return store_file_text(file_id=file_id)


@shared_task(bind=True, acks_late=True)
def ocr_file(self, file_id: int) -> bool:
    """OCR may fail for a while (a busy machine, a missing language pack): retried with backoff, then
    the file is marked unreadable on its letter's timeline, never dropped. A file OCR can never read
    (broken, locked) is marked at once."""
    from persuratan.services import record_ocr_failure, store_ocr_text

    try:
        return store_ocr_text(file_id=file_id)
    except (OcrFailed, OSError) as failure:
        retries = self.request.retries
        permanent = isinstance(failure, OcrFailed) and failure.permanent
        if permanent or retries >= settings.OCR_MAX_RETRIES:
            return record_ocr_failure(file_id=file_id, error=str(failure) or type(failure).__name__)
        wait = get_exponential_backoff_interval(
            settings.OCR_RETRY_BACKOFF_SECONDS, retries, maximum=1800, full_jitter=True
        )
        raise self.retry(exc=failure, countdown=wait, max_retries=settings.OCR_MAX_RETRIES) from failure


@shared_task(acks_late=True, retry_backoff=True, retry_jitter=True, max_retries=6)
def notify_delivery(item_id: int) -> int:
    from persuratan.notifications import notify_item_holders

    return notify_item_holders(item_id=item_id)


@shared_task(acks_late=True)
def remind_overdue_items() -> int:
    """Daily (beat, 07:00 office time); the reminder keys make a second run that day a no-op."""
    from persuratan.reminders import remind_overdue

    return remind_overdue()


@shared_task(
    bind=True,
    acks_late=True,  # a worker that dies mid-task leaves the message for the next one: the steps are idempotent
    max_retries=None,  # bounded by the request's expiry instead (TTE_REQUEST_TTL_HOURS)
)
def sign_outgoing(self, letter_id: int) -> bool:
    """Retried with backoff (up to 15 minutes) while the signing service is down, until the request
    expires; any other error ends the request as failed inside the service, and is not retried."""
    from persuratan.services.outgoing import next_signing_attempt_in
    from persuratan.services.outgoing import sign_outgoing as sign

    try:
        return sign(letter_id=letter_id)
    except ServiceUnavailable as outage:
        backoff = get_exponential_backoff_interval(1, self.request.retries, maximum=900, full_jitter=True)
        wait = next_signing_attempt_in(letter_id=letter_id, backoff=backoff)
        if wait is None:
            return False  # expired (ended there) or ended otherwise: nothing is retried
        raise self.retry(exc=outage, countdown=wait) from outage


@shared_task(acks_late=True)
def expire_signing_requests() -> int:
    """Hourly (beat): requests older than TTE_REQUEST_TTL_HOURS end; a second run ends nothing."""
    from persuratan.services.outgoing import expire_signing_requests as expire

    return expire()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def deliver_outgoing(letter_id: int) -> int:
    from persuratan.services.outgoing import deliver_outgoing as deliver

    return deliver(letter_id=letter_id)
