"""A certificate's life in a real browser, at desktop and 360 px, every screen checked by axe: the
Kepala Dinas asks for a certificate, admin SPBE verifies and approves it, the Kepala Dinas signs a
letter with it, changes the passphrase, signs another with the new one, revokes the certificate,
is refused the next signature, and the first letter's public page tells the revocation while the
signature stays shown as made at its time."""

import re

import pytest
from playwright.sync_api import Page, expect

from organisasi.models import RoleGrant
from persuratan.models import OutgoingLetter, OutgoingRecipient, SigningMode
from persuratan.services.outgoing import DraftDetails, RecipientSpec, create_draft, submit_for_review
from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NIK = "5371011203750001"
FIRST, SECOND = "Pintu-Merah-2026", "Jendela-Biru-2027"
SUBJECTS = ("Undangan rapat satu data", "Laporan evaluasi SPBE", "Permintaan data statistik")


@pytest.fixture
def office(opd, other_opd, make_position, make_user, grant_role, classification):
    """A Kepala Dinas with three letters approved for signing, the staff member who drafted them, and
    admin SPBE."""
    kadis_position = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    staf_position = make_position(name="Statistisi Ahli Muda", parent=kadis_position, kind="fungsional")
    dinsos_head = make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
    kadis = make_user(holds=kadis_position, full_name="Hendra Siregar", nip="197408151999031001")
    staf = make_user(holds=staf_position, full_name="Made Wirawan")
    for subject in SUBJECTS:
        draft = create_draft(
            actor=staf,
            position=staf_position,
            details=DraftDetails(
                letter_type="internal_memo",
                subject=subject,
                security_class="ordinary",
                urgency="normal",
                classification=classification,
                signer_position=kadis_position,
                signing_mode=SigningMode.OWN,
                on_behalf_of=None,
            ),
            recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, position=dinsos_head)],
            body_html="<p>Dengan hormat, kami sampaikan.</p>",
            reviewers=[],
        )
        submit_for_review(actor=staf, letter=draft)  # no reviewers: ready for signing at once
    admin = grant_role(make_user(full_name="Admin SPBE"), RoleGrant.Role.ADMIN)
    return {"kadis": kadis, "admin": admin}


def _switch_to(page: Page, user) -> None:
    page.context.clear_cookies()
    log_in(page, user)


def _open_certificate_page(page: Page) -> None:
    open_menu(page)
    page.locator("#menu-akun").click()
    page.get_by_role("link", name="Sertifikat TTE").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sertifikat TTE")


def _sign(page: Page, subject: str, passphrase: str) -> None:
    letter = OutgoingLetter.objects.get(subject=subject)
    page.goto(f"/surat-keluar/{letter.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(subject)
    page.get_by_label("Kata sandi TTE").fill(passphrase)
    page.get_by_role("button", name="Tandatangani").click()


def test_request_approve_sign_change_passphrase_sign_revoke_and_be_refused(page: Page, office):
    kadis = office["kadis"]
    _switch_to(page, kadis)
    _open_certificate_page(page)
    expect(page.get_by_label("NIP")).to_have_value("197408151999031001")
    expect(page.get_by_label("Surel")).to_have_value(kadis.email)
    page.get_by_label("NIK").fill(NIK)
    page.get_by_label(re.compile("^Kata sandi TTE")).fill(FIRST)
    page.get_by_label(re.compile("^Ulangi kata sandi TTE")).fill(FIRST)
    assert_accessible(page)
    page.get_by_role("button", name="Ajukan sertifikat").click()
    expect(page.get_by_text("Permohonan sertifikat TTE terkirim.")).to_be_visible()
    expect(page.get_by_text("Diajukan", exact=True)).to_be_visible()
    assert_accessible(page)

    _switch_to(page, office["admin"])
    _open_certificate_page(page)
    page.get_by_role("link", name="Verifikasi permohonan sertifikat (admin SPBE)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Permohonan Sertifikat TTE")
    assert_accessible(page)
    page.get_by_role("link", name="Hendra Siregar").click()
    expect(page.get_by_text(NIK)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Setujui dan terbitkan").click()
    expect(page.get_by_text("Sertifikat TTE Hendra Siregar diterbitkan.")).to_be_visible()

    _switch_to(page, kadis)
    _sign(page, SUBJECTS[0], FIRST)
    expect(page.get_by_role("link", name="Halaman verifikasi")).to_be_visible(timeout=20_000)
    assert_accessible(page)

    _open_certificate_page(page)
    expect(page.get_by_text("Aktif", exact=True)).to_be_visible()
    page.get_by_label("Kata sandi TTE lama").fill("Salah-Sandi-2026")
    page.get_by_label(re.compile("^Kata sandi TTE baru")).fill(SECOND)
    page.get_by_label("Ulangi kata sandi TTE baru").fill(SECOND)
    page.get_by_role("button", name="Ganti kata sandi TTE").click()
    expect(page.get_by_text("Kata sandi TTE lama salah.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kata sandi TTE lama").fill(FIRST)
    page.get_by_label(re.compile("^Kata sandi TTE baru")).fill(SECOND)
    page.get_by_label("Ulangi kata sandi TTE baru").fill(SECOND)
    page.get_by_role("button", name="Ganti kata sandi TTE").click()
    expect(page.get_by_text("Kata sandi TTE sudah diganti.")).to_be_visible()

    _sign(page, SUBJECTS[1], SECOND)
    expect(page.get_by_role("link", name="Halaman verifikasi")).to_be_visible(timeout=20_000)

    _open_certificate_page(page)
    expect(page.get_by_text("Lupa kata sandi TTE?")).to_be_visible()
    page.get_by_label("Alasan pencabutan").select_option(
        label="Kunci bocor / kata sandi TTE diketahui orang lain"
    )
    page.get_by_role("button", name="Cabut sertifikat").click()
    expect(page.get_by_text("Sertifikat TTE Anda sudah dicabut.")).to_be_visible()
    expect(page.get_by_role("button", name="Ajukan sertifikat")).to_be_visible()
    assert_accessible(page)

    _sign(page, SUBJECTS[2], SECOND)
    expect(page.get_by_text("Sertifikat TTE Anda sudah dicabut").first).to_be_visible(timeout=20_000)
    expect(page.get_by_role("link", name="Buka Sertifikat TTE")).to_be_visible()
    assert OutgoingLetter.objects.get(subject=SUBJECTS[2]).status == OutgoingLetter.Status.APPROVED
    assert_accessible(page)

    first = OutgoingLetter.objects.get(subject=SUBJECTS[0])
    page.context.clear_cookies()
    page.goto(f"/verifikasi/{first.verification_code}/")
    expect(page.get_by_role("status")).to_contain_text("valid pada saat naskah ditandatangani")
    expect(
        page.get_by_text(re.compile("telah dicabut pada .*, setelah naskah ini ditandatangani"))
    ).to_be_visible()
    expect(page.get_by_text(first.number)).to_be_visible()
    assert_accessible(page)
