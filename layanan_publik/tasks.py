"""Thin tasks of the portal: load by id, call a function, safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=6)
def render_receipt(submission_id: int, version: int) -> bool:
    from layanan_publik.receipts import store_receipt  # here: the services import this module

    return store_receipt(submission_id=submission_id, version=version)


# SMTP errors (smtplib.SMTPException) and refused connections are OSErrors: transient, retried.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def email_receipt(submission_id: int, version: int) -> bool:
    from layanan_publik.receipts import email_receipt as send  # here: receipts imports this module

    return send(submission_id=submission_id, version=version)


@shared_task(acks_late=True, retry_backoff=True, retry_jitter=True, max_retries=6)
def notify_applicant(submission_id: int, what: str) -> int:
    from layanan_publik.applicant_notices import tell_applicant

    return tell_applicant(submission_id=submission_id, what=what)


# SMTP errors (smtplib.SMTPException) and refused connections are OSErrors: transient, retried.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=8)
def send_verification_link(applicant_id: int, request_id: str) -> bool:
    from layanan_publik.services.accounts import send_verification_email

    return send_verification_email(applicant_id=applicant_id, request_id=request_id)
