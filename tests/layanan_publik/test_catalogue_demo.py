"""The demo catalogue: the reference's twelve services in their OPDs, a general service and a maklumat
for every OPD, and a second run that writes nothing."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layanan_publik.catalogue_selectors import catalogue
from layanan_publik.demo import SERVICES, seed_demo_applicant, seed_demo_services
from layanan_publik.models import Service, ServiceDocument, ServiceField, ServicePledge
from organisasi.demo import seed_demo_province
from organisasi.models import Opd

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The province and its catalogue, seeded once for this module inside a transaction that is
    rolled back after its last test; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo_province(today=timezone.localdate())
        yield seed_demo_services()
        transaction.set_rollback(True)


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Service, ServiceField, ServiceDocument, ServicePledge))


def test_a_second_run_writes_nothing(seeded):
    before = _counts()

    with CaptureQueriesContext(connection) as queries:
        again = seed_demo_services()

    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert _counts() == before
    assert (again.created, again.services, again.pledges) == (0, seeded.services, seeded.pledges)
    assert seeded.created == len(SERVICES) + Opd.objects.count()


def test_every_opd_has_one_general_service_to_its_head_and_a_signed_maklumat(seeded):
    opds = list(Opd.objects.prefetch_related("public_services__addressee").select_related("service_pledge"))

    assert len(opds) == 9
    for opd in opds:
        general = [service for service in opd.public_services.all() if service.is_general]
        assert len(general) == 1, opd.code
        assert general[0].active and general[0].addressee.heads_opd, opd.code
        assert general[0].name == f"Kirim surat ke {opd.short_name}"
        pledge = opd.service_pledge
        assert pledge.signer_name and pledge.signer_position.startswith(("Kepala", "Sekretaris Daerah")), (
            opd.code
        )


def test_the_reference_services_sit_in_their_opds_with_questions_and_documents(seeded):
    services = {
        service.slug: service
        for service in Service.objects.filter(is_general=False).select_related(
            "opd", "addressee", "classification"
        )
    }

    assert len(services) == len(SERVICES) == 12
    assert {slug: service.opd.code for slug, service in services.items()} == {
        spec.slug: spec.opd for spec in SERVICES
    }
    assert services["peminjaman-gedung"].addressee.name == "Kepala Biro Umum dan Protokol"
    assert services["surat-keterangan-penelitian"].opd.code == "DPMPTSP"  # no Kesbangpol in the demo
    assert (services["permohonan-informasi"].sla_days, services["keberatan-informasi"].sla_days) == (10, 30)
    for service in services.values():
        documents = list(service.documents.all())
        assert documents and service.fields.exists(), service.slug
        assert len(service.requirements.splitlines()) == len(documents), service.slug
        assert service.fee_amount == 0 and service.product and service.legal_basis, service.slug
    lks = services["tanda-daftar-lks"]
    assert [(d.name, d.required) for d in lks.documents.all()][-1] == ("Foto sarana dan prasarana", False)
    assert lks.fields.get(key="bidang_pelayanan").choices.splitlines()[0] == "Anak"


def test_the_public_finds_the_demo_services(seeded):
    assert {service.slug for service in catalogue(query="informasi")} == {
        "permohonan-informasi",
        "keberatan-informasi",
    }
    assert len(catalogue(opd_code="DINSOS")) == 5


def test_the_demo_citizen_can_submit_at_once(seeded):
    applicant = seed_demo_applicant()
    assert applicant.user.email == "warga@contoh.id" and applicant.email_verified_at is not None
    assert seed_demo_applicant() == applicant, "a second run finds the same profile"
