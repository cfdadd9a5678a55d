"""STAND-IN for the national signing service (BSrE-style). FOR TESTS ONLY: it is not BSrE.

The real service cannot be reached from here, so tests talk to this small HTTP server on
127.0.0.1 instead. It speaks the same protocol as `tte.backends.NationalBackend` expects, every
call a POST with multipart/form-data, every error JSON {"error": ..., "status_code": ...}:
- /api/user/registrasi (nik, nama, email, passphrase): an identity, waiting for verification;
- /api/user/verifikasi (nik): verified, its certificate issued → JSON serial, validity, PEM;
- /api/user/tolak (nik, alasan): a waiting identity refused;
- /api/user/passphrase (nik, passphrase_lama, passphrase_baru);
- /api/user/cabut (nik, alasan): its certificate revoked;
- /api/sign/pdf (nik, passphrase, tampilan, file) → 200 with the signed PDF. An identity that is
  not issued, or is revoked, cannot sign.
It keeps its identities in memory and signs with its own throw-away authority, generated in
memory, making a real PAdES signature. It can be stopped and started again on the same port to
play an outage.
"""

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tte.authority import _issued, _name
from tte.backends import (
    ALREADY_REGISTERED,
    NOT_ISSUED,
    NOT_REGISTERED,
    NOT_WAITING,
    REVOKED,
    WRONG_PASSPHRASE,
)

PENDING, ISSUED, REJECTED, IDENTITY_REVOKED = "menunggu_verifikasi", "terbit", "ditolak", "dicabut"


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _asn1_key(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


@dataclass
class _Identity:
    nik: str
    name: str
    email: str
    passphrase: str
    state: str = PENDING
    signer: signers.SimpleSigner | None = None
    certificate: x509.Certificate | None = None
    reasons: list[str] = field(default_factory=list)


class NationalStandIn:
    """`with NationalStandIn() as service: ...`; the backend registers identities through HTTP, or a
    test calls `register(nik=..., passphrase=..., name=...)` for one enrolled elsewhere.

    `requests` counts the signing requests received, `calls` the paths of every request;
    `answer_with` (e.g. 503) makes it fail on its side, `delay` (seconds) makes it slow.
    """

    def __init__(self) -> None:
        now = timezone.now()
        self._root_key = ec.generate_private_key(ec.SECP256R1())
        root_name = _name("Stand-in National Root CA", organization="Stand-in BSrE")
        self._root = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(self._root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(self._root_key, hashes.SHA256())
        )
        tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        tsa = (
            _issued(self._root, self._root_key, tsa_key.public_key(), _name("Stand-in TSA"), now, years=1)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(self._root_key, hashes.SHA256())
        )
        self._store = SimpleCertificateStore.from_certs([_asn1_cert(self._root)])
        self._timestamper = DummyTimeStamper(
            tsa_cert=_asn1_cert(tsa), tsa_key=_asn1_key(tsa_key), certs_to_embed=self._store
        )
        self._identities: dict[str, _Identity] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.requests = 0
        self.calls: list[str] = []
        self.answer_with: int | None = None
        self.delay = 0.0

    @property
    def root_pem(self) -> str:
        """The stand-in's root certificate, to validate what it signed."""
        return self._root.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def register(self, *, nik: str, passphrase: str, name: str, email: str = "") -> None:
        """An identity registered and verified elsewhere (not through Kantor Virtual): it signs at once."""
        with self._lock:
            self._identities[nik] = identity = _Identity(
                nik=nik, name=name, email=email, passphrase=passphrase
            )
            self._issue(identity)

    def state_of(self, nik: str) -> str | None:
        """menunggu_verifikasi, terbit, ditolak, dicabut; None for an unknown NIK."""
        identity = self._identities.get(nik)
        return identity.state if identity else None

    def _issue(self, identity: _Identity) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _name(identity.name, serial_number=identity.nik)
        certificate = (
            _issued(self._root, self._root_key, key.public_key(), subject, timezone.now(), years=1)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=True, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                    encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .sign(self._root_key, hashes.SHA256())
        )  # fmt: skip
        identity.signer = signers.SimpleSigner(
            signing_cert=_asn1_cert(certificate), signing_key=_asn1_key(key), cert_registry=self._store
        )
        identity.certificate = certificate
        identity.state = ISSUED

    def start(self) -> None:
        """Listen on a free port the first time, on the same port after a stop."""
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.daemon_threads = True
        server.standin = self
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, name="national-standin", daemon=True).start()

    def stop(self) -> None:
        """Stop answering: connections are refused until `start` again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "NationalStandIn":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def answer(self, path: str, form: dict[str, bytes]) -> tuple[int, str, bytes]:
        """(status, content type, body) for one request."""
        with self._lock:
            self.calls.append(path)
            if path == "/api/sign/pdf":
                self.requests += 1
        if self.answer_with is not None:
            return _error(self.answer_with, "Layanan sedang dalam pemeliharaan", "5000")
        handler = {
            "/api/sign/pdf": self._answer_sign,
            "/api/user/registrasi": self._answer_register,
            "/api/user/verifikasi": self._answer_verify,
            "/api/user/tolak": self._answer_reject,
            "/api/user/passphrase": self._answer_passphrase,
            "/api/user/cabut": self._answer_revoke,
        }.get(path)
        if handler is None:
            return 404, "text/plain", b"Not found"
        text = {name: value.decode() for name, value in form.items() if name != "file"}
        if path == "/api/sign/pdf":
            return handler(text, form.get("file", b""))  # slow: it takes the lock only to look up
        with self._lock:
            return handler(text, b"")

    def _answer_register(self, form: dict[str, str], _: bytes) -> tuple[int, str, bytes]:
        nik, name, passphrase = form.get("nik", ""), form.get("nama", ""), form.get("passphrase", "")
        if len(nik) != 16 or not nik.isdigit() or not name or not passphrase:
            return _error(400, "Parameter tidak lengkap", "2021")
        known = self._identities.get(nik)
        if known is not None and known.state in (PENDING, ISSUED):
            return _error(409, "NIK sudah terdaftar", ALREADY_REGISTERED)
        self._identities[nik] = _Identity(
            nik=nik, name=name, email=form.get("email", ""), passphrase=passphrase
        )
        return _json({"status": PENDING, "nik": nik})

    def _answer_verify(self, form: dict[str, str], _: bytes) -> tuple[int, str, bytes]:
        identity = self._identities.get(form.get("nik", ""))
        if identity is None:
            return _error(404, "User tidak terdaftar", NOT_REGISTERED)
        if identity.state != PENDING:
            return _error(409, "Pendaftaran tidak menunggu verifikasi", NOT_WAITING)
        self._issue(identity)
        certificate = identity.certificate
        return _json(
            {
                "status": ISSUED,
                "serial": format(certificate.serial_number, "x"),
                "not_before": certificate.not_valid_before_utc.isoformat(),
                "not_after": certificate.not_valid_after_utc.isoformat(),
                "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode(),
            }
        )

    def _answer_reject(self, form: dict[str, str], _: bytes) -> tuple[int, str, bytes]:
        identity = self._identities.get(form.get("nik", ""))
        if identity is None:
            return _error(404, "User tidak terdaftar", NOT_REGISTERED)
        if identity.state != PENDING:
            return _error(409, "Pendaftaran tidak menunggu verifikasi", NOT_WAITING)
        identity.state = REJECTED
        identity.reasons.append(form.get("alasan", ""))
        return _json({"status": REJECTED})

    def _answer_passphrase(self, form: dict[str, str], _: bytes) -> tuple[int, str, bytes]:
        identity = self._identities.get(form.get("nik", ""))
        if identity is None:
            return _error(404, "User tidak terdaftar", NOT_REGISTERED)
        if identity.state == IDENTITY_REVOKED:
            return _error(403, "Sertifikat sudah dicabut", REVOKED)
        if identity.state != ISSUED:
            return _error(403, "Sertifikat belum terbit", NOT_ISSUED)
        if form.get("passphrase_lama", "") != identity.passphrase:
            return _error(401, "Passphrase anda salah", WRONG_PASSPHRASE)
        if not form.get("passphrase_baru"):
            return _error(400, "Parameter tidak lengkap", "2021")
        identity.passphrase = form["passphrase_baru"]
        return _json({"status": ISSUED})

    def _answer_revoke(self, form: dict[str, str], _: bytes) -> tuple[int, str, bytes]:
        identity = self._identities.get(form.get("nik", ""))
        if identity is None:
            return _error(404, "User tidak terdaftar", NOT_REGISTERED)
        if identity.state not in (ISSUED, IDENTITY_REVOKED):
            return _error(403, "Sertifikat belum terbit", NOT_ISSUED)
        identity.state = IDENTITY_REVOKED  # a second revocation changes nothing
        identity.reasons.append(form.get("alasan", ""))
        return _json({"status": IDENTITY_REVOKED})

    def _answer_sign(self, form: dict[str, str], pdf: bytes) -> tuple[int, str, bytes]:
        nik, passphrase = form.get("nik", ""), form.get("passphrase", "")
        if not nik or not passphrase or "tampilan" not in form or not pdf.startswith(b"%PDF"):
            return _error(400, "Parameter tidak lengkap atau berkas bukan PDF", "2021")
        with self._lock:
            identity = self._identities.get(nik)
            if identity is None:
                return _error(404, "User tidak terdaftar", NOT_REGISTERED)
            if identity.state == IDENTITY_REVOKED:
                return _error(403, "Sertifikat sudah dicabut", REVOKED)
            if identity.state != ISSUED:
                return _error(403, "Sertifikat belum terbit", NOT_ISSUED)
            if passphrase != identity.passphrase:
                return _error(401, "Passphrase anda salah", WRONG_PASSPHRASE)
            signer = identity.signer
        return 200, "application/pdf", self._sign(pdf, signer, form.get("reason") or None)

    def _sign(self, pdf: bytes, signer: signers.SimpleSigner, reason: str | None) -> bytes:
        metadata = signers.PdfSignatureMetadata(
            field_name="BSrE",
            reason=reason,
            subfilter=fields.SigSeedSubFilter.PADES,
            embed_validation_info=True,
            validation_context=ValidationContext(
                trust_roots=[_asn1_cert(self._root)], allow_fetching=False, revocation_mode="soft-fail"
            ),
            md_algorithm="sha256",
        )
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        output = signers.PdfSigner(metadata, signer=signer, timestamper=self._timestamper).sign_pdf(writer)
        return output.getvalue()


def _error(status: int, message: str, code: str) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps({"error": message, "status_code": int(code)}).encode()


def _json(answer: dict) -> tuple[int, str, bytes]:
    return 200, "application/json", json.dumps(answer).encode()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that gave up waiting (the timeout test) is expected, not an error to print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        standin: NationalStandIn = self.server.standin
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if standin.delay:
            time.sleep(standin.delay)
        status, content_type, content = standin.answer(
            self.path, _form(self.headers.get("Content-Type", ""), body)
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args) -> None:
        """Quiet: tests read the counters, not a log."""


def _form(content_type: str, body: bytes) -> dict[str, bytes]:
    """The fields of a multipart/form-data body, by name."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    if not message.is_multipart():
        return {}
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
    }
