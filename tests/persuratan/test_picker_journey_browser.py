"""Pickers in a real browser, at desktop and 360 px, checked by axe: the operator registers a letter
choosing the tembusan by keyboard alone, the Kepala Dinas disposes it to a position two levels down
found by its holder's name and drafts a reply to another OPD's head; and, with JavaScript off, the
register's "Cari" button offers the matches to tick."""

import pytest
from playwright.sync_api import Page, expect

from disposisi.models import Disposition
from persuratan.models import IncomingLetter, OutgoingLetter
from tests.browser import VIEWPORTS, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SUBJECT = "Permintaan data pengguna aplikasi"


@pytest.fixture
def office(opd, other_opd, make_position, make_user, make_operator, classification):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    aptika = make_position(name="Kepala Bidang Aplikasi Informatika", parent=kadis, order=1)
    ikp = make_position(name="Kepala Bidang Informasi Publik", parent=kadis, order=2)
    programmer = make_position(name="Pranata Komputer Ahli Muda", parent=aptika, kind="fungsional")
    dinsos = make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
    return {
        "operator": make_operator(opd=opd, full_name="Rina Operator"),
        "kadis": make_user(holds=kadis, full_name="Budi Kepala"),
        "aptika": make_user(holds=aptika, full_name="Sari Aptika"),
        "ikp": make_user(holds=ikp, full_name="Joko Ikp"),
        "programmer": make_user(holds=programmer, full_name="Dewi Wulandari"),
        "dinsos": make_user(holds=dinsos, full_name="Siti Rahmawati"),
        "positions": {"ikp": ikp, "programmer": programmer, "dinsos": dinsos},
    }


def _fill_register(page: Page, scan) -> None:
    page.locator("#id_sender_name").fill("Kementerian Komunikasi dan Digital")
    page.locator("#id_sender_number").fill("B-77/KOMDIGI/2026")
    page.locator("#id_letter_date").fill("2026-11-20")
    page.locator("#id_subject").fill(SUBJECT)
    page.locator("#id_classification").select_option(label="000.1.2 — Perjalanan Dinas Dalam Negeri")
    page.locator("#id_scans").set_input_files(str(scan))


def test_register_by_keyboard_dispose_deeper_and_draft_to_another_opd(
    page: Page, office, pdf_bytes, tmp_path
):
    scan = tmp_path / "surat.pdf"
    scan.write_bytes(pdf_bytes("Permintaan data"))

    # The operator registers the letter; the tembusan is chosen with the keyboard alone.
    log_in(page, office["operator"])
    page.goto("/surat-masuk/catat/")
    _fill_register(page, scan)
    copies = page.get_by_role("combobox", name="Tembusan")
    copies.focus()
    page.keyboard.type("informasi")
    option = page.get_by_role("option", name="Kepala Bidang Informasi Publik", exact=False)
    expect(option).to_be_visible()
    expect(page.get_by_text("1 jabatan cocok")).to_be_attached()
    page.keyboard.press("ArrowDown")
    expect(copies).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    page.keyboard.press("Enter")
    chosen = page.get_by_role("checkbox", name="Kepala Bidang Informasi Publik — ", exact=False)
    expect(chosen).to_be_checked()
    expect(copies).to_have_value("")
    assert_accessible(page)
    page.keyboard.press("Shift+Tab")  # back to the button that removes the choice, just before the box
    expect(
        page.get_by_role("button", name="Hapus Kepala Bidang Informasi Publik", exact=False)
    ).to_be_focused()
    page.keyboard.press("Enter")
    expect(chosen).to_have_count(0)
    copies.focus()
    page.keyboard.type("joko")  # the holder's name finds the position too
    expect(page.get_by_role("option", name="Kepala Bidang Informasi Publik", exact=False)).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(chosen).to_be_checked()
    page.get_by_role("button", name="Simpan dan beri nomor agenda").click()
    expect(page.get_by_text("Surat dicatat dengan nomor agenda")).to_be_visible()
    letter = IncomingLetter.objects.get(subject=SUBJECT)
    assert {item.position for item in letter.inbox_items.filter(reason="copy")} == {
        office["positions"]["ikp"]
    }

    # The Kepala Dinas disposes it two levels down, to the position found by its holder's name.
    page.context.clear_cookies()
    log_in(page, office["kadis"])
    page.goto(letter.get_absolute_url())
    page.get_by_role("link", name="Teruskan").first.click()
    page.get_by_role("combobox", name="Jabatan lain di bawah Anda").fill("wulan")
    page.get_by_role("option", name="Pranata Komputer Ahli Muda", exact=False).click()
    expect(page.get_by_role("checkbox", name="Pranata Komputer Ahli Muda — ", exact=False)).to_be_checked()
    page.get_by_label("Siapkan bahan").check()
    assert_accessible(page)
    page.get_by_role("button", name="Kirim disposisi").click()
    expect(page.get_by_role("heading", name="Disposisi", exact=True)).to_be_visible()
    assert [row.item.position for row in Disposition.objects.all()] == [office["positions"]["programmer"]]

    # And drafts a letter to the head of another OPD, found by typing; the signer stays himself.
    page.goto("/surat-keluar/baru/?jenis=official_letter")
    page.locator("#id_subject").fill("Pemberitahuan jadwal integrasi data")
    page.locator("#id_classification").select_option(label="000.1.2 — Perjalanan Dinas Dalam Negeri")
    page.get_by_role("combobox", name="Kepada (jabatan di lingkungan provinsi)").fill("sosial")
    page.get_by_role("option", name="Kepala Dinas Sosial", exact=False).click()
    assert_accessible(page)
    page.get_by_role("button", name="Simpan konsep").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pemberitahuan jadwal integrasi data")
    draft = OutgoingLetter.objects.get()
    assert [recipient.position for recipient in draft.recipients.all()] == [office["positions"]["dinsos"]]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_without_javascript_the_register_searches_with_the_cari_button(
    chromium, live_server, office, pdf_bytes, tmp_path, viewport
):
    context = chromium.new_context(
        viewport=VIEWPORTS[viewport], locale="id-ID", base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        scan = tmp_path / "surat.pdf"
        scan.write_bytes(pdf_bytes("Permintaan data"))
        log_in(page, office["operator"])
        page.goto("/surat-masuk/catat/")
        page.get_by_label("Tembusan").fill("informasi")
        page.locator("#id_copies").get_by_role("button", name="Cari").click()
        expect(page.get_by_text("1 jabatan cocok dengan “informasi”")).to_be_visible()
        assert not IncomingLetter.objects.exists(), "a search saves nothing"
        page.locator("#id_copies").get_by_role(
            "checkbox", name="Kepala Bidang Informasi Publik", exact=False
        ).check()
        _fill_register(page, scan)
        page.get_by_role("button", name="Simpan dan beri nomor agenda").click()
        expect(page.get_by_text("Surat dicatat dengan nomor agenda")).to_be_visible()
        letter = IncomingLetter.objects.get()
        assert {item.position for item in letter.inbox_items.filter(reason="copy")} == {
            office["positions"]["ikp"]
        }
    finally:
        context.close()


def test_choosing_another_signer_asks_again_for_the_lawful_ways_and_the_paraf_chain(page: Page, office):
    """The drafter's chain is proposed to sign and paraf; a new signer chosen in the picker brings its
    own a.n. choices and a new paraf proposal, as the page without the picker did."""
    log_in(page, office["programmer"])
    page.goto("/surat-keluar/baru/?jenis=official_letter")
    reviewers = page.locator("#id_reviewers")
    expect(
        reviewers.get_by_role("checkbox", name="Kepala Bidang Aplikasi Informatika", exact=False)
    ).to_be_checked()
    signer = page.get_by_role("combobox", name="Penandatangan")
    signer.focus()
    expect(page.get_by_role("option", name="Kepala Bidang Aplikasi Informatika", exact=False)).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="Kepala Bidang Aplikasi Informatika", exact=False)).to_be_checked()
    # The Kepala Bidang answers to the Kepala Dinas: he may sign a.n. him, and nobody parafs between.
    expect(page.get_by_label("Cara tanda tangan").locator("option")).to_have_count(2)
    expect(page.locator("#id_reviewers").get_by_role("checkbox")).to_have_count(0)
    assert_accessible(page)
