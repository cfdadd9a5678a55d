"""The issue's archive journey in one run, at desktop and 360 px with axe on every screen: the
arsiparis files two finished letters into a berkas; years pass (the record's dates are moved back,
as the clock cannot be); the arsiparis proposes destroying the expired one, the Kepala Dinas approves
and signs the berita acara with TTE, and the record shows as destroyed with its metadata while its
sibling in the berkas stays active."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from arsip.models import Record
from kantor_virtual.files import private_storage
from tests.browser import assert_accessible, log_in, open_menu
from tte.services import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSPHRASE = "sandi-tte-kepala-dinas"


def _archive_menu(page: Page, item: str) -> None:
    open_menu(page)
    page.get_by_role("button", name="Arsip", exact=True).click()
    page.get_by_role("link", name=item, exact=True).click()


def test_filed_letters_expire_and_one_is_destroyed_with_a_signed_berita_acara(
    page: Page, office, arsiparis, finished_letter, today
):
    old = finished_letter(subject="SPPD ke Jakarta")
    kept = finished_letter(subject="SPPD ke Medan")
    scan = old.files.get().file.name

    log_in(page, arsiparis)
    _archive_menu(page, "Pemberkasan")
    page.get_by_label(old.agenda_label).check()
    page.get_by_label(kept.agenda_label).check()
    page.get_by_label("Uraian berkas baru").fill("Perjalanan dinas dalam negeri")
    assert_accessible(page)
    page.get_by_role("button", name="Berkaskan").click()
    expect(page.get_by_role("alert")).to_contain_text("Surat diberkaskan")

    # Five years later: the 2 + 3 years of code 000.1.2 have run out for the first letter.
    record = Record.objects.get(incoming=old)
    Record.objects.filter(pk=record.pk).update(
        closed_on=today - timedelta(days=5 * 366 + 1),
        active_until=today - timedelta(days=3 * 366),
        inactive_until=today - timedelta(days=1),
    )

    _archive_menu(page, "Penyusutan Arsip")
    page.get_by_role("link", name=re.compile("^Pemusnahan Arsip")).click()
    expect(page.get_by_text("SPPD ke Medan")).to_have_count(0)  # not expired
    page.get_by_label("SPPD ke Jakarta").check()
    page.get_by_label("Pertimbangan").fill("Retensi telah habis.")
    page.get_by_role("button", name="Usulkan pemusnahan arsip").click()
    expect(page.get_by_text("Usul pemusnahan arsip dikirim kepada pimpinan.")).to_be_visible()
    assert_accessible(page)

    enrol(user=office["kadis_user"], passphrase=PASSPHRASE)
    page.context.clear_cookies()
    log_in(page, office["kadis_user"])
    _archive_menu(page, "Usul Penyusutan")
    page.get_by_role("link", name=re.compile("^Pemusnahan arsip #")).click()
    page.get_by_role("button", name="Setujui").click()
    page.get_by_role("link", name="Buka berita acara untuk ditandatangani").click()
    page.get_by_label("Kata sandi TTE").fill(PASSPHRASE)
    assert_accessible(page)
    page.get_by_role("button", name="Tandatangani").click()
    expect(page.get_by_role("link", name="Halaman verifikasi")).to_be_visible(timeout=20_000)

    page.context.clear_cookies()
    log_in(page, arsiparis)
    page.goto(f"/arsip/{record.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("SPPD ke Jakarta")
    expect(page.get_by_text(re.compile("Dimusnahkan berdasarkan Berita Acara nomor"))).to_be_visible()
    expect(page.get_by_text(old.sender_number).first).to_be_visible()
    assert_accessible(page)
    assert Record.objects.get(pk=record.pk).state == Record.State.DESTROYED
    assert Record.objects.get(incoming=kept).state == Record.State.ACTIVE
    assert not private_storage.exists(scan)
