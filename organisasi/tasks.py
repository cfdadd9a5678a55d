"""Thin tasks of the organisation: load by id, call a service, safe to run twice."""

from celery import shared_task


# SMTP errors (smtplib.SMTPException) and refused connections are OSErrors: transient, retried.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def send_password_link(user_id: int, request_id: str) -> bool:
    from organisasi.services.passwords import send_password_email  # here: the services import this module

    return send_password_email(user_id=user_id, request_id=request_id)


@shared_task(acks_late=True, retry_backoff=True, retry_jitter=True, max_retries=6)
def end_sessions(user_id: int) -> int:
    from organisasi.services.people import end_sessions as end

    return end(user_id=user_id)


@shared_task(acks_late=True)
def refresh_position_search() -> int:
    """Nightly (beat), just after midnight: holders whose dates begin or end today."""
    from django.utils import timezone

    from organisasi.services.assignments import refresh_position_search as refresh

    return refresh(on=timezone.localdate())
