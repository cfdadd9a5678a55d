"""Getting in, in a real browser at desktop and 360 px, every screen checked by axe: a person who
forgot their password resets it through the link in the e-mail; a person the admin imported sets
their first password through the link shown to the admin, then signs in."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from organisasi.models import User
from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Rawon-Setan-Malam-2026"

POSITIONS = """kode,nama,jenis,kode_atasan,unit,eselon,kepala_opd
KOM-KADIS,Kepala Dinas Komunikasi dan Informatika,struktural,,,II.a,ya
KOM-PRAKOM,Pranata Komputer Ahli Muda,fungsional,KOM-KADIS,Bidang Aplikasi,,
"""
PEOPLE = """nip,nama,email,kode_jabatan,status,mulai,selesai,nomor_sk
199007202015032003,Rina Kartika,,KOM-PRAKOM,definitif,2020-03-01,,821.2/0101/BKD/2020
"""


def choose_password(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    page.get_by_label(re.compile("^Kata sandi baru")).fill("12345678901")
    page.get_by_label("Ulangi kata sandi baru").fill("12345678901")
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page.get_by_text("Kata sandi ini seluruhnya terdiri dari angka.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Kata sandi baru")).fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi baru").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kata sandi sudah diatur")
    assert_accessible(page)


def test_a_person_who_forgot_their_password_resets_it_through_the_e_mail(page: Page, make_user, opd):
    person = make_user(opd=opd, full_name="Dewi Lestari", email="dewi.lestari@kominfos.go.id")

    page.goto("/masuk/")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lupa kata sandi")
    assert_accessible(page)
    page.get_by_label("Alamat surel").fill("Dewi.Lestari@kominfos.go.id")
    page.get_by_role("button", name="Kirim tautan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa surel Anda")
    assert_accessible(page)

    (message,) = mail.outbox
    assert message.to == ["dewi.lestari@kominfos.go.id"]
    link = re.search(r"https?://\S+/akun/atur-kata-sandi/\S+/", message.body).group(0)
    page.goto(urlsplit(link).path)
    choose_password(page, "Atur kata sandi baru")

    page.get_by_role("link", name="Masuk").click()
    log_in(page, person, password=NEW_PASSWORD, login=person.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Dewi Lestari")
    assert_accessible(page)

    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tautan tidak berlaku")


def test_an_imported_person_sets_a_first_password_from_the_link_shown_to_the_admin_and_signs_in(
    page: Page, make_admin_opd, opd
):
    admin = make_admin_opd(opd=opd, full_name="Admin Kominfos")
    log_in(page, admin)
    page.goto(f"/struktur/impor/?opd={opd.code}")
    assert_accessible(page)
    page.get_by_label("Berkas jabatan (CSV)").set_input_files(
        files=[{"name": "jabatan.csv", "mimeType": "text/csv", "buffer": POSITIONS.encode()}]
    )
    page.get_by_label("Berkas pegawai (CSV)").set_input_files(
        files=[{"name": "pegawai.csv", "mimeType": "text/csv", "buffer": PEOPLE.encode()}]
    )
    page.get_by_role("button", name="Periksa dan impor").click()

    expect(page.get_by_role("status")).to_contain_text("1 pegawai baru")
    handed_over = page.get_by_role("region", name="Tautan kata sandi pertama bagi pegawai tanpa alamat surel")
    expect(handed_over).to_contain_text("Rina Kartika")
    assert_accessible(page)
    link = handed_over.locator("code").inner_text().strip()
    assert "/akun/atur-kata-sandi/" in link and not mail.outbox

    open_menu(page)
    page.get_by_role("link", name="Pegawai", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pegawai")
    assert_accessible(page)
    page.get_by_role("link", name="Rina Kartika").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rina Kartika")
    expect(page.locator("main")).to_contain_text("Belum diatur")
    expect(page.locator("main")).to_contain_text("Tautan kata sandi dibuat")
    expect(page.locator("main")).not_to_contain_text(link)
    assert_accessible(page)

    page.context.clear_cookies()  # the link travels to Rina, who opens it on her own browser
    page.goto(urlsplit(link).path)
    choose_password(page, "Atur kata sandi pertama")

    rina = User.objects.get(nip="199007202015032003")
    log_in(page, rina, password=NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Rina Kartika")
    expect(page.locator("main")).to_contain_text("Pranata Komputer Ahli Muda")
    assert_accessible(page)
