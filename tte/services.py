"""Writes of the signing infrastructure: a signer's certificate from request to revocation.

The lifecycle, as the national certification authority (BSrE) runs it:
1. `request_certificate`: a person whose position signs asks, with their identity and a passphrase;
   with the installation's authority the key pair is made now and its private half encrypted with
   the passphrase (never stored); with the national service the identity is registered there.
2. `approve_request` or `reject_request`: admin SPBE, the registration authority, checks the
   identity; approval issues the certificate for the waiting key.
3. `change_passphrase` (the holder) and `revoke` (the holder, or admin SPBE for anyone's).
4. `announce_expiring`: holders hear 30 days before their certificate ends.
`enrol` is the system's own loader path (tests, the benchmark, the demo): request and issue at once.

Each step goes through the backend that issued the certificate (`tte.backends`) and is an event
on the certificate's timeline.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.errors import Refused
from kantor_virtual.notifications import Notice, notify, notify_each
from kantor_virtual.templatetags.tanggal import tanggal
from kantor_virtual.timeline import record_event
from organisasi.models import RoleGrant, User
from organisasi.selectors import is_admin, is_pimpinan
from organisasi.services.common import SYSTEM, event_actor
from tte.authority import AUTHORITY_NAME, CERTIFICATE_YEARS, ensure_authority
from tte.backends import Identity, ServiceUnavailable, backend, backend_for
from tte.models import Certificate

__all__ = [
    "AUTHORITY_NAME",
    "CERTIFICATE_YEARS",
    "announce_expiring",
    "approve_request",
    "change_passphrase",
    "enrol",
    "ensure_authority",
    "reject_request",
    "request_certificate",
    "revoke",
]

MIN_PASSPHRASE = 10
MIN_LOADER_PASSPHRASE = 8
EXPIRY_NOTICE_DAYS = 30
LIVE = Q(status__in=[Certificate.Status.REQUESTED, Certificate.Status.ISSUED], revoked_at__isnull=True)
ALREADY_LIVE = (
    "Anda sudah memiliki sertifikat TTE yang berlaku atau permohonan yang sedang diproses. "
    "Lihat halaman Sertifikat TTE."
)


# ── Who may do what (pages ask the same functions for their buttons) ─────────────────────────


def may_hold_certificate(*, user: User) -> bool:
    """Today's rule: whoever acts for a struktural position (held, or as Plt/Plh inside its dates) signs."""
    return is_pimpinan(user=user)


def may_decide(*, user: User, certificate: Certificate) -> bool:
    """Admin SPBE verifies requests, never their own."""
    return is_admin(user=user) and user.pk != certificate.user_id


def may_revoke(*, user: User, certificate: Certificate) -> bool:
    return user.pk == certificate.user_id or is_admin(user=user)


def _require_registration_authority(*, actor: User, certificate: Certificate) -> None:
    if not is_admin(user=actor):
        raise Refused(
            "Hanya admin SPBE yang dapat memverifikasi permohonan sertifikat TTE.", code="not_admin"
        )
    if actor.pk == certificate.user_id:
        raise Refused("Permohonan Anda sendiri harus diverifikasi oleh admin SPBE lain.", code="own_request")


# ── What a request must carry ────────────────────────────────────────────────────────────────


def checked_nik(nik: str) -> str:
    nik = (nik or "").strip()
    if not re.fullmatch(r"[0-9]{16}", nik):
        raise Refused("NIK harus 16 angka, sesuai KTP-el.", code="bad_nik")
    return nik


def _checked_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise Refused("Masukkan alamat surel yang benar.", code="bad_email") from None
    return email


def check_passphrase(passphrase: str, again: str, *, user: User, nik: str) -> None:
    """At least 10 characters with letters and digits, none of the holder's NIP, NIK or name in it,
    typed the same twice."""
    rule = (
        f"Kata sandi TTE minimal {MIN_PASSPHRASE} karakter, memuat huruf dan angka, "
        "dan tidak memuat NIP, NIK atau nama Anda."
    )
    if (
        len(passphrase) < MIN_PASSPHRASE
        or not re.search(r"[^\W\d_]", passphrase)
        or not re.search(r"\d", passphrase)
    ):
        raise Refused(rule, code="weak_passphrase")
    lowered = passphrase.casefold()
    names = [part for part in re.split(r"[\W_]+", (user.full_name or "").casefold()) if len(part) >= 3]
    personal = [value for value in (user.nip, nik, user.username.casefold()) if value and len(value) >= 3]
    if any(part in lowered for part in names + personal):
        raise Refused(rule, code="weak_passphrase")
    if passphrase != again:
        raise Refused("Kedua isian kata sandi TTE tidak sama.", code="passphrase_mismatch")


@contextmanager
def _service_call() -> Iterator[None]:
    """The national service down in the middle of a step: nothing is recorded, the person tries again."""
    try:
        yield
    except ServiceUnavailable:
        raise Refused(
            "Layanan TTE tidak dapat dihubungi saat ini; belum ada yang berubah. Coba lagi beberapa saat lagi.",
            code="service_unavailable",
        ) from None


def _locked(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update().select_related("user").get(pk=certificate.pk)


def _page() -> str:
    return reverse("tte:certificate")


# ── 1. Request ───────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def request_certificate(
    *, actor: User, nik: str, email: str, passphrase: str, passphrase_again: str
) -> Certificate:
    """The person asks for a certificate for themselves; admin SPBE is told there is one to verify."""
    if not may_hold_certificate(user=actor):
        raise Refused(
            "Hanya pejabat yang menandatangani naskah dinas (jabatan struktural, termasuk Plt/Plh "
            "dalam masa tugasnya) yang dapat mengajukan sertifikat TTE.",
            code="not_pimpinan",
        )
    nik = checked_nik(nik)
    email = _checked_email(email)
    check_passphrase(passphrase, passphrase_again, user=actor, nik=nik)
    if User.objects.filter(nik=nik).exclude(pk=actor.pk).exists():
        raise Refused(
            "NIK ini sudah tercatat untuk pegawai lain. Periksa kembali NIK Anda.", code="nik_taken"
        )
    _close_expired(user=actor, actor=actor)
    if Certificate.objects.filter(LIVE, user=actor).exists():
        raise Refused(ALREADY_LIVE, code="already_enrolled")
    if actor.nik != nik:  # the NIK belongs to the person: the national service knows signers by it
        User.objects.filter(pk=actor.pk).update(nik=nik)
        actor.nik = nik
    identity = Identity(
        nik=nik, nip=actor.nip or "", full_name=actor.full_name or actor.username, email=email
    )
    certificate = _open(user=actor, identity=identity, passphrase=passphrase, actor=actor)
    notify(
        users=User.objects.filter(
            Q(is_superuser=True) | Q(role_grants__role=RoleGrant.Role.ADMIN), is_active=True
        )
        .exclude(pk=actor.pk)
        .distinct(),
        key=f"tte:certificate:{certificate.pk}:requested",
        title=f"Permohonan sertifikat TTE dari {identity.full_name}",
        body="Periksa identitas pemohon, lalu setujui atau tolak permohonannya.",
        url=reverse("tte:review", args=[certificate.pk]),
    )
    return certificate


def _open(*, user: User, identity: Identity, passphrase: str, actor) -> Certificate:
    """A request row and its waiting key (or its registration at the national service)."""
    chosen = backend()
    certificate = Certificate(
        user=user,
        issuer=chosen.issuer,
        nik=identity.nik,
        nip=identity.nip,
        email=identity.email,
        full_name=identity.full_name,
    )
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError as error:  # a request sent twice at once: the partial unique index decides
        if "tte_one_live_certificate_per_user" in str(error):
            raise Refused(ALREADY_LIVE, code="already_enrolled") from None
        raise
    # Inside the transaction: a refusal from the service leaves no request behind.
    with _service_call():
        waiting = chosen.request_certificate(identity=identity, passphrase=passphrase)
    certificate.public_key_pem, certificate.key_pem = waiting.public_key_pem, waiting.key_pem
    certificate.save(update_fields=["public_key_pem", "key_pem"])
    record_event(
        target=certificate,
        verb="requested",
        actor=event_actor(actor),
        to_state=certificate.status,
        details={"issuer": certificate.issuer, "by": "system" if actor is SYSTEM else "holder"},
    )
    return certificate


def _close_expired(*, user: User, actor) -> None:
    """An expired certificate is still the person's live one: a new request supersedes it."""
    expired = (
        Certificate.objects.select_for_update()
        .filter(user=user, status=Certificate.Status.ISSUED, revoked_at__isnull=True)
        .filter(not_after__lte=timezone.now())
        .first()
    )
    if expired is not None:
        _revoke(
            expired,
            actor=actor,
            reason=Certificate.RevocationReason.SUPERSEDED,
            note="Masa berlakunya habis; diganti permohonan baru.",
        )


# ── 2. The registration authority decides ───────────────────────────────────────────────────


@transaction.atomic
def approve_request(*, actor: User, certificate: Certificate) -> Certificate:
    """Admin SPBE has checked the identity: the certificate is issued for the waiting key."""
    _require_registration_authority(actor=actor, certificate=certificate)
    locked = _locked(certificate)
    if locked.status != Certificate.Status.REQUESTED:
        raise Refused("Permohonan ini sudah diputuskan sebelumnya.", code="not_waiting")
    if not may_hold_certificate(user=locked.user):
        raise Refused(
            "Pemohon hari ini tidak lagi menjabat jabatan yang menandatangani naskah dinas; "
            "tolak permohonan ini dengan alasannya.",
            code="requester_not_signer",
        )
    _issue(locked, actor=actor)
    notify(
        users=[locked.user],
        key=f"tte:certificate:{locked.pk}:decided",
        title="Sertifikat TTE Anda sudah terbit",
        body=f"Berlaku sampai {tanggal(timezone.localdate(locked.not_after))}. Anda sudah dapat menandatangani naskah dinas.",
        url=_page(),
    )
    return locked


def _issue(certificate: Certificate, *, actor) -> None:
    with _service_call():
        issued = backend_for(certificate.issuer).issue_certificate(certificate=certificate)
    certificate.status = Certificate.Status.ISSUED
    certificate.serial, certificate.subject = issued.serial, issued.subject
    certificate.certificate_pem, certificate.authority = issued.certificate_pem, issued.authority
    certificate.not_before, certificate.not_after = issued.not_before, issued.not_after
    certificate.decided_by, certificate.decided_at = event_actor(actor), timezone.now()
    certificate.save()
    record_event(
        target=certificate,
        verb="issued",
        actor=event_actor(actor),
        from_state=Certificate.Status.REQUESTED,
        to_state=certificate.status,
        details={"serial": certificate.serial, "not_after": certificate.not_after},
    )


@transaction.atomic
def reject_request(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Admin SPBE refuses the request, saying why; the waiting key is dropped."""
    _require_registration_authority(actor=actor, certificate=certificate)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Tuliskan alasan penolakan.", code="missing_reason")
    locked = _locked(certificate)
    if locked.status != Certificate.Status.REQUESTED:
        raise Refused("Permohonan ini sudah diputuskan sebelumnya.", code="not_waiting")
    with _service_call():
        backend_for(locked.issuer).reject_request(certificate=locked, reason=reason)
    locked.status, locked.rejection_reason = Certificate.Status.REJECTED, reason
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.public_key_pem = locked.key_pem = ""
    locked.save()
    record_event(
        target=locked,
        verb="rejected",
        actor=actor,
        from_state=Certificate.Status.REQUESTED,
        to_state=locked.status,
        details={"reason": reason},
    )
    notify(
        users=[locked.user],
        key=f"tte:certificate:{locked.pk}:decided",
        title="Permohonan sertifikat TTE Anda ditolak",
        body=f"Alasan: {reason}. Perbaiki lalu ajukan kembali di halaman Sertifikat TTE.",
        url=_page(),
    )
    return locked


# ── 3. The holder's certificate ─────────────────────────────────────────────────────────────


@transaction.atomic
def change_passphrase(
    *,
    actor: User,
    certificate: Certificate,
    old_passphrase: str,
    new_passphrase: str,
    new_passphrase_again: str,
) -> Certificate:
    """The holder chooses a new passphrase; the old one must open the key (or satisfy the service)."""
    if actor.pk != certificate.user_id:
        raise Refused("Hanya pemilik sertifikat yang dapat mengganti kata sandi TTE-nya.", code="not_holder")
    locked = _locked(certificate)
    if not locked.can_sign:
        raise Refused("Kata sandi TTE hanya dapat diganti untuk sertifikat yang aktif.", code="not_active")
    if not old_passphrase:
        raise Refused("Masukkan kata sandi TTE lama.", code="wrong_passphrase")
    check_passphrase(new_passphrase, new_passphrase_again, user=actor, nik=locked.nik)
    if new_passphrase == old_passphrase:
        raise Refused("Kata sandi TTE baru harus berbeda dari yang lama.", code="same_passphrase")
    with _service_call():
        locked.key_pem = backend_for(locked.issuer).change_passphrase(
            certificate=locked, old=old_passphrase, new=new_passphrase
        )
    locked.passphrase_changed_at = timezone.now()
    locked.save(update_fields=["key_pem", "passphrase_changed_at"])
    event = record_event(target=locked, verb="passphrase_changed", actor=actor)
    notify(
        users=[locked.user],
        key=f"tte:certificate:{locked.pk}:event:{event.seq}",
        title="Kata sandi TTE Anda diganti",
        body="Bila bukan Anda yang menggantinya, segera cabut sertifikat ini di halaman Sertifikat TTE.",
        url=_page(),
    )
    return locked


@transaction.atomic
def revoke(*, actor: User, certificate: Certificate, reason: str, note: str = "") -> Certificate:
    """The holder, or admin SPBE, revokes an issued certificate; the CRL lists it at once."""
    if not may_revoke(user=actor, certificate=certificate):
        raise Refused("Anda tidak dapat mencabut sertifikat ini.", code="not_allowed")
    if reason not in Certificate.RevocationReason.values:
        raise Refused("Pilih alasan pencabutan.", code="bad_reason")
    locked = _locked(certificate)
    if locked.is_revoked:
        raise Refused("Sertifikat ini sudah dicabut.", code="already_revoked")
    if locked.status != Certificate.Status.ISSUED:
        raise Refused("Hanya sertifikat yang sudah terbit yang dapat dicabut.", code="not_issued")
    _revoke(locked, actor=actor, reason=reason, note=(note or "").strip())
    if actor.pk != locked.user_id:
        notify(
            users=[locked.user],
            key=f"tte:certificate:{locked.pk}:revoked",
            title="Sertifikat TTE Anda dicabut oleh admin SPBE",
            body=f"Alasan: {locked.get_revocation_reason_display()}. Ajukan sertifikat baru bila Anda masih menandatangani.",
            url=_page(),
        )
    return locked


def _revoke(certificate: Certificate, *, actor, reason: str, note: str) -> None:
    with _service_call():
        backend_for(certificate.issuer).revoke_certificate(certificate=certificate, reason=reason)
    certificate.revoked_at, certificate.revoked_by = timezone.now(), event_actor(actor)
    certificate.revocation_reason, certificate.revocation_note = reason, note
    certificate.key_pem = ""  # a revoked certificate never signs again: its key is no longer kept
    certificate.save(
        update_fields=["revoked_at", "revoked_by", "revocation_reason", "revocation_note", "key_pem"]
    )
    record_event(
        target=certificate,
        verb="revoked",
        actor=event_actor(actor),
        from_state=certificate.status,
        to_state="revoked",
        details={"serial": certificate.serial, "reason": reason, "note": note},
    )


# ── 4. Expiry ───────────────────────────────────────────────────────────────────────────────


def announce_expiring(*, now: datetime | None = None) -> int:
    """Tell each holder once, EXPIRY_NOTICE_DAYS ahead, that their certificate ends (daily, Celery beat).

    The notification key is the certificate's: a second run, or a run the next day, tells nobody again."""
    now = now or timezone.now()
    due = (
        Certificate.objects.filter(status=Certificate.Status.ISSUED, revoked_at__isnull=True)
        .filter(not_after__gt=now, not_after__lte=now + timedelta(days=EXPIRY_NOTICE_DAYS))
        .select_related("user")
        .order_by("not_after", "pk")  # tte_live_by_expiry
    )
    announced = 0
    rows = due.iterator(chunk_size=500)
    while batch := list(islice(rows, 500)):
        by_key = {f"tte:certificate:{certificate.pk}:expiring": certificate for certificate in batch}
        with transaction.atomic():
            created = notify_each(
                notices=[_expiry_notice(key, certificate) for key, certificate in by_key.items()]
            )
            for notification in created:
                certificate = by_key[notification.key]
                record_event(
                    target=certificate, verb="expiry_announced", details={"not_after": certificate.not_after}
                )
        announced += len(created)
    return announced


def _expiry_notice(key: str, certificate: Certificate) -> Notice:
    ends = tanggal(timezone.localdate(certificate.not_after))
    return Notice(
        user=certificate.user,
        key=key,
        title=f"Sertifikat TTE Anda berakhir pada {ends}",
        body=(
            f"Sertifikat TTE Anda (nomor seri {certificate.serial}) berlaku sampai {ends}. "
            "Setelah itu ajukan sertifikat baru di halaman Sertifikat TTE agar tetap dapat menandatangani."
        ),
        url=_page(),
    )


# ── The system's own loader ─────────────────────────────────────────────────────────────────


@transaction.atomic
def enrol(*, user: User, passphrase: str) -> Certificate:
    """Request and issue at once, recorded as done by the system (no actor): for tests, the
    benchmark and the demo. The loader chooses the passphrase and hands it to the holder, who can
    change it on the Sertifikat TTE page; only its length is checked here."""
    if not may_hold_certificate(user=user):
        raise Refused("Hanya pimpinan yang dapat mendaftar sertifikat TTE.", code="not_pimpinan")
    if len(passphrase) < MIN_LOADER_PASSPHRASE:
        raise Refused(f"Kata sandi TTE minimal {MIN_LOADER_PASSPHRASE} karakter.", code="weak_passphrase")
    if backend().issuer == Certificate.Issuer.NATIONAL and not user.nik:
        raise Refused(
            "NIK pemilik belum tercatat; layanan TTE nasional mengenal penanda tangan dari NIK.",
            code="bad_nik",
        )
    _close_expired(user=user, actor=SYSTEM)
    if Certificate.objects.filter(LIVE, user=user).exists():
        raise Refused(ALREADY_LIVE, code="already_enrolled")
    identity = Identity(
        nik=user.nik or "", nip=user.nip or "", full_name=user.full_name or user.username, email=user.email
    )
    certificate = _open(user=user, identity=identity, passphrase=passphrase, actor=SYSTEM)
    _issue(certificate, actor=SYSTEM)
    return certificate
