"""A Dinas Sosial that offers a service with a form and documents, and the people who use it:
applicants (a person, a business), the OPD's operator and its Kepala Dinas."""

from datetime import timedelta

import pytest
from django.utils import timezone

from layanan_publik.models import Applicant, Service, ServiceDocument, ServiceField, Submission
from layanan_publik.workdays import add_working_days
from organisasi.models import User


@pytest.fixture
def dinsos(other_opd):
    return other_opd


@pytest.fixture
def dinsos_head(dinsos, make_position, make_user):
    position = make_position(name="Kepala Dinas Sosial", opd=dinsos, heads_opd=True)
    make_user(holds=position, full_name="Siti Rahmawati")
    return position


@pytest.fixture
def make_service(dinsos, dinsos_head, classification):
    def make(**fields) -> Service:
        values = {
            "opd": dinsos,
            "slug": "lks_registration",
            "name": "Tanda Daftar Lembaga Kesejahteraan Sosial",
            "summary": "Pendaftaran LKS tingkat provinsi.",
            "requirements": "Surat permohonan\nAkta pendirian\nNPWP",
            "procedure": "Ajukan permohonan\nVerifikasi berkas\nPenerbitan tanda daftar",
            "sla_days": 14,
            "product": "Tanda daftar LKS",
            "complaint_channel": "Pengaduan melalui portal ini atau SP4N-LAPOR!",
            "classification": classification,
            "addressee": dinsos_head,
        } | fields
        service = Service.objects.create(**values)
        ServiceField.objects.create(service=service, order=1, key="nama_lembaga", label="Nama lembaga")
        ServiceField.objects.create(
            service=service, order=2, key="jumlah_klien", label="Jumlah klien", kind="number", required=False
        )
        ServiceDocument.objects.create(service=service, order=1, name="Surat permohonan")
        ServiceDocument.objects.create(service=service, order=2, name="Akta pendirian")
        ServiceDocument.objects.create(service=service, order=3, name="Foto sarana", required=False)
        return service

    return make


@pytest.fixture
def service(make_service):
    return make_service()


@pytest.fixture
def make_applicant(db):
    """`make_applicant()` a verified person; `kind="business"`, `verified=False` as needed."""
    counter = iter(range(1, 10_000))

    def make(
        *, kind: str = Applicant.Kind.PERSON, verified: bool = True, full_name: str = "Budi Santoso", **fields
    ):
        n = next(counter)
        user = User.objects.create_user(
            username=f"pemohon{n}@contoh.id",
            email=f"pemohon{n}@contoh.id",
            password="Sandi-Pemohon-2026",
            full_name=full_name,
            employment=User.Employment.PUBLIC,
        )
        identity = (
            {"nik": f"{3171010101900000 + n}"}
            if kind == Applicant.Kind.PERSON
            else {"nib": f"{9120000000000 + n}", "business_name": f"CV Maju Jaya {n}"}
        )
        return Applicant.objects.create(
            user=user,
            kind=kind,
            email_verified_at=timezone.now() if verified else None,
            **(identity | fields),
        )

    return make


@pytest.fixture
def applicant(make_applicant):
    return make_applicant()


@pytest.fixture
def make_submission(make_applicant, register):
    """`make_submission(service=..., submitted_at=..., finished_at=...)`: a submission as the portal
    leaves it, written directly (the survey, statistics and complaint tests need its end state, not the
    way there). Finished by default; accepted and finished ones have their letter, registered for real."""

    def make(
        *, service, applicant=None, status=Submission.Status.FINISHED, submitted_at=None, finished_at=None
    ) -> Submission:
        submitted_at = submitted_at or timezone.now() - timedelta(days=10)
        if status == Submission.Status.FINISHED and finished_at is None:
            finished_at = submitted_at + timedelta(days=3)
        letter = None
        if status in (Submission.Status.ACCEPTED, Submission.Status.FINISHED):
            letter = register(opd=service.opd, to=[service.addressee])
        return Submission.objects.create(
            service=service,
            opd=service.opd,
            applicant=applicant or make_applicant(),
            status=status,
            submitted_at=submitted_at,
            due_on=add_working_days(timezone.localdate(submitted_at), service.sla_days),
            letter=letter,
            finished_at=finished_at,
        )

    return make
