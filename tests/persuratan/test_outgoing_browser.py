"""Outgoing letters in a real browser: a draft goes up one paraf and is signed; each screen passes axe."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, log_in, open_menu
from tte.services import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "sandi-tte-kepala"


@pytest.fixture
def office(opd, make_position, make_user, classification):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    kabid = make_position(name="Kepala Bidang Aplikasi", parent=kadis)
    staf = make_position(name="Pranata Komputer", parent=kabid, kind="fungsional")
    return {
        "kadis": make_user(holds=kadis, full_name="Hendra Siregar"),
        "kabid": make_user(holds=kabid, full_name="Ratna Wowor"),
        "staf": make_user(holds=staf, full_name="Made Wirawan"),
    }


def test_a_draft_is_parafed_and_signed(page: Page, office, live_server):
    subject = "Permintaan data aplikasi perangkat daerah"
    log_in(page, office["staf"])
    open_menu(page)
    page.get_by_role("link", name="Surat Keluar").click()
    assert_accessible(page)
    page.goto("/surat-keluar/baru/")
    page.locator("#id_subject").fill(subject)
    page.locator("#id_classification").select_option(label="000.1.2 — Perjalanan Dinas Dalam Negeri")
    page.locator("#id_signer_position").select_option(label="Kepala Dinas Kominfos — Diskominfos")
    page.locator("#id_addressees").select_option(label="Kepala Bidang Aplikasi — Diskominfos")
    page.locator("#id_body").fill("Dengan hormat, mohon data aplikasi yang dikelola.")
    assert_accessible(page)
    page.get_by_role("button", name="Simpan konsep").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(subject)
    page.get_by_role("button", name="Ajukan konsep").click()
    assert_accessible(page)

    page.context.clear_cookies()
    log_in(page, office["kabid"])
    page.goto("/surat-keluar/")
    page.get_by_role("link", name=subject).first.click()
    page.get_by_role("button", name="Paraf").click()
    expect(page.get_by_text("Siap ditandatangani").first).to_be_visible()

    enrol(user=office["kadis"], passphrase=PASSPHRASE)
    page.context.clear_cookies()
    log_in(page, office["kadis"])
    page.goto("/surat-keluar/")
    page.get_by_role("link", name=subject).first.click()
    page.get_by_label("Kata sandi TTE").fill(PASSPHRASE)
    assert_accessible(page)
    page.get_by_role("button", name="Tandatangani").click()
    expect(page.get_by_role("link", name="Halaman verifikasi")).to_be_visible(timeout=20_000)
    assert_accessible(page)
