"""Letters: the incoming register, its files, and the inbox of each position.

An incoming letter belongs to the OPD that received it and gets that OPD's agenda number. It
reaches positions through inbox items: as addressee, as tembusan, or (created by the disposisi
app through `deliver`) as a disposition node. Items form a tree through `parent`; the state of
each node lives on the item, read state per person in `InboxRead`.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.functions import RandomUUID
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Cast, Upper
from django.urls import reverse
from django.utils import timezone
from guardian.models import UserObjectPermissionBase

from kantor_virtual.files import StoredUpload, private_storage
from organisasi.models import Opd, Position

SEARCH_CONFIG = "indonesian"


class LetterType(models.TextChoices):
    """Jenis naskah dinas (Permendagri 1/2023), plus the citizen's surat permohonan."""

    OFFICIAL_LETTER = "official_letter", "Surat Dinas"
    INTERNAL_MEMO = "internal_memo", "Nota Dinas"
    INVITATION_LETTER = "invitation_letter", "Surat Undangan"
    CIRCULAR = "circular", "Surat Edaran"
    DECREE = "decree", "Keputusan"
    INSTRUCTION = "instruction", "Instruksi"
    ORDER_LETTER = "order_letter", "Surat Perintah"
    ASSIGNMENT_LETTER = "assignment_letter", "Surat Tugas"
    CERTIFICATE_LETTER = "certificate_letter", "Surat Keterangan"
    COVER_LETTER = "cover_letter", "Surat Pengantar"
    OFFICIAL_RECORD = "official_record", "Berita Acara"
    ANNOUNCEMENT = "announcement", "Pengumuman"
    AGREEMENT = "agreement", "Surat Perjanjian"
    POWER_OF_ATTORNEY = "power_of_attorney", "Surat Kuasa"
    REPORT = "report", "Laporan"
    RECOMMENDATION = "recommendation", "Rekomendasi"
    SHORT_MEMO = "short_memo", "Memo"
    APPLICATION = "application", "Surat Permohonan"


class SecurityClass(models.TextChoices):
    ORDINARY = "ordinary", "Biasa"
    RESTRICTED = "restricted", "Terbatas"
    SECRET = "secret", "Rahasia"
    TOP_SECRET = "top_secret", "Sangat Rahasia"

    @classmethod
    def narrowed(cls) -> list[str]:
        """Classes whose letters reach only the positions they are addressed or disposed to."""
        return [cls.SECRET, cls.TOP_SECRET]


class Urgency(models.TextChoices):
    NORMAL = "normal", "Biasa"
    URGENT = "urgent", "Segera"
    VERY_URGENT = "very_urgent", "Sangat Segera"

    def default_deadline(self, start: date) -> date:
        """Sangat segera: the same day; segera: 2×24 hours; biasa: one week."""
        return start + timedelta(days={"normal": 7, "urgent": 2, "very_urgent": 0}[self.value])


class Priority(models.TextChoices):
    NORMAL = "normal", "Biasa"
    HIGH = "high", "Penting"
    TOP = "top", "Sangat Penting"


class Classification(models.Model):
    """Kode klasifikasi arsip (Permendagri 83/2022). Every letter carries one."""

    code = models.CharField("kode", max_length=30, unique=True)
    name = models.CharField("nama", max_length=255)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField("tingkat")
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "kode klasifikasi"
        verbose_name_plural = "kode klasifikasi"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label(self.code, self.name)

    @staticmethod
    def label(code: str, name: str) -> str:
        """How a code is named in lists and selects: "000.1.2 — Perjalanan Dinas Dalam Negeri"."""
        return f"{code} — {name}"


class Correspondent(models.Model):
    """An entry of an OPD's address book: whoever sent it letters before."""

    class Kind(models.TextChoices):
        INSTITUTION = "institution", "Instansi"
        PERSON = "person", "Perorangan"

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="correspondents")
    kind = models.CharField("jenis", max_length=12, choices=Kind)
    name = models.CharField("nama", max_length=255)
    # Lower-cased, single-spaced: what suggestions match by prefix and duplicates compare.
    name_key = models.CharField(max_length=255, editable=False)
    address = models.CharField("alamat", max_length=255, blank=True)
    last_used_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "pengirim"
        verbose_name_plural = "buku alamat"
        constraints = [
            models.UniqueConstraint(fields=["opd", "kind", "name_key"], name="correspondent_unique_in_opd")
        ]
        indexes = [
            # Prefix suggestions (`name_key LIKE 'dinas p%'`) need the pattern opclass.
            models.Index(
                fields=["opd", "name_key"],
                opclasses=["int8_ops", "varchar_pattern_ops"],
                name="correspondent_prefix",
            ),
            models.Index(
                fields=["name_key"], opclasses=["varchar_pattern_ops"], name="correspondent_name_prefix"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def key_for(name: str) -> str:
        return " ".join(name.lower().split())


class YearlyCounter(models.Model):
    """The last number an OPD gave in a series this year: the row a numbering transaction locks."""

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.opd_id}/{self.year}: {self.last_number}"

    @classmethod
    def take_next(cls, *, opd: Opd, year: int) -> int:
        """The next number, gapless: call inside the transaction that uses it. Two callers at once
        queue on the row lock; a rollback returns the number, so none is skipped or given twice."""
        cls.objects.get_or_create(opd=opd, year=year)
        counter = cls.objects.select_for_update().get(opd=opd, year=year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return counter.last_number


class AgendaCounter(YearlyCounter):
    """Agenda numbers of incoming letters."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opd", "year"], name="agenda_counter_per_opd_year")]


class IncomingLetter(models.Model):
    """Surat masuk: a letter received by an OPD, with the sender's data kept verbatim."""

    class Source(models.TextChoices):
        REGISTERED = "registered", "Dicatat operator"
        INTERNAL = "internal", "Naskah dinas antar-OPD"
        PUBLIC = "public", "Layanan publik"

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="incoming_letters")
    agenda_year = models.PositiveSmallIntegerField("tahun agenda")
    agenda_number = models.PositiveIntegerField("nomor agenda")
    source = models.CharField("asal", max_length=12, choices=Source, default=Source.REGISTERED)
    # Identifies what a letter that arrives without an operator came from (an outgoing letter, a
    # submission), so that a retried delivery finds the letter it already made instead of a twin.
    origin_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    sender = models.ForeignKey(Correspondent, on_delete=models.PROTECT, related_name="letters")
    sender_name = models.CharField("pengirim", max_length=255)
    # Where a reply goes when the sender is outside the province (a citizen, a business).
    sender_address = models.CharField("alamat pengirim", max_length=255, blank=True)
    sender_email = models.EmailField("surel pengirim", blank=True)
    sender_number = models.CharField("nomor surat", max_length=100)
    letter_date = models.DateField("tanggal surat")
    received_on = models.DateField("tanggal diterima")
    subject = models.CharField("perihal", max_length=500)
    summary = models.TextField("ringkasan", blank=True)
    letter_type = models.CharField("jenis naskah", max_length=24, choices=LetterType)
    security_class = models.CharField("sifat", max_length=12, choices=SecurityClass)
    urgency = models.CharField("derajat kecepatan", max_length=12, choices=Urgency)
    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, related_name="+", verbose_name="kode klasifikasi"
    )
    attachment_count = models.PositiveSmallIntegerField("jumlah lampiran", default=0)

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("dicatat pada")
    # The text of the scans (their text layer, or what OCR read), joined; filled by tasks after upload.
    scan_text = models.TextField(blank=True, editable=False)
    # "pos#12 pos#34": the positions whose inboxes hold the letter (persuratan.reach).
    reach = models.TextField(blank=True, default="", editable=False)
    search = models.GeneratedField(
        expression=Func(
            SearchVector("subject", weight="A", config=SEARCH_CONFIG)
            + SearchVector("sender_name", "sender_number", weight="B", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="C", config=SEARCH_CONFIG)
            + SearchVector("scan_text", weight="D", config=SEARCH_CONFIG),
            Cast("reach", SearchVectorField()),
            template="(%(expressions)s)",
            arg_joiner=" || ",
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = "surat masuk"
        verbose_name_plural = "surat masuk"
        constraints = [
            models.UniqueConstraint(
                fields=["opd", "agenda_year", "agenda_number"], name="incoming_agenda_number_unique"
            ),
            models.CheckConstraint(condition=Q(agenda_number__gte=1), name="incoming_agenda_number_positive"),
            models.CheckConstraint(
                condition=Q(letter_date__lte=F("received_on")), name="incoming_letter_date_not_after_receipt"
            ),
        ]
        indexes = [
            GinIndex(fields=["search"], name="incoming_search"),
            models.Index(fields=["sender", "sender_number", "letter_date"], name="incoming_duplicate_lookup"),
            # Search by number matches the sender's number in any letter case (`iexact` → UPPER(...)).
            models.Index(Upper("sender_number"), name="incoming_sender_number_ci"),
            models.Index(fields=["opd", "-registered_at", "-id"], name="incoming_register_recent"),
            models.Index(fields=["classification", "-received_on"], name="incoming_classification"),
            models.Index(fields=["-received_on", "-id"], name="incoming_received_on"),
            # Search reads each position's matches newest first (persuratan.search).
            models.Index(fields=["-registered_at", "-id"], name="incoming_registered_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.agenda_label} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("persuratan:letter", args=[self.pk])

    @property
    def agenda_label(self) -> str:
        """Nomor agenda as the register prints it: sequence/year, restarting each year."""
        return f"{self.agenda_number:04d}/{self.agenda_year}"

    @property
    def is_narrowed(self) -> bool:
        return self.security_class in SecurityClass.narrowed()


def _scan_path(instance: "LetterFile", filename: str) -> str:
    # The stored name is ours, never the uploader's: no path tricks, no collisions.
    return f"surat-masuk/{instance.letter.opd_id}/{instance.letter.agenda_year}/{instance.sha256}.{instance.extension}"


def _ocr_path(instance: "LetterFile", filename: str) -> str:
    return f"surat-masuk/{instance.letter.opd_id}/{instance.letter.agenda_year}/{instance.sha256}-ocr.pdf"


class LetterFile(StoredUpload):
    """A scan of an incoming letter (or its attachment), stored outside the web root."""

    class TextState(models.TextChoices):
        PENDING = "pending", "Menunggu"
        OCR = "ocr", "Sedang dibaca (OCR)"  # no text layer: queued for OCR, or being read
        DONE = "done", "Selesai"
        NO_TEXT = "no_text", "Tanpa teks"
        FAILED = "failed", "Gagal dibaca"

    letter = models.ForeignKey(IncomingLetter, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(storage=private_storage, upload_to=_scan_path, max_length=255)
    order = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(blank=True, editable=False)
    text_state = models.CharField(max_length=10, choices=TextState, default=TextState.PENDING)
    # A scan without a text layer, with the text OCR read laid invisibly over its pages.
    ocr_file = models.FileField(storage=private_storage, upload_to=_ocr_path, max_length=255, blank=True)
    ocr_error = models.TextField(blank=True, editable=False)  # why OCR gave up, for the SPBE team

    class Meta:
        verbose_name = "berkas surat"
        verbose_name_plural = "berkas surat"
        ordering = ["order", "id"]
        indexes = [
            models.Index(fields=["letter", "order"], name="letter_file_order"),
            models.Index(
                fields=["uploaded_at"], condition=Q(text_state="pending"), name="letter_file_text_pending"
            ),
        ]

    @property
    def is_being_read(self) -> bool:
        return self.text_state in {self.TextState.PENDING, self.TextState.OCR}


class InboxItem(models.Model):
    """A letter in a position's inbox: as addressee, tembusan, or a disposition node.

    The filter fields of the letter are copied here so that each inbox filter is one index range
    (position, field, received_at): the inbox stays as fast with ten years of mail as on day one.
    """

    class Reason(models.TextChoices):
        ADDRESSEE = "addressee", "Tujuan"
        COPY = "copy", "Tembusan"
        DISPOSITION = "disposition", "Disposisi"

    class Status(models.TextChoices):
        UNREAD = "unread", "Belum dibaca"
        READ = "read", "Dibaca"
        IN_PROGRESS = "in_progress", "Dalam proses"
        DONE = "done", "Selesai"
        WITHDRAWN = "withdrawn", "Ditarik"

    OPEN_STATUSES = (Status.UNREAD, Status.READ, Status.IN_PROGRESS)

    letter = models.ForeignKey(IncomingLetter, on_delete=models.PROTECT, related_name="inbox_items")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="inbox_items")
    reason = models.CharField("sebagai", max_length=12, choices=Reason)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    from_position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="dari"
    )
    status = models.CharField("status", max_length=12, choices=Status, default=Status.UNREAD)
    received_at = models.DateTimeField("diterima")
    due_on = models.DateField("batas waktu", null=True, blank=True)
    priority = models.CharField("prioritas", max_length=8, choices=Priority, default=Priority.NORMAL)
    first_read_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    urgency = models.CharField(max_length=12, choices=Urgency)
    security_class = models.CharField(max_length=12, choices=SecurityClass)
    classification = models.ForeignKey(Classification, on_delete=models.PROTECT, related_name="+")
    sender = models.ForeignKey(Correspondent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "kotak masuk"
        verbose_name_plural = "kotak masuk"
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "position", "reason"],
                condition=Q(reason__in=["addressee", "copy"]),
                name="inbox_item_addressed_once",
            ),
            models.CheckConstraint(
                condition=Q(reason="disposition", parent__isnull=False, from_position__isnull=False)
                | Q(~Q(reason="disposition"), parent__isnull=True),
                name="inbox_item_disposition_has_parent",
            ),
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False) | ~Q(status="done"),
                name="inbox_item_done_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["position", "-received_at", "-id"],
                condition=~Q(status="withdrawn"),
                name="inbox_position_recent",
            ),
            *(
                models.Index(
                    fields=["position", field, "-received_at", "-id"],
                    condition=~Q(status="withdrawn"),
                    name=f"inbox_position_{field}",
                )
                for field in ("status", "urgency", "security_class", "classification", "sender")
            ),
            models.Index(fields=["letter", "received_at"], name="inbox_letter"),
            models.Index(fields=["parent"], name="inbox_parent"),
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["unread", "read", "in_progress"]),
                name="inbox_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter} → {self.position}"

    def is_overdue_on(self, day: date) -> bool:
        return self.due_on is not None and self.due_on < day and self.status in self.OPEN_STATUSES


class InboxRead(models.Model):
    """When a person first opened an inbox item: read state is per person, not per position."""

    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Copied from the item: unread counts subtract a person's reads per position, index to index.
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="inbox_read_once")]
        indexes = [models.Index(fields=["user", "position"], name="inbox_read_user_position")]

    def __str__(self) -> str:
        return f"{self.user_id} membaca {self.item_id}"


class InboxTally(models.Model):
    """How many items (withdrawn ones aside) a position's inbox holds, kept in the transaction that
    delivers or withdraws one: the unread badge on every page reads it instead of counting ten
    years of mail."""

    position = models.OneToOneField(Position, primary_key=True, on_delete=models.CASCADE, related_name="+")
    items = models.PositiveIntegerField(default=0)
    # Replaced by database triggers (migration 0014) in the transaction that changes anything an inbox
    # row shows: an item of the position added, changed or removed, or its letter's register details
    # edited. The inbox page is kept rendered under it (persuratan.views.inbox).
    version = models.UUIDField(db_default=RandomUUID())

    def __str__(self) -> str:
        return f"{self.position_id}: {self.items}"


class ReadTally(models.Model):
    """How many items of a position one person has opened, kept with each first `InboxRead`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "position"], name="read_tally_once")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.position_id}: {self.reads}"


class IncomingLetterUserObjectPermission(UserObjectPermissionBase):
    """A letter shared with one person (django-guardian, direct foreign key: joins, not string ids)."""

    content_object = models.ForeignKey(IncomingLetter, on_delete=models.CASCADE)


# ── Outgoing letters (naskah dinas keluar / nota dinas) ──────────────────────────────────────


class SigningMode(models.TextChoices):
    """How the signature block names the authority: the signer's own, "a.n." or "a.n. … u.b."."""

    OWN = "own", "Atas nama jabatan sendiri"
    ON_BEHALF = "an", "a.n. (atas nama)"
    ON_BEHALF_BY = "an_ub", "a.n. … u.b. (untuk beliau)"


class OutgoingLetter(models.Model):
    """A naskah dinas written by an OPD: a draft with versions, a review chain, then a signed PDF."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Konsep"
        IN_REVIEW = "in_review", "Dalam paraf"
        RETURNED = "returned", "Dikembalikan"
        APPROVED = "approved", "Siap ditandatangani"
        SIGNING = "signing", "Sedang ditandatangani"
        SIGNED = "signed", "Ditandatangani"

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="outgoing_letters")
    letter_type = models.CharField("jenis naskah", max_length=24, choices=LetterType)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafter_position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField("perihal", max_length=500)
    security_class = models.CharField("sifat", max_length=12, choices=SecurityClass)
    urgency = models.CharField("derajat kecepatan", max_length=12, choices=Urgency)
    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, related_name="+", verbose_name="kode klasifikasi"
    )
    attachment_count = models.PositiveSmallIntegerField("jumlah lampiran", default=0)
    signer_position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="+", verbose_name="penandatangan"
    )
    signing_mode = models.CharField(
        "cara tanda tangan", max_length=6, choices=SigningMode, default=SigningMode.OWN
    )
    on_behalf_of = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="atas nama"
    )
    # "a.n. Gubernur / Sekretaris Daerah / u.b. Kepala Biro Umum": the official between the two, who
    # signs a.n. `on_behalf_of` and for whom the signer signs u.b. (untuk beliau).
    by_order_of = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="untuk beliau (u.b.)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    in_reply_to = models.ForeignKey(
        IncomingLetter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name="membalas surat",
    )

    # Filled once, by the signing task, and never changed afterwards.
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    number_seq = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField("nomor", max_length=120, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_as = models.CharField(max_length=10, blank=True, help_text="definitif, plt atau plh")
    signed_pdf = models.FileField(
        storage=private_storage, upload_to="surat-keluar/", max_length=255, blank=True
    )
    signed_sha256 = models.CharField(max_length=64, blank=True)
    # The QR code's link: unguessable, so verification pages cannot be walked.
    verification_code = models.CharField(max_length=32, unique=True)
    # The register's full-text search. Recipients live in their own table, which a generated
    # column cannot read: they are not searched by words.
    search = models.GeneratedField(
        expression=SearchVector("subject", weight="A", config=SEARCH_CONFIG)
        + SearchVector("number", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = "surat keluar"
        verbose_name_plural = "surat keluar"
        constraints = [
            models.UniqueConstraint(
                fields=["opd", "number_year", "number_seq"],
                condition=Q(number_seq__isnull=False),
                name="outgoing_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="signed", number_seq__isnull=False, signed_at__isnull=False)
                | ~Q(status="signed"),
                name="outgoing_signed_has_number",
            ),
            models.CheckConstraint(
                condition=Q(signing_mode="own", on_behalf_of__isnull=True)
                | Q(~Q(signing_mode="own"), on_behalf_of__isnull=False),
                name="outgoing_on_behalf_names_a_position",
            ),
            models.CheckConstraint(
                condition=Q(signing_mode="an_ub", by_order_of__isnull=False)
                | Q(~Q(signing_mode="an_ub"), by_order_of__isnull=True),
                name="outgoing_by_order_names_a_position",
            ),
        ]
        indexes = [
            models.Index(fields=["opd", "-signed_at", "-id"], name="outgoing_register"),
            # The register's search: words, a number in any letter case, and one index per filter.
            GinIndex(fields=["search"], name="outgoing_search"),
            models.Index(F("opd"), Upper("number"), name="outgoing_number_ci"),
            models.Index(
                fields=["opd", "security_class", "-signed_at", "-id"], name="outgoing_register_sifat"
            ),
            models.Index(fields=["opd", "letter_type", "-signed_at", "-id"], name="outgoing_register_type"),
            models.Index(
                fields=["opd", "classification", "-signed_at", "-id"], name="outgoing_register_class"
            ),
            # The public verification page finds a letter by the SHA-256 of an uploaded PDF.
            models.Index(fields=["signed_sha256"], name="outgoing_signed_sha256"),
            models.Index(fields=["drafter", "-created_at"], name="outgoing_drafter"),
            # "Menunggu tanda tangan Anda": a handful of letters, not everything the position ever signed.
            models.Index(
                fields=["signer_position", "created_at"],
                condition=Q(status__in=["approved", "signing"]),
                name="outgoing_awaiting_signature",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Konsep: {self.subject}"


class OutgoingRecipient(models.Model):
    """An addressee or a tembusan: a position in the province, or someone outside it."""

    class Kind(models.TextChoices):
        TO = "to", "Kepada"
        COPY = "copy", "Tembusan"

    letter = models.ForeignKey(OutgoingLetter, on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(max_length=4, choices=Kind)
    order = models.PositiveSmallIntegerField(default=0)
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("nama", max_length=255, blank=True)
    institution = models.CharField("instansi", max_length=255, blank=True)
    address = models.CharField("alamat", max_length=255, blank=True)
    email = models.EmailField("surel", blank=True)
    # Set when the letter reached this recipient (inbox or e-mail): a retried delivery skips it.
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(position__isnull=False) | ~Q(name=""), name="outgoing_recipient_named"
            )
        ]

    def __str__(self) -> str:
        return str(self.position) if self.position_id else self.name

    @property
    def label(self) -> str:
        """How the letter names the recipient: the position, or the person with their institution."""
        if self.position_id:
            return self.position.name
        return f"{self.name}, {self.institution}" if self.institution else self.name


class DraftVersion(models.Model):
    """Every saved body of a draft: kept, so that any two can be compared."""

    letter = models.ForeignKey(OutgoingLetter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    body_html = models.TextField("isi")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField("catatan perubahan", max_length=500, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["letter", "number"], name="draft_version_unique")]

    def __str__(self) -> str:
        return f"Versi {self.number}"


class ReviewStep(models.Model):
    """One position in the paraf chain, in order; acted on only in its turn."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Menunggu"
        APPROVED = "approved", "Diparaf"
        RETURNED = "returned", "Dikembalikan"

    letter = models.ForeignKey(OutgoingLetter, on_delete=models.CASCADE, related_name="review_steps")
    order = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField(default=1, help_text="Naik setiap kali konsep dikembalikan.")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    version = models.ForeignKey(
        DraftVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField("catatan", blank=True)

    class Meta:
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "round", "order"], name="review_step_unique_in_round")
        ]
        indexes = [models.Index(fields=["position", "status"], name="review_step_waiting")]

    def __str__(self) -> str:
        return f"Paraf {self.order}: {self.position}"


class OutgoingCounter(YearlyCounter):
    """Numbers of signed outgoing letters."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opd", "year"], name="outgoing_counter_per_opd_year")]


class SigningRequest(models.Model):
    """A signature waiting for, or being made by, the worker: a national service may be down for days.

    One row per letter, reused when the signer signs again. While it waits (`LIVE` states) it holds
    the signer's passphrase; every way it ends — signed, refused, failed, expired after
    `TTE_REQUEST_TTL_HOURS` — wipes the passphrase in the same statement that records the end.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Menunggu giliran"
        SIGNING = "signing", "Sedang ditandatangani"
        WAITING_SERVICE = "waiting_service", "Menunggu layanan TTE"
        DONE = "done", "Selesai"
        REFUSED = "refused", "Ditolak"
        FAILED = "failed", "Gagal"
        EXPIRED = "expired", "Kedaluwarsa"

    LIVE = (State.QUEUED, State.SIGNING, State.WAITING_SERVICE)

    letter = models.OneToOneField(OutgoingLetter, on_delete=models.CASCADE, related_name="signing_request")
    # The signer's passphrase, encrypted with a key derived from SECRET_KEY, only until it is used.
    passphrase_token = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=255, blank=True)
    # When the passphrase now held was given: the request expires TTE_REQUEST_TTL_HOURS later.
    requested_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The hourly expiry job reads the few waiting requests, not every letter ever signed.
            models.Index(
                fields=["requested_at"],
                condition=Q(state__in=["queued", "signing", "waiting_service"]),
                name="signing_request_live",
            )
        ]

    def __str__(self) -> str:
        return f"Tanda tangan {self.letter_id}: {self.state}"

    def save(self, *args, **kwargs) -> None:
        """A passphrase stored anew (a first request, or signing again after an end) starts the clock."""
        update_fields = kwargs.get("update_fields")
        if self.passphrase_token and (update_fields is None or "passphrase_token" in update_fields):
            self.requested_at, self.attempts = timezone.now(), 0
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "requested_at", "attempts"}
        super().save(*args, **kwargs)

    @property
    def expires_at(self) -> datetime:
        return self.requested_at + timedelta(hours=settings.TTE_REQUEST_TTL_HOURS)

    @property
    def is_live(self) -> bool:
        """Still waiting: the letter page keeps polling for its progress."""
        return self.state in self.LIVE


class DispatchMeans(models.TextChoices):
    """How a printed letter leaves the office (recorded on the letter's timeline, not in a column)."""

    COURIER = "kurir", "Kurir"
    POST = "pos", "Pos"
    EXPEDITION = "ekspedisi", "Jasa ekspedisi"
    BY_HAND = "langsung", "Diantar langsung"


def _attachment_path(instance: "OutgoingAttachment", filename: str) -> str:
    return f"surat-keluar/{instance.letter.opd_id}/lampiran/{instance.sha256}.{instance.extension}"


class OutgoingAttachment(StoredUpload):
    """A lampiran of an outgoing letter: delivered with the signed PDF to every recipient."""

    letter = models.ForeignKey(OutgoingLetter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=_attachment_path, max_length=255)
    order = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lampiran surat keluar"
        verbose_name_plural = "lampiran surat keluar"
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["letter", "order"], name="outgoing_attachment_order")]


class LetterTemplate(models.Model):
    """An OPD's own starting body for one letter type, in the placeholder language of
    persuratan.letter_templates; without one, the product's default is used."""

    opd = models.ForeignKey(Opd, on_delete=models.CASCADE, related_name="letter_templates")
    letter_type = models.CharField("jenis naskah", max_length=24, choices=LetterType)
    body_html = models.TextField("isi templat")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "templat naskah"
        verbose_name_plural = "templat naskah"
        constraints = [
            models.UniqueConstraint(fields=["opd", "letter_type"], name="letter_template_per_opd_type")
        ]

    def __str__(self) -> str:
        return f"{self.get_letter_type_display()} — {self.opd}"
