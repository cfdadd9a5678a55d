"""The whole life of a nota dinas in a real browser, at desktop and 360 px, every screen checked by axe:
a staff member drafts it from the template, the first reviewer parafs, the second returns it once,
the drafter revises and compares versions, both paraf, the Kepala Dinas signs after the final
preview, the Kepala Dinas of another OPD finds it in his inbox, and the link printed beside the QR
code opens a page that says the signature is valid."""

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from persuratan.models import InboxItem, OutgoingLetter
from tests.browser import assert_accessible, log_in, open_menu
from tte.services import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "sandi-tte-kepala-dinas"
SUBJECT = "Undangan rapat koordinasi satu data"


@pytest.fixture
def province(opd, other_opd, make_position, make_user, classification):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    sekdis = make_position(name="Sekretaris Dinas Kominfos", parent=kadis)
    kabid = make_position(name="Kepala Bidang Statistik", parent=sekdis)
    staf = make_position(name="Statistisi Ahli Muda", parent=kabid, kind="fungsional")
    dinsos_head = make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
    return {
        "staf": make_user(holds=staf, full_name="Made Wirawan"),
        "kabid": make_user(holds=kabid, full_name="Ratna Wowor"),
        "sekdis": make_user(holds=sekdis, full_name="Yohanes Lumban"),
        "kadis": make_user(holds=kadis, full_name="Hendra Siregar", nip="197001011995031001"),
        "dinsos": make_user(holds=dinsos_head, full_name="Siti Rahmawati"),
    }


def _switch_to(page: Page, user) -> None:
    page.context.clear_cookies()
    log_in(page, user)


def _open_from_overview(page: Page) -> None:
    page.goto("/surat-keluar/")
    page.get_by_role("link", name=SUBJECT).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)


def _type_in_editor(page: Page, text: str) -> None:
    """Write at the end of the rich-text editor, as a person would."""
    editor = page.locator(".ProseMirror").first
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def test_a_nota_dinas_goes_from_draft_to_a_verified_letter_in_another_opds_inbox(page: Page, province):
    _switch_to(page, province["staf"])
    open_menu(page)
    page.get_by_role("link", name="Surat Keluar").click()
    page.get_by_role("link", name="Buat konsep").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Nota Dinas")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buat Konsep Nota Dinas")
    page.locator("#id_subject").fill(SUBJECT)
    page.locator("#id_classification").select_option(label="000.1.2 — Perjalanan Dinas Dalam Negeri")
    expect(page.locator("input[name=signer_position]:checked")).to_have_value(
        str(province["kadis"].assignments.get().position_id)
    )
    page.get_by_role("combobox", name="Kepada (jabatan di lingkungan provinsi)").fill("sosial")
    page.get_by_role("option", name=re.compile("^Kepala Dinas Sosial — Dinsos")).click()
    expect(page.get_by_role("checkbox", name="Kepala Dinas Sosial — Dinsos")).to_be_checked()
    expect(page.locator(".ProseMirror").first).to_contain_text("Sehubungan dengan ${perihal}")
    _type_in_editor(page, "Mohon kehadiran Bapak pada rapat koordinasi satu data.")
    assert_accessible(page)
    page.get_by_role("button", name="Simpan konsep").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    body = page.get_by_role("region", name=re.compile("^Isi surat"))
    expect(body).to_contain_text("Sehubungan dengan ${perihal}")
    expect(body).to_contain_text("Mohon kehadiran Bapak")
    page.get_by_role("button", name="Ajukan konsep").click()
    expect(page.get_by_text("Dalam paraf").first).to_be_visible()
    assert_accessible(page)

    _switch_to(page, province["sekdis"])
    page.goto("/surat-keluar/")
    expect(page.get_by_role("link", name=SUBJECT)).to_have_count(0)  # not the second reviewer's turn yet

    _switch_to(page, province["kabid"])
    _open_from_overview(page)
    page.get_by_role("button", name="Paraf").click()
    expect(page.get_by_text("Paraf tercatat.")).to_be_visible()

    _switch_to(page, province["sekdis"])
    _open_from_overview(page)
    page.get_by_label("Catatan").fill("Cantumkan waktu dan tempat rapat.")
    assert_accessible(page)
    page.get_by_role("button", name="Kembalikan dengan catatan").click()
    expect(page.get_by_text("Konsep dikembalikan kepada penyusun.")).to_be_visible()

    _switch_to(page, province["staf"])
    _open_from_overview(page)
    expect(page.get_by_text("Cantumkan waktu dan tempat rapat.")).to_be_visible()
    page.get_by_text("Ubah isi (simpan sebagai versi baru)").click()
    _type_in_editor(page, "Rapat diadakan Senin di Ruang Rapat Utama.")
    page.get_by_label("Catatan perubahan").fill("Waktu dan tempat rapat ditambahkan")
    page.get_by_role("button", name="Simpan versi baru").click()
    expect(page.get_by_text("Versi 2 disimpan.")).to_be_visible()
    page.get_by_role("link", name="Bandingkan versi").click()
    expect(page.locator(".kv-diff ins")).to_contain_text("Ruang Rapat Utama")
    assert_accessible(page)
    page.go_back()
    page.get_by_role("button", name="Ajukan konsep").click()

    for reviewer in ("kabid", "sekdis"):
        _switch_to(page, province[reviewer])
        _open_from_overview(page)
        page.get_by_role("button", name="Paraf").click()
        expect(page.get_by_text("Paraf tercatat.")).to_be_visible()
    expect(page.get_by_text("Siap ditandatangani").first).to_be_visible()

    enrol(user=province["kadis"], passphrase=PASSPHRASE)
    _switch_to(page, province["kadis"])
    _open_from_overview(page)
    preview = page.frame_locator("iframe[title^='Pratinjau naskah']")
    expect(preview.get_by_text("NOTA DINAS")).to_be_visible()
    expect(preview.get_by_text(f"Sehubungan dengan {SUBJECT}")).to_be_visible()
    expect(preview.get_by_text("Hendra Siregar")).to_be_visible()
    page.get_by_label("Kata sandi TTE").fill("bukan-sandinya")
    page.get_by_role("button", name="Tandatangani").click()
    expect(page.get_by_text("Kata sandi TTE salah").first).to_be_visible(timeout=20_000)
    page.reload()
    page.get_by_label("Kata sandi TTE").fill(PASSPHRASE)
    assert_accessible(page)
    page.get_by_role("button", name="Tandatangani").click()
    expect(page.get_by_role("link", name="Halaman verifikasi")).to_be_visible(timeout=20_000)
    letter = OutgoingLetter.objects.get()
    expect(page.get_by_text(f"Ditandatangani dengan nomor {letter.number}")).to_be_visible()
    assert_accessible(page)

    _switch_to(page, province["dinsos"])
    open_menu(page)
    page.get_by_role("link", name=re.compile("^Kotak Masuk")).click()
    page.get_by_role("link", name=re.compile(SUBJECT)).first.click()
    expect(page.get_by_text(letter.number).first).to_be_visible()
    assert_accessible(page)
    assert InboxItem.objects.filter(letter__opd__code="DINSOS").count() == 1

    with letter.signed_pdf.open("rb") as handle:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    printed = re.search(r"/verifikasi/[\w-]+/", text.replace("\n", ""))
    assert printed, "the stamp prints the verification link that the QR code holds"
    page.context.clear_cookies()
    page.goto(printed.group(0))
    expect(page.get_by_role("status")).to_contain_text("valid")
    expect(page.get_by_text(letter.number)).to_be_visible()
    expect(page.get_by_text(SUBJECT)).to_be_visible()  # sifat biasa: the perihal is public
    assert_accessible(page)
