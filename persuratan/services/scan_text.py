"""Reading the scans of incoming letters into the full-text index.

A file is read after its letter commits: a PDF's text layer at once (`store_file_text`), a scan
without one — a photo, a PDF of scanned paper — by OCR in a task of its own (`store_ocr_text`),
which keeps a searchable copy beside the original. The file's `text_state` shows the way:

    pending → done                      the text layer had text
    pending → ocr → done | no_text      OCR read words, or the pages hold none
                  → failed              OCR gave up after its retries: an event on the letter
"""

from django.core.files.base import ContentFile
from django.db import transaction

from kantor_virtual.files import read_pdf_text
from kantor_virtual.ocr import ocr_pdf
from kantor_virtual.timeline import record_event
from persuratan.models import IncomingLetter, LetterFile
from persuratan.tasks import ocr_file as ocr_file_task

State = LetterFile.TextState


def store_file_text(*, file_id: int) -> bool:
    """Read the text layer of a scan; one without text goes to OCR. Safe to run twice."""
    stored = LetterFile.objects.filter(pk=file_id, text_state=State.PENDING).first()
    if stored is None:
        return False
    text = ""
    if stored.is_pdf:
        with stored.file.open("rb") as handle:
            text = read_pdf_text(handle)
    if text:
        return _finish(stored, from_state=State.PENDING, text=text, text_state=State.DONE)
    with transaction.atomic():
        queued = LetterFile.objects.filter(pk=file_id, text_state=State.PENDING).update(text_state=State.OCR)
        if queued:
            ocr_file_task.delay(file_id)
    return bool(queued)


def store_ocr_text(*, file_id: int) -> bool:
    """OCR a scan without a text layer: keep the searchable PDF and index its text. Safe to run twice.

    Raises `OcrFailed` (or `OSError` from storage); the task retries and finally calls `record_ocr_failure`.
    """
    stored = LetterFile.objects.select_related("letter").filter(pk=file_id, text_state=State.OCR).first()
    if stored is None:
        return False
    with stored.file.open("rb") as handle:
        result = ocr_pdf(handle.read(), content_type=stored.content_type)  # slow: outside any transaction
    # Storage is not transactional: a run that loses the race below leaves an orphan copy, never a
    # row pointing at a missing file.
    stored.ocr_file.save("ocr.pdf", ContentFile(result.pdf), save=False)
    return _finish(
        stored,
        from_state=State.OCR,
        text=result.text,
        text_state=State.DONE if result.text else State.NO_TEXT,
        ocr_file=stored.ocr_file.name,
    )


@transaction.atomic
def record_ocr_failure(*, file_id: int, error: str) -> bool:
    """OCR gave up on a file: it is marked unreadable, with the reason, on its letter's timeline."""
    failed = LetterFile.objects.filter(pk=file_id, text_state=State.OCR).update(
        text_state=State.FAILED, ocr_error=error
    )
    if not failed:
        return False
    stored = LetterFile.objects.select_related("letter").get(pk=file_id)
    record_event(
        target=stored.letter,
        verb="file_unreadable",
        from_state=State.OCR,
        to_state=State.FAILED,
        details={"file": stored.pk, "name": stored.original_name, "error": error},
    )
    return True


def _finish(stored: LetterFile, *, from_state: str, **fields) -> bool:
    """Write what reading gave, unless another run already did, and join the letter's texts again."""
    with transaction.atomic():
        updated = LetterFile.objects.filter(pk=stored.pk, text_state=from_state).update(**fields)
        if updated:
            # Locked, so that two files of one letter read at once cannot each join without the other.
            letter = IncomingLetter.objects.select_for_update().only("pk").get(pk=stored.letter_id)
            texts = letter.files.order_by("order", "id").values_list("text", flat=True)
            letter.scan_text = "\n\n".join(text for text in texts if text)
            letter.save(update_fields=["scan_text"])
    return bool(updated)
