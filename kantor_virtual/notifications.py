"""In-app notifications and the e-mail that carries each one.

Cross-cutting: this module knows nothing of letters or positions. Callers say who is told what,
under which key, and where the notice leads; the unique (user, key) makes every caller idempotent.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.models import Notification
from kantor_virtual.pagination import Cursor
from kantor_virtual.request_memo import remembered
from kantor_virtual.tasks import send_notification_emails as send_notification_emails_task

PAGE_SIZE = 30


@dataclass(frozen=True)
class Notice:
    """One notification to be: for `user`, about `key`."""

    user: AbstractBaseUser
    key: str
    title: str
    body: str = ""
    url: str = ""


def notify(
    *, users: Iterable[AbstractBaseUser], key: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Tell each user once about `key`; returns only the notifications this call created."""
    return notify_each(
        notices=[Notice(user=user, key=key, title=title, body=body, url=url) for user in users]
    )


def notify_each(*, notices: Iterable[Notice]) -> list[Notification]:
    """Create many notifications, each with its own key, in one statement; skip those that exist.

    Django's `bulk_create(ignore_conflicts=True)` cannot say which rows it inserted, and only new
    rows may be e-mailed, so this is one INSERT … ON CONFLICT DO NOTHING RETURNING. A run that
    races another (a task redelivered while the first still runs) loses on the unique constraint.
    """
    pending = {(notice.user.pk, notice.key): notice for notice in notices}
    if not pending:
        return []
    now = timezone.now()
    table = connection.ops.quote_name(Notification._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (user_id, "key", title, body, url, created_at)
            SELECT n.user_id, n.key, n.title, n.body, n.url, %s
            FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[])
                AS n(user_id, key, title, body, url)
            ON CONFLICT (user_id, "key") DO NOTHING
            RETURNING id, user_id, "key"
            """,
            [
                now,
                [user_id for user_id, _ in pending],
                [key for _, key in pending],
                [notice.title[:255] for notice in pending.values()],
                [notice.body for notice in pending.values()],
                [notice.url for notice in pending.values()],
            ],
        )
        inserted = cursor.fetchall()

    created, mailed = [], []
    for pk, user_id, key in inserted:
        notice = pending[(user_id, key)]
        created.append(
            Notification(
                pk=pk,
                user=notice.user,
                key=key,
                title=notice.title[:255],
                body=notice.body,
                url=notice.url,
                created_at=now,
            )
        )
        if notice.user.email:
            mailed.append(pk)
    if mailed:
        # One task for the batch, queued with the rows (the outbox): a rolled-back notice sends
        # nothing, and a notice to many people costs one queued row.
        send_notification_emails_task.delay(mailed)
    return created


def send_notification_email(*, notification_id: int) -> bool:
    """E-mail one notification to its user, at most once; False when there is nothing to send.

    The row is claimed with a conditional update before sending, so two runs cannot both send.
    A failed send releases the claim and re-raises, so the task's retry sends it later.
    """
    notification = (
        Notification.objects.select_related("user")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not notification.user.email or not notification.user.is_active:
        return False
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    context = {
        "notification": notification,
        "user": notification.user,
        "link": urljoin(settings.SITE_URL, notification.url or reverse("notifications")),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=f"[Kantor Virtual] {notification.title}",
        body=render_to_string("email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
    )
    message.attach_alternative(render_to_string("email/notification.html", context), "text/html")
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def unread_count(*, user: AbstractBaseUser) -> int:
    """The bell's counter, which shows "99+" beyond 99: counting stops at 100, so someone who never
    opens their notifications does not make every page count years of them (index
    `notification_user_unread`)."""
    return remembered(
        ("unread_notifications", user.pk),
        lambda: Notification.objects.filter(user=user, read_at__isnull=True)[:100].count(),
    )


def notifications_for(
    *, user: AbstractBaseUser, after: Cursor | None = None, limit: int = PAGE_SIZE
) -> list[Notification]:
    """The user's notifications, newest first, one keyset page (index `notification_user_recent`)."""
    rows = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if after is not None:
        created_at, pk = after
        rows = rows.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    return list(rows[:limit])


def notification_of(*, user: AbstractBaseUser, notification_id: int) -> Notification | None:
    """One of the user's own notifications; another person's is the same as a missing one."""
    return Notification.objects.filter(user=user, pk=notification_id).first()


def mark_read(*, user: AbstractBaseUser, notification_id: int | None = None) -> int:
    """Mark one notification (or, without an id, all of them) read; returns how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())
