"""Thin tasks: load by id, call a service, safe to run twice."""

from celery import shared_task


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
