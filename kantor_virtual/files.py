"""Uploaded files: checked by content, fingerprinted, and kept outside the web root.

Every app that accepts files (scans of letters, follow-up reports, public submissions) goes
through `check_upload`, so the allow-list and the size limit live in one place.
"""

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject
from pypdf import PdfReader
from pypdf.errors import PdfReadError

# What we accept, by the type its bytes reveal: never by the name or the browser's claim.
ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
SNIFF_BYTES = 8192


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files only a permission-checking view may serve: no base URL, root outside STATIC/MEDIA."""

    def __init__(self) -> None:
        super().__init__(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class _LazyPrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = PrivateStorage()


private_storage = _LazyPrivateStorage()


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


def sniff_content_type(upload) -> str | None:
    """The allow-listed MIME type the file's first bytes prove, or None."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    return kind.mime


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_upload(upload) -> CheckedUpload:
    """Raise a ValidationError in Indonesian unless `upload` is an allowed type within the size limit."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"Berkas “{upload.name}” berukuran {upload.size / 1_048_576:.1f} MB; batasnya {limit // 1_048_576} MB.",
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(f"Berkas “{upload.name}” kosong.", code="empty")
    content_type = sniff_content_type(upload)
    if content_type is None:
        allowed = ", ".join(ALLOWED_TYPES.values())
        raise ValidationError(
            f"Berkas “{upload.name}” bukan {allowed} menurut isinya. Unggah hasil pindaian dalam format {allowed}.",
            code="bad_type",
        )
    return CheckedUpload(content_type=content_type, size=upload.size, sha256=sha256_of(upload))


def read_pdf_text(handle) -> str:
    """The text layer of a PDF, page by page; empty for an image-only scan or an unreadable file."""
    try:
        reader = PdfReader(handle)
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError:
        return ""
    # PostgreSQL text cannot hold NUL, which some PDF encodings produce.
    return "\n".join(pages).replace("\x00", "").strip()


class StoredUpload(models.Model):
    """What every uploaded file keeps beside its bytes: the name it came with, its checked type,
    size and SHA-256. Subclasses add the `file` field with their own storage path."""

    original_name = models.CharField("nama berkas", max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[self.content_type]

    def store(self, upload, facts: CheckedUpload) -> None:
        """Record the checked facts and write the file under the name the subclass's path gives."""
        self.original_name = upload.name[-255:]
        self.content_type, self.size, self.sha256 = facts.content_type, facts.size, facts.sha256
        self.file.save(upload.name, upload, save=False)
        self.save()


def private_file_response(file, *, name: str, content_type: str, download: bool = False) -> FileResponse:
    """Serve a private file to someone the caller has already checked: never cached by proxies, and
    never sniffed into another type by the browser."""
    response = FileResponse(file.open("rb"), content_type=content_type, as_attachment=download, filename=name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
