"""The public portal: services with their standar pelayanan, applicants, submissions and their
documents, the satisfaction survey (SKM) and complaints (pengaduan)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from kantor_virtual.files import StoredUpload, private_storage
from organisasi.models import Opd, Position
from persuratan.models import Classification, IncomingLetter, OutgoingLetter

# Tracking codes: no 0/O, 1/I/L, so they survive being read over the phone or copied by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_code() -> str:
    """31^10 ≈ 8·10^14 codes: guessing one that exists is hopeless at any rate limit."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Service(models.Model):
    """A service of an OPD with the components of its standar pelayanan that the public sees
    (UU 25/2009 Pasal 21; PermenPANRB 15/2014)."""

    class Channel(models.TextChoices):
        G2C = "g2c", "Masyarakat (G2C)"
        G2B = "g2b", "Badan usaha/organisasi (G2B)"
        BOTH = "g2c_g2b", "Masyarakat dan badan usaha"

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="public_services")
    slug = models.SlugField("kode layanan", max_length=60)
    name = models.CharField("nama layanan", max_length=200)
    summary = models.CharField("ringkasan", max_length=300, blank=True)
    channel = models.CharField("sasaran", max_length=8, choices=Channel, default=Channel.BOTH)
    # The general "kirim surat ke OPD" service: one per OPD.
    is_general = models.BooleanField("surat umum", default=False)
    legal_basis = models.TextField("dasar hukum", blank=True)
    requirements = models.TextField("persyaratan", blank=True, help_text="Satu persyaratan per baris.")
    procedure = models.TextField(
        "sistem, mekanisme dan prosedur", blank=True, help_text="Satu langkah per baris."
    )
    sla_days = models.PositiveSmallIntegerField("jangka waktu penyelesaian (hari kerja)")
    fee_amount = models.PositiveIntegerField("biaya (Rp)", default=0)
    fee_basis = models.CharField("dasar biaya", max_length=200, blank=True)
    product = models.CharField("produk pelayanan", max_length=300)
    complaint_channel = models.TextField("penanganan pengaduan, saran dan masukan", blank=True)
    # Where an accepted submission lands: its classification and the position it is addressed to.
    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, related_name="+", verbose_name="kode klasifikasi"
    )
    addressee = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="+", verbose_name="jabatan penerima"
    )
    active = models.BooleanField("aktif", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "layanan"
        verbose_name_plural = "layanan"
        ordering = ["opd__name", "-is_general", "name"]
        constraints = [
            models.UniqueConstraint(fields=["opd", "slug"], name="service_slug_per_opd"),
            models.UniqueConstraint(
                fields=["opd"], condition=Q(is_general=True), name="one_general_service_per_opd"
            ),
        ]
        indexes = [models.Index(fields=["opd", "active"], name="service_catalogue")]

    def __str__(self) -> str:
        return self.name


class ServiceField(models.Model):
    """A question of a service's form, answered in the submission."""

    class Kind(models.TextChoices):
        TEXT = "text", "Isian singkat"
        LONG_TEXT = "textarea", "Isian panjang"
        NUMBER = "number", "Angka"
        DATE = "date", "Tanggal"
        CHOICE = "choice", "Pilihan"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fields")
    order = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=40)
    label = models.CharField("pertanyaan", max_length=200)
    kind = models.CharField("jenis isian", max_length=10, choices=Kind, default=Kind.TEXT)
    choices = models.TextField(
        "pilihan", blank=True, help_text="Untuk jenis pilihan: satu pilihan per baris."
    )
    required = models.BooleanField("wajib", default=True)
    help_text = models.CharField("keterangan", max_length=300, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "key"], name="service_field_key_unique")]

    def __str__(self) -> str:
        return self.label


class ServiceDocument(models.Model):
    """A document a service asks for (persyaratan berkas)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("nama dokumen", max_length=200)
    required = models.BooleanField("wajib", default=True)
    help_text = models.CharField("keterangan", max_length=300, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ServicePledge(models.Model):
    """The OPD's maklumat pelayanan (UU 25/2009 Pasal 22), published with its services."""

    opd = models.OneToOneField(Opd, on_delete=models.CASCADE, related_name="service_pledge")
    text = models.TextField("isi maklumat")
    signer_name = models.CharField("nama penanda tangan", max_length=200)
    signer_position = models.CharField("jabatan penanda tangan", max_length=200)
    effective_on = models.DateField("berlaku sejak")

    class Meta:
        verbose_name = "maklumat pelayanan"
        verbose_name_plural = "maklumat pelayanan"

    def __str__(self) -> str:
        return f"Maklumat {self.opd}"


class Applicant(models.Model):
    """A pemohon: a person (NIK) or a business (NIB) with a contact person; the account's user."""

    class Kind(models.TextChoices):
        PERSON = "person", "Perorangan"
        BUSINESS = "business", "Badan usaha/organisasi"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applicant")
    kind = models.CharField("jenis pemohon", max_length=10, choices=Kind)
    nik = models.CharField("NIK", max_length=16, blank=True)
    business_name = models.CharField("nama badan usaha/organisasi", max_length=200, blank=True)
    nib = models.CharField("NIB", max_length=13, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pemohon"
        verbose_name_plural = "pemohon"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person", nik__regex=r"^[0-9]{16}$")
                | Q(kind="business", nib__regex=r"^[0-9]{13}$") & ~Q(business_name=""),
                name="applicant_identity",
            )
        ]

    def __str__(self) -> str:
        return self.business_name or self.user.full_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.BUSINESS:
            return f"{self.business_name} (u.p. {self.user.full_name})"
        return self.user.full_name


class Submission(models.Model):
    """An application to a service: versions of its answers and documents, then an incoming letter."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Menunggu verifikasi"
        RETURNED = "returned", "Perlu dilengkapi"
        ACCEPTED = "accepted", "Diterima dan diproses"
        REJECTED = "rejected", "Ditolak"
        FINISHED = "finished", "Selesai"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="submissions")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+")  # the service's, for the queue
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="submissions")
    tracking_code = models.CharField("kode lacak", max_length=CODE_LENGTH, unique=True, default=new_code)
    status = models.CharField(max_length=10, choices=Status, default=Status.SUBMITTED)
    version = models.PositiveSmallIntegerField(default=1)
    submitted_at = models.DateTimeField("diajukan")
    # The time limit runs from the latest complete submission, in working days.
    due_on = models.DateField("batas waktu")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("catatan verifikasi", blank=True)
    letter = models.OneToOneField(
        IncomingLetter, null=True, blank=True, on_delete=models.PROTECT, related_name="submission"
    )
    reply = models.ForeignKey(
        OutgoingLetter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # The tanda terima, rendered by a worker after each (re)submission.
    receipt = models.FileField(storage=private_storage, upload_to="tanda-terima/", max_length=255, blank=True)

    class Meta:
        verbose_name = "permohonan"
        verbose_name_plural = "permohonan"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "finished"]) | Q(letter__isnull=False),
                name="accepted_submission_has_letter",
            )
        ]
        indexes = [
            models.Index(fields=["opd", "status", "submitted_at", "id"], name="submission_queue"),
            models.Index(fields=["applicant", "-submitted_at"], name="submission_of_applicant"),
            models.Index(fields=["service", "status", "finished_at"], name="submission_statistics"),
            # The statistics' cache key reads the latest finish (layanan_publik.statistics).
            models.Index(
                fields=["finished_at"], condition=Q(finished_at__isnull=False), name="submission_finished"
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code


class SubmissionVersion(models.Model):
    """What the applicant sent each time: the first submission and every fix after a return."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict)
    note = models.TextField("keterangan perbaikan", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="submission_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"


def _document_path(instance: "SubmissionDocument", filename: str) -> str:
    return f"permohonan/{instance.version.submission_id}/{instance.sha256}.{instance.extension}"


class SubmissionDocument(StoredUpload):
    version = models.ForeignKey(SubmissionVersion, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        ServiceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(storage=private_storage, upload_to=_document_path, max_length=255)

    class Meta:
        ordering = ["requirement__order", "id"]


# The nine unsur of the SKM, keyed by identifier (reference/skm.md: store by name, not position).
SKM_ELEMENTS = [
    ("requirements", "Persyaratan"),
    ("procedure", "Sistem, mekanisme, dan prosedur"),
    ("completion_time", "Waktu penyelesaian"),
    ("cost", "Biaya/tarif"),
    ("product", "Produk spesifikasi jenis pelayanan"),
    ("staff_competence", "Kompetensi pelaksana"),
    ("staff_behaviour", "Perilaku pelaksana"),
    ("complaint_handling", "Penanganan pengaduan, saran dan masukan"),
    ("facilities", "Sarana dan prasarana"),
]


class SurveyResponse(models.Model):
    """One SKM questionnaire (PermenPANRB 14/2017): the nine unsur on the 1–4 scale."""

    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="survey")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+")
    requirements = models.PositiveSmallIntegerField()
    procedure = models.PositiveSmallIntegerField()
    completion_time = models.PositiveSmallIntegerField()
    cost = models.PositiveSmallIntegerField()
    product = models.PositiveSmallIntegerField()
    staff_competence = models.PositiveSmallIntegerField()
    staff_behaviour = models.PositiveSmallIntegerField()
    complaint_handling = models.PositiveSmallIntegerField()
    facilities = models.PositiveSmallIntegerField()
    comment = models.TextField("saran", blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        verbose_name = "jawaban SKM"
        verbose_name_plural = "jawaban SKM"
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 4}), name=f"skm_{name}_1_to_4"
            )
            for name, _ in SKM_ELEMENTS
        ]
        indexes = [
            models.Index(fields=["service", "answered_at"], name="skm_per_service"),
            models.Index(fields=["opd", "answered_at"], name="skm_per_opd"),
        ]

    def __str__(self) -> str:
        return f"SKM {self.submission}"


class Complaint(models.Model):
    """A pengaduan, about a submission or in general, answered by the OPD and tracked by its code."""

    class Status(models.TextChoices):
        OPEN = "open", "Menunggu tanggapan"
        ANSWERED = "answered", "Ditanggapi"

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="complaints")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="complaints")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    tracking_code = models.CharField("kode lacak", max_length=CODE_LENGTH, unique=True, default=new_code)
    subject = models.CharField("pokok pengaduan", max_length=200)
    body = models.TextField("uraian")
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField("tanggapan", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "pengaduan"
        verbose_name_plural = "pengaduan"
        indexes = [models.Index(fields=["opd", "status", "created_at"], name="complaint_queue")]

    def __str__(self) -> str:
        return self.tracking_code
