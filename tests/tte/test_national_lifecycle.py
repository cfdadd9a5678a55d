"""With TTE_BACKEND=national every step of a certificate's life goes to the national service, which
knows signers by NIK. The service is replaced by `tte.national_standin` (we cannot reach BSrE from
here); our services, the HTTP between them and the PAdES signatures run for real."""

from io import BytesIO

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from tests.tte.conftest import KADIS_NIK, NEW_PASSPHRASE, PASSPHRASE
from tte.backends import backend
from tte.models import Certificate
from tte.national_standin import NationalStandIn
from tte.services import approve_request, change_passphrase, enrol, reject_request, revoke

pytestmark = pytest.mark.django_db


def refused(action) -> str:
    with pytest.raises(Refused) as refusal:
        action()
    return refusal.value.code


def signed_by(service: NationalStandIn, signed: bytes) -> str:
    """The signer's name in a PDF the service signed, after validating it against the service's root."""
    (signature,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    root = asn1_x509.Certificate.load(pem.unarmor(service.root_pem.encode())[2])
    status = validate_pdf_signature(
        signature, signer_validation_context=ValidationContext(trust_roots=[root], allow_fetching=False)
    )
    assert status.bottom_line and status.intact
    return status.signing_cert.subject.native["common_name"]


def test_request_issue_sign_change_passphrase_revoke_and_refuse_through_the_national_service(
    national, office, ask, pdf_bytes
):
    kadis = office["kadis"]

    def sign(passphrase):
        return backend().sign(pdf=pdf_bytes("Nota dinas"), signer=kadis, passphrase=passphrase)

    asked = ask()
    assert national.state_of(KADIS_NIK) == "menunggu_verifikasi", "registered by NIK, not by NIP"
    assert (asked.issuer, asked.key_pem, asked.public_key_pem) == (Certificate.Issuer.NATIONAL, "", "")
    assert refused(lambda: sign(PASSPHRASE)) == "certificate_pending"

    issued = approve_request(actor=office["admin"], certificate=asked)
    assert national.state_of(KADIS_NIK) == "terbit"
    assert issued.serial and issued.not_after > issued.not_before and issued.authority is None
    assert "CN=Hendra Siregar" in issued.subject
    assert signed_by(national, sign(PASSPHRASE)) == "Hendra Siregar"

    def change(old):
        return change_passphrase(
            actor=kadis,
            certificate=issued,
            old_passphrase=old,
            new_passphrase=NEW_PASSPHRASE,
            new_passphrase_again=NEW_PASSPHRASE,
        )

    assert refused(lambda: change("Salah-Sandi-2026")) == "wrong_passphrase"
    assert signed_by(national, sign(PASSPHRASE)) == "Hendra Siregar", "a refused change changes nothing"
    change(PASSPHRASE)
    assert refused(lambda: sign(PASSPHRASE)) == "wrong_passphrase"
    assert signed_by(national, sign(NEW_PASSPHRASE)) == "Hendra Siregar"

    revoke(actor=kadis, certificate=issued, reason="key_compromise")

    assert national.state_of(KADIS_NIK) == "dicabut"
    assert refused(lambda: sign(NEW_PASSPHRASE)) == "revoked"
    assert [event.verb for event in timeline_for(target=issued)] == [
        "requested",
        "issued",
        "passphrase_changed",
        "revoked",
    ]
    assert national.calls.count("/api/sign/pdf") == national.requests == 6


def test_a_rejection_reaches_the_national_service_and_the_person_may_ask_again(national, office, ask):
    asked = ask()
    reject_request(actor=office["admin"], certificate=asked, reason="NIK tidak sesuai KTP-el")
    assert national.state_of(KADIS_NIK) == "ditolak"

    again = ask()

    assert national.state_of(KADIS_NIK) == "menunggu_verifikasi"
    assert again.status == Certificate.Status.REQUESTED


def test_a_service_that_is_down_changes_nothing_here(national, office, ask):
    asked = ask()
    national.stop()

    assert refused(lambda: approve_request(actor=office["admin"], certificate=asked)) == "service_unavailable"
    assert refused(ask) == "already_enrolled"  # the request waits, still the live one
    national.start()
    national.answer_with = 503
    assert refused(lambda: approve_request(actor=office["admin"], certificate=asked)) == "service_unavailable"
    national.answer_with = None

    asked.refresh_from_db()
    assert asked.status == Certificate.Status.REQUESTED and asked.serial == ""
    assert [event.verb for event in timeline_for(target=asked)] == ["requested"]
    assert approve_request(actor=office["admin"], certificate=asked).status == Certificate.Status.ISSUED


def test_a_request_refused_by_the_service_leaves_no_request_here(national, office, ask):
    national.register(nik=KADIS_NIK, passphrase=PASSPHRASE, name="Hendra Siregar")  # enrolled elsewhere

    assert refused(ask) == "already_registered"
    assert not Certificate.objects.exists()


def test_the_loader_registers_and_issues_at_the_national_service_by_nik(
    national, office, make_user, pdf_bytes
):
    kadis = office["kadis"]
    kadis.nik = KADIS_NIK
    kadis.save(update_fields=["nik"])

    enrol(user=kadis, passphrase="sandi-tte-kadis")

    assert national.state_of(KADIS_NIK) == "terbit"
    signed = backend().sign(pdf=pdf_bytes("x"), signer=kadis, passphrase="sandi-tte-kadis")
    assert signed_by(national, signed) == "Hendra Siregar"
    assert refused(lambda: enrol(user=office["plt_kabid"], passphrase="sandi-tte-plt")) == "bad_nik"
