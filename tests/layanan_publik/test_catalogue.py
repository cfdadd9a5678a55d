"""The catalogue: who keeps an OPD's services and maklumat and which rules hold, the general
"Kirim surat" service, and the public pages anyone opens without an account."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from layanan_publik.catalogue_selectors import catalogue, service_detail
from layanan_publik.models import Service, ServicePledge
from layanan_publik.services.catalogue import (
    GENERAL_FIELD,
    GENERAL_SLUG,
    ServiceDetails,
    add_document,
    add_field,
    ensure_general_service,
    move_part,
    remove_part,
    save_service,
    set_pledge,
    update_field,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dinsos_admin(dinsos, make_admin_opd):
    return make_admin_opd(opd=dinsos)


@pytest.fixture
def details(dinsos_head, classification):
    """`details(**overrides)` → the ServiceDetails of a valid Dinsos service."""

    def make(**overrides) -> ServiceDetails:
        values = {
            "name": "Rekomendasi Undian Gratis Berhadiah",
            "summary": "Rekomendasi untuk izin undian dari Kementerian Sosial.",
            "requirements": "Surat permohonan\nNIB",
            "procedure": "Ajukan\nVerifikasi\nRekomendasi terbit",
            "sla_days": 7,
            "product": "Surat rekomendasi",
            "classification": classification,
            "addressee": dinsos_head,
        }
        return ServiceDetails(**values | overrides)

    return make


@pytest.fixture
def outsiders(opd, make_user, make_admin_opd):
    """Who must not touch Dinsos' catalogue: a staff member, and the admin of another OPD."""
    return {"staf": make_user(), "admin OPD lain": make_admin_opd(opd=opd)}


def _pledge(actor, opd, **overrides):
    values = {
        "text": "Kami sanggup melayani sesuai standar pelayanan.",
        "signer_name": "Siti Rahmawati",
        "signer_position": "Kepala Dinas Sosial",
        "effective_on": date(2026, 1, 2),
    }
    return set_pledge(actor=actor, opd=opd, **values | overrides)


# ── Services: who may write ──────────────────────────────────────────────────────────────────


def test_the_opds_admin_creates_a_service_whose_slug_comes_from_its_name(dinsos, dinsos_admin, details):
    service = save_service(actor=dinsos_admin, opd=dinsos, details=details())

    assert service.opd == dinsos
    assert service.slug == "rekomendasi-undian-gratis-berhadiah"
    assert (service.fee_amount, service.active, service.is_general) == (0, True, False)
    assert [event.verb for event in timeline_for(target=service)] == ["service_created"]


def test_an_update_records_which_components_changed(dinsos, dinsos_admin, details):
    service = save_service(actor=dinsos_admin, opd=dinsos, details=details())

    save_service(
        actor=dinsos_admin, opd=dinsos, service=service, details=details(sla_days=5, product="Surat")
    )

    service.refresh_from_db()
    assert (service.sla_days, service.product) == (5, "Surat")
    last = list(timeline_for(target=service))[-1]
    assert (last.verb, last.details) == ("service_updated", {"changed": ["sla_days", "product"]})


@pytest.mark.parametrize("who", ["staf", "admin OPD lain"])
def test_only_the_opds_admin_writes_its_catalogue(who, outsiders, dinsos, service, details):
    actor = outsiders[who]
    field, document = service.fields.first(), service.documents.first()
    attempts = {
        "create": lambda: save_service(actor=actor, opd=dinsos, details=details()),
        "update": lambda: save_service(actor=actor, opd=dinsos, service=service, details=details()),
        "add field": lambda: add_field(actor=actor, service=service, key="baru", label="Baru"),
        "update field": lambda: update_field(
            actor=actor, field=field, label="X", kind="text", choices="", required=True, help_text=""
        ),
        "add document": lambda: add_document(actor=actor, service=service, name="KTP"),
        "remove": lambda: remove_part(actor=actor, part=document),
        "move": lambda: move_part(actor=actor, part=document, offset=1),
        "pledge": lambda: _pledge(actor, dinsos),
        "general": lambda: ensure_general_service(opd=dinsos, actor=actor),
    }
    for name, attempt in attempts.items():
        with pytest.raises(Refused) as refusal:
            attempt()
        assert refusal.value.code == "not_admin", name

    assert list(Service.objects.all()) == [service]
    service.refresh_from_db()
    assert service.name == "Tanda Daftar Lembaga Kesejahteraan Sosial"
    assert [f.key for f in service.fields.all()] == ["nama_lembaga", "jumlah_klien"]
    assert [d.name for d in service.documents.all()] == ["Surat permohonan", "Akta pendirian", "Foto sarana"]
    assert not ServicePledge.objects.exists()


def test_a_service_of_another_opd_cannot_be_saved_under_this_one(opd, service, details, make_admin_opd):
    admin_of_both = make_admin_opd(opd=opd)
    admin_of_both.role_grants.create(role="admin_opd", opd=service.opd)

    with pytest.raises(Refused) as refusal:
        save_service(actor=admin_of_both, opd=opd, service=service, details=details())

    assert refusal.value.code == "foreign_service"


# ── Services: the rules of a standar pelayanan ───────────────────────────────────────────────


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"sla_days": 0}, "bad_sla"),
        ({"sla_days": -3}, "bad_sla"),
        ({"sla_days": 366}, "bad_sla"),
        ({"fee_amount": -1}, "bad_fee"),
        ({"fee_amount": 150_000}, "fee_without_basis"),
        ({"slug": GENERAL_SLUG}, "duplicate_slug"),
        ({"name": "—", "slug": ""}, "bad_slug"),
    ],
)
def test_bad_standards_are_refused_and_nothing_is_saved(overrides, code, dinsos, dinsos_admin, details):
    with pytest.raises(Refused) as refusal:
        save_service(actor=dinsos_admin, opd=dinsos, details=details(**overrides))

    assert refusal.value.code == code
    assert not Service.objects.exists()


def test_a_fee_needs_its_legal_basis(dinsos, dinsos_admin, details):
    service = save_service(
        actor=dinsos_admin,
        opd=dinsos,
        details=details(fee_amount=150_000, fee_basis="Perda Nomor 4 Tahun 2024 tentang Retribusi Daerah"),
    )

    assert service.fee_amount == 150_000


def test_a_slug_is_unique_within_the_opd_only(
    dinsos, dinsos_admin, details, service, opd, make_admin_opd, make_position
):
    with pytest.raises(Refused) as refusal:
        save_service(actor=dinsos_admin, opd=dinsos, details=details(slug=service.slug))
    assert refusal.value.code == "duplicate_slug"

    head = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    other = save_service(
        actor=make_admin_opd(opd=opd), opd=opd, details=details(slug=service.slug, addressee=head)
    )
    assert other.slug == service.slug


def test_the_addressee_is_an_open_position_of_the_opd(dinsos, dinsos_admin, details, make_position, today):
    foreign = make_position(name="Kepala Dinas Kominfos")
    closed = make_position(name="Kepala Seksi Lama", opd=dinsos, closed_on=today)

    for position in (foreign, closed):
        with pytest.raises(Refused) as refusal:
            save_service(actor=dinsos_admin, opd=dinsos, details=details(addressee=position))
        assert refusal.value.code == "foreign_addressee"


def test_an_inactive_classification_is_refused(dinsos, dinsos_admin, details, classification):
    classification.active = False
    classification.save()

    with pytest.raises(Refused) as refusal:
        save_service(actor=dinsos_admin, opd=dinsos, details=details())

    assert refusal.value.code == "inactive_classification"


# ── Form questions and documents ─────────────────────────────────────────────────────────────


def test_questions_are_added_at_the_end_with_unique_keys(service, dinsos_admin):
    field = add_field(actor=dinsos_admin, service=service, key="alamat", label="Alamat", kind="textarea")
    assert field.order == 3

    with pytest.raises(Refused) as refusal:
        add_field(actor=dinsos_admin, service=service, key="nama_lembaga", label="Nama lain")

    assert refusal.value.code == "duplicate_key"
    assert [f.key for f in service.fields.all()] == ["nama_lembaga", "jumlah_klien", "alamat"]


@pytest.mark.parametrize("choices", ["", "  \n\n", "Anak", "Anak\n anak \nAnak"])
def test_a_choice_question_needs_two_choices(service, dinsos_admin, choices):
    with pytest.raises(Refused) as refusal:
        add_field(
            actor=dinsos_admin, service=service, key="bidang", label="Bidang", kind="choice", choices=choices
        )

    assert refusal.value.code == "choices_missing"
    assert not service.fields.filter(key="bidang").exists()


def test_choices_are_kept_one_per_line_and_only_for_a_choice_question(service, dinsos_admin):
    field = add_field(
        actor=dinsos_admin,
        service=service,
        key="bidang",
        label="Bidang",
        kind="choice",
        choices=" Anak\n\nLansia \nAnak",
    )
    assert field.choices == "Anak\nLansia"

    update_field(
        actor=dinsos_admin,
        field=field,
        label="Bidang",
        kind="text",
        choices="Anak\nLansia",
        required=False,
        help_text="",
    )

    field.refresh_from_db()
    assert (field.kind, field.choices, field.required, field.key) == ("text", "", False, "bidang")


def test_documents_are_not_listed_twice(service, dinsos_admin):
    added = add_document(actor=dinsos_admin, service=service, name="NPWP", required=False)
    assert (added.order, added.required) == (4, False)

    with pytest.raises(Refused) as refusal:
        add_document(actor=dinsos_admin, service=service, name=" surat PERMOHONAN ")

    assert refusal.value.code == "duplicate_document"
    assert service.documents.count() == 4


def test_moving_renumbers_the_list_and_stops_at_its_ends(service, dinsos_admin):
    first, second, third = service.documents.all()

    move_part(actor=dinsos_admin, part=third, offset=-1)
    assert [d.name for d in service.documents.all()] == ["Surat permohonan", "Foto sarana", "Akta pendirian"]
    move_part(actor=dinsos_admin, part=first, offset=-1)
    move_part(actor=dinsos_admin, part=second, offset=1)

    assert [(d.order, d.name) for d in service.documents.all()] == [
        (1, "Surat permohonan"),
        (2, "Foto sarana"),
        (3, "Akta pendirian"),
    ]


def test_removing_a_question_or_a_document(service, dinsos_admin):
    remove_part(actor=dinsos_admin, part=service.fields.get(key="jumlah_klien"))
    remove_part(actor=dinsos_admin, part=service.documents.get(name="Foto sarana"))

    assert [f.key for f in service.fields.all()] == ["nama_lembaga"]
    assert service.documents.count() == 2
    verbs = [event.verb for event in timeline_for(target=service)]
    assert verbs == ["service_field_removed", "service_document_removed"]


# ── The general service ──────────────────────────────────────────────────────────────────────


def test_every_opd_gets_one_general_service_addressed_to_its_head(dinsos, dinsos_head, classification):
    general = ensure_general_service(opd=dinsos)
    again = ensure_general_service(opd=dinsos)

    assert again == general
    assert Service.objects.filter(opd=dinsos, is_general=True).count() == 1
    assert (general.name, general.slug, general.addressee) == (
        "Kirim surat ke Dinsos",
        GENERAL_SLUG,
        dinsos_head,
    )
    assert (general.sla_days, general.fee_amount, general.product) == (14, 0, "Surat balasan")
    assert general.classification.code == "000.1"
    assert [(f.key, f.kind, f.label) for f in general.fields.all()] == [
        (GENERAL_FIELD, "textarea", "Isi surat")
    ]
    assert [(d.name, d.required) for d in general.documents.all()] == [("Surat", False)]


def test_an_opd_without_a_head_gets_no_general_service_yet(opd, classification):
    with pytest.raises(Refused) as refusal:
        ensure_general_service(opd=opd)

    assert refusal.value.code == "no_head"


def test_the_general_service_stays_active_and_keeps_its_letter_field(
    dinsos, dinsos_admin, dinsos_head, details
):
    general = ensure_general_service(opd=dinsos, actor=dinsos_admin)

    with pytest.raises(Refused) as refusal:
        save_service(
            actor=dinsos_admin, opd=dinsos, service=general, details=details(active=False, slug=GENERAL_SLUG)
        )
    assert refusal.value.code == "general_stays_active"
    with pytest.raises(Refused) as refusal:
        remove_part(actor=dinsos_admin, part=general.fields.get())
    assert refusal.value.code == "general_field_kept"

    save_service(
        actor=dinsos_admin,
        opd=dinsos,
        service=general,
        details=details(name="Surat ke Dinas Sosial", slug=GENERAL_SLUG),
    )
    general.refresh_from_db()
    assert (general.name, general.is_general, general.active) == ("Surat ke Dinas Sosial", True, True)


# ── Maklumat ─────────────────────────────────────────────────────────────────────────────────


def test_the_maklumat_is_one_per_opd_and_can_be_revised(dinsos, dinsos_admin):
    _pledge(dinsos_admin, dinsos)
    pledge = _pledge(
        dinsos_admin, dinsos, text="  Cepat, tepat, transparan.  ", effective_on=date(2027, 1, 4)
    )

    assert ServicePledge.objects.get() == pledge
    assert (pledge.text, pledge.effective_on) == ("Cepat, tepat, transparan.", date(2027, 1, 4))
    with pytest.raises(Refused) as refusal:
        _pledge(dinsos_admin, dinsos, text="   ")
    assert refusal.value.code == "empty_pledge"


# ── Reads ────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def shelf(make_service, opd, make_position, classification):
    """Three Dinsos services (one inactive) and one of Diskominfos."""
    kominfos_head = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    return {
        "lks": make_service(),
        "ugb": make_service(
            slug="rekomendasi-ugb",
            name="Rekomendasi Undian Gratis Berhadiah",
            summary="",
            product="Surat rekomendasi",
        ),
        "lama": make_service(slug="layanan-lama", name="Layanan Lama Lembaga", active=False),
        "subdomain": make_service(
            opd=opd,
            slug="subdomain",
            name="Permohonan Subdomain",
            summary="Subdomain untuk lembaga.",
            product="Subdomain aktif",
            addressee=kominfos_head,
        ),
    }


def _slugs(services):
    return {service.slug for service in services}


def test_the_catalogue_shows_active_services_found_by_every_word_and_filtered_by_opd(shelf):
    assert _slugs(catalogue()) == {"lks_registration", "rekomendasi-ugb", "subdomain"}
    assert _slugs(catalogue(query="LEMBAGA")) == {"lks_registration", "subdomain"}  # name, summary
    assert _slugs(catalogue(query="lembaga", opd_code="DINSOS")) == {"lks_registration"}
    assert _slugs(catalogue(query="surat rekomendasi")) == {"rekomendasi-ugb"}  # product
    assert _slugs(catalogue(query="lembaga rekomendasi")) == set()
    assert _slugs(catalogue(opd_code="TIDAKADA")) == set()


def test_the_detail_has_fields_documents_and_the_maklumat_and_hides_inactive_services(
    shelf, dinsos, dinsos_admin
):
    _pledge(dinsos_admin, dinsos)

    page = service_detail(opd_code="DINSOS", slug="lks_registration")

    assert [f.key for f in page.fields] == ["nama_lembaga", "jumlah_klien"]
    assert [d.name for d in page.documents] == ["Surat permohonan", "Akta pendirian", "Foto sarana"]
    assert page.pledge.signer_name == "Siti Rahmawati"
    assert service_detail(opd_code="DISKOMINFOS", slug="subdomain").pledge is None
    assert service_detail(opd_code="DINSOS", slug="layanan-lama") is None
    assert service_detail(opd_code="DISKOMINFOS", slug="lks_registration") is None


def test_the_catalogue_costs_the_same_queries_for_3_and_for_12_services(client, make_service):
    def counted(services: int) -> tuple[int, int]:
        for n in range(Service.objects.count(), services):
            make_service(slug=f"layanan-{n}", name=f"Layanan Lembaga {n}")
        with CaptureQueriesContext(connection) as selector:
            assert len(catalogue(query="lembaga")) == services
        with CaptureQueriesContext(connection) as page:
            assert (
                client.get(reverse("layanan:catalogue"), {"q": "lembaga", "opd": "DINSOS"}).status_code == 200
            )
        return len(selector), len(page)

    assert counted(3) == counted(12)


# ── Public pages ─────────────────────────────────────────────────────────────────────────────


def test_anyone_browses_the_catalogue_without_signing_in(client, shelf, dinsos, dinsos_admin):
    save_service(
        actor=dinsos_admin,
        opd=dinsos,
        service=shelf["ugb"],
        details=ServiceDetails(
            name=shelf["ugb"].name,
            slug="rekomendasi-ugb",
            sla_days=7,
            product="Surat rekomendasi",
            fee_amount=150_000,
            fee_basis="Perda retribusi",
            classification=shelf["ugb"].classification,
            addressee=shelf["ugb"].addressee,
        ),
    )

    response = client.get(reverse("layanan:catalogue"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tanda Daftar Lembaga Kesejahteraan Sosial" in html and "Permohonan Subdomain" in html
    assert "Layanan Lama Lembaga" not in html
    assert "14 hari kerja" in html and "Rp0 (gratis)" in html and "Rp150.000" in html
    assert "Dinas Sosial" in html
    assert reverse("layanan:service", args=["DINSOS", "lks_registration"]) in html


def test_search_and_opd_filter_narrow_the_page_and_a_bad_opd_is_explained(client, shelf):
    html = client.get(reverse("layanan:catalogue"), {"q": "lembaga", "opd": "DISKOMINFOS"}).content.decode()
    assert "Permohonan Subdomain" in html
    assert "Tanda Daftar Lembaga" not in html
    assert 'value="lembaga"' in html

    response = client.get(reverse("layanan:catalogue"), {"q": "rekomendasi", "opd": "ENTAH"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Perangkat daerah itu tidak ada dalam daftar." in html
    assert "Rekomendasi Undian Gratis Berhadiah" in html, "the words still search"


def test_an_opds_page_lists_its_services_under_its_maklumat(client, shelf, dinsos, dinsos_admin):
    _pledge(dinsos_admin, dinsos, text="Kami melayani dengan cepat, tepat dan transparan.")

    html = client.get(reverse("layanan:opd", args=["DINSOS"])).content.decode()

    assert "Maklumat Pelayanan Dinas Sosial" in html
    assert "Kami melayani dengan cepat, tepat dan transparan." in html
    assert "Tanda Daftar Lembaga" in html and "Permohonan Subdomain" not in html
    assert client.get(reverse("layanan:opd", args=["TIDAKADA"])).status_code == 404


def test_a_service_page_shows_its_whole_standar_pelayanan(client, service, dinsos, dinsos_admin):
    service.legal_basis = "Undang-Undang Nomor 11 Tahun 2009 tentang Kesejahteraan Sosial"
    service.save()
    _pledge(dinsos_admin, dinsos)

    response = client.get(reverse("layanan:service", args=["DINSOS", "lks_registration"]))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "<li>Akta pendirian</li>",  # persyaratan, one item per line
        '<ol class="mb-0"><li>Ajukan permohonan</li><li>Verifikasi berkas</li>',  # prosedur, in order
        "14 hari kerja",
        "Rp0 (gratis)",
        "Tanda daftar LKS",
        "SP4N-LAPOR!",
        "Undang-Undang Nomor 11 Tahun 2009",
        "Foto sarana",
        "tidak wajib",
        "Kami sanggup melayani sesuai standar pelayanan.",
        "Siti Rahmawati",
    ):
        assert text in html, text
    assert f'href="{reverse("permohonan:submit", args=["DINSOS", "lks_registration"])}"' in html
    assert "Ajukan permohonan" in html


def test_an_inactive_or_unknown_service_is_not_found(client, shelf):
    for args in (["DINSOS", "layanan-lama"], ["DINSOS", "tidak-ada"], ["DISKOMINFOS", "lks_registration"]):
        assert client.get(reverse("layanan:service", args=args)).status_code == 404


def test_a_pimpinan_before_the_second_factor_still_opens_the_public_pages(
    client, settings, service, dinsos_head
):
    settings.OTP_REQUIRED = True
    client.force_login(dinsos_head.assignments.get().user)

    assert client.get(reverse("layanan:catalogue")).status_code == 200
    assert client.get(reverse("layanan:service", args=["DINSOS", "lks_registration"])).status_code == 200
    assert client.get(reverse("layanan:manage")).status_code == 302  # staff pages still ask for the code
