"""Public verification: the QR code's page and the PDF upload, for anyone, without signing in."""

import random
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from persuratan.models import OutgoingLetter, OutgoingRecipient, SigningMode
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    paraf,
    request_signature,
    sign_outgoing,
    submit_for_review,
)
from tte.models import Certificate
from tte.services import enrol, revoke

pytestmark = pytest.mark.django_db
PASSPHRASE = "sandi-tte-kadis"


@pytest.fixture
def client(client):
    """A client address of its own, so that the upload counter of one test never reaches another."""
    client.defaults["REMOTE_ADDR"] = _random_address()
    return client


def _random_address() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


@pytest.fixture
def chain(opd, make_position, make_user):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    sekdis = make_position(name="Sekretaris Dinas", parent=kadis)
    staf = make_position(name="Pranata Komputer", parent=sekdis, kind="fungsional")
    return {
        "kadis": kadis, "sekdis": sekdis, "staf": staf,
        "kadis_user": make_user(holds=kadis, full_name="Hendra Siregar"),
        "sekdis_user": make_user(holds=sekdis), "staf_user": make_user(holds=staf),
    }  # fmt: skip


@pytest.fixture
def approved(chain, classification):
    def make(
        *,
        security_class="ordinary",
        subject="Undangan rapat evaluasi SPBE",
        mode=SigningMode.OWN,
        signer=None,
    ):
        letter = create_draft(
            actor=chain["staf_user"],
            position=chain["staf"],
            details=DraftDetails(
                letter_type="internal_memo",
                subject=subject,
                security_class=security_class,
                urgency="normal",
                classification=classification,
                signer_position=signer or chain["kadis"],
                signing_mode=mode,
                on_behalf_of=chain["kadis"] if mode != SigningMode.OWN else None,
            ),
            recipients=[
                RecipientSpec(
                    kind=OutgoingRecipient.Kind.TO, name="Bupati Kupang", institution="Pemkab Kupang"
                )
            ],
            body_html="<p>Dengan hormat, kami mengundang Bapak/Ibu.</p>",
            reviewers=[chain["sekdis"]],
        )
        submit_for_review(actor=chain["staf_user"], letter=letter)
        paraf(actor=chain["sekdis_user"], letter=letter)
        letter.refresh_from_db()
        return letter

    return make


@pytest.fixture
def sign(chain):
    def make(letter: OutgoingLetter, signer=None) -> OutgoingLetter:
        request_signature(actor=signer or chain["kadis_user"], letter=letter, passphrase=PASSPHRASE)
        assert sign_outgoing(letter_id=letter.pk) is True
        letter.refresh_from_db()
        return letter

    return make


@pytest.fixture
def certificate(chain):
    return enrol(user=chain["kadis_user"], passphrase=PASSPHRASE)


@pytest.fixture
def signed(approved, sign, certificate):
    return sign(approved())


def _pdf(letter: OutgoingLetter) -> bytes:
    with letter.signed_pdf.open("rb") as handle:
        return handle.read()


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def _upload(client, content: bytes, name: str = "surat.pdf"):
    return client.post(reverse("verifikasi:upload"), {"document": SimpleUploadedFile(name, content)})


def test_the_qr_page_shows_the_letter_and_says_it_is_valid_without_a_login(client, signed):
    response = client.get(reverse("verifikasi:letter", args=[signed.verification_code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert signed.number in page and "Hendra Siregar" in page and "Kepala Dinas Kominfos" in page
    assert "Undangan rapat evaluasi SPBE" in page, "perihal is shown for sifat biasa"
    assert signed.opd.name in page
    assert "Dokumen asli dan tanda tangan elektronik valid" in page
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("security_class", ["restricted", "secret"])
def test_the_qr_page_hides_the_perihal_of_a_letter_that_is_not_biasa(
    client, approved, sign, certificate, security_class
):
    letter = sign(approved(security_class=security_class, subject="Hasil audit investigasi"))
    page = client.get(reverse("verifikasi:letter", args=[letter.verification_code])).content.decode()
    assert letter.number in page and "Hasil audit investigasi" not in page


def test_a_plt_signing_on_behalf_shows_both_positions(client, chain, approved, sign, make_user):
    plt = make_user(acts_for=chain["sekdis"], full_name="Yohanes Manafe")
    enrol(user=plt, passphrase=PASSPHRASE)
    letter = sign(approved(mode=SigningMode.ON_BEHALF, signer=chain["sekdis"]), signer=plt)
    page = client.get(reverse("verifikasi:letter", args=[letter.verification_code])).content.decode()
    assert (
        "a.n. Kepala Dinas Kominfos" in page and "Plt. Sekretaris Dinas" in page and "Yohanes Manafe" in page
    )


def test_an_unknown_code_and_an_unsigned_letter_answer_the_same_404(client, approved):
    unsigned = approved()
    unknown = client.get(reverse("verifikasi:letter", args=["tidak-ada-kode-seperti-ini"]))
    not_yet = client.get(reverse("verifikasi:letter", args=[unsigned.verification_code]))
    assert unknown.status_code == not_yet.status_code == 404
    assert unsigned.subject not in not_yet.content.decode()
    assert _main(unknown) == _main(not_yet), "nothing tells the two apart"


def test_a_certificate_revoked_after_signing_shows_on_the_qr_page_and_on_upload(
    client, chain, signed, certificate
):
    # A CRL dates a revocation to the second: revoked in the second of the signature, it would read
    # as revoked before it.
    time.sleep(1.1)
    revoke(
        actor=chain["kadis_user"], certificate=certificate, reason=Certificate.RevocationReason.KEY_COMPROMISE
    )
    page = client.get(reverse("verifikasi:letter", args=[signed.verification_code])).content.decode()
    assert "Sertifikat elektronik penanda tangan telah dicabut pada" in page
    assert "valid pada saat naskah ditandatangani" in page
    assert "Dokumen asli dan tanda tangan elektronik valid" not in page
    assert "telah dicabut" in _upload(client, _pdf(signed)).content.decode()


def test_uploading_the_signed_pdf_says_valid_and_links_to_its_letter(client, signed):
    response = _upload(client, _pdf(signed))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dokumen asli dan tanda tangan elektronik valid" in page and "Hendra Siregar" in page
    assert reverse("verifikasi:letter", args=[signed.verification_code]) in page


def test_a_single_changed_byte_makes_the_upload_not_valid_and_unlinked(client, signed):
    pdf = _pdf(signed)
    position = pdf.index(b"stream") + 20  # inside the first content stream, covered by the signature
    tampered = pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1 :]
    page = _upload(client, tampered).content.decode()
    assert "Tidak valid" in page and "Dokumen asli dan tanda tangan elektronik valid" not in page
    assert signed.verification_code not in page


def test_an_unsigned_pdf_is_said_to_carry_no_signature(client, pdf_bytes):
    page = _upload(client, pdf_bytes("Surat tanpa tanda tangan")).content.decode()
    assert "tidak memuat tanda tangan elektronik" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"GIF89a bukan pdf sama sekali", "bukan PDF menurut isinya"), (b"", "kosong")],
)
def test_a_file_that_is_not_a_pdf_gets_a_clear_message(client, content, message):
    response = _upload(client, content, name="surat.pdf")
    assert response.status_code == 200
    assert message in response.content.decode() and "Hasil pemeriksaan" not in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(client, settings, pdf_bytes):
    settings.UPLOAD_MAX_BYTES = 100
    assert "terlalu besar" in _upload(client, pdf_bytes("Surat besar")).content.decode()


def test_uploads_beyond_the_limit_are_answered_with_429(client, settings, pdf_bytes):
    settings.PORTAL_RATE_VERIFICATION_IP = "2/10m"
    content = pdf_bytes("Surat")
    assert [_upload(client, content).status_code for _ in range(3)] == [200, 200, 429]
    limited = _upload(client, content)
    assert limited.status_code == 429 and "Terlalu banyak permintaan" in limited.content.decode()
    client.defaults["REMOTE_ADDR"] = _random_address()
    assert _upload(client, content).status_code == 200, "another address has its own window"


def test_the_upload_form_keeps_csrf_protection(signed):
    strict = Client(enforce_csrf_checks=True, REMOTE_ADDR=_random_address())
    assert strict.get(reverse("verifikasi:upload")).status_code == 200
    assert _upload(strict, _pdf(signed)).status_code == 403
