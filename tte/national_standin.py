"""STAND-IN for the national signing service (BSrE-style). FOR TESTS ONLY: it is not BSrE.

The real service cannot be reached from here, so tests talk to this small HTTP server on
127.0.0.1 instead. It speaks the same protocol as `tte.backends.NationalBackend` expects:
POST /api/sign/pdf (multipart: nik, passphrase, tampilan, file) → 200 with the signed PDF, or a
JSON error {"error": ..., "status_code": ...}. It keeps its own identities {nik: passphrase} and
signs with its own throw-away authority, generated in memory, making a real PAdES signature.
It can be stopped and started again on the same port to play an outage.
"""

import json
import sys
import threading
import time
from dataclasses import dataclass
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

from tte.backends import NOT_REGISTERED, WRONG_PASSPHRASE
from tte.services import _issued, _name


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _asn1_key(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


@dataclass(frozen=True)
class _Identity:
    passphrase: str
    signer: signers.SimpleSigner


class NationalStandIn:
    """`with NationalStandIn() as service: service.register(nik=..., passphrase=..., name=...)`.

    `requests` counts the signing requests received; `answer_with` (e.g. 503) makes it fail on its side,
    `delay` (seconds) makes it slow.
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
        self.answer_with: int | None = None
        self.delay = 0.0

    @property
    def root_pem(self) -> str:
        """The stand-in's root certificate, to validate what it signed."""
        return self._root.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def register(self, *, nik: str, passphrase: str, name: str) -> None:
        """Enrol an identity: the service issues it a certificate under its own root."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _name(name, serial_number=nik)
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
        signer = signers.SimpleSigner(
            signing_cert=_asn1_cert(certificate), signing_key=_asn1_key(key), cert_registry=self._store
        )
        self._identities[nik] = _Identity(passphrase=passphrase, signer=signer)

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

    def answer(self, form: dict[str, bytes]) -> tuple[int, str, bytes]:
        """(status, content type, body) for one signing request."""
        with self._lock:
            self.requests += 1
        if self.answer_with is not None:
            return _error(self.answer_with, "Layanan sedang dalam pemeliharaan", "5000")
        nik, passphrase = form.get("nik", b"").decode(), form.get("passphrase", b"").decode()
        pdf = form.get("file", b"")
        if not nik or not passphrase or "tampilan" not in form or not pdf.startswith(b"%PDF"):
            return _error(400, "Parameter tidak lengkap atau berkas bukan PDF", "2021")
        identity = self._identities.get(nik)
        if identity is None:
            return _error(404, "User tidak terdaftar", NOT_REGISTERED)
        if passphrase != identity.passphrase:
            return _error(401, "Passphrase anda salah", WRONG_PASSPHRASE)
        reason = form.get("reason", b"").decode() or None
        return 200, "application/pdf", self._sign(pdf, identity.signer, reason)

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
        if self.path != "/api/sign/pdf":
            status, content_type, content = 404, "text/plain", b"Not found"
        else:
            status, content_type, content = standin.answer(_form(self.headers.get("Content-Type", ""), body))
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
