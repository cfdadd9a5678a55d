"""E-mails sent once per request (a secret link to set a password or verify an address, a receipt):
made and sent by a worker, and recorded on the timeline of the object they are about.

The link is made at sending time, so it never waits in the broker; the request's id (kept in the
event) makes a redelivered task send nothing twice.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, models, transaction
from django.template.loader import render_to_string

from kantor_virtual.timeline import record_event, timeline_for

# Key class of the transaction-level advisory lock that lets one run of a request send its e-mail:
# with the request's hash as the second key, it stays apart from the timeline's (content type,
# target) locks, whose first key is a content type id.
MAIL_LOCK_CLASS = 7_301_002


@transaction.atomic
def send_once(
    *,
    target: models.Model,
    request_id: str,
    verb: str,
    to: str,
    template: str,
    context: dict,
    details: dict | None = None,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> bool:
    """Send `template` (`<template>_subject.txt` and `<template>.txt`, with `attachments` as (name,
    content, type)) to `to` unless this request's e-mail went already; record `verb` on `target`'s
    timeline. False when it had been sent.

    A failed send raises and rolls back, so the task's retry sends it later. No address goes into the
    event: the timeline is append-only, and personal data must stay erasable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [MAIL_LOCK_CLASS, request_id])
    if timeline_for(target=target).filter(verb=verb, details__permintaan=request_id).exists():
        return False
    context = {**context, "site_url": settings.SITE_URL}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        attachments=list(attachments),
    ).send()
    record_event(target=target, verb=verb, details={"permintaan": request_id, **(details or {})})
    return True
