import re
from datetime import timedelta

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from organisasi.models import Assignment, Position
from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_opd_adds_a_position_and_appoints_its_plt_from_the_org_chart(
    page, opd, make_position, make_admin_opd, make_user, today
):
    make_position(name="Kepala Dinas Kominfos", heads_opd=True, eselon="II.a")
    admin = make_admin_opd(opd=opd, full_name="Admin Kominfos")
    candidate = make_user(full_name="Budi Santoso")
    last_day = today + timedelta(days=30)

    log_in(page, admin)
    open_menu(page)
    page.get_by_role("link", name="Struktur Organisasi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Struktur Organisasi")
    assert_accessible(page)

    page.get_by_role("link", name="Tambah bawahan Kepala Dinas Kominfos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tambah jabatan")
    expect(page.get_by_role("radio", name="Kepala Dinas Kominfos — Diskominfos")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Nama jabatan").fill("Kepala Bidang Statistik")
    page.get_by_label("Jenis").select_option("struktural")
    page.get_by_label("Eselon").select_option("III.b")
    page.get_by_role("button", name="Simpan jabatan").click()

    expect(page.get_by_role("alert")).to_contain_text("Jabatan Kepala Bidang Statistik ditambahkan")
    kabid = Position.objects.get(name="Kepala Bidang Statistik")
    node = page.locator(f"#jabatan-{kabid.pk}")
    expect(node).to_contain_text("Kosong: belum ada pejabat.")
    assert_accessible(page)

    node.get_by_role("link", name="Kelola Kepala Bidang Statistik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kepala Bidang Statistik")
    assert_accessible(page)
    acting = page.locator("details", has_text="Tunjuk Plt/Plh")
    acting.locator("summary").click()
    acting.get_by_role("combobox", name="Pegawai").fill("budi sant")
    acting.get_by_role("option", name=re.compile(f"^{candidate.full_name}")).click()
    expect(acting.get_by_role("radio", name=candidate.full_name)).to_be_checked()
    assert_accessible(page)
    acting.get_by_label("Sebagai").select_option("plt")
    acting.get_by_label("Mulai").fill(today.isoformat())
    acting.get_by_label("Sampai").fill(last_day.isoformat())
    acting.get_by_label("Nomor surat perintah").fill("800/45/2026")
    acting.get_by_role("button", name="Tunjuk").click()

    # htmx swaps in the refreshed panel; without JavaScript the post redirects to the same page.
    expect(page.get_by_text("Plt/Plh ditunjuk.")).to_be_visible()
    expect(page.locator("#panel-jabatan")).to_contain_text("Budi Santoso")
    assert_accessible(page)
    assert Assignment.objects.get(position=kabid).kind == "plt"

    page.get_by_role("link", name="Struktur Diskominfos").click()
    node = page.locator(f"#jabatan-{kabid.pk}")
    expect(node).to_contain_text("Budi Santoso")
    expect(node.locator(".badge", has_text="Plt")).to_be_visible()
    with translation.override("id"):
        expect(node).to_contain_text(f"s.d. {date_format(last_day, 'j F Y')}")
    assert_accessible(page)


def test_a_refused_appointment_keeps_what_was_typed_in_the_browser(
    page, opd, make_position, make_admin_opd, make_user, today
):
    kabid = make_position(name="Kepala Bidang Statistik")
    make_user(holds=kabid, full_name="Siti Rahmawati")
    admin = make_admin_opd(opd=opd)
    stand_in = make_user(full_name="Budi Santoso")

    log_in(page, admin)
    page.goto(f"/struktur/jabatan/{kabid.pk}/")
    acting = page.locator("details", has_text="Tunjuk Plt/Plh")
    acting.locator("summary").click()
    acting.get_by_role("combobox", name="Pegawai").fill(stand_in.nip)
    acting.get_by_role("option", name=re.compile("^Budi Santoso")).click()
    acting.get_by_label("Sebagai").select_option("plt")
    acting.get_by_label("Mulai").fill(today.isoformat())
    acting.get_by_label("Sampai").fill((today + timedelta(days=3)).isoformat())
    acting.get_by_label("Nomor surat perintah").fill("800/46/2026")
    acting.get_by_role("button", name="Tunjuk").click()

    acting = page.locator("details", has_text="Tunjuk Plt/Plh")
    expect(acting.get_by_role("alert")).to_contain_text("Tunjuk Plh bila pejabatnya berhalangan sementara")
    expect(acting.get_by_role("radio", name="Budi Santoso")).to_be_checked()
    assert_accessible(page)
    assert not Assignment.objects.filter(user=stand_in).exists()


def test_an_import_with_a_bad_row_shows_the_report_and_changes_nothing(page, opd, make_admin_opd, tmp_path):
    admin = make_admin_opd(opd=opd)
    bad = tmp_path / "jabatan.csv"
    bad.write_text(
        "kode;nama;jenis;kode_atasan\nKOM-KADIS;Kepala Dinas;struktural;\nKOM-X;Jabatan X;manajerial;KOM-KADIS\n",
        encoding="utf-8",
    )

    log_in(page, admin)
    page.goto("/struktur/")
    page.get_by_role("link", name="Impor dari CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impor jabatan dan pegawai")
    assert_accessible(page)
    page.get_by_label("Berkas jabatan (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Periksa dan impor").click()

    expect(page.get_by_role("alert")).to_contain_text("Impor dibatalkan, tidak ada yang diubah")
    row = page.get_by_role("row", name="jabatan 3")
    expect(row).to_contain_text("Jenis 'manajerial' tidak dikenal")
    assert_accessible(page)
    assert not Position.objects.exists()
