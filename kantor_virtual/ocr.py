"""OCR of image-only scans with Tesseract's Indonesian model, through OCRmyPDF, for any stored file:
scans of letters now, the archive's records too.

OCRmyPDF runs in a child process of its own, as its documentation advises: it forks helpers and
handles signals, which a Celery worker's pool process (daemonic, not always the main thread) may
not do, and a crash or a hang there cannot take the worker with it.
"""

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps

from kantor_virtual.files import read_pdf_text

LANGUAGE = "ind"  # Debian's tesseract-ocr-ind
# A scanner records the resolution it scanned at; a phone's 72 dpi (or none) says nothing about the
# paper, so such an image is taken as an A4 page scanned at the usual 300 dpi.
FALLBACK_DPI = 300
# OCRmyPDF's exit codes that a person can act on; its message alone is often just a class name.
EXIT_MEANINGS = {
    2: "berkas rusak atau bukan pindaian yang dapat dibaca",
    3: "Tesseract atau data bahasa Indonesia (tesseract-ocr-ind) belum terpasang",
    8: "PDF terkunci kata sandi",
}


# OCRmyPDF's exit codes whose answer can never change for the same file: a broken file, a locked PDF.
PERMANENT_EXITS = {2, 8}


class OcrFailed(Exception):
    """OCR could not read a file; the message says why, for the timeline and the logs. A `permanent`
    failure (the file itself is at fault) is recorded at once instead of retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class OcrResult:
    pdf: bytes  # the scan with an invisible text layer over each page: a searchable PDF
    text: str  # that text, page after page; empty when the pages hold no readable words


def ocr_pdf(content: bytes, *, content_type: str) -> OcrResult:
    """Read a PDF, JPEG or PNG scan. Slow (seconds per page, on one core): call it from a task."""
    source = content if content_type == "application/pdf" else _image_as_pdf(content)
    with tempfile.TemporaryDirectory(prefix="kv-ocr-") as folder:
        scan, searchable = Path(folder, "scan.pdf"), Path(folder, "ocr.pdf")
        scan.write_bytes(source)
        _run_ocrmypdf(scan, searchable)
        pdf = searchable.read_bytes()
    return OcrResult(pdf=pdf, text=read_pdf_text(BytesIO(pdf)))


def _image_as_pdf(content: bytes) -> bytes:
    """One PDF page of the image, upright, without transparency, at a resolution Tesseract can use."""
    try:
        with Image.open(BytesIO(content)) as opened:
            image = ImageOps.exif_transpose(opened)
            dpi = image.info.get("dpi", (0, 0))[0]
            if image.mode not in {"1", "L", "RGB"}:
                # Transparent pixels of a PNG would turn black: lay the image on white paper.
                layered = image.convert("RGBA")
                image = Image.new("RGB", layered.size, "white")
                image.paste(layered, mask=layered.getchannel("A"))
            page = BytesIO()
            image.save(page, "PDF", resolution=dpi if dpi > 96 else FALLBACK_DPI)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise OcrFailed(f"Gambar tidak dapat dibuka: {error}", permanent=True) from error
    return page.getvalue()


def _run_ocrmypdf(scan: Path, searchable: Path) -> None:
    command = [
        sys.executable, "-m", "ocrmypdf", "--quiet",
        "--language", LANGUAGE,
        "--output-type", "pdf",  # PDF/A would need Ghostscript; the original scan is what is kept
        "--optimize", "0",  # no image recompression: the searchable copy stays as sharp as the scan
        "--jobs", "1",  # one core per file: the other serves the site and the other tasks
        "--mode", "skip",  # a page that already has text keeps it
        "--rotate-pages",  # scans and photos often arrive sideways or upside down
        # The original keeps its signature; only the searchable copy, made for reading, loses it.
        "--invalidate-digital-signatures",
        str(scan), str(searchable),
    ]  # fmt: skip
    # Tesseract's OpenMP threads fight each other on a busy machine: one thread is faster there.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    # Its own process group, so that a timeout stops Tesseract too, not only OCRmyPDF.
    with subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        start_new_session=True,
    ) as process:
        try:
            _, errors = process.communicate(timeout=settings.OCR_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as timeout:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise OcrFailed(f"OCR tidak selesai dalam {settings.OCR_TIMEOUT_SECONDS} detik.") from timeout
    if process.returncode != 0:
        reason = " ".join(errors.split())[-400:] or "tanpa keterangan"
        meaning = EXIT_MEANINGS.get(process.returncode, "lihat keterangan")
        raise OcrFailed(
            f"OCRmyPDF berhenti dengan kode {process.returncode} ({meaning}): {reason}",
            permanent=process.returncode in PERMANENT_EXITS,
        )
