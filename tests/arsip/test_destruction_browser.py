"""Pemusnahan arsip in a real browser, at desktop and 360 px, every screen checked by axe: the arsiparis
proposes an expired record from the due list, the Kepala Dinas approves and signs the berita acara
with TTE, and the record shows as destroyed, its metadata kept and its scan gone."""

import re

import pytest
from playwright.sync_api import Page, expect

from arsip.models import Proposal, Record
from kantor_virtual.files import private_storage
from tests.browser import assert_accessible, log_in, open_menu
from tte.services import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "sandi-tte-kepala-dinas"
TITLE = "Laporan pengadaan alat tulis kantor 2015"


def _switch_to(page: Page, user) -> None:
    page.context.clear_cookies()
    log_in(page, user)


def _archive_menu(page: Page, item: str) -> None:
    open_menu(page)
    page.get_by_role("button", name="Arsip", exact=True).click()
    page.get_by_role("link", name=item, exact=True).click()


def test_an_expired_record_is_proposed_approved_destroyed_and_keeps_its_metadata(
    page: Page, office, make_record
):
    record = make_record(title=TITLE)
    make_record(title="Rencana strategis 2015", final_disposition="permanen")
    scan = record.incoming.files.get().file.name

    _switch_to(page, office["arsiparis"])
    _archive_menu(page, "Penyusutan Arsip")
    page.get_by_role("link", name=re.compile("^Pemusnahan Arsip")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Penyusutan Arsip")
    expect(page.get_by_text("Rencana strategis 2015")).to_have_count(0)  # permanen: never in this list
    page.get_by_label(TITLE).check()
    page.get_by_label("Pertimbangan").fill("Retensi inaktif telah habis; arsip tidak bernilai guna lagi.")
    assert_accessible(page)
    page.get_by_role("button", name="Usulkan pemusnahan arsip").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Usul Pemusnahan Arsip")
    expect(page.get_by_text("Usul pemusnahan arsip dikirim kepada pimpinan.")).to_be_visible()
    assert_accessible(page)
    proposal = Proposal.objects.get()

    enrol(user=office["kadis_user"], passphrase=PASSPHRASE)
    _switch_to(page, office["kadis_user"])
    _archive_menu(page, "Usul Penyusutan")
    assert_accessible(page)
    page.get_by_role("link", name=f"Pemusnahan arsip #{proposal.pk}").click()
    expect(page.get_by_role("cell", name=TITLE)).to_be_visible()
    page.get_by_label("Catatan keputusan").fill("Setuju dimusnahkan.")
    assert_accessible(page)
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text("Usul disetujui; berita acara siap Anda tandatangani.")).to_be_visible()
    page.get_by_role("link", name="Buka berita acara untuk ditandatangani").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemusnahan Arsip")
    preview = page.frame_locator("iframe[title^='Pratinjau naskah']")
    expect(preview.locator(".judul")).to_contain_text("PEMUSNAHAN ARSIP")
    expect(preview.get_by_text(TITLE)).to_be_visible()
    page.get_by_label("Kata sandi TTE").fill(PASSPHRASE)
    assert_accessible(page)
    page.get_by_role("button", name="Tandatangani").click()
    expect(page.get_by_role("link", name="Halaman verifikasi")).to_be_visible(timeout=20_000)
    proposal.refresh_from_db()
    number = proposal.berita_acara.number
    expect(page.get_by_text(f"Ditandatangani dengan nomor {number}")).to_be_visible()

    _switch_to(page, office["arsiparis"])
    page.goto(f"/arsip/usul/{proposal.pk}/")
    expect(page.get_by_text("Selesai (berita acara ditandatangani)")).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(f"Dimusnahkan berdasarkan Berita Acara nomor {number}")).to_be_visible()
    expect(page.get_by_text(record.number).first).to_be_visible()
    expect(page.get_by_text("Musnah", exact=True)).to_be_visible()
    assert_accessible(page)
    pdf = page.request.get(page.get_by_role("link", name="Unduh berita acara (PDF)").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert Record.objects.get(pk=record.pk).state == Record.State.DESTROYED
    assert not private_storage.exists(scan), "the scan left storage"
