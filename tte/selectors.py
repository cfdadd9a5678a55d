"""Reads of certificates, scoped to who asks: a holder sees their own, admin SPBE the requests to verify."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q

from kantor_virtual.models import Event
from kantor_virtual.pagination import Cursor
from kantor_virtual.timeline import timeline_for
from organisasi.models import User
from organisasi.selectors import is_admin
from tte.models import Certificate

PAGE_SIZE = 50
HISTORY_SIZE = 10
LIVE = Q(status__in=[Certificate.Status.REQUESTED, Certificate.Status.ISSUED], revoked_at__isnull=True)
EVENT_LABELS = {
    "requested": "Permohonan diajukan",
    "issued": "Sertifikat diterbitkan",
    "rejected": "Permohonan ditolak",
    "passphrase_changed": "Kata sandi TTE diganti",
    "revoked": "Sertifikat dicabut",
    "expiry_announced": "Pemberitahuan masa berlaku akan berakhir",
}


def live_certificate_of(*, user: User) -> Certificate | None:
    """The person's one live certificate: asked for, or issued and not revoked (expired included)."""
    return Certificate.objects.filter(LIVE, user=user).select_related("authority").first()


def earlier_certificates_of(*, user: User) -> list[Certificate]:
    """The person's rejected requests and revoked certificates, newest first (the last few)."""
    return list(
        Certificate.objects.filter(user=user)
        .exclude(LIVE)
        .select_related("decided_by", "revoked_by")
        .order_by("-requested_at", "-pk")[:HISTORY_SIZE]
    )


def signing_readiness(*, user: User) -> str:
    """For the sign form: "ready", "requested", "expired", "revoked", "none", or "unknown" when the
    national service signs and may know signers enrolled there without a request made here."""
    certificate = live_certificate_of(user=user)
    if certificate is None:
        if Certificate.objects.filter(user=user, revoked_at__isnull=False).exists():
            return "revoked"
        return "unknown" if settings.TTE_BACKEND == Certificate.Issuer.NATIONAL else "none"
    if certificate.status == Certificate.Status.REQUESTED:
        return "requested"
    return "expired" if certificate.is_expired else "ready"


def waiting_requests(*, user: User, after: Cursor | None = None, limit: int = PAGE_SIZE) -> list[Certificate]:
    """Requests waiting for the registration authority, oldest first; nothing for anyone but admin SPBE."""
    if not is_admin(user=user):
        return []
    rows = (
        Certificate.objects.filter(status=Certificate.Status.REQUESTED)  # tte_waiting_requests
        .select_related("user")
        .order_by("requested_at", "pk")
    )
    if after is not None:
        requested_at, pk = after
        rows = rows.filter(Q(requested_at__gt=requested_at) | Q(requested_at=requested_at, pk__gt=pk))
    return list(rows[:limit])


def issued_certificates(*, user: User, query: str = "", limit: int = PAGE_SIZE) -> list[Certificate]:
    """Live issued certificates for admin SPBE to find one to revoke: by NIP or NIK (exact) or by name."""
    if not is_admin(user=user):
        return []
    rows = Certificate.objects.filter(status=Certificate.Status.ISSUED, revoked_at__isnull=True)
    query = query.strip()
    if query.isdigit():
        rows = rows.filter(Q(nip=query) | Q(nik=query))
    elif query:
        rows = rows.filter(full_name__icontains=query)
    return list(rows.select_related("user").order_by("full_name", "pk")[:limit])


def certificate_for_review(*, user: User, pk: int) -> Certificate | None:
    """Any certificate, for admin SPBE; None for everyone else (the page answers 404 either way)."""
    if not is_admin(user=user):
        return None
    return (
        Certificate.objects.select_related("user", "decided_by", "revoked_by", "authority")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime
    actor: str
    note: str


def lifecycle_of(*, certificate: Certificate) -> list[Step]:
    """The certificate's timeline in words. Callers check first that the user may see the certificate."""
    return [_step(event) for event in timeline_for(target=certificate)]


def _step(event: Event) -> Step:
    details = event.details or {}
    note = details.get("reason", "") if event.verb == "rejected" else ""
    if event.verb == "revoked":
        label = Certificate.RevocationReason(details["reason"]).label if details.get("reason") else ""
        note = " — ".join(part for part in (label, details.get("note", "")) if part)
    return Step(
        label=EVENT_LABELS.get(event.verb, event.verb),
        at=event.at,
        actor=str(event.actor) if event.actor else "Sistem",
        note=note,
    )


def certificate_by_serial(*, serial: str) -> Certificate | None:
    """The certificate that made a signature, for the public verification of a letter (its dates only)."""
    if not serial:
        return None
    return (
        Certificate.objects.filter(serial=serial, status=Certificate.Status.ISSUED)
        .only("pk", "serial", "revoked_at", "revocation_reason", "not_after", "issuer")
        .first()
    )
