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
    the file is marked unreadable on its letter's timeline, never dropped."""
    from persuratan.services import record_ocr_failure, store_ocr_text

    try:
        return store_ocr_text(file_id=file_id)
    except (OcrFailed, OSError) as failure:
        retries = self.request.retries
        if retries >= settings.OCR_MAX_RETRIES:
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
    acks_late=True,  # a worker that dies mid-task leaves the message for the next one: the steps are idempotent
    autoretry_for=(ServiceUnavailable, OSError),  # a national service may be down for days: keep trying
    retry_backoff=True,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=None,
)
def sign_outgoing(letter_id: int) -> bool:
    from persuratan.services.outgoing import sign_outgoing as sign

    return sign(letter_id=letter_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def deliver_outgoing(letter_id: int) -> int:
    from persuratan.services.outgoing import deliver_outgoing as deliver

    return deliver(letter_id=letter_id)
