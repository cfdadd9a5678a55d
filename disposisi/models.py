"""Dispositions: who sent a letter down to whom, with which instructions, and what came back.

The nodes of the tree are persuratan's inbox items (their state, deadline and priority live
there, so the inbox can filter on them); a `Disposition` is the edge that made one node from its
parent, carrying the instructions and the note. Follow-up reports hang off the node they answer.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from kantor_virtual.files import StoredUpload, private_storage
from organisasi.models import Position
from persuratan.models import InboxItem, IncomingLetter


class Instruction(models.TextChoices):
    """The tick-boxes of a lembar disposisi (reference/disposition.md §1)."""

    FOR_INFORMATION = "for_information", "Untuk diketahui"
    FOR_ATTENTION = "for_attention", "Untuk perhatian"
    FOLLOW_UP = "follow_up", "Untuk ditindaklanjuti"
    PROCESS_PER_RULES = "process_per_rules", "Untuk diproses sesuai ketentuan"
    STUDY_AND_REPORT = "study_and_report", "Pelajari dan laporkan"
    GIVE_OPINION = "give_opinion", "Mohon tanggapan dan saran"
    DRAFT_REPLY = "draft_reply", "Siapkan konsep balasan"
    ATTEND = "attend", "Untuk dihadiri"
    REPRESENT = "represent", "Wakili"
    ACCOMPANY = "accompany", "Dampingi saya"
    COORDINATE_WITH = "coordinate_with", "Koordinasikan"
    PREPARE_MATERIAL = "prepare_material", "Siapkan bahan"
    PREPARE_STAFF_ANALYSIS = "prepare_staff_analysis", "Siapkan telaahan staf"
    SCHEDULE = "schedule", "Agendakan"
    DISTRIBUTE = "distribute", "Edarkan"
    FOR_CONSIDERATION = "for_consideration", "Untuk dipertimbangkan"
    MONITOR = "monitor", "Pantau pelaksanaannya"
    COMPLETE = "complete", "Selesaikan"
    DISCUSS_WITH_ME = "discuss_with_me", "Bicarakan dengan saya"
    ARCHIVE = "archive", "Arsipkan"


class Disposition(models.Model):
    """One recipient of one disposition step. A step to three positions is three rows with one `batch`."""

    letter = models.ForeignKey(IncomingLetter, on_delete=models.PROTECT, related_name="dispositions")
    parent_item = models.ForeignKey(InboxItem, on_delete=models.PROTECT, related_name="dispositions_made")
    item = models.OneToOneField(InboxItem, on_delete=models.PROTECT, related_name="disposition")
    batch = models.UUIDField()
    from_position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    instructions = ArrayField(models.CharField(max_length=32, choices=Instruction), verbose_name="instruksi")
    note = models.TextField("catatan", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "disposisi"
        verbose_name_plural = "disposisi"
        indexes = [
            models.Index(fields=["letter", "created_at"], name="disposition_letter"),
            models.Index(fields=["parent_item"], name="disposition_parent_item"),
            models.Index(fields=["batch"], name="disposition_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.from_position} → {self.item.position}"

    def instruction_labels(self) -> list[str]:
        return [Instruction(code).label for code in self.instructions]


class FollowUp(models.Model):
    """Tindak lanjut: a recipient's report on their node, possibly closing it."""

    item = models.ForeignKey(InboxItem, on_delete=models.PROTECT, related_name="follow_ups")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("laporan")
    marks_done = models.BooleanField("menyelesaikan", default=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "tindak lanjut"
        verbose_name_plural = "tindak lanjut"
        indexes = [models.Index(fields=["item", "created_at"], name="follow_up_item")]
        constraints = [
            # A node is closed once: the second "done" on it is refused by the database as well.
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(marks_done=True), name="follow_up_done_once"
            )
        ]

    def __str__(self) -> str:
        return f"Tindak lanjut {self.item_id}"


def _follow_up_path(instance: "FollowUpFile", filename: str) -> str:
    return f"tindak-lanjut/{instance.follow_up.item.letter_id}/{instance.sha256}.{instance.extension}"


class FollowUpFile(StoredUpload):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(storage=private_storage, upload_to=_follow_up_path, max_length=255)

    class Meta:
        verbose_name = "berkas tindak lanjut"
        verbose_name_plural = "berkas tindak lanjut"


def _sheet_path(instance: "DispositionSheet", filename: str) -> str:
    return f"lembar-disposisi/{instance.letter.opd_id}/{instance.letter_id}-{instance.fingerprint[:16]}.pdf"


class DispositionSheet(models.Model):
    """The printable lembar disposisi of a letter, rendered by a worker.

    `fingerprint` says which state of the tree the PDF shows; a newer tree asks for a new render.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Sedang disiapkan"
        READY = "ready", "Siap"
        FAILED = "failed", "Gagal"

    letter = models.OneToOneField(IncomingLetter, on_delete=models.PROTECT, related_name="disposition_sheet")
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=State, default=State.PENDING)
    file = models.FileField(storage=private_storage, upload_to=_sheet_path, max_length=255, blank=True)
    requested_at = models.DateTimeField()
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lembar disposisi"
        verbose_name_plural = "lembar disposisi"

    def __str__(self) -> str:
        return f"Lembar disposisi {self.letter_id}"
