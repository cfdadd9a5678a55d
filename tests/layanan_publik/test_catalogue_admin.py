"""The OPD admin's catalogue pages: only its admins reach them, every form keeps what was typed when
it is refused, and what they save is what the public sees."""

import pytest
from django.urls import reverse

from layanan_publik.models import Service, ServiceDocument, ServicePledge
from layanan_publik.services.catalogue import GENERAL_SLUG

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.OTP_REQUIRED = False


@pytest.fixture
def dinsos_admin(dinsos, make_admin_opd):
    return make_admin_opd(opd=dinsos, full_name="Admin Dinsos")


@pytest.fixture
def outsiders(opd, make_user, make_admin_opd):
    return {"staf": make_user(), "admin OPD lain": make_admin_opd(opd=opd)}


def _service_post(service, **overrides) -> dict:
    data = {
        "name": service.name,
        "slug": service.slug,
        "summary": service.summary,
        "channel": service.channel,
        "requirements": service.requirements,
        "procedure": service.procedure,
        "sla_days": service.sla_days,
        "fee_amount": service.fee_amount,
        "fee_basis": service.fee_basis,
        "product": service.product,
        "complaint_channel": service.complaint_channel,
        "legal_basis": service.legal_basis,
        "classification": service.classification_id,
        "addressee": service.addressee_id,
        "active": "on",
    }
    return data | overrides


def test_the_menu_leads_an_opd_admin_to_the_services_and_nobody_else(client, dinsos_admin, outsiders):
    client.force_login(dinsos_admin)
    assert reverse("layanan:manage") in client.get(reverse("beranda")).content.decode()
    client.force_login(outsiders["staf"])
    assert reverse("layanan:manage") not in client.get(reverse("beranda")).content.decode()


def test_the_list_shows_the_opds_services_and_what_is_missing(client, dinsos_admin, service):
    client.force_login(dinsos_admin)

    html = client.get(reverse("layanan:manage")).content.decode()

    assert "Tanda Daftar Lembaga Kesejahteraan Sosial" in html
    assert "2 isian · 3 dokumen" in html
    assert "Maklumat pelayanan belum diterbitkan" in html
    assert "Buat layanan Kirim surat" in html


def test_an_admin_of_several_opds_picks_one(client, dinsos_admin, opd, service, grant_role, make_position):
    grant_role(dinsos_admin, "admin_opd", opd)
    client.force_login(dinsos_admin)

    html = client.get(reverse("layanan:manage"), {"opd": "DISKOMINFOS"}).content.decode()

    assert 'id="pilih-opd"' in html
    assert "Tanda Daftar Lembaga" not in html


@pytest.mark.parametrize("who", ["staf", "admin OPD lain"])
def test_staff_and_other_opds_admins_cannot_reach_dinsos_pages(client, who, outsiders, service, dinsos_head):
    client.force_login(outsiders[who])
    document = service.documents.first()
    own_opd = {"staf": 403, "admin OPD lain": 200}[who]

    assert client.get(reverse("layanan:manage")).status_code == own_opd
    assert client.get(reverse("layanan:manage"), {"opd": "DINSOS"}).status_code == 403
    assert client.get(reverse("layanan:create"), {"opd": "DINSOS"}).status_code == 403
    assert client.get(reverse("layanan:pledge"), {"opd": "DINSOS"}).status_code == 403
    posts = {
        reverse("layanan:edit", args=[service.pk]): _service_post(service, name="Diambil alih"),
        reverse("layanan:part_add", args=[service.pk, "dokumen"]): {"dokumen-name": "Kartu keluarga"},
        reverse("layanan:part_edit", args=[service.pk, "dokumen", document.pk]): {"name": "Ganti"},
        reverse("layanan:part_move", args=[service.pk, "dokumen", document.pk]): {"arah": "turun"},
        reverse("layanan:part_remove", args=[service.pk, "dokumen", document.pk]): {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert client.get(reverse("layanan:edit", args=[service.pk])).status_code == 404
    assert client.post(reverse("layanan:general_create"), {"opd": "DINSOS"}).status_code == 403
    pledge = {
        "opd": "DINSOS",
        "text": "X",
        "signer_name": "X",
        "signer_position": "X",
        "effective_on": "2026-01-02",
    }
    assert client.post(reverse("layanan:pledge"), pledge).status_code == 403

    service.refresh_from_db()
    assert service.name == "Tanda Daftar Lembaga Kesejahteraan Sosial"
    assert [d.name for d in service.documents.all()] == ["Surat permohonan", "Akta pendirian", "Foto sarana"]
    assert not ServicePledge.objects.exists()
    assert not Service.objects.filter(is_general=True).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, service):
    response = client.get(reverse("layanan:edit", args=[service.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organisasi:login"))


def test_a_new_service_starts_addressed_to_the_head_and_opens_for_its_questions(
    client, dinsos_admin, dinsos_head, classification
):
    client.force_login(dinsos_admin)
    form = client.get(reverse("layanan:create")).content.decode()
    assert f'name="addressee" value="{dinsos_head.pk}" checked' in form

    data = _service_post(
        Service(
            name="Proposal Kelompok Usaha Bersama",
            slug="",
            channel="g2c",
            sla_days=14,
            product="Surat hasil verifikasi",
            complaint_channel="SP4N-LAPOR!",
            classification=classification,
            addressee=dinsos_head,
        )
    )
    response = client.post(reverse("layanan:create"), data | {"opd": "DINSOS"})

    service = Service.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("layanan:edit", args=[service.pk])
    assert (service.slug, service.opd.code, service.active) == (
        "proposal-kelompok-usaha-bersama",
        "DINSOS",
        True,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sla_days": "0"}, "Jangka waktu penyelesaian harus antara 1 dan 365 hari kerja."),
        ({"sla_days": "-2"}, "Jangka waktu penyelesaian harus antara 1 dan 365 hari kerja."),
        ({"sla_days": "dua"}, "Masukkan keseluruhan angka bilangan."),
        ({"fee_amount": "150000"}, "Layanan berbiaya wajib menyebutkan dasar hukum biayanya"),
        ({"slug": GENERAL_SLUG}, "dipakai layanan kirim surat umum"),
        ({"product": ""}, "Bidang ini tidak boleh kosong."),
    ],
)
def test_bad_input_is_explained_keeps_what_was_typed_and_changes_nothing(
    client, dinsos_admin, service, overrides, message
):
    client.force_login(dinsos_admin)
    data = _service_post(service, name="Nama Baru yang Diketik", **overrides)

    response = client.post(reverse("layanan:edit", args=[service.pk]), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Nama Baru yang Diketik"' in html
    service.refresh_from_db()
    assert service.name == "Tanda Daftar Lembaga Kesejahteraan Sosial"


def test_the_admin_edits_the_standar_pelayanan_and_the_public_page_follows(client, dinsos_admin, service):
    client.force_login(dinsos_admin)

    response = client.post(
        reverse("layanan:edit", args=[service.pk]),
        _service_post(service, sla_days="10", fee_amount="25000", fee_basis="Perda Nomor 4 Tahun 2024"),
    )

    assert response.status_code == 302
    html = client.get(reverse("layanan:service", args=["DINSOS", "lks_registration"])).content.decode()
    assert "10 hari kerja" in html and "Rp25.000 — Perda Nomor 4 Tahun 2024" in html


def test_questions_are_added_and_a_refused_one_keeps_what_was_typed(client, dinsos_admin, service):
    client.force_login(dinsos_admin)
    url = reverse("layanan:part_add", args=[service.pk, "isian"])
    question = {
        "isian-label": "Bidang pelayanan",
        "isian-key": "bidang",
        "isian-kind": "choice",
        "isian-required": "on",
    }

    refused = client.post(url, question | {"isian-choices": "Anak"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Isian jenis pilihan memerlukan sekurang-kurangnya dua pilihan." in html
    assert 'value="Bidang pelayanan"' in html and "Anak</textarea>" in html

    duplicate = client.post(url, question | {"isian-key": "nama_lembaga", "isian-choices": "Anak\nLansia"})
    assert "Kode isian “nama_lembaga” sudah dipakai di layanan ini." in duplicate.content.decode()
    badly_keyed = client.post(
        url, question | {"isian-key": "Bidang Pelayanan", "isian-choices": "Anak\nLansia"}
    )
    assert "Pakai huruf kecil, angka dan garis bawah" in badly_keyed.content.decode()
    assert service.fields.count() == 2

    added = client.post(url, question | {"isian-choices": "Anak\nLansia"})
    assert added.status_code == 302
    assert added["Location"].endswith("#isian")
    assert service.fields.get(key="bidang").choices == "Anak\nLansia"


def test_documents_are_added_edited_moved_and_removed(client, dinsos_admin, service):
    client.force_login(dinsos_admin)

    client.post(
        reverse("layanan:part_add", args=[service.pk, "dokumen"]),
        {"dokumen-name": "NPWP lembaga", "dokumen-help_text": "Kartu NPWP atas nama lembaga"},
    )
    npwp = service.documents.get(name="NPWP lembaga")
    assert (npwp.order, npwp.required) == (4, False)  # an unticked box is "tidak wajib"
    edit_url = reverse("layanan:part_edit", args=[service.pk, "dokumen", npwp.pk])
    assert 'value="NPWP lembaga"' in client.get(edit_url).content.decode()
    client.post(edit_url, {"name": "NPWP", "required": "on", "help_text": ""})
    client.post(reverse("layanan:part_move", args=[service.pk, "dokumen", npwp.pk]), {"arah": "naik"})
    first = service.documents.first()
    client.post(reverse("layanan:part_remove", args=[service.pk, "dokumen", first.pk]))

    assert [(d.name, d.required) for d in service.documents.all()] == [
        ("Akta pendirian", True),
        ("NPWP", True),
        ("Foto sarana", False),
    ]


def test_a_field_or_document_of_another_service_is_not_found(client, dinsos_admin, service, make_service):
    other = make_service(slug="lain", name="Layanan Lain")
    client.force_login(dinsos_admin)
    document = other.documents.first()

    response = client.post(reverse("layanan:part_remove", args=[service.pk, "dokumen", document.pk]))

    assert response.status_code == 404
    assert ServiceDocument.objects.filter(pk=document.pk).exists()
    assert client.post(reverse("layanan:part_add", args=[service.pk, "lainnya"]), {}).status_code == 404


def test_the_maklumat_starts_from_the_standard_text_signed_by_the_head(client, dinsos_admin, dinsos_head):
    client.force_login(dinsos_admin)

    html = client.get(reverse("layanan:pledge")).content.decode()
    assert "sanggup menyelenggarakan pelayanan sesuai dengan standar pelayanan" in html
    assert 'value="Siti Rahmawati"' in html and 'value="Kepala Dinas Sosial"' in html

    empty = {
        "opd": "DINSOS",
        "text": "",
        "signer_name": "Siti Rahmawati",
        "signer_position": "Kepala Dinas Sosial",
    }
    refused = client.post(reverse("layanan:pledge"), empty | {"effective_on": "2026-01-02"})
    assert refused.status_code == 200
    assert "Bidang ini tidak boleh kosong." in refused.content.decode()

    saved = client.post(
        reverse("layanan:pledge"), empty | {"text": "Cepat dan tepat.", "effective_on": "2026-01-02"}
    )
    assert saved.status_code == 302
    assert ServicePledge.objects.get().text == "Cepat dan tepat."


def test_the_general_service_is_made_from_the_list(client, dinsos_admin, dinsos_head, classification):
    client.force_login(dinsos_admin)

    response = client.post(reverse("layanan:general_create"), {"opd": "DINSOS"})

    general = Service.objects.get(is_general=True)
    assert response["Location"] == reverse("layanan:edit", args=[general.pk])
    html = client.get(reverse("layanan:edit", args=[general.pk])).content.decode()
    assert "Kirim surat ke Dinsos" in html and "isi_surat" in html
