"""Thin tasks: load by id, call a service, safe to run twice."""

from celery import shared_task

from tte.backends import ServiceUnavailable


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=6)
def extract_file_text(file_id: int) -> bool:
    from persuratan.services import store_file_text  # here, because services import this module

    return store_file_text(file_id=file_id)


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
