"""Reads for the admins' people pages ("Pegawai"): whom an admin may see, one keyset page of them,
and the state of one person's account.

The SPBE team (admin) sees everyone, staff and the public; an admin OPD the people whose OPD induk
they administer; anyone else no one. Detail pages look the person up in `people_visible_to`, so a
person outside one's reach is the same 404 as one who does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q, QuerySet, Subquery, Sum, Value
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kantor_virtual.models import Event
from kantor_virtual.timeline import timeline_for
from organisasi.models import RoleGrant, User
from organisasi.selectors import has_role, is_admin, role_scope

PAGE_SIZE = 50

# What each event on a person's timeline means, as the person's page says it.
EVENT_LABELS = {
    "dibuat": "Akun dibuat",
    "tautan_sandi_dibuat": "Tautan kata sandi dibuat",
    "tautan_sandi_terkirim": "Tautan kata sandi dikirim ke surel",
    "sandi_diatur": "Kata sandi diatur lewat tautan",
    "dinonaktifkan": "Akun dinonaktifkan",
    "diaktifkan": "Akun diaktifkan kembali",
    "kunci_dibuka": "Kunci akun dibuka",
    "verifikasi_direset": "Verifikasi dua langkah direset",
    "verifikasi_diaktifkan": "Verifikasi dua langkah diaktifkan",
    "kode_cadangan_dibuat": "Kode cadangan baru dibuat",
    "kode_cadangan_dipakai": "Kode cadangan dipakai untuk masuk",
}


class Row(Func):
    """A row value, `(a, b)`: `(full_name, id) > (…, …)` is a single range on an index of
    (full_name, id), where `full_name > … OR (full_name = … AND id > …)` would be a filter."""

    template = "(%(expressions)s)"
    output_field = models.TextField()


def people_visible_to(*, user: User) -> QuerySet[User]:
    if not user.is_authenticated:
        return User.objects.none()
    if is_admin(user=user):
        return User.objects.all()
    if not has_role(user=user, role=RoleGrant.Role.ADMIN_OPD):
        return User.objects.none()
    opd_ids = sorted(role_scope(user=user, role=RoleGrant.Role.ADMIN_OPD).opd_ids)
    # One OPD (nearly always): an equality, so that the index (opd, full_name, id) gives the order.
    return (
        User.objects.filter(opd_id=opd_ids[0])
        if len(opd_ids) == 1
        else User.objects.filter(opd_id__in=opd_ids)
    )


def _matching(query: str) -> Q:
    """NIP from its start (spaces ignored), or a part of the name or of the e-mail address."""
    compact = re.sub(r"\s", "", query)
    found = Q(full_name__icontains=query) | Q(email__icontains=query)
    if compact.isdigit():
        found |= Q(nip__startswith=compact)
    return found


def people_rows(*, user: User, query: str = "", after: int | None = None) -> QuerySet[User]:
    """The people `user` may see, matching `query`, by name then id, after the row with id `after`.
    The order is the index (full_name, id), or (opd, full_name, id) for an admin OPD; the cursor is
    the id of the last row shown, whose name a subquery reads, so any page is a range of the index."""
    rows = people_visible_to(user=user).select_related("opd").order_by("full_name", "id")
    query = query.strip()
    if query:
        rows = rows.filter(_matching(query))
    if after is not None:
        name = User.objects.filter(pk=after).values("full_name")[:1]
        rows = rows.alias(place=Row(F("full_name"), F("id"))).filter(
            place__gt=Row(Subquery(name), Value(after))
        )
    return rows


def people_page(
    *, user: User, query: str = "", after: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[User], int | None]:
    """One page of `people_rows` in one query, and the id to continue after (None on the last page)."""
    page = list(people_rows(user=user, query=query, after=after)[: limit + 1])
    more = page[limit - 1].pk if len(page) > limit else None
    return page[:limit], more


def login_names(person: User) -> list[str]:
    """Every login the person may type: NIP, username and e-mail address."""
    return sorted({name for name in (person.nip, person.username, person.email) if name})


def login_attempts_of(*, person: User) -> QuerySet[AccessAttempt]:
    """Failed sign-ins recorded by axes under any of the person's logins, in any letter case: axes
    counts them under the account's username (organisasi.backends.lockout_key), and under the typed
    text for a login that named nobody when it was tried (an address given to the person later)."""
    names = Q(pk__in=[])
    for name in login_names(person):
        names |= Q(username__iexact=name)
    return AccessAttempt.objects.filter(names)


def is_locked_out(*, person: User) -> bool:
    """Whether the failures counted under one of the person's logins have reached AXES_FAILURE_LIMIT
    within the cool-off time, as axes itself counts them."""
    attempts = login_attempts_of(person=person)
    cool_off = get_cool_off()
    if cool_off is not None:  # None: a lockout lasts until an admin lifts it
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    counts = attempts.values("username").annotate(failures=Sum("failures_since_start"))
    return any(row["failures"] >= settings.AXES_FAILURE_LIMIT for row in counts)


@dataclass(frozen=True)
class AccountState:
    active: bool
    locked_out: bool
    has_authenticator: bool
    recovery_codes_left: int
    password_set: bool


def account_state(*, person: User) -> AccountState:
    return AccountState(
        active=person.is_active,
        locked_out=is_locked_out(person=person),
        has_authenticator=TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
        recovery_codes_left=recovery_codes_left(user=person),
        password_set=person.has_usable_password(),
    )


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def person_timeline(*, person: User) -> list[Event]:
    """The person's account events, oldest first, each with the label the page shows."""
    events = list(timeline_for(target=person))
    for event in events:
        event.label = EVENT_LABELS.get(event.verb, event.verb)
    return events
