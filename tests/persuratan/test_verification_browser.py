"""Someone outside the government scans the QR code, then checks the PDF they were sent."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from persuratan.models import OutgoingRecipient, SigningMode
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    paraf,
    request_signature,
    submit_for_review,
)
from tests.browser import assert_accessible
from tte.services import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "sandi-tte-kadis"


@pytest.fixture
def signed(opd, make_position, make_user, classification):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    staf = make_position(name="Pranata Komputer", parent=kadis, kind="fungsional")
    kadis_user = make_user(holds=kadis, full_name="Hendra Siregar")
    staf_user = make_user(holds=staf)
    enrol(user=kadis_user, passphrase=PASSPHRASE)
    letter = create_draft(
        actor=staf_user,
        position=staf,
        details=DraftDetails(
            letter_type="internal_memo",
            subject="Undangan rapat evaluasi SPBE",
            security_class="ordinary",
            urgency="normal",
            classification=classification,
            signer_position=kadis,
            signing_mode=SigningMode.OWN,
            on_behalf_of=None,
        ),
        recipients=[
            RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Bupati Kupang", institution="Pemkab Kupang")
        ],
        body_html="<p>Dengan hormat, kami mengundang Bapak/Ibu.</p>",
        reviewers=[kadis],
    )
    submit_for_review(actor=staf_user, letter=letter)
    paraf(actor=kadis_user, letter=letter)
    # The signing task runs on commit; pyHanko's event loop cannot start in this thread beside Playwright's.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(_sign_apart, kadis_user, letter).result()
    letter.refresh_from_db()
    assert letter.status == "signed"
    return letter


def _sign_apart(signer, letter) -> None:
    try:
        request_signature(actor=signer, letter=letter, passphrase=PASSPHRASE)
    finally:
        connection.close()


def test_a_member_of_the_public_opens_the_qr_link_and_checks_the_pdf(signed, page):
    page.goto(f"/verifikasi/{signed.verification_code}/")
    expect(page.get_by_text("Dokumen asli dan tanda tangan elektronik valid")).to_be_visible()
    expect(page.get_by_text(signed.number)).to_be_visible()
    expect(page.get_by_text("Hendra Siregar")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Periksa berkasnya").click()
    with signed.signed_pdf.open("rb") as handle:
        content = handle.read()
    page.get_by_label("Berkas PDF").set_input_files(
        files=[{"name": "surat.pdf", "mimeType": "application/pdf", "buffer": content}]
    )
    page.get_by_role("button", name="Periksa").click()
    expect(page.get_by_role("heading", name="Hasil pemeriksaan")).to_be_visible()
    expect(page.get_by_text("Dokumen asli dan tanda tangan elektronik valid")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Lihat halaman verifikasi surat").click()
    expect(page).to_have_url(f"{page.url.split('/verifikasi/')[0]}/verifikasi/{signed.verification_code}/")
