"""A citizen registers in a real browser, at desktop and 360 px, every screen checked by axe: chooses
perorangan, fills the form, is signed in and asked to check the mailbox, opens the link from the
e-mail and confirms, and the account is verified."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from layanan_publik.models import Applicant
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Kopi-Tubruk-Pagi-2026"


def test_a_citizen_registers_and_verifies_the_e_mail_address(page: Page):
    page.goto("/pemohon/daftar/")
    assert_accessible(page)
    page.get_by_role("link", name="Perorangan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar sebagai pemohon perorangan")
    page.get_by_label("Nama lengkap").fill("Budi Santoso")
    page.get_by_label("NIK").fill("3171010101900001")
    page.get_by_label("Alamat surel").fill("budi@contoh.id")
    page.get_by_label("Nomor telepon/WhatsApp").fill("0812 3456 7890")
    page.get_by_label(re.compile("^Kata sandi")).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill("bukan-yang-sama-2026")
    page.get_by_role("button", name="Daftar").click()

    expect(page.get_by_text("Kedua kata sandi tidak sama.")).to_be_visible()
    expect(page.get_by_label("Nama lengkap")).to_have_value("Budi Santoso")
    assert_accessible(page)
    page.get_by_label(re.compile("^Kata sandi")).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Daftar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Cek surel Anda")
    expect(page.get_by_text("3171********0001")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("3171010101900001")
    assert_accessible(page)

    (message,) = mail.outbox
    assert message.to == ["budi@contoh.id"]
    link = re.search(r"https?://\S+/pemohon/verifikasi-surel/\S+/", message.body).group(0)
    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifikasi alamat surel")
    assert_accessible(page)
    page.get_by_role("button", name="Verifikasi alamat surel").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Alamat surel sudah terverifikasi")
    expect(page.get_by_role("alert")).to_contain_text("alamat surel Anda sudah terverifikasi")
    assert_accessible(page)
    assert Applicant.objects.get(user__email="budi@contoh.id").email_verified_at is not None
