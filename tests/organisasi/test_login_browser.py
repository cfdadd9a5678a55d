import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kepala_seksi_who_is_plt_kepala_bidang_signs_in_with_totp_and_switches_position(
    page, make_position, make_user
):
    kabid = make_position(name="Kepala Bidang Aplikasi Informatika")
    kasi = make_position(name="Kepala Seksi Pengembangan Aplikasi", parent=kabid)
    user = make_user(holds=kasi, acts_for=kabid, full_name="Rina Wulandari")

    page.goto("/")
    expect(page.get_by_role("heading", name="Masuk ke Kantor Virtual")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("NIP atau alamat surel").fill(user.nip)
    page.get_by_label("Kata sandi").fill("bukan-sandinya")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("alert")).to_contain_text("NIP/surel atau kata sandi salah")
    expect(page.get_by_label("NIP atau alamat surel")).to_have_value(user.nip)
    assert_accessible(page)

    log_in(page, user)  # a struktural position: the TOTP step is answered with a real code
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Rina Wulandari")
    expect(page.locator("main")).to_contain_text("Anda bertindak sebagai Kepala Seksi Pengembangan Aplikasi")
    assert_accessible(page)

    open_menu(page)
    page.get_by_label("Bertindak sebagai").select_option(label="Plt. Kepala Bidang Aplikasi Informatika")
    page.get_by_role("button", name="Ganti jabatan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Sekarang Anda bertindak sebagai Kepala Bidang Aplikasi"
    )
    expect(page.locator("main")).to_contain_text(
        "Anda bertindak sebagai Plt. Kepala Bidang Aplikasi Informatika"
    )
    assert_accessible(page)
