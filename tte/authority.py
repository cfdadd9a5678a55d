"""The installation's certificate authority: its root and time-stamping certificates, made on first
use, and the X.509 certificates it issues to signers (`LocalBackend`) and to itself.

The authority's keys are kept encrypted with a key derived from SECRET_KEY; a signer's key never
passes through here unencrypted except in the moment it is made.
"""

import base64
import hashlib
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tte.models import Authority

AUTHORITY_NAME = "Kantor Virtual Root CA"
CERTIFICATE_YEARS = 2


def _authority_secret() -> bytes:
    """The authority's keys are encrypted with a key derived from SECRET_KEY (never stored)."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"tte:{settings.SECRET_KEY}".encode()).digest())


def _private_pem(key, passphrase: bytes) -> str:
    """PKCS#8 PEM, encrypted with `passphrase`."""
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


def new_signing_key(passphrase: str) -> tuple[str, str]:
    """A signer's key pair, made now: (public key PEM, private key as PKCS#8 encrypted with `passphrase`).

    The public half is kept so that the certificate can be issued later, when the request is approved."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode(), _private_pem(key, passphrase.encode())


def reencrypted_key(key_pem: str, *, old: str, new: str) -> str:
    """The same private key under a new passphrase; ValueError when `old` does not open it."""
    key = serialization.load_pem_private_key(key_pem.encode(), old.encode())
    return _private_pem(key, new.encode())


def issue_signer_certificate(
    *, authority: Authority, public_key_pem: str, common_name: str, serial_number: str
) -> x509.Certificate:
    """An X.509 signing certificate for a waiting public key, valid CERTIFICATE_YEARS from now."""
    root, root_key = authority_keys(authority)
    public_key = serialization.load_pem_public_key(public_key_pem.encode())
    subject = _name(common_name, organization="Kantor Virtual", serial_number=serial_number)
    return (
        _issued(root, root_key, public_key, subject, timezone.now(), years=CERTIFICATE_YEARS)
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
