"""The archive: the retention schedule (JRA) per classification code, records made from finished
letters, berkas they are filed in, proposals to transfer, destroy or hand over records with their
berita acara, and loans."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from kantor_virtual.files import private_storage
from organisasi.models import Opd, Position, Unit
from persuratan.models import (
    SEARCH_CONFIG,
    Classification,
    IncomingLetter,
    OutgoingLetter,
    SecurityClass,
    YearlyCounter,
)


class FinalDisposition(models.TextChoices):
    DESTROY = "musnah", "Musnah"
    PERMANENT = "permanen", "Permanen"
    REASSESS = "dinilai_kembali", "Dinilai kembali"


class RetentionRule(models.Model):
    """One row of the Jadwal Retensi Arsip: how long records of a code stay active and inactive,
    and what happens to them then."""

    classification = models.OneToOneField(
        Classification, on_delete=models.PROTECT, related_name="retention", verbose_name="kode klasifikasi"
    )
    active_years = models.PositiveSmallIntegerField("retensi aktif (tahun)")
    inactive_years = models.PositiveSmallIntegerField("retensi inaktif (tahun)")
    final_disposition = models.CharField("keterangan akhir", max_length=16, choices=FinalDisposition)
    notes = models.TextField("catatan", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "jadwal retensi"
        verbose_name_plural = "jadwal retensi"

    def __str__(self) -> str:
        return f"{self.classification.code}: {self.active_years}+{self.inactive_years} th, {self.final_disposition}"


class Berkas(models.Model):
    """A file (berkas) of a unit: records of one classification code and year, filed together."""

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="berkas")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="berkas")
    classification = models.ForeignKey(Classification, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("tahun")
    number = models.PositiveIntegerField("nomor berkas")
    title = models.CharField("uraian berkas", max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "berkas"
        verbose_name_plural = "berkas"
        constraints = [
            models.UniqueConstraint(fields=["opd", "year", "number"], name="berkas_number_per_opd_year")
        ]
        indexes = [models.Index(fields=["opd", "classification", "year"], name="berkas_by_code_year")]

    def __str__(self) -> str:
        return f"{self.number}/{self.year} {self.title}"


class BerkasCounter(YearlyCounter):
    """Numbers of the berkas an OPD opens in a year."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opd", "year"], name="berkas_counter_per_opd_year")]


class Record(models.Model):
    """An arsip: a finished letter of an OPD, kept as long as its code's retention says.

    The letter stays where it is; the record holds the archive's view of it. A destroyed record
    keeps its metadata and says which berita acara destroyed it; a permanent record or one under a
    legal hold can never be in the destroyed state (a database check)."""

    class State(models.TextChoices):
        ACTIVE = "active", "Aktif"
        INACTIVE = "inactive", "Inaktif (di pusat arsip)"
        DESTROYED = "destroyed", "Dimusnahkan"
        HANDED_OVER = "handed_over", "Diserahkan (statis)"

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="records")
    incoming = models.OneToOneField(
        IncomingLetter, null=True, blank=True, on_delete=models.PROTECT, related_name="record"
    )
    outgoing = models.OneToOneField(
        OutgoingLetter, null=True, blank=True, on_delete=models.PROTECT, related_name="record"
    )
    classification = models.ForeignKey(Classification, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("nomor", max_length=120)
    title = models.CharField("uraian", max_length=500)
    letter_date = models.DateField("tanggal surat")
    security_class = models.CharField("sifat", max_length=12, choices=SecurityClass)
    # Tingkat perkembangan: the OPD holds the original, or a copy (a letter it got only as tembusan).
    original = models.BooleanField("asli", default=True)
    closed_on = models.DateField("ditutup")
    active_until = models.DateField("aktif sampai")
    inactive_until = models.DateField("inaktif sampai")
    final_disposition = models.CharField("keterangan akhir", max_length=16, choices=FinalDisposition)
    state = models.CharField(max_length=12, choices=State, default=State.ACTIVE)
    legal_hold = models.BooleanField("ditahan (perkara hukum)", default=False)
    hold_reason = models.CharField("alasan penahanan", max_length=300, blank=True)
    berkas = models.ForeignKey(
        Berkas, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    text = models.TextField("teks", blank=True, editable=False)
    search = models.GeneratedField(
        expression=SearchVector("title", "number", weight="A", config=SEARCH_CONFIG)
        + SearchVector("text", weight="D", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    destroyed_at = models.DateTimeField(null=True, blank=True)
    # The destruction proposal whose signed berita acara destroyed the record: named on its page.
    destroyed_by = models.ForeignKey(
        "Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="destroyed_records",
        verbose_name="dimusnahkan berdasarkan",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "arsip"
        verbose_name_plural = "arsip"
        constraints = [
            models.CheckConstraint(
                condition=Q(incoming__isnull=False, outgoing__isnull=True)
                | Q(incoming__isnull=True, outgoing__isnull=False),
                name="record_of_one_letter",
            ),
            models.CheckConstraint(
                condition=~Q(state="destroyed") | Q(final_disposition="musnah", legal_hold=False),
                name="record_destroyed_only_if_musnah_and_not_held",
            ),
            models.CheckConstraint(
                condition=~Q(state="destroyed") | Q(destroyed_at__isnull=False, destroyed_by__isnull=False),
                name="record_destroyed_names_its_berita_acara",
            ),
            models.CheckConstraint(
                condition=Q(inactive_until__gte=models.F("active_until")), name="record_dates_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["opd", "state", "active_until"], name="record_due_transfer"),
            models.Index(fields=["opd", "state", "inactive_until"], name="record_due_disposal"),
            models.Index(fields=["opd", "classification", "letter_date"], name="record_by_code"),
            models.Index(fields=["berkas"], name="record_in_berkas"),
            GinIndex(fields=["search"], name="record_search"),
            # The archive search finds a number in any letter case (`iexact` → UPPER(...)).
            models.Index(Upper("number"), name="record_number_ci"),
        ]

    def __str__(self) -> str:
        # By number only: the title is its letter's perihal, which of a rahasia letter stays with its
        # readers wherever a record is named (arsip.selectors.shown_title).
        return f"Arsip nomor {self.number}"


def _download_path(instance: "Download", filename: str) -> str:
    return f"arsip/{instance.opd_id}/{instance.kind}/{instance.pk}-{instance.fingerprint[:16]}-{filename}"


class Download(models.Model):
    """A file a worker prepares on request: the printable daftar arsip of an OPD, or a berkas as a zip.

    `key` names what was asked for (which list with which filters, which berkas), so one row serves
    everyone who asks for the same; `fingerprint` says which state of the archive the file shows, and
    a request after a change renders a new one.
    """

    class Kind(models.TextChoices):
        REGISTER = "register", "Daftar arsip (PDF)"
        BERKAS = "berkas", "Ekspor berkas (ZIP)"

    class State(models.TextChoices):
        PENDING = "pending", "Sedang disiapkan"
        READY = "ready", "Siap"
        FAILED = "failed", "Gagal"

    kind = models.CharField(max_length=10, choices=Kind)
    key = models.CharField(max_length=200, unique=True)
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+")
    berkas = models.ForeignKey(Berkas, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=State, default=State.PENDING)
    progress = models.PositiveSmallIntegerField("kemajuan (%)", default=0)
    file = models.FileField(storage=private_storage, upload_to=_download_path, max_length=255, blank=True)
    requested_at = models.DateTimeField()
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "unduhan arsip"
        verbose_name_plural = "unduhan arsip"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="register", berkas__isnull=True) | Q(kind="berkas", berkas__isnull=False),
                name="download_berkas_only_for_berkas",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class Proposal(models.Model):
    """A proposal to move records on: transfer to the records centre, destruction, or hand-over of
    permanent records; approved by the competent pimpinan and closed by a signed berita acara."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "Pemindahan arsip inaktif"
        DESTROY = "destroy", "Pemusnahan arsip"
        HAND_OVER = "hand_over", "Penyerahan arsip statis"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Diusulkan"
        APPROVED = "approved", "Disetujui"
        REJECTED = "rejected", "Ditolak"
        DONE = "done", "Selesai (berita acara ditandatangani)"

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="archive_proposals")
    kind = models.CharField(max_length=10, choices=Kind)
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    records = models.ManyToManyField(Record, related_name="proposals")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField("pertimbangan", blank=True)
    approver_position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # The berita acara is a naskah dinas of the OPD, drafted, signed (PAdES) and numbered like any.
    berita_acara = models.OneToOneField(
        OutgoingLetter, null=True, blank=True, on_delete=models.PROTECT, related_name="archive_proposal"
    )
    executed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "usul arsip"
        verbose_name_plural = "usul arsip"
        indexes = [models.Index(fields=["opd", "status", "proposed_at"], name="proposal_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class Loan(models.Model):
    """Peminjaman arsip: a request, its approval with a due date, the hand-out and the return."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Diajukan"
        APPROVED = "approved", "Disetujui"
        REJECTED = "rejected", "Ditolak"
        HANDED_OUT = "handed_out", "Dipinjam"
        RETURNED = "returned", "Dikembalikan"

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="archive_loans"
    )
    purpose = models.CharField("keperluan", max_length=300)
    status = models.CharField(max_length=12, choices=Status, default=Status.REQUESTED)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("batas pengembalian", null=True, blank=True)
    handed_out_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "peminjaman arsip"
        verbose_name_plural = "peminjaman arsip"
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status__in=["approved", "handed_out"]),
                name="one_open_loan_per_record",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "handed_out"]) | Q(due_on__isnull=False),
                name="approved_loan_has_due_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], condition=Q(status="handed_out"), name="loan_overdue")
        ]

    def __str__(self) -> str:
        return f"Pinjam {self.record} oleh {self.borrower}"
