"""Applicant accounts: a person (NIK) or a business (NIB, with its contact person) registers, and
verifies the e-mail address before any submission is accepted.

Other services guard their writes with `require_verified(applicant)`, which refuses with the code
"email_unverified" until the applicant has opened the link e-mailed to them.
"""

import re
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.errors import Refused
from kantor_virtual.mail import send_once
from kantor_virtual.timeline import record_event
from layanan_publik.models import Applicant
from layanan_publik.tasks import send_verification_link as send_verification_link_task
from organisasi.models import User

NIK = re.compile(r"[0-9]{16}")
NIB = re.compile(r"[0-9]{13}")
VERIFICATION_MAX_AGE = timedelta(days=3)
_VERIFICATION_SALT = "layanan_publik.accounts.verify_email"

# Says only that the address has an account, never whose or in which state: registration is
# rate-limited per address, so this cannot be used to list accounts.
EMAIL_TAKEN = "Alamat surel sudah terdaftar. Silakan masuk dengan alamat surel itu."
UNVERIFIED = "Verifikasi alamat surel Anda terlebih dahulu: buka tautan yang kami kirim ke surel Anda."
LINK_INVALID = "Tautan verifikasi tidak sah. Salin tautan dari surel secara utuh, atau minta tautan baru."


def _identity(*, kind: str, nik: str, business_name: str, nib: str) -> dict[str, str]:
    """The identifying fields of this kind of applicant (constraint applicant_identity); spaces
    typed between the digits are dropped."""
    if kind == Applicant.Kind.PERSON:
        nik = re.sub(r"\s", "", nik)
        if not NIK.fullmatch(nik):
            raise Refused("NIK harus 16 angka, sesuai KTP-el.", code="bad_nik")
        return {"nik": nik}
    if kind == Applicant.Kind.BUSINESS:
        business_name, nib = business_name.strip(), re.sub(r"\s", "", nib)
        if not business_name:
            raise Refused("Isi nama badan usaha atau organisasi.", code="no_business_name")
        if not NIB.fullmatch(nib):
            raise Refused("NIB harus 13 angka, sesuai Nomor Induk Berusaha dari OSS.", code="bad_nib")
        return {"business_name": business_name, "nib": nib}
    raise Refused("Pilih jenis pemohon: perorangan atau badan usaha.", code="bad_kind")


@transaction.atomic
def register_applicant(
    *,
    kind: str,
    full_name: str,
    email: str,
    phone: str,
    password: str,
    nik: str = "",
    business_name: str = "",
    nib: str = "",
) -> Applicant:
    """Open an account that signs in with its e-mail address and may submit once that address is
    verified. For a business, the name, e-mail and phone are those of its contact person."""
    identity = _identity(kind=kind, nik=nik, business_name=business_name, nib=nib)
    full_name = full_name.strip()
    if not full_name:
        raise Refused("Isi nama lengkap.", code="no_name")
    email = User.objects.normalize_email(email.strip())
    # The address is the login: unique in any letter case, among staff accounts too.
    if User.objects.filter(Q(email__iexact=email) | Q(username=email.lower())).exists():
        raise Refused(EMAIL_TAKEN, code="email_taken")
    user = User(
        username=email.lower(),
        email=email,
        full_name=full_name,
        phone=phone.strip(),
        employment=User.Employment.PUBLIC,
    )
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise Refused(" ".join(error.messages), code="weak_password") from None
    user.set_password(password)
    try:
        with transaction.atomic():  # a savepoint: a registration of the same address at the same moment
            user.save()
    except IntegrityError:
        raise Refused(EMAIL_TAKEN, code="email_taken") from None
    applicant = Applicant.objects.create(user=user, kind=kind, **identity)
    # No NIK or NIB in the event: the timeline is append-only, personal data must stay erasable.
    event = record_event(target=applicant, verb="registered", actor=user, details={"kind": kind})
    _send_verification(applicant, request_id=event.pk)
    return applicant


def require_verified(applicant: Applicant) -> None:
    """Refuse ("email_unverified") an applicant who has not verified their e-mail address yet."""
    if applicant.email_verified_at is None:
        raise Refused(UNVERIFIED, code="email_unverified")


@transaction.atomic
def resend_verification(*, actor: User) -> Applicant:
    """E-mail a new verification link; links sent before stay valid until they expire."""
    applicant = Applicant.objects.select_related("user").filter(user=actor).first()
    if applicant is None:
        raise Refused("Akun ini bukan akun pemohon.", code="not_applicant")
    if applicant.email_verified_at is not None:
        raise Refused("Alamat surel Anda sudah terverifikasi.", code="already_verified")
    event = record_event(target=applicant, verb="verification_requested", actor=actor)
    _send_verification(applicant, request_id=event.pk)
    return applicant


def _send_verification(applicant: Applicant, *, request_id: int) -> None:
    """After commit, a worker e-mails the link to the address (`send_verification_email`). It goes
    to the mailbox only: the link is the proof that the applicant reads it, so no notice in the
    portal, which its account holder reads whoever they are, ever carries it."""
    send_verification_link_task.delay(applicant.pk, str(request_id))


def send_verification_email(*, applicant_id: int, request_id: str) -> bool:
    """E-mail one verification link (the task's body), made at sending time for the address the
    account has then; False when there is nothing to send (verified meanwhile, or sent already)."""
    applicant = Applicant.objects.select_related("user").filter(pk=applicant_id).first()
    if applicant is None or applicant.email_verified_at is not None or not applicant.user.email:
        return False
    token = signing.dumps(
        {"applicant": applicant.pk, "email": applicant.user.email.lower()}, salt=_VERIFICATION_SALT
    )
    return send_once(
        target=applicant,
        request_id=request_id,
        verb="verification_sent",
        to=applicant.user.email,
        template="layanan_publik/email/verification",
        context={
            "applicant": applicant,
            "link": urljoin(settings.SITE_URL, reverse("pemohon:verify", args=[token])),
            "days": VERIFICATION_MAX_AGE.days,
        },
    )


def applicant_for_link(*, token: str, lock: bool = False) -> Applicant:
    """The applicant a verification link is for; refused when the link is altered, expired, or for an
    address the account no longer has."""
    try:
        claim = signing.loads(token, salt=_VERIFICATION_SALT, max_age=VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise Refused(
            "Tautan verifikasi sudah kedaluwarsa (berlaku 3 hari). Masuk, lalu minta tautan baru.",
            code="link_expired",
        ) from None
    except signing.BadSignature:
        raise Refused(LINK_INVALID, code="link_invalid") from None
    rows = Applicant.objects.select_related("user")
    if lock:
        rows = rows.select_for_update(of=("self",))
    applicant = rows.filter(pk=claim["applicant"]).first()
    if applicant is None or applicant.user.email.lower() != claim["email"]:
        raise Refused(LINK_INVALID, code="link_invalid")
    return applicant


@transaction.atomic
def verify_email(*, token: str) -> bool:
    """Opening the link proves the applicant reads that mailbox. True when this call verified the
    address, False when it was verified already (the link opened a second time)."""
    applicant = applicant_for_link(token=token, lock=True)  # two clicks at once: one verifies
    if applicant.email_verified_at is not None:
        return False
    applicant.email_verified_at = timezone.now()
    applicant.save(update_fields=["email_verified_at"])
    record_event(target=applicant, verb="email_verified", actor=applicant.user)
    return True
