"""PAdES signing and verification with pyHanko, offline: the installation's own authority, its own
time-stamping certificate, and its CRL embedded in the document (long-term validation)."""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from kantor_virtual.errors import Refused
from tte.authority import _authority_secret, authority_keys
from tte.models import Authority, Certificate

FIELD_NAME = "TTE"
# A lost passphrase is no key compromise: the CRL says "unspecified" (RFC 5280 §5.3.1), as for any
# revocation recorded without a reason.
_REASON_CODES = {
    Certificate.RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    Certificate.RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    Certificate.RevocationReason.CESSATION: x509.ReasonFlags.cessation_of_operation,
}


def crl_der(authority: Authority) -> bytes:
    """The current certificate revocation list, signed by the authority, valid for one day."""
    root, key = authority_keys(authority)
    now = timezone.now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(now + timedelta(days=1))
        .add_extension(x509.CRLNumber(authority.crl_number), critical=False)
    )
    revoked_rows = authority.certificates.filter(revoked_at__isnull=False).order_by("revoked_at", "pk")
    for serial, revoked_at, reason in revoked_rows.values_list("serial", "revoked_at", "revocation_reason"):
        code = _REASON_CODES.get(reason, x509.ReasonFlags.unspecified)
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(int(serial, 16))
            .revocation_date(revoked_at)
            .add_extension(x509.CRLReason(code), critical=False)
            .build()
        )
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


# Signing runs in long-lived workers: what does not change between letters is prepared once per process.
CRL_CACHE_SECONDS = 300
_crl_cache: dict[tuple[int, int, str], tuple[float, bytes]] = {}


def current_crl(authority: Authority) -> bytes:
    """The CRL, made again when a revocation bumps its number, and at least every five minutes.

    Keyed by the authority's certificate too: a database restored, or a test database flushed, can
    give the same id and number to an authority with another key, whose CRL an old one would not be."""
    key = (authority.pk, authority.crl_number, authority.certificate_pem)
    cached = _crl_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < CRL_CACHE_SECONDS:
        return cached[1]
    der = crl_der(authority)
    _crl_cache.clear()
    _crl_cache[key] = (time.monotonic(), der)
    return der


@lru_cache(maxsize=64)
def _asn1_cert(pem: str) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    )


def _asn1_key(pem: str, passphrase: bytes) -> asn1_keys.PrivateKeyInfo:
    key = serialization.load_pem_private_key(pem.encode(), passphrase)
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


@lru_cache(maxsize=8)
def _authority_key(pem: str) -> asn1_keys.PrivateKeyInfo:
    """A key of the authority (the TSA's), decrypted once per process."""
    return _asn1_key(pem, _authority_secret())


def validation_context(authority: Authority, *, moment: datetime | None = None) -> ValidationContext:
    """Trust only this installation's root; revocation from its own CRL, never from the network.

    With `moment`, the signer's certificate is judged as it stood then: a revocation after it does not count."""
    return ValidationContext(
        trust_roots=[_asn1_cert(authority.certificate_pem)],
        crls=[current_crl(authority)],
        allow_fetching=False,
        revocation_mode="hard-fail",
        moment=moment,
    )


def sign_pdf(
    *, pdf: bytes, certificate: Certificate, passphrase: str, reason: str = "", location: str = ""
) -> bytes:
    """Sign `pdf` as PAdES with a timestamp and embedded validation data. A wrong passphrase is refused."""
    if certificate.revoked_at is not None:
        raise Refused("Sertifikat TTE Anda sudah dicabut.", code="revoked")
    if certificate.status != Certificate.Status.ISSUED or certificate.authority_id is None:
        raise Refused("Sertifikat TTE Anda belum terbit.", code="certificate_pending")
    try:
        signing_key = _asn1_key(certificate.key_pem, passphrase.encode())
    except (ValueError, TypeError):
        raise Refused("Kata sandi TTE salah.", code="wrong_passphrase") from None
    authority = certificate.authority
    root = _asn1_cert(authority.certificate_pem)
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(certificate.certificate_pem),
        signing_key=signing_key,
        cert_registry=SimpleCertificateStore.from_certs([root]),
    )
    timestamper = DummyTimeStamper(
        tsa_cert=_asn1_cert(authority.tsa_certificate_pem),
        tsa_key=_authority_key(authority.tsa_key_pem),
        certs_to_embed=SimpleCertificateStore.from_certs([root]),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason or None,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True,
        validation_context=validation_context(authority),
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = signers.PdfSigner(metadata, signer=signer, timestamper=timestamper).sign_pdf(writer)
    return output.getvalue()


@dataclass(frozen=True)
class Verification:
    signed: bool
    valid: bool = False
    intact: bool = False
    trusted: bool = False
    revoked: bool = False
    signer: str = ""
    signed_at: datetime | None = None
    serial: str = ""  # of the signer's certificate, hexadecimal as `Certificate.serial`
    revoked_at: datetime | None = None  # as the CRL says (to the second)
    # Revoked since, but the time-stamped signature was made before and was valid then.
    valid_when_signed: bool = False


def verify_pdf(pdf: bytes) -> Verification:
    """Whether `pdf` carries a signature of this installation that still covers the whole file.

    A certificate revoked after the signature's timestamp is reported as revoked, with the date, and
    the signature is judged again as it stood when it was made (`valid_when_signed`)."""
    authority = Authority.objects.order_by("pk").first()
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a file that is not a readable PDF is simply not a signed one
        return Verification(signed=False)
    if not signatures or authority is None:
        return Verification(signed=bool(signatures))
    signature = signatures[-1]
    try:
        status = validate_pdf_signature(signature, signer_validation_context=validation_context(authority))
    except SignatureValidationError:  # e.g. the signed attributes no longer match: altered
        return Verification(signed=True)
    stamped = status.timestamp_validity.timestamp if status.timestamp_validity else None
    timestamp = stamped or status.signer_reported_dt
    details = status.revocation_details
    revoked_at = details.revocation_date if details is not None else None
    valid_when_signed = False
    # Only a time-stamp of our own authority vouches for when the signature was made; the signer's
    # clock does not.
    if revoked_at is not None and stamped is not None and stamped < revoked_at and status.intact:
        try:
            then = validate_pdf_signature(
                signature, signer_validation_context=validation_context(authority, moment=stamped)
            )
        except SignatureValidationError:
            then = None
        valid_when_signed = then is not None and then.bottom_line
    # bottom_line also weighs what was added after signing: only validation data (the DSS) may be.
    return Verification(
        signed=True,
        valid=status.bottom_line,
        intact=status.intact,
        trusted=status.trusted,
        revoked=details is not None,
        signer=status.signing_cert.subject.native.get("common_name", ""),
        signed_at=timestamp,
        serial=format(status.signing_cert.serial_number, "x"),
        revoked_at=revoked_at,
        valid_when_signed=valid_when_signed,
    )
