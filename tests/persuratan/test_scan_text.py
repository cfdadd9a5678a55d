"""The text layer of the scans: read by a task after the letter is committed, then searchable."""

import struct
import time
import zlib

import pytest

from persuratan.models import IncomingLetter, LetterFile
from persuratan.search import search_letters
from persuratan.tasks import extract_file_text

pytestmark = pytest.mark.django_db

# A word that appears nowhere but in the scan's text layer.
SCAN_WORD = "Xylofonika"


def png_bytes() -> bytes:
    """A real 1×1 greyscale PNG: an image scan, which has no text layer."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def reader(make_user, kadis):
    return make_user(holds=kadis)


def found(user, query: str) -> list[int]:
    return [hit.letter.pk for hit in search_letters(user=user, query=query).hits]


def test_a_word_only_in_the_pdf_text_layer_is_found_after_the_task_runs(
    opd, kadis, reader, register, make_scan
):
    letter = register(opd=opd, to=[kadis], scans=[make_scan(text=f"Rincian anggaran {SCAN_WORD} tahun ini")])
    scan = letter.files.get()
    assert found(reader, SCAN_WORD) == [], "the text is read after the commit, not during the request"

    assert extract_file_text(scan.pk) is True

    scan.refresh_from_db()
    assert scan.text_state == LetterFile.TextState.DONE and SCAN_WORD in scan.text
    assert found(reader, SCAN_WORD.lower()) == [letter.pk]
    [hit] = search_letters(user=reader, query=SCAN_WORD).hits
    assert f"<mark>{SCAN_WORD}</mark>" in hit.snippet


def test_running_the_task_twice_changes_nothing_the_second_time(opd, kadis, register, make_scan):
    letter = register(
        opd=opd, to=[kadis], scans=[make_scan(text="Halaman pertama"), make_scan(text="Halaman kedua")]
    )
    first, second = letter.files.order_by("order")
    extract_file_text(second.pk)
    extract_file_text(first.pk)
    done = IncomingLetter.objects.get(pk=letter.pk).scan_text
    files = list(LetterFile.objects.filter(letter=letter).values_list("text", "text_state").order_by("order"))

    assert extract_file_text(first.pk) is False
    assert extract_file_text(second.pk) is False

    assert done == "Halaman pertama\n\nHalaman kedua", "in the order of the scans, whichever ran first"
    assert IncomingLetter.objects.get(pk=letter.pk).scan_text == done
    assert (
        list(LetterFile.objects.filter(letter=letter).values_list("text", "text_state").order_by("order"))
        == files
    )


def test_an_image_scan_goes_to_ocr_and_the_letter_stays_searchable_meanwhile(
    opd, kadis, reader, register, make_scan, django_capture_on_commit_callbacks, queued
):
    letter = register(
        opd=opd, to=[kadis], subject="Foto kegiatan", scans=[make_scan(content=png_bytes(), name="foto.png")]
    )
    scan = letter.files.get()
    assert scan.content_type == "image/png"

    with django_capture_on_commit_callbacks():
        extract_file_text(scan.pk)

    scan.refresh_from_db()
    assert (scan.text_state, scan.text) == (LetterFile.TextState.OCR, "")
    assert queued("ocr_file") == [("ocr_file", [scan.pk])], "the OCR task, queued with the state"
    assert IncomingLetter.objects.get(pk=letter.pk).scan_text == ""
    assert found(reader, "kegiatan") == [letter.pk]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_registered_scan_is_read_by_a_real_worker_through_the_redis_broker(
    worker, opd, kadis, reader, register, make_scan
):
    """Registration commits, schedules the task on commit, Redis carries it, a worker reads the PDF."""
    letter = register(opd=opd, to=[kadis], scans=[make_scan(text=f"Lampiran {SCAN_WORD} terpadu")])
    scan = letter.files.get()
    deadline = time.monotonic() + 30
    while LetterFile.objects.get(pk=scan.pk).text_state == LetterFile.TextState.PENDING:
        assert time.monotonic() < deadline, "the worker did not read the scan within 30 seconds"
        time.sleep(0.2)

    assert LetterFile.objects.get(pk=scan.pk).text_state == LetterFile.TextState.DONE
    assert found(reader, SCAN_WORD) == [letter.pk]
