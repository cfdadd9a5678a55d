"""Signing backends: who turns a PDF into a signed PDF for a signer.

The outgoing-letter flow calls `backend().sign(...)` inside a Celery task. Two kinds of failure:
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
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from kantor_virtual.errors import Refused
from organisasi.models import User
from tte.models import Certificate
from tte.signing import sign_pdf

WRONG_PASSPHRASE = "2031"
NOT_REGISTERED = "1111"


class ServiceUnavailable(Exception):
    """The signing service is down, too slow or failing on its side: try again later."""


class SigningBackend(Protocol):
    def sign(self, *, pdf: bytes, signer: User, passphrase: str, reason: str = "") -> bytes: ...


class LocalBackend:
    """Signs with the signer's own certificate, issued by this installation's authority."""

    def sign(self, *, pdf: bytes, signer: User, passphrase: str, reason: str = "") -> bytes:
        certificate = (
            Certificate.objects.select_related("authority")
            .filter(user=signer, revoked_at__isnull=True)
            .first()
        )
        if certificate is None:
            if Certificate.objects.filter(user=signer).exists():
                raise Refused(
                    "Sertifikat TTE Anda sudah dicabut. Daftar ulang untuk mendapat sertifikat baru.",
                    code="revoked",
                )
            raise Refused("Anda belum memiliki sertifikat TTE. Daftar dahulu.", code="no_certificate")
        if certificate.not_after <= timezone.now():
            raise Refused("Sertifikat TTE Anda sudah habis masa berlakunya.", code="expired")
        return sign_pdf(pdf=pdf, certificate=certificate, passphrase=passphrase, reason=reason)


class NationalBackend:
    """A national signing service (BSrE-style REST): identity number + passphrase + PDF in, signed PDF out.

    The service knows signers by their NIK; Kantor Virtual records only the NIP, so the NIP is sent
    as the identity number. The passphrase travels to the service: `base_url` must be https in
    production.
    """

    def __init__(self, *, base_url: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def sign(self, *, pdf: bytes, signer: User, passphrase: str, reason: str = "") -> bytes:
        if not signer.nip:
            raise Refused(
                "NIP Anda belum tercatat, jadi Anda tidak dikenal oleh layanan TTE.", code="no_certificate"
            )
        fields = {"nik": signer.nip, "passphrase": passphrase, "tampilan": "invisible"}
        if reason:
            fields["reason"] = reason
        body, content_type = _multipart(fields, file=pdf)
        request = urllib.request.Request(
            f"{self.base_url}/api/sign/pdf",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "Accept": "application/pdf, application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                signed = response.read()
        except urllib.error.HTTPError as error:
            raise _error_for(error) from None
        # URLError (refused, no route, DNS) and timeouts are OSErrors; a dropped connection is HTTPException.
        except (OSError, http.client.HTTPException) as error:
            raise ServiceUnavailable(f"Layanan TTE tidak dapat dihubungi: {error}") from error
        if not signed.startswith(b"%PDF"):
            raise ServiceUnavailable("Layanan TTE menjawab tanpa PDF bertanda tangan.")
        return signed


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
    if code == NOT_REGISTERED or error.code == 404:
        return Refused("Anda belum terdaftar di layanan TTE nasional.", code="no_certificate")
    return Refused(
        f"Layanan TTE menolak permintaan: {message}" if message else "Layanan TTE menolak permintaan.",
        code="service_refused",
    )


def _multipart(fields: dict[str, str], *, file: bytes) -> tuple[bytes, str]:
    """multipart/form-data with text fields and the PDF as `file` (the standard library has no encoder)."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="surat.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + file
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def backend() -> SigningBackend:
    """The backend chosen by TTE_BACKEND."""
    if settings.TTE_BACKEND == "national":
        return NationalBackend(base_url=settings.TTE_NATIONAL_URL, timeout=settings.TTE_NATIONAL_TIMEOUT)
    return LocalBackend()
