"""Signing backends. The national service is replaced by `tte.national_standin` (we cannot reach
BSrE from here); everything else, our own authority and pyHanko, runs for real."""

from io import BytesIO

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from kantor_virtual.errors import Refused
from tte.backends import LocalBackend, NationalBackend, ServiceUnavailable, backend
from tte.models import Certificate
from tte.national_standin import NationalStandIn
from tte.services import enrol, revoke
from tte.signing import verify_pdf

pytestmark = pytest.mark.django_db
PASSPHRASE = "rahasia-kepala-dinas"
KADIS_NIK = "5371011203750001"


@pytest.fixture
def kadis(make_position, make_user):
    return make_user(
        holds=make_position(name="Kepala Dinas", heads_opd=True),
        full_name="Hendra Siregar",
        nik=KADIS_NIK,
    )


@pytest.fixture
def national():
    with NationalStandIn() as service:
        yield service


def national_backend(service: NationalStandIn, timeout: float = 10) -> NationalBackend:
    return NationalBackend(base_url=service.url, timeout=timeout)


def refusal_code(sign) -> str:
    with pytest.raises(Refused) as refusal:
        sign()
    return refusal.value.code


def test_the_local_backend_signs_with_the_signers_certificate_and_the_letter_verifies(kadis, pdf_bytes):
    enrol(user=kadis, passphrase=PASSPHRASE)

    signed = LocalBackend().sign(
        pdf=pdf_bytes("Nota dinas"), signer=kadis, passphrase=PASSPHRASE, reason="Setuju"
    )

    result = verify_pdf(signed)
    assert result.valid and result.trusted and not result.revoked
    assert result.signer == "Hendra Siregar"


def test_the_local_backend_refuses_a_wrong_passphrase_and_a_missing_or_revoked_certificate(kadis, pdf_bytes):
    def sign(passphrase=PASSPHRASE):
        return lambda: LocalBackend().sign(pdf=pdf_bytes("x"), signer=kadis, passphrase=passphrase)

    assert refusal_code(sign()) == "no_certificate"
    certificate = enrol(user=kadis, passphrase=PASSPHRASE)
    assert refusal_code(sign("salah-sandi")) == "wrong_passphrase"
    revoke(actor=kadis, certificate=certificate, reason=Certificate.RevocationReason.KEY_COMPROMISE)
    assert refusal_code(sign()) == "revoked"
    enrol(user=kadis, passphrase=PASSPHRASE)
    assert verify_pdf(sign()()).valid, "a new certificate signs again"


def test_the_national_service_returns_the_pdf_with_one_valid_signature(national, kadis, pdf_bytes):
    national.register(nik=kadis.nik, passphrase=PASSPHRASE, name="Hendra Siregar")

    signed = national_backend(national).sign(
        pdf=pdf_bytes("Surat dinas"), signer=kadis, passphrase=PASSPHRASE, reason="Setuju"
    )

    signatures = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert len(signatures) == 1
    root = asn1_x509.Certificate.load(pem.unarmor(national.root_pem.encode())[2])
    status = validate_pdf_signature(
        signatures[0], signer_validation_context=ValidationContext(trust_roots=[root], allow_fetching=False)
    )
    assert status.bottom_line and status.intact
    assert status.signing_cert.subject.native["common_name"] == "Hendra Siregar"
    assert status.timestamp_validity is not None
    assert national.requests == 1


def test_a_wrong_passphrase_at_the_national_service_is_refused_without_retrying(national, kadis, pdf_bytes):
    national.register(nik=kadis.nik, passphrase=PASSPHRASE, name="Hendra Siregar")

    code = refusal_code(
        lambda: national_backend(national).sign(pdf=pdf_bytes("x"), signer=kadis, passphrase="salah-sandi")
    )

    assert code == "wrong_passphrase"
    assert national.requests == 1


def test_a_signer_unknown_to_the_national_service_is_refused(national, kadis, make_user, pdf_bytes):
    def sign(signer):
        return lambda: national_backend(national).sign(
            pdf=pdf_bytes("x"), signer=signer, passphrase=PASSPHRASE
        )

    assert refusal_code(sign(kadis)) == "no_certificate"
    assert national.requests == 1
    assert refusal_code(sign(make_user(nik=None))) == "no_certificate"
    assert national.requests == 1, "without a NIK there is nobody to ask for"


def test_a_stopped_service_is_unavailable_and_signs_once_it_is_started_again(national, kadis, pdf_bytes):
    national.register(nik=kadis.nik, passphrase=PASSPHRASE, name="Hendra Siregar")
    signing = national_backend(national)
    port = national.port

    national.stop()
    with pytest.raises(ServiceUnavailable):
        signing.sign(pdf=pdf_bytes("x"), signer=kadis, passphrase=PASSPHRASE)
    national.start()

    assert national.port == port
    signed = signing.sign(pdf=pdf_bytes("x"), signer=kadis, passphrase=PASSPHRASE)
    assert len(PdfFileReader(BytesIO(signed)).embedded_signatures) == 1


def test_a_failing_slow_or_misaddressed_service_is_unavailable(national, kadis, pdf_bytes):
    national.register(nik=kadis.nik, passphrase=PASSPHRASE, name="Hendra Siregar")

    def sign(signing):
        with pytest.raises(ServiceUnavailable):
            signing.sign(pdf=pdf_bytes("x"), signer=kadis, passphrase=PASSPHRASE)

    national.answer_with = 503
    sign(national_backend(national))
    national.answer_with = None
    sign(NationalBackend(base_url=national.url + "/salah", timeout=10))
    national.delay = 2
    sign(national_backend(national, timeout=0.5))


def test_the_backend_follows_the_setting(settings, national):
    assert isinstance(backend(), LocalBackend)
    settings.TTE_BACKEND, settings.TTE_NATIONAL_URL, settings.TTE_NATIONAL_TIMEOUT = (
        "national",
        national.url,
        7,
    )

    chosen = backend()

    assert isinstance(chosen, NationalBackend)
    assert (chosen.base_url, chosen.timeout) == (national.url, 7)
