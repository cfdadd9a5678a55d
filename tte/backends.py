"""Signing backends: who keeps a signer's key, issues their certificate and turns a PDF into a signed PDF.

`tte.services` asks the backend for each step of a certificate's life (request, issue or reject,
passphrase change, revocation) and records the answer on the `Certificate` row; the outgoing-letter
flow calls `backend().sign(...)` inside a Celery task. Backends never write rows themselves, except
that the installation's authority publishes a revocation by bumping its CRL number.

Two kinds of failure:
- `Refused`: the signer's own mistake (wrong passphrase, no or revoked certificate). Retrying
  cannot help, so the task must stop and show the message.
- `ServiceUnavailable`: the signing service could not be reached or failed on its side. The
  task keeps the request in the database and retries later (autoretry with backoff).

pyHanko runs its own event loop: call `sign` from synchronous code (a worker), never from inside a
running asyncio loop.
"""

import http.client
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db.models import F

from kantor_virtual.errors import Refused
from organisasi.models import User
from tte.authority import ensure_authority, issue_signer_certificate, new_signing_key, reencrypted_key
from tte.models import Authority, Certificate
from tte.signing import sign_pdf

# The national service's own error codes (its JSON answers carry them as `status_code`).
WRONG_PASSPHRASE = "2031"
NOT_REGISTERED = "1111"
ALREADY_REGISTERED = "1101"
NOT_WAITING = "1102"
NOT_ISSUED = "1112"
REVOKED = "1113"


class ServiceUnavailable(Exception):
    """The signing service is down, too slow or failing on its side: try again later."""


@dataclass(frozen=True)
class Identity:
    """Who asks for a certificate, as submitted: the national service knows signers by NIK."""

    nik: str
    nip: str
    full_name: str
    email: str


@dataclass(frozen=True)
class WaitingKey:
    """What a request leaves here: the key pair made for it (empty when the service keeps the key)."""

    public_key_pem: str = ""
    key_pem: str = ""


@dataclass(frozen=True)
class Issued:
    """A certificate as issued: what the `Certificate` row records."""

    serial: str
    subject: str
    certificate_pem: str
    not_before: datetime
    not_after: datetime
    authority: Authority | None = None


class SigningBackend(Protocol):
    issuer: str  # Certificate.Issuer

    def request_certificate(self, *, identity: Identity, passphrase: str) -> WaitingKey: ...

    def issue_certificate(self, *, certificate: Certificate) -> Issued: ...

    def reject_request(self, *, certificate: Certificate, reason: str) -> None: ...

    def change_passphrase(self, *, certificate: Certificate, old: str, new: str) -> str:
        """The private key to keep from now on (empty when the service keeps it)."""
        ...

    def revoke_certificate(self, *, certificate: Certificate, reason: str) -> None: ...

    def sign(self, *, pdf: bytes, signer: User, passphrase: str, reason: str = "") -> bytes: ...


class LocalBackend:
    """The installation's own authority: keys made here, encrypted with the holder's passphrase."""

    issuer = Certificate.Issuer.LOCAL

    def request_certificate(self, *, identity: Identity, passphrase: str) -> WaitingKey:
        public_key_pem, key_pem = new_signing_key(passphrase)
        return WaitingKey(public_key_pem=public_key_pem, key_pem=key_pem)

    def issue_certificate(self, *, certificate: Certificate) -> Issued:
        authority = ensure_authority()
        issued = issue_signer_certificate(
            authority=authority,
            public_key_pem=certificate.public_key_pem,
            common_name=certificate.full_name,
            # The NIP, not the NIK: the certificate travels inside every letter, to the public.
            serial_number=certificate.nip or str(certificate.user_id),
        )
        return Issued(
            serial=format(issued.serial_number, "x"),
            subject=issued.subject.rfc4514_string(),
            certificate_pem=issued.public_bytes(serialization.Encoding.PEM).decode(),
            not_before=issued.not_valid_before_utc,
            not_after=issued.not_valid_after_utc,
            authority=authority,
        )

    def reject_request(self, *, certificate: Certificate, reason: str) -> None:
        """Nothing was issued; the waiting key is dropped with the row's key fields."""

    def change_passphrase(self, *, certificate: Certificate, old: str, new: str) -> str:
        try:
            return reencrypted_key(certificate.key_pem, old=old, new=new)
        except (ValueError, TypeError):
            raise Refused(
                "Kata sandi TTE lama salah. Lupa? Cabut sertifikat ini, lalu ajukan yang baru.",
                code="wrong_passphrase",
            ) from None

    def revoke_certificate(self, *, certificate: Certificate, reason: str) -> None:
        # The next CRL is a new one: its number changes in this transaction (tte.signing.current_crl).
        Authority.objects.filter(pk=certificate.authority_id).update(crl_number=F("crl_number") + 1)

    def sign(self, *, pdf: bytes, signer: User, passphrase: str, reason: str = "") -> bytes:
        certificate = (
            Certificate.objects.select_related("authority")
            .filter(
                user=signer,
                issuer=self.issuer,
                status=Certificate.Status.ISSUED,
                revoked_at__isnull=True,
            )
            .first()
        )
        if certificate is None:
            latest = Certificate.objects.filter(user=signer).order_by("-requested_at", "-pk").first()
            raise no_certificate_refusal(latest)
        if certificate.is_expired:
            raise Refused(
                "Sertifikat TTE Anda sudah habis masa berlakunya. Ajukan sertifikat baru di halaman Sertifikat TTE.",
                code="expired",
            )
        return sign_pdf(pdf=pdf, certificate=certificate, passphrase=passphrase, reason=reason)


def no_certificate_refusal(latest: Certificate | None) -> Refused:
    """Why someone without an issued, unrevoked certificate cannot sign, and where to go."""
    if latest is not None and latest.status == Certificate.Status.REQUESTED:
        return Refused(
            "Permohonan sertifikat TTE Anda belum disetujui admin SPBE.", code="certificate_pending"
        )
    if latest is not None and latest.is_revoked:
        return Refused(
            "Sertifikat TTE Anda sudah dicabut. Ajukan sertifikat baru di halaman Sertifikat TTE.",
            code="revoked",
        )
    return Refused(
        "Anda belum memiliki sertifikat TTE. Ajukan di halaman Sertifikat TTE.", code="no_certificate"
    )


class NationalBackend:
    """A national signing service (BSrE-style REST), which keeps the keys and knows signers by NIK.

    POST, multipart/form-data, answers in JSON (or the signed PDF):
    - /api/user/registrasi (nik, nama, email, passphrase): an identity waiting for verification;
    - /api/user/verifikasi (nik): verified by the registration authority, the certificate issued;
    - /api/user/tolak (nik, alasan): the waiting identity refused;
    - /api/user/passphrase (nik, passphrase_lama, passphrase_baru);
    - /api/user/cabut (nik, alasan): the certificate revoked;
    - /api/sign/pdf (nik, passphrase, tampilan, reason, file): the signed PDF.
    Errors are {"error": ..., "status_code": ...}. The passphrase travels to the service: `base_url`
    must be https in production.
    """

    issuer = Certificate.Issuer.NATIONAL

    def __init__(self, *, base_url: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request_certificate(self, *, identity: Identity, passphrase: str) -> WaitingKey:
        fields = {"nik": identity.nik, "nama": identity.full_name, "email": identity.email}
        self._json("/api/user/registrasi", {**fields, "passphrase": passphrase})
        return WaitingKey()

    def issue_certificate(self, *, certificate: Certificate) -> Issued:
        answer = self._json("/api/user/verifikasi", {"nik": certificate.nik})
        try:
            pem = str(answer.get("certificate", ""))
            subject = x509.load_pem_x509_certificate(pem.encode()).subject.rfc4514_string() if pem else ""
            return Issued(
                serial=str(answer["serial"]).lower(),
                subject=subject,
                certificate_pem=pem,
                not_before=datetime.fromisoformat(answer["not_before"]),
                not_after=datetime.fromisoformat(answer["not_after"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ServiceUnavailable(f"Jawaban penerbitan dari layanan TTE tidak lengkap: {error}") from error

    def reject_request(self, *, certificate: Certificate, reason: str) -> None:
        self._json("/api/user/tolak", {"nik": certificate.nik, "alasan": reason})

    def change_passphrase(self, *, certificate: Certificate, old: str, new: str) -> str:
        fields = {"nik": certificate.nik, "passphrase_lama": old, "passphrase_baru": new}
        self._json("/api/user/passphrase", fields)
        return ""

    def revoke_certificate(self, *, certificate: Certificate, reason: str) -> None:
        self._json("/api/user/cabut", {"nik": certificate.nik, "alasan": reason})

    def sign(self, *, pdf: bytes, signer: User, passphrase: str, reason: str = "") -> bytes:
        if not signer.nik:
            raise Refused(
                "NIK Anda belum tercatat, jadi Anda tidak dikenal oleh layanan TTE. "
                "Ajukan sertifikat di halaman Sertifikat TTE.",
                code="no_certificate",
            )
        fields = {"nik": signer.nik, "passphrase": passphrase, "tampilan": "invisible"}
        if reason:
            fields["reason"] = reason
        signed = self._post("/api/sign/pdf", fields, file=pdf, accept="application/pdf, application/json")
        if not signed.startswith(b"%PDF"):
            raise ServiceUnavailable("Layanan TTE menjawab tanpa PDF bertanda tangan.")
        return signed

    def _json(self, path: str, fields: dict[str, str]) -> dict:
        answer = self._post(path, fields, accept="application/json")
        try:
            decoded = json.loads(answer or b"{}")
        except ValueError:
            raise ServiceUnavailable("Layanan TTE menjawab dengan sesuatu yang bukan JSON.") from None
        if not isinstance(decoded, dict):
            raise ServiceUnavailable("Layanan TTE menjawab dengan sesuatu yang tak dikenal.")
        return decoded

    def _post(self, path: str, fields: dict[str, str], *, accept: str, file: bytes | None = None) -> bytes:
        body, content_type = _multipart(fields, file=file)
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "Accept": accept},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise _error_for(error) from None
        # URLError (refused, no route, DNS) and timeouts are OSErrors; a dropped connection is HTTPException.
        except (OSError, http.client.HTTPException) as error:
            raise ServiceUnavailable(f"Layanan TTE tidak dapat dihubungi: {error}") from error


def _error_for(error: urllib.error.HTTPError) -> Exception:
    """Translate a non-2xx answer: the signer's mistakes are refused, the service's own failures retried."""
    if error.code >= 500 or error.code in {408, 429}:
        return ServiceUnavailable(f"Layanan TTE sedang bermasalah (HTTP {error.code}).")
    try:
        answer = json.loads(error.read())
    except (OSError, http.client.HTTPException, ValueError):
        answer = None
    if not isinstance(answer, dict) or "status_code" not in answer:
        # Not the service's own error (a proxy, or a wrong TTE_NATIONAL_URL): keep the request waiting.
        return ServiceUnavailable(f"Jawaban tak dikenal dari layanan TTE (HTTP {error.code}).")
    code, message = str(answer["status_code"]), str(answer.get("error", "")).strip()
    if code == WRONG_PASSPHRASE:
        return Refused("Kata sandi TTE salah.", code="wrong_passphrase")
    if code == NOT_ISSUED:
        return Refused(
            "Sertifikat TTE Anda belum terbit di layanan TTE nasional.", code="certificate_pending"
        )
    if code == REVOKED:
        return Refused(
            "Sertifikat TTE Anda sudah dicabut. Ajukan sertifikat baru di halaman Sertifikat TTE.",
            code="revoked",
        )
    if code == ALREADY_REGISTERED:
        return Refused("NIK ini sudah terdaftar di layanan TTE nasional.", code="already_registered")
    if code == NOT_REGISTERED or error.code == 404:
        return Refused(
            "Anda belum terdaftar di layanan TTE nasional. Ajukan di halaman Sertifikat TTE.",
            code="no_certificate",
        )
    return Refused(
        f"Layanan TTE menolak permintaan: {message}" if message else "Layanan TTE menolak permintaan.",
        code="service_refused",
    )


def _multipart(fields: dict[str, str], *, file: bytes | None = None) -> tuple[bytes, str]:
    """multipart/form-data with text fields and, if any, the PDF as `file` (the standard library has no encoder)."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    if file is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="surat.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + file
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def backend() -> SigningBackend:
    """The backend chosen by TTE_BACKEND: new requests and every signature go there."""
    return backend_for(settings.TTE_BACKEND)


def backend_for(issuer: str) -> SigningBackend:
    """The backend that issued a certificate: its passphrase change and revocation go back there."""
    if issuer == Certificate.Issuer.NATIONAL:
        return NationalBackend(base_url=settings.TTE_NATIONAL_URL, timeout=settings.TTE_NATIONAL_TIMEOUT)
    return LocalBackend()
