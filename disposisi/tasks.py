"""Thin tasks: load by id, call a service, safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_disposition_sheet(letter_id: int) -> bool:
    from disposisi.sheet import render_sheet  # here, because the sheet module imports this one

    return render_sheet(letter_id=letter_id)
