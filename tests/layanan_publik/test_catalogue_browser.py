"""The catalogue in a real browser, at desktop and 360 px, every screen checked by axe: a visitor
without an account searches it, opens a service and reads its standar pelayanan and the OPD's
maklumat; then the Dinsos admin adds a document the service asks for, and the public page shows it."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from layanan_publik.services.catalogue import set_pledge
from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SERVICE = "Tanda Daftar Lembaga Kesejahteraan Sosial"
PLEDGE = "Kami sanggup melayani sesuai standar pelayanan; bila ingkar, kami siap menerima sanksi."


@pytest.fixture
def dinsos_admin(service, make_service, dinsos, opd, make_position, make_admin_opd):
    """Dinsos' LKS service and maklumat, beside a Diskominfos service the search must leave out."""
    make_service(
        opd=opd,
        slug="subdomain",
        name="Permohonan Subdomain",
        summary="Subdomain untuk situs lembaga pemerintah.",
        addressee=make_position(name="Kepala Dinas Kominfos", heads_opd=True),
    )
    admin = make_admin_opd(opd=dinsos, full_name="Admin Dinsos")
    set_pledge(
        actor=admin,
        opd=dinsos,
        text=PLEDGE,
        signer_name="Siti Rahmawati",
        signer_position="Kepala Dinas Sosial",
        effective_on=date(2026, 1, 2),
    )
    return admin


def test_a_visitor_reads_a_service_and_the_admin_adds_a_document_to_it(page: Page, dinsos_admin):
    page.goto("/layanan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar Layanan Publik")
    expect(page.get_by_role("link", name="Permohonan Subdomain")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Cari layanan").fill("lembaga")
    page.get_by_label("Perangkat daerah").select_option(label="Dinas Sosial")
    page.get_by_role("button", name="Cari").click()
    expect(page.get_by_role("heading", name="1 layanan ditemukan")).to_be_visible()
    expect(page.get_by_role("link", name="Permohonan Subdomain")).to_have_count(0)
    expect(page.get_by_role("region", name="Maklumat Pelayanan Dinas Sosial")).to_contain_text(PLEDGE)
    assert_accessible(page)

    page.get_by_role("link", name=SERVICE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE)
    standard = page.get_by_role("region", name="Standar Pelayanan")
    expect(standard).to_contain_text("14 hari kerja sejak permohonan dinyatakan lengkap")
    expect(standard).to_contain_text("Rp0 (gratis)")
    expect(standard.get_by_role("listitem").filter(has_text="Verifikasi berkas")).to_be_visible()
    expect(page.get_by_role("region", name="Maklumat Pelayanan Dinas Sosial")).to_contain_text(
        "Siti Rahmawati"
    )
    expect(page.get_by_role("link", name="Ajukan permohonan")).to_have_attribute(
        "href", "/layanan/DINSOS/lks_registration/ajukan/"
    )
    expect(page.get_by_role("region", name="Dokumen yang diunggah")).not_to_contain_text("NPWP lembaga")
    assert_accessible(page)

    log_in(page, dinsos_admin)
    open_menu(page)
    page.get_by_role("link", name="Layanan Publik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Layanan Publik")
    assert_accessible(page)
    page.get_by_role("link", name=f"Kelola {SERVICE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE)
    assert_accessible(page)

    documents = page.get_by_role("region", name="Dokumen yang diminta")
    documents.get_by_label("Nama dokumen").fill("NPWP lembaga")
    documents.get_by_label("Keterangan untuk pemohon").fill("Kartu NPWP atas nama lembaga")
    expect(documents.get_by_label("Wajib diunggah")).to_be_checked()
    documents.get_by_role("button", name="Tambah dokumen").click()
    expect(page.get_by_role("alert")).to_have_text("Dokumen “NPWP lembaga” ditambahkan.")
    expect(documents.get_by_role("listitem").last).to_contain_text("NPWP lembaga")
    assert_accessible(page)

    page.goto("/layanan/DINSOS/lks_registration/")
    uploads = page.get_by_role("region", name="Dokumen yang diunggah")
    expect(uploads.get_by_role("listitem").last).to_contain_text("NPWP lembaga")
    expect(uploads).to_contain_text("Kartu NPWP atas nama lembaga")
