"""OCR through a real Celery worker and the Redis broker: a letter registered with an image-only
scan is found by a word that appears only in the image; a scan OCR cannot read ends as "Gagal
dibaca" after its retries, on the letter's timeline, and a broken scan at once."""

import time

import pytest

from kantor_virtual.models import Event
from kantor_virtual.ocr import ocr_pdf
from persuratan.models import LetterFile
from persuratan.search import search_letters
from persuratan.services import scan_text
from tests.persuratan.scans import CORRUPT_PDF, WORD_ONLY_IN_IMAGE, image_only_pdf

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def read_state(scan: LetterFile, *, seconds: float) -> str:
    """The file's text state once the worker has left it, waiting at most `seconds`."""
    deadline = time.monotonic() + seconds
    while (state := LetterFile.objects.get(pk=scan.pk).text_state) in {"pending", "ocr"}:
        assert time.monotonic() < deadline, f"the worker had not read the scan within {seconds:.0f} s"
        time.sleep(0.5)
    return state


def test_the_worker_ocrs_an_image_only_letter_and_search_finds_it_by_a_word_of_the_image(
    opd, kadis, register, make_scan, make_user, worker
):
    letter = register(
        opd=opd,
        to=[kadis],
        subject="Permohonan bantuan logistik",
        summary="Dari BPBD untuk korban banjir.",
        scans=[make_scan(content=image_only_pdf(), name="surat.pdf")],
    )
    reader = make_user(holds=kadis)
    assert WORD_ONLY_IN_IMAGE not in f"{letter.subject} {letter.summary} {letter.sender_name}".lower()
    scan = letter.files.get()

    assert read_state(scan, seconds=180) == LetterFile.TextState.DONE

    [hit] = search_letters(user=reader, query=WORD_ONLY_IN_IMAGE).hits
    assert hit.letter.pk == letter.pk
    assert f"<mark>{WORD_ONLY_IN_IMAGE}</mark>" in hit.snippet.lower()


@pytest.fixture
def counted_ocr(monkeypatch):
    """The times the real OCR ran (it changes nothing else)."""
    attempts = []

    def counted(*args, **kwargs):
        attempts.append(time.monotonic())
        return ocr_pdf(*args, **kwargs)

    monkeypatch.setattr(scan_text, "ocr_pdf", counted)
    return attempts


def test_a_scan_ocr_times_out_on_is_retried_then_marked_failed_with_an_event(
    opd, kadis, register, make_scan, settings, counted_ocr, worker
):
    # A busy machine: every try runs out of time, which a later try might not.
    settings.OCR_MAX_RETRIES, settings.OCR_RETRY_BACKOFF_SECONDS, settings.OCR_TIMEOUT_SECONDS = 2, 1, 0.05
    letter = register(opd=opd, to=[kadis], scans=[make_scan(content=image_only_pdf(), name="surat.pdf")])
    scan = letter.files.get()

    assert read_state(scan, seconds=90) == LetterFile.TextState.FAILED

    scan.refresh_from_db()
    assert len(counted_ocr) == 3, "the first try and two retries through the broker"
    assert "tidak selesai" in scan.ocr_error and (scan.text, scan.ocr_file.name) == ("", "")
    [event] = Event.objects.filter(target_id=str(letter.pk), verb="file_unreadable")
    assert event.details == {"file": scan.pk, "name": "surat.pdf", "error": scan.ocr_error}


def test_a_broken_scan_is_marked_failed_at_once_without_retries(
    opd, kadis, register, make_scan, settings, counted_ocr, worker
):
    settings.OCR_MAX_RETRIES, settings.OCR_RETRY_BACKOFF_SECONDS = 4, 1
    letter = register(opd=opd, to=[kadis], scans=[make_scan(content=CORRUPT_PDF, name="rusak.pdf")])
    scan = letter.files.get()

    assert read_state(scan, seconds=90) == LetterFile.TextState.FAILED

    scan.refresh_from_db()
    assert len(counted_ocr) == 1, "OCRmyPDF's answer for a broken file can never change"
    assert "kode 2" in scan.ocr_error
    assert Event.objects.filter(target_id=str(letter.pk), verb="file_unreadable").count() == 1
