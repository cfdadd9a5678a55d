"""People's accounts, as their admins keep them: create a person, give them a link to set their first
(or a new) password, deactivate and reactivate them, lift a lockout, reset their second factor.

Who may act on whom (`can_manage_person`): the SPBE team (admin) on everyone, an admin OPD on the
people whose OPD induk they administer, except an admin SPBE and a superuser; only a superuser acts
on a superuser. The pages ask the same function before they show a button. Every action lands on the
person's timeline with the admin who did it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from organisasi.models import Opd, Position, RoleGrant, User
from organisasi.people_selectors import login_attempts_of
from organisasi.selectors import has_role, is_admin, role_scope
from organisasi.services.assignments import assign_definitive
from organisasi.services.common import SYSTEM, event_actor, refusal_for, require_admin_of
from organisasi.services.passwords import password_link, schedule_password_email
from organisasi.tasks import end_sessions as end_sessions_task

OUT_OF_SCOPE = "Pegawai ini di luar kewenangan Anda."
LINK_MADE = "tautan_sandi_dibuat"


@dataclass(frozen=True)
class PasswordLink:
    """A link for `person` to set a password: e-mailed (`url` is None), or `url`, to be shown once to
    the admin who asked and kept nowhere."""

    person: User
    url: str | None

    @property
    def emailed(self) -> bool:
        return self.url is None


@dataclass(frozen=True)
class NewPerson:
    person: User
    password_link: PasswordLink


def can_manage_person(*, actor, person: User) -> bool:
    """Whether `actor` may act on `person`'s account (see the module docstring)."""
    if actor is SYSTEM:
        return True
    if actor is None or not actor.is_authenticated:
        return False
    if person.is_superuser and not actor.is_superuser:
        return False
    if is_admin(user=actor):
        return True
    return (
        person.opd_id is not None
        and person.opd_id in role_scope(user=actor, role=RoleGrant.Role.ADMIN_OPD).opd_ids
        and not has_role(user=person, role=RoleGrant.Role.ADMIN)
    )


def _locked(actor, person: User) -> User:
    """The person's row, locked for this action, once the actor may act on them."""
    if not can_manage_person(actor=actor, person=person):
        raise Refused(OUT_OF_SCOPE, code="not_admin_of_person")
    return User.objects.select_for_update().get(pk=person.pk)


def _offer_password_link(*, actor, person: User, first: bool) -> PasswordLink:
    """E-mail `person` a link (after commit, by a worker), or make one to show the admin once."""
    how = "surel" if person.email else "layar"
    record_event(
        target=person,
        verb=LINK_MADE,
        actor=event_actor(actor),
        details={"lewat": how, "jenis": "pertama" if first else "atur_ulang"},
    )
    if person.email:
        schedule_password_email(user=person)
        return PasswordLink(person=person, url=None)
    return PasswordLink(person=person, url=password_link(person))


# ── Creating people ──────────────────────────────────────────────────────────────────────────


def _clean_identity(*, nip: str, nik: str, email: str, full_name: str, employment: str) -> dict:
    nip = re.sub(r"\s", "", nip or "")
    nik = re.sub(r"\s", "", nik or "")
    email = User.objects.normalize_email((email or "").strip())
    full_name = " ".join((full_name or "").split())
    if employment not in (User.Employment.ASN, User.Employment.NON_ASN):
        raise Refused("Pilih status kepegawaian: ASN atau non-ASN.", code="bad_employment")
    if not full_name:
        raise Refused("Isi nama lengkap.", code="no_name")
    if len(full_name) > User._meta.get_field("full_name").max_length:
        raise Refused("Nama lengkap terlalu panjang (paling banyak 200 karakter).", code="name_too_long")
    if nip and not re.fullmatch(r"[0-9]{18}", nip):
        raise Refused("NIP harus 18 angka, tanpa spasi atau tanda baca.", code="bad_nip")
    if not nip and employment == User.Employment.ASN:
        raise Refused("NIP wajib diisi untuk ASN.", code="nip_required")
    if not nip and not email:
        raise Refused("Pegawai tanpa NIP masuk dengan alamat surelnya: isi alamat surel.", code="no_login")
    if nik and not re.fullmatch(r"[0-9]{16}", nik):
        raise Refused("NIK harus 16 angka, sesuai KTP-el.", code="bad_nik")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Refused("Alamat surel tidak sah.", code="bad_email") from None
    return {"nip": nip or None, "nik": nik or None, "email": email, "full_name": full_name}


@transaction.atomic
def create_person(
    *,
    actor: User,
    opd: Opd,
    nip: str,
    full_name: str,
    employment: str = User.Employment.ASN,
    email: str = "",
    nik: str = "",
    position: Position | None = None,
    start: date | None = None,
    decree_number: str = "",
) -> NewPerson:
    """Add a member of staff to `opd` (their OPD induk), optionally holding `position` definitively
    from `start` (today by default) on the SK `decree_number`. They get a link to set their first
    password: e-mailed when they have an address, otherwise shown once to the admin
    (`NewPerson.password_link`)."""
    require_admin_of(actor=actor, opd_id=opd.pk)
    identity = _clean_identity(nip=nip, nik=nik, email=email, full_name=full_name, employment=employment)
    if position is not None and position.opd_id != opd.pk:
        raise Refused(
            "Jabatan definitif harus jabatan di OPD induk pegawai ini.", code="position_outside_opd"
        )
    if position is not None and not (decree_number or "").strip() and actor is not SYSTEM:
        # Checked before the account is made, for a clear message; assign_definitive says it too.
        raise Refused("Isi nomor SK pengangkatan dalam jabatan ini.", code="decree_required")
    # Checked first for a clear message; the unique constraints below are the real guard.
    if identity["nip"] and User.objects.filter(Q(nip=identity["nip"]) | Q(username=identity["nip"])).exists():
        raise Refused("NIP itu sudah terdaftar untuk pengguna lain.", code="nip_taken")
    if identity["nik"] and User.objects.filter(nik=identity["nik"]).exists():
        raise Refused("NIK itu sudah terdaftar untuk pengguna lain.", code="nik_taken")
    if (
        identity["email"]
        and User.objects.filter(
            Q(email__iexact=identity["email"]) | Q(username=identity["email"].lower())
        ).exists()
    ):
        raise Refused("Alamat surel itu sudah dipakai pengguna lain.", code="email_taken")
    person = User(
        username=identity["nip"] or identity["email"].lower(),
        employment=employment,
        opd=opd,
        **identity,
    )
    person.set_unusable_password()  # until they set their own through the link
    try:
        with transaction.atomic():
            person.save(force_insert=True)
    except IntegrityError as error:
        raise refusal_for(error) from error
    record_event(
        target=person,
        verb="dibuat",
        actor=event_actor(actor),
        to_state="aktif",
        details={"sumber": "formulir", "opd": opd.code},
    )
    if position is not None:
        assign_definitive(
            actor=actor,
            position=position,
            user=person,
            start=start or timezone.localdate(),
            decree_number=decree_number,
        )
    return NewPerson(
        person=person, password_link=_offer_password_link(actor=actor, person=person, first=True)
    )


def offer_first_password_links(*, actor, people: list[User]) -> list[PasswordLink]:
    """Links for people an import has just created (inside its transaction): e-mailed, or shown once."""
    return [_offer_password_link(actor=actor, person=person, first=True) for person in people]


# ── Acting on an account ─────────────────────────────────────────────────────────────────────


@transaction.atomic
def send_password_link(*, actor: User, person: User) -> PasswordLink:
    """A new link to set a password (the first one, or a new one for a forgotten password)."""
    current = _locked(actor, person)
    if not current.is_active:
        raise Refused("Akun ini nonaktif; aktifkan dahulu.", code="inactive")
    return _offer_password_link(actor=actor, person=current, first=not current.has_usable_password())


@transaction.atomic
def deactivate_person(*, actor: User, person: User) -> User:
    """The person can no longer sign in, and every session of theirs ends at their next request
    (the authentication backend refuses an inactive account); a worker then deletes the stored
    sessions, so that a later reactivation does not revive one left open somewhere."""
    if actor is not SYSTEM and getattr(actor, "pk", None) == person.pk:
        raise Refused("Anda tidak dapat menonaktifkan akun Anda sendiri.", code="self")
    current = _locked(actor, person)
    if not current.is_active:
        raise Refused("Akun ini sudah nonaktif.", code="already_inactive")
    current.is_active = False
    current.save(update_fields=["is_active"])
    record_event(
        target=current,
        verb="dinonaktifkan",
        actor=event_actor(actor),
        from_state="aktif",
        to_state="nonaktif",
    )
    end_sessions_task.delay(current.pk)
    return current


@transaction.atomic
def reactivate_person(*, actor: User, person: User) -> User:
    current = _locked(actor, person)
    if current.is_active:
        raise Refused("Akun ini sudah aktif.", code="already_active")
    current.is_active = True
    current.save(update_fields=["is_active"])
    record_event(
        target=current, verb="diaktifkan", actor=event_actor(actor), from_state="nonaktif", to_state="aktif"
    )
    return current


@transaction.atomic
def unlock_person(*, actor: User, person: User) -> int:
    """Lift a lockout: forget the failed sign-ins counted under any of the person's logins (NIP,
    username, e-mail address) in any letter case."""
    current = _locked(actor, person)
    attempts = login_attempts_of(person=current)
    removed = attempts.count()
    attempts.delete()
    if not removed:
        raise Refused("Tidak ada percobaan masuk gagal yang tercatat untuk akun ini.", code="not_locked")
    record_event(target=current, verb="kunci_dibuka", actor=event_actor(actor), details={"catatan": removed})
    return removed


@transaction.atomic
def reset_second_factor(*, actor: User, person: User) -> int:
    """For a lost phone: remove the authenticator and the recovery codes; the person enrols anew at
    their next sign-in, and a session verified with the old device is no longer verified."""
    current = _locked(actor, person)
    devices = [TOTPDevice.objects.filter(user=current), StaticDevice.objects.filter(user=current)]
    removed = sum(rows.count() for rows in devices)
    if not removed:
        raise Refused("Pegawai ini belum mengatur verifikasi dua langkah.", code="no_second_factor")
    for rows in devices:
        rows.delete()  # a static device takes its recovery codes with it
    record_event(target=current, verb="verifikasi_direset", actor=event_actor(actor))
    return removed


def end_sessions(*, user_id: int) -> int:
    """Delete the stored sessions of a person (the task's body); running it again finds none."""
    engine = import_module(settings.SESSION_ENGINE)
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    for key, data in live.iterator(chunk_size=2000):
        store = engine.SessionStore(session_key=key)
        if store.decode(data).get(SESSION_KEY) == str(user_id):
            store.delete(key)  # the cached_db engine forgets it in Redis too
            ended += 1
    return ended
