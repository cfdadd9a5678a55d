"""Links to set a password: "Lupa kata sandi" by e-mail, and the first password of new staff.

A link is Django's own password-reset link (`default_token_generator`): it names the person and holds a
token made from their password hash and last sign-in, so it stops working once a password is set with
it, once they sign in, and after PASSWORD_RESET_TIMEOUT. The same page (`password_reset_confirm`)
serves both: for someone who never had a password it reads "Atur kata sandi pertama".

Links travel by e-mail, made and sent by a worker after the transaction commits (never inside a
request, never through the broker: the task carries only the person's id); or, for a person without an
address, they are shown once to the admin who asked (organisasi.services.people) and kept nowhere.
"""

from __future__ import annotations

import math
import uuid
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kantor_virtual.mail import send_once
from kantor_virtual.timeline import record_event
from organisasi.models import User
from organisasi.tasks import send_password_link as send_password_link_task

SENT = "tautan_sandi_terkirim"
PASSWORD_SET = "sandi_diatur"


def password_link(user: User) -> str:
    """The full address of a link that lets `user` set a password, on SITE_URL."""
    path = reverse(
        "organisasi:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return urljoin(settings.SITE_URL, path)


def link_valid_days() -> int:
    return max(1, math.ceil(settings.PASSWORD_RESET_TIMEOUT / 86400))


def accounts_for_reset(*, email: str) -> QuerySet[User]:
    """Active accounts with this address in any letter case, whether they have a password yet (staff
    created by the import or by hand) or not. Inactive accounts get nothing."""
    email = email.strip()
    if not email:
        return User.objects.none()
    return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")


def schedule_password_email(*, user: User) -> None:
    """After commit, a worker e-mails `user` a fresh link (`send_password_email`)."""
    send_password_link_task.delay(user.pk, uuid.uuid4().hex)


def request_password_reset(*, email: str) -> int:
    """ "Lupa kata sandi": e-mail a link to the accounts with this address. The page answers the same
    whatever this finds; the count is for tests. Nothing is written here: the worker records the
    sending on the person's timeline."""
    accounts = list(accounts_for_reset(email=email))
    for user in accounts:
        schedule_password_email(user=user)
    return len(accounts)


def send_password_email(*, user_id: int, request_id: str) -> bool:
    """E-mail one link (the task's body); False when there is nothing to send. Runs twice safely
    (kantor_virtual.mail.send_once); the link is made here, at sending time."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False  # deactivated, or the address removed, since the request
    first = not user.has_usable_password()
    return send_once(
        target=user,
        request_id=request_id,
        verb=SENT,
        to=user.email,
        template="organisasi/email/password_link",
        context={"user": user, "first": first, "link": password_link(user), "days": link_valid_days()},
        details={"jenis": "pertama" if first else "atur_ulang"},
    )


@transaction.atomic
def set_password_by_link(*, user: User, password: str) -> User:
    """The person opened a valid link and chose a password (already checked by the validators)."""
    first = not user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(
        target=user,
        verb=PASSWORD_SET,
        actor=user,
        details={"jenis": "pertama" if first else "atur_ulang"},
    )
    return user
