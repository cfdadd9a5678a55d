"""Writes of the signing infrastructure: the installation's authority, enrolment and revocation."""

import base64
import hashlib
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.errors import Refused
from organisasi.models import User
from organisasi.selectors import is_admin, is_pimpinan
from tte.models import Authority, Certificate

AUTHORITY_NAME = "Kantor Virtual Root CA"
MIN_PASSPHRASE = 8
CERTIFICATE_YEARS = 2


def _authority_secret() -> bytes:
    """The authority's keys are encrypted with a key derived from SECRET_KEY (never stored)."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"tte:{settings.SECRET_KEY}".encode()).digest())


def _private_pem(key, passphrase: bytes) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    ).decode()


def _name(common_name: str, **extra: str) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if "organization" in extra:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, extra["organization"]))
    if "serial_number" in extra:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, extra["serial_number"]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def crl_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("tte:crl")


@transaction.atomic
def ensure_authority() -> Authority:
    """The installation's root certificate and time-stamping certificate, made on first use."""
    existing = Authority.objects.select_for_update().filter(name=AUTHORITY_NAME).first()
    if existing is not None:
        return existing
    now = timezone.now()
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(AUTHORITY_NAME, organization="Kantor Virtual")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )  # fmt: skip
    # pyHanko's in-process time-stamping authority signs with RSA.
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = (
        _issued(
            root,
            root_key,
            tsa_key.public_key(),
            _name("Kantor Virtual TSA", organization="Kantor Virtual"),
            now,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    secret = _authority_secret()
    authority = Authority(
        name=AUTHORITY_NAME,
        certificate_pem=root.public_bytes(serialization.Encoding.PEM).decode(),
        key_pem=_private_pem(root_key, secret),
        tsa_certificate_pem=tsa.public_bytes(serialization.Encoding.PEM).decode(),
        tsa_key_pem=_private_pem(tsa_key, secret),
    )
    try:
        with transaction.atomic():
            authority.save()
    except IntegrityError:  # made meanwhile by another process
        return Authority.objects.get(name=AUTHORITY_NAME)
    return authority


def _issued(root: x509.Certificate, root_key, public_key, subject: x509.Name, now: datetime, years: int = 10):
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def authority_keys(authority: Authority):
    """The loaded root certificate and key (for issuing and for CRLs)."""
    root = x509.load_pem_x509_certificate(authority.certificate_pem.encode())
    key = serialization.load_pem_private_key(authority.key_pem.encode(), _authority_secret())
    return root, key


@transaction.atomic
def enrol(*, user: User, passphrase: str) -> Certificate:
    """A pimpinan gets a signing certificate; the key is encrypted with their passphrase only."""
    if not is_pimpinan(user=user):
        raise Refused("Hanya pimpinan yang dapat mendaftar sertifikat TTE.", code="not_pimpinan")
    if len(passphrase) < MIN_PASSPHRASE:
        raise Refused(f"Kata sandi TTE minimal {MIN_PASSPHRASE} karakter.", code="weak_passphrase")
    if Certificate.objects.filter(user=user, revoked_at__isnull=True).exists():
        raise Refused("Anda sudah memiliki sertifikat TTE yang berlaku.", code="already_enrolled")
    authority = ensure_authority()
    root, root_key = authority_keys(authority)
    now = timezone.now()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(
        user.full_name or user.username, organization="Kantor Virtual", serial_number=user.nip or str(user.pk)
    )
    certificate = (
        _issued(root, root_key, key.public_key(), subject, now, years=CERTIFICATE_YEARS)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url())], None, None, None)]
            ),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )  # fmt: skip
    return Certificate.objects.create(
        authority=authority,
        user=user,
        serial=format(certificate.serial_number, "x"),
        subject=certificate.subject.rfc4514_string(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        key_pem=_private_pem(key, passphrase.encode()),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


@transaction.atomic
def revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """The owner or an administrator revokes a certificate; the next CRL lists it."""
    if actor.pk != certificate.user_id and not is_admin(user=actor):
        raise Refused("Anda tidak dapat mencabut sertifikat ini.", code="not_allowed")
    if reason not in Certificate.RevocationReason.values:
        raise Refused("Pilih alasan pencabutan.", code="bad_reason")
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise Refused("Sertifikat ini sudah dicabut.", code="already_revoked")
    locked.revoked_at, locked.revocation_reason = timezone.now(), reason
    locked.save(update_fields=["revoked_at", "revocation_reason"])
    Authority.objects.filter(pk=locked.authority_id).update(crl_number=F("crl_number") + 1)
    return locked
