import socket
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from kantor_virtual.errors import Refused
from tte.models import Certificate
from tte.services import enrol, ensure_authority, revoke
from tte.signing import sign_pdf, verify_pdf

pytestmark = pytest.mark.django_db
PASSPHRASE = "rahasia-kepala-dinas"


@pytest.fixture
def kadis(make_position, make_user):
    return make_user(holds=make_position(name="Kepala Dinas", heads_opd=True), full_name="Hendra Siregar")


@pytest.fixture
def signed(kadis, pdf_bytes):
    certificate = enrol(user=kadis, passphrase=PASSPHRASE)
    return certificate, sign_pdf(pdf=pdf_bytes("Nota dinas"), certificate=certificate, passphrase=PASSPHRASE)


def test_a_signed_letter_verifies_with_its_signer_and_time(signed):
    _, pdf = signed
    result = verify_pdf(pdf)
    assert result.signed and result.valid and result.intact and result.trusted and not result.revoked
    assert result.signer == "Hendra Siregar" and result.signed_at is not None


def test_a_single_changed_byte_makes_the_signature_invalid(signed):
    _, pdf = signed
    position = pdf.index(b"Nota") if b"Nota" in pdf else len(pdf) // 3
    tampered = pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1 :]
    assert not verify_pdf(tampered).valid


def test_an_unsigned_pdf_is_not_signed(pdf_bytes):
    ensure_authority()
    assert not verify_pdf(pdf_bytes("Tanpa tanda tangan")).signed
    assert not verify_pdf(b"bukan pdf").signed


def test_a_wrong_passphrase_is_refused_clearly(kadis, pdf_bytes):
    certificate = enrol(user=kadis, passphrase=PASSPHRASE)
    with pytest.raises(Refused) as refusal:
        sign_pdf(pdf=pdf_bytes("x"), certificate=certificate, passphrase="salah-sandi")
    assert refusal.value.code == "wrong_passphrase"


def test_only_pimpinan_enrol_once_with_a_real_passphrase(kadis, make_user):
    with pytest.raises(Refused) as refusal:
        enrol(user=make_user(), passphrase=PASSPHRASE)
    assert refusal.value.code == "not_pimpinan"
    with pytest.raises(Refused) as refusal:
        enrol(user=kadis, passphrase="pendek")
    assert refusal.value.code == "weak_passphrase"
    enrol(user=kadis, passphrase=PASSPHRASE)
    with pytest.raises(Refused) as refusal:
        enrol(user=kadis, passphrase=PASSPHRASE)
    assert refusal.value.code == "already_enrolled"
    assert Certificate.objects.count() == 1


def test_a_revoked_certificate_shows_in_the_crl_and_cannot_sign(client, signed, kadis, pdf_bytes):
    certificate, pdf = signed
    revoke(actor=kadis, certificate=certificate, reason=Certificate.RevocationReason.KEY_COMPROMISE)
    certificate.refresh_from_db()

    from cryptography import x509

    crl = x509.load_der_x509_crl(client.get(reverse("tte:crl")).content)
    assert crl.get_revoked_certificate_by_serial_number(int(certificate.serial, 16)) is not None
    assert verify_pdf(pdf).revoked, "a letter signed with a now revoked certificate says so"
    with pytest.raises(Refused) as refusal:
        sign_pdf(pdf=pdf_bytes("x"), certificate=certificate, passphrase=PASSPHRASE)
    assert refusal.value.code == "revoked"


def test_the_signed_pdf_validates_offline_with_pyhanko_command_line(
    settings, kadis, pdf_bytes, tmp_path: Path
):
    """As an outside verifier: only the PDF and our root, revocation information required (AdES), and the
    CRL address in the certificate does not answer, so the CRL embedded at signing must vouch for the
    signer and the time-stamping authority."""
    with socket.socket() as unreachable:
        unreachable.bind(("127.0.0.1", 0))  # bound, never listening: a connection to it is refused
        settings.SITE_URL = f"http://127.0.0.1:{unreachable.getsockname()[1]}"
        certificate = enrol(user=kadis, passphrase=PASSPHRASE)
        unsigned = pdf_bytes("Nota dinas")
        pdf = sign_pdf(pdf=unsigned, certificate=certificate, passphrase=PASSPHRASE)
        (tmp_path / "root.pem").write_text(certificate.authority.certificate_pem)

        # `sign validate` of pyhanko-cli 0.6.0 reads no embedded validation data (it fetches from the
        # CRL address); `sign adesverify` is its LTV validator, and it requires revocation information.
        def pyhanko_validate(document: bytes) -> subprocess.CompletedProcess:
            (tmp_path / "surat.pdf").write_bytes(document)
            return subprocess.run(
                [str(Path(sys.executable).parent / "pyhanko"), "sign", "adesverify", "--executive-summary",
                 "--trust", str(tmp_path / "root.pem"), "--trust-replace", str(tmp_path / "surat.pdf")],
                capture_output=True, text=True, check=False, timeout=60,
            )  # fmt: skip

        result = pyhanko_validate(pdf)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip().endswith(":VALID"), result.stdout

        middle = len(unsigned) // 2  # inside what the signature covers
        tampered = pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1 :]
        # The signature's own revision, without the validation data appended after it.
        _, _, start, length = PdfFileReader(BytesIO(pdf)).embedded_signatures[0].sig_object["/ByteRange"]
        for broken in (tampered, pdf[: start + length]):
            result = pyhanko_validate(broken)
            assert result.returncode != 0 and result.stdout.strip().endswith(":INVALID"), result.stdout


def test_a_crl_kept_by_the_process_is_never_given_to_another_authority_under_the_same_id():
    """A restored or flushed database can make the authority again, with new keys, under the id and
    CRL number of the one whose CRL this process made: that CRL would not verify."""
    from cryptography import x509

    from tte.models import Authority
    from tte.signing import current_crl

    first = ensure_authority()
    current_crl(first)
    first_id = first.pk
    first.delete()
    Authority.objects.filter(pk=ensure_authority().pk).update(id=first_id)
    again = Authority.objects.get(pk=first_id)

    crl = x509.load_der_x509_crl(current_crl(again))

    root = x509.load_pem_x509_certificate(again.certificate_pem.encode())
    assert crl.is_signature_valid(root.public_key())
