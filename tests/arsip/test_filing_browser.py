"""The arsiparis files two finished letters into a new berkas and finds it in the daftar arsip aktif,
then has the daftar printed; at both widths, with axe on every screen."""

import re

import pytest
from playwright.sync_api import Page, expect

from arsip.models import Record
from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def go_to(page: Page, item: str) -> None:
    open_menu(page)
    page.get_by_role("button", name="Arsip", exact=True).click()
    page.get_by_role("link", name=item, exact=True).click()


def test_the_arsiparis_files_two_finished_letters_and_sees_them_in_the_daftar_arsip_aktif(
    page, arsiparis, finished_letter, today
):
    first = finished_letter(subject="SPPD ke Jakarta")
    second = finished_letter(subject="SPPD ke Medan")

    log_in(page, arsiparis)
    go_to(page, "Pemberkasan")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pemberkasan")
    expect(page.get_by_role("row", name=re.compile("SPPD ke Jakarta"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label(first.agenda_label).check()
    page.get_by_label(second.agenda_label).check()
    page.get_by_role("button", name="Berkaskan").click()
    expect(page.get_by_text("Tuliskan uraian berkas baru, atau pilih berkas yang sudah ada.")).to_be_visible()
    expect(page.get_by_label(first.agenda_label)).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Uraian berkas baru").fill("Perjalanan dinas dalam negeri 2026")
    page.get_by_role("button", name="Berkaskan").click()

    expect(page.get_by_role("alert")).to_contain_text(f"Surat diberkaskan ke berkas nomor 1/{today.year}.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Perjalanan dinas dalam negeri 2026")
    expect(page.get_by_role("row", name=re.compile("SPPD ke Jakarta"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("SPPD ke Medan"))).to_be_visible()
    assert_accessible(page)
    assert Record.objects.filter(berkas__number=1, state=Record.State.ACTIVE).count() == 2

    go_to(page, "Daftar Arsip")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daftar Arsip Aktif")
    row = page.get_by_role("row", name=re.compile("Perjalanan dinas dalam negeri 2026"))
    expect(row).to_contain_text("2 item")
    expect(row).to_contain_text("000.1.2")
    assert_accessible(page)

    page.get_by_role("button", name="Siapkan PDF daftar ini").click()
    expect(page.get_by_role("link", name="Unduh daftar (PDF)")).to_be_visible(timeout=20_000)
    assert_accessible(page)
