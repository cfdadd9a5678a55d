"""OCR of scans without a text layer: Tesseract's Indonesian model through OCRmyPDF, for real."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from kantor_virtual.files import read_pdf_text
from kantor_virtual.ocr import OcrFailed, ocr_pdf
from persuratan.models import IncomingLetter, LetterFile
from persuratan.search import search_letters
from persuratan.services import scan_text
from persuratan.tasks import extract_file_text, ocr_file
from tests.persuratan.scans import CORRUPT_PDF, WORD_ONLY_IN_IMAGE, image_only_pdf, letter_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(make_user, kadis, settings):
    settings.OTP_REQUIRED = False  # these tests are about OCR; TOTP has its own tests
    return make_user(holds=kadis)


def found(user, query: str) -> list[int]:
    return [hit.letter.pk for hit in search_letters(user=user, query=query).hits]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(image_only_pdf, "application/pdf"), (letter_png, "image/png")],
    ids=["pdf", "png"],
)
def test_ocr_reads_the_indonesian_letter_in_an_image_into_a_searchable_pdf(content, content_type):
    assert read_pdf_text(BytesIO(image_only_pdf())) == "", "the scan itself has no text layer"

    result = ocr_pdf(content(), content_type=content_type)

    words = result.text.lower().split()
    assert WORD_ONLY_IN_IMAGE in words and "penanggulangan" in words
    assert result.pdf.startswith(b"%PDF-"), "the scan with its text laid over the page"


def test_ocr_of_a_file_no_reader_can_open_fails_with_the_reason_for_good():
    with pytest.raises(OcrFailed, match="kode 2 \\(berkas rusak") as broken_pdf:
        ocr_pdf(CORRUPT_PDF, content_type="application/pdf")
    with pytest.raises(OcrFailed, match="Gambar tidak dapat dibuka") as broken_image:
        ocr_pdf(b"\x89PNG\r\n\x1a\n" + b"rusak" * 20, content_type="image/png")
    assert broken_pdf.value.permanent and broken_image.value.permanent, "no retry can change the answer"


def test_ocr_that_runs_out_of_time_may_succeed_later(settings):
    settings.OCR_TIMEOUT_SECONDS = 0.05
    with pytest.raises(OcrFailed, match="tidak selesai") as slow:
        ocr_pdf(image_only_pdf(), content_type="application/pdf")
    assert not slow.value.permanent


def test_an_image_only_scan_is_read_by_ocr_after_commit_and_the_letter_is_found_by_a_word_of_the_image(
    opd, kadis, reader, register, make_scan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = register(opd=opd, to=[kadis], scans=[make_scan(content=image_only_pdf(), name="surat.pdf")])

    scan = LetterFile.objects.get(letter=letter)
    assert scan.text_state == LetterFile.TextState.DONE
    assert scan.ocr_file.name.endswith(f"{scan.sha256}-ocr.pdf")
    assert WORD_ONLY_IN_IMAGE in IncomingLetter.objects.get(pk=letter.pk).scan_text.lower()
    assert found(reader, WORD_ONLY_IN_IMAGE) == [letter.pk]

    before = LetterFile.objects.filter(pk=scan.pk).values().get()
    assert extract_file_text(scan.pk) is False
    assert ocr_file(scan.pk) is False
    assert LetterFile.objects.filter(pk=scan.pk).values().get() == before, "a second run changes nothing"


def test_a_photo_without_words_ends_without_text_and_the_letter_stays_searchable(
    opd, kadis, reader, register, make_scan
):
    blank = BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(blank, "PNG")  # an empty A5 page at 300 dpi
    letter = register(
        opd=opd, to=[kadis], subject="Foto kegiatan", scans=[make_scan(content=blank.getvalue())]
    )
    scan = letter.files.get()
    extract_file_text(scan.pk)
    assert LetterFile.objects.get(pk=scan.pk).text_state == LetterFile.TextState.OCR

    ocr_file(scan.pk)

    scan.refresh_from_db()
    assert (scan.text_state, scan.text) == (LetterFile.TextState.NO_TEXT, "")
    assert found(reader, "kegiatan") == [letter.pk]


def test_the_letter_page_shows_ocr_progress_then_links_the_searchable_pdf(
    client, opd, kadis, reader, register, make_scan, make_position, make_user
):
    letter = register(opd=opd, to=[kadis], scans=[make_scan(content=letter_png(), name="surat.png")])
    scan = letter.files.get()
    files_url = reverse("persuratan:letter_files", args=[letter.pk])
    searchable_url = reverse("persuratan:letter_file_ocr", args=[letter.pk, scan.pk])
    client.force_login(reader)
    extract_file_text(scan.pk)

    page = client.get(letter.get_absolute_url()).content.decode()
    assert "Sedang dibaca (OCR)…" in page
    assert f'hx-get="{files_url}" hx-trigger="every 2s"' in page
    assert client.get(searchable_url).status_code == 404, "no searchable copy yet"

    ocr_file(scan.pk)

    fragment = client.get(files_url).content.decode()
    assert "Sedang dibaca" not in fragment and "hx-trigger" not in fragment, "polling stops"
    assert f'href="{searchable_url}"' in fragment and "PDF dapat dicari" in fragment
    response = client.get(searchable_url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="surat-dapat-dicari.pdf"'
    assert WORD_ONLY_IN_IMAGE in read_pdf_text(BytesIO(b"".join(response.streaming_content))).lower()

    client.force_login(make_user(holds=make_position(name="Sekretaris")))
    assert client.get(files_url).status_code == 404
    assert client.get(searchable_url).status_code == 404


def test_a_file_ocr_gave_up_on_is_shown_as_unreadable_with_its_event_and_the_page_stops_polling(
    client, opd, kadis, reader, register, make_scan
):
    letter = register(opd=opd, to=[kadis], scans=[make_scan(content=letter_png(), name="surat.png")])
    scan = letter.files.get()
    extract_file_text(scan.pk)

    assert scan_text.record_ocr_failure(file_id=scan.pk, error="OCRmyPDF berhenti dengan kode 15") is True
    assert scan_text.record_ocr_failure(file_id=scan.pk, error="lagi") is False, "reported once"

    client.force_login(reader)
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "Gagal dibaca" in page and "Berkas gagal dibaca (OCR)" in page
    assert "hx-trigger" not in page.split('id="berkas-surat"')[1].split("</ul>")[0]


def test_the_letter_page_and_its_file_list_take_as_many_queries_for_four_files_as_for_one(
    client, opd, kadis, reader, register, make_scan
):
    one = register(opd=opd, to=[kadis], scans=[make_scan()])
    images = [make_scan(content=letter_png(), name=f"{n}.png") for n in range(2)]
    four = register(opd=opd, to=[kadis], sender_number="2/X", scans=[make_scan(), *images, make_scan()])
    done, failed, being_read, _waiting = four.files.all()
    for scan in (done, failed, being_read):
        extract_file_text(scan.pk)
    scan_text.record_ocr_failure(file_id=failed.pk, error="uji")
    client.force_login(reader)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for letter in (one, four):
        client.get(letter.get_absolute_url())  # the first visit also records the reading
    assert queries(one.get_absolute_url()) == queries(four.get_absolute_url())
    files = [reverse("persuratan:letter_files", args=[letter.pk]) for letter in (one, four)]
    assert queries(files[0]) == queries(files[1])
