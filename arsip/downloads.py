"""Files the archive prepares in a worker, asked for in a request and served from private storage:
the printable daftar arsip aktif/inaktif of an OPD (PDF with its kop surat) and a berkas exported as
a zip another system can import (its records' files, metadata.csv and metadata.json).

Either can be large, so neither is made inside a request. A download is a picture of the archive
at one moment; `fingerprint` names that moment. Asking again while nothing changed returns the file
already made (or being made); after a change, the next request makes a new one. The worker reports
its progress on the row, which the page polls.
"""

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import BinaryIO

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from arsip.models import Berkas, Download, Record
from arsip.selectors import RegisterFilters, daftar_rows, keeper_scope, records_readable_by
from kantor_virtual.errors import Refused
from kantor_virtual.files import private_storage
from kantor_virtual.pdf import kop_facts, render_pdf
from kantor_virtual.timeline import record_event
from organisasi.models import Opd, User
from persuratan.models import LetterFile, OutgoingAttachment, SecurityClass

REGISTER_TEMPLATE = "pdf/daftar_arsip.html"
# Part of the fingerprint: a change of a file's layout makes every earlier one out of date.
LAYOUT_VERSION = 1
# A zip of a large berkas takes minutes: a request pending longer than this was lost (a worker died,
# the broker was flushed) and may be sent again.
STALLED_AFTER = timedelta(minutes=15)
CONTENT_TYPES = {Download.Kind.REGISTER: "application/pdf", Download.Kind.BERKAS: "application/zip"}
METADATA_COLUMNS = [
    "no",
    "nomor",
    "uraian",
    "tanggal",
    "kode_klasifikasi",
    "sifat",
    "asli",
    "ditutup",
    "aktif_sampai",
    "inaktif_sampai",
    "keterangan_akhir",
    "status",
    "dokumen",
    "sha256",
    "ukuran",
]

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class _Picture:
    """What one download shows, read once: the fingerprint and the file come from the same rows."""

    fingerprint: str
    build: Callable[[Progress, BinaryIO], None]  # writes the file


def _picture(facts: dict, build: Callable[[Progress, BinaryIO], None]) -> _Picture:
    encoded = json.dumps(facts, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return _Picture(fingerprint=hashlib.sha256(encoded.encode()).hexdigest(), build=build)


# ── The daftar arsip ─────────────────────────────────────────────────────────────────────────


def _register_picture(opd: Opd, filters: RegisterFilters) -> _Picture:
    rows = daftar_rows(opd=opd, filters=filters, limit=None)
    facts = {
        "layout": LAYOUT_VERSION,
        "kop": kop_facts(opd),
        "filters": asdict(filters),
        "rows": [
            [
                row.berkas.pk,
                row.berkas.number,
                row.berkas.year,
                row.berkas.classification.code,
                row.berkas.title,
                row.berkas.unit.name if row.berkas.unit else "",
                row.count,
                row.originals,
                row.first_date,
                row.last_date,
                row.kept_until,
                row.dispositions,
            ]
            for row in rows
        ],
    }

    def build(progress: Progress, out: BinaryIO) -> None:
        context = {
            "opd": opd,
            "rows": rows,
            "inactive": filters.state == Record.State.INACTIVE,
            "filters": filters,
            "unit": rows[0].berkas.unit if filters.unit_id and rows else None,
            "printed_at": timezone.now(),
        }
        out.write(render_pdf(template=REGISTER_TEMPLATE, context=context))
        progress(1, 1)

    return _picture(facts, build)


def _register_key(opd: Opd, filters: RegisterFilters) -> str:
    return (
        f"register:{opd.pk}:{filters.state}:{filters.year or ''}:{filters.unit_id or ''}:"
        f"{filters.classification.strip()}"
    )


@transaction.atomic
def request_register_print(*, actor: User, opd: Opd, filters: RegisterFilters) -> Download:
    """A keeper of the OPD asks for its daftar arsip with these filters as a PDF."""
    if not keeper_scope(user=actor).covers(opd.pk):
        raise Refused("Anda bukan operator atau arsiparis perangkat daerah ini.", code="not_keeper")
    picture = _register_picture(Opd.objects.select_related("province").get(pk=opd.pk), filters)
    return _request(
        kind=Download.Kind.REGISTER,
        key=_register_key(opd, filters),
        opd=opd,
        berkas=None,
        params=asdict(filters),
        fingerprint=picture.fingerprint,
    )


# ── A berkas as a zip ────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _StoredFile:
    path: str  # inside the zip
    file: object  # a FieldFile
    sha256: str
    size: int


def _export_files(records: list[Record]) -> dict[int, list[_StoredFile]]:
    """Each record's files as they go into the zip: the scans of an incoming letter, the signed PDF
    and lampiran of an outgoing one. A destroyed record has none left: its metadata goes alone."""
    kept = [record for record in records if record.state != Record.State.DESTROYED]
    by_letter = {record.incoming_id: record for record in kept if record.incoming_id}
    by_outgoing = {record.outgoing_id: record for record in kept if record.outgoing_id}
    files: dict[int, list[_StoredFile]] = {record.pk: [] for record in records}
    folders = {record.pk: f"{index:03d}" for index, record in enumerate(records, start=1)}

    def add(record: Record, name: str, file, sha256: str, size: int) -> None:
        path = f"{folders[record.pk]}/{get_valid_filename(name)}"
        files[record.pk].append(_StoredFile(path, file, sha256, size))

    for scan in LetterFile.objects.filter(letter_id__in=by_letter).order_by("letter_id", "order", "id"):
        add(
            by_letter[scan.letter_id],
            f"{scan.order + 1:02d}-{scan.original_name}",
            scan.file,
            scan.sha256,
            scan.size,
        )
    for record in by_outgoing.values():
        letter = record.outgoing
        add(
            record,
            "naskah-ditandatangani.pdf",
            letter.signed_pdf,
            letter.signed_sha256,
            letter.signed_pdf.size,
        )
    lampiran = OutgoingAttachment.objects.filter(letter_id__in=by_outgoing).order_by(
        "letter_id", "order", "id"
    )
    for attachment in lampiran:
        name = f"lampiran-{attachment.order + 1:02d}-{attachment.original_name}"
        add(by_outgoing[attachment.letter_id], name, attachment.file, attachment.sha256, attachment.size)
    return files


def _berkas_records(berkas: Berkas) -> list[Record]:
    return list(
        berkas.records.select_related("classification", "outgoing")
        .defer("search", "text", "outgoing__search")
        .order_by("letter_date", "id")
    )


def _metadata(record: Record, index: int) -> dict:
    return {
        "no": index,
        "nomor": record.number,
        "uraian": record.title,
        "tanggal": record.letter_date,
        "kode_klasifikasi": record.classification.code,
        "sifat": record.security_class,
        "asli": record.original,
        "ditutup": record.closed_on,
        "aktif_sampai": record.active_until,
        "inaktif_sampai": record.inactive_until,
        "keterangan_akhir": record.final_disposition,
        "status": record.state,
        "jenis": "surat_masuk" if record.incoming_id else "surat_keluar",
    }


def _berkas_picture(berkas: Berkas) -> _Picture:
    records = _berkas_records(berkas)
    files = _export_files(records)
    about = {
        "opd": berkas.opd.code,
        "nomor": berkas.number,
        "tahun": berkas.year,
        "uraian": berkas.title,
        "kode_klasifikasi": berkas.classification.code,
        "unit": berkas.unit.name if berkas.unit else "",
    }
    entries = [_metadata(record, index) for index, record in enumerate(records, start=1)]
    facts = {
        "layout": LAYOUT_VERSION,
        "berkas": about,
        "records": [
            {**entry, "dokumen": [{"lokasi": f.path, "sha256": f.sha256} for f in files[record.pk]]}
            for entry, record in zip(entries, records, strict=True)
        ],
    }

    def build(progress: Progress, out: BinaryIO) -> None:
        total = sum(len(stored) for stored in files.values())
        done = 0
        json_records, csv_rows = [], []
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for entry, record in zip(entries, records, strict=True):
                written = []
                for stored in files[record.pk]:
                    written.append(
                        {"lokasi": stored.path, "sha256": _copy(stored, bundle), "ukuran": stored.size}
                    )
                    done += 1
                    progress(done, total)
                json_records.append({**entry, "dokumen": written})
                csv_rows += [{**entry, **file, "dokumen": file["lokasi"]} for file in written] or [entry]
            exported = {"berkas": about, "diekspor": timezone.now(), "arsip": json_records}
            bundle.writestr(
                "metadata.json", json.dumps(exported, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            )
            bundle.writestr("metadata.csv", _csv(csv_rows))

    return _picture(facts, build)


def _copy(stored: _StoredFile, bundle: zipfile.ZipFile) -> str:
    """Copy a stored file into the zip, hashing what is actually written; a file whose bytes no longer
    match the SHA-256 recorded at upload is not exported as if it were the same record."""
    digest = hashlib.sha256()
    with stored.file.open("rb") as source, bundle.open(stored.path, "w", force_zip64=True) as target:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            digest.update(chunk)
            target.write(chunk)
    if digest.hexdigest() != stored.sha256:
        raise ValueError(f"Isi {stored.path} tidak cocok dengan sidik SHA-256 yang tercatat saat diunggah.")
    return digest.hexdigest()


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=METADATA_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()  # the BOM tells spreadsheets that it is UTF-8


def may_export(*, user: User, berkas: Berkas) -> bool:
    """Keepers of the OPD export its berkas, unless it holds a rahasia record they may not read."""
    if not keeper_scope(user=user).covers(berkas.opd_id):
        return False
    hidden = berkas.records.filter(security_class__in=SecurityClass.narrowed()).exclude(
        pk__in=records_readable_by(user=user).values("pk")
    )
    return not hidden.exists()


@transaction.atomic
def request_berkas_export(*, actor: User, berkas: Berkas) -> Download:
    """A keeper asks for the berkas as a zip; who exported what is on the berkas's timeline."""
    if not may_export(user=actor, berkas=berkas):
        raise Refused(
            "Berkas ini hanya dapat diekspor oleh operator atau arsiparis perangkat daerahnya yang dapat "
            "membaca seluruh arsip di dalamnya.",
            code="not_exportable",
        )
    picture = _berkas_picture(berkas)
    record_event(
        target=berkas, verb="export_requested", actor=actor, details={"fingerprint": picture.fingerprint}
    )
    return _request(
        kind=Download.Kind.BERKAS,
        key=f"berkas:{berkas.pk}",
        opd=berkas.opd,
        berkas=berkas,
        params={},
        fingerprint=picture.fingerprint,
    )


# ── Asking, making, reading back ─────────────────────────────────────────────────────────────


def _request(
    *, kind: str, key: str, opd: Opd, berkas: Berkas | None, params: dict, fingerprint: str
) -> Download:
    from arsip.tasks import prepare_download as prepare_download_task  # here: the tasks import this module

    now = timezone.now()
    # The row lock makes two people asking at once schedule one worker run, not two.
    download, created = Download.objects.select_for_update().get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "opd": opd,
            "berkas": berkas,
            "params": params,
            "fingerprint": fingerprint,
            "requested_at": now,
        },
    )
    if not created and download.fingerprint == fingerprint:
        if download.state == Download.State.READY:
            return download
        if download.state == Download.State.PENDING and download.requested_at > now - STALLED_AFTER:
            return download
    if not created:
        download.fingerprint, download.state, download.progress = fingerprint, Download.State.PENDING, 0
        download.requested_at = now
        download.save(update_fields=["fingerprint", "state", "progress", "requested_at"])
    prepare_download_task.delay(download.pk)
    return download


def _current_picture(download: Download) -> _Picture:
    if download.kind == Download.Kind.BERKAS:
        berkas = Berkas.objects.select_related("opd", "classification", "unit").get(pk=download.berkas_id)
        return _berkas_picture(berkas)
    opd = Opd.objects.select_related("province").get(pk=download.opd_id)
    return _register_picture(opd, RegisterFilters(**download.params))


def prepare_download(*, download_id: int) -> bool:
    """Make the file of a download as the archive stands now and store it. Safe to run twice.

    Runs outside any transaction (a zip takes minutes and must hold no lock); the file becomes
    current only if nobody asked for a newer picture meanwhile.
    """
    download = Download.objects.filter(pk=download_id).first()
    if download is None:
        return False
    picture = _current_picture(download)
    if download.state == Download.State.READY and download.fingerprint == picture.fingerprint:
        return False
    # Claim the row for this picture, unless it changed since we read it: a newer request, or another
    # run of this task, then owns the work.
    claimed = Download.objects.filter(
        pk=download.pk, fingerprint=download.fingerprint, state=download.state
    ).update(fingerprint=picture.fingerprint, state=Download.State.PENDING, progress=0)
    if not claimed:
        return False
    mine = Download.objects.filter(
        pk=download.pk, fingerprint=picture.fingerprint, state=Download.State.PENDING
    )

    def progress(done: int, total: int) -> None:
        percent = 99 if total == 0 else min(99, done * 100 // total)
        mine.filter(progress__lt=percent).update(progress=percent)

    # A berkas may hold hundreds of scans: the zip is written to a temporary file, not to memory.
    with tempfile.TemporaryFile() as out:
        try:
            picture.build(progress, out)
        except Exception as error:
            # An OSError is retried by the task with backoff, so the row stays pending; anything else
            # will fail again, so the page says so instead of spinning.
            if not isinstance(error, OSError):
                mine.update(state=Download.State.FAILED)
            raise
        out.seek(0)
        download.fingerprint = picture.fingerprint  # what the stored file's name is made of
        download.file.save(file_name(download), File(out), save=False)
    name, previous = download.file.name, ""
    with transaction.atomic():
        # Locked, so the file it replaces is read and swapped at once; conditional on the picture made.
        current = Download.objects.select_for_update().filter(pk=download.pk).first()
        stored = (
            current is not None
            and current.fingerprint == picture.fingerprint
            and current.state == Download.State.PENDING
        )
        if stored:
            previous = current.file.name
            Download.objects.filter(pk=download.pk).update(
                state=Download.State.READY, file=name, progress=100, rendered_at=timezone.now()
            )
    # Storage is not transactional: remove whichever file lost, after the row says which one won.
    if not stored:
        private_storage.delete(name)
        return False
    if previous and previous != name:
        private_storage.delete(previous)
    return True


def file_name(download: Download) -> str:
    """What the file is called where it is stored and when it is downloaded."""
    if download.kind == Download.Kind.BERKAS:
        return f"berkas-{download.opd.code}-{download.berkas.year}-{download.berkas.number}.zip"
    state = "inaktif" if download.params.get("state") == Record.State.INACTIVE else "aktif"
    return f"daftar-arsip-{state}-{download.opd.code}.pdf"


@dataclass(frozen=True)
class DownloadStatus:
    download: Download
    stalled: bool  # pending for longer than the work and its retries take

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.download.kind]

    @property
    def name(self) -> str:
        return file_name(self.download)


def download_for(*, user: User, pk: int) -> DownloadStatus | None:
    """A download for someone who may have it (a keeper of the OPD; for a berkas, one who may export
    it); None for anyone else, the same answer as a missing one."""
    download = Download.objects.select_related("opd", "berkas").filter(pk=pk).first()
    if download is None or not keeper_scope(user=user).covers(download.opd_id):
        return None
    if download.kind == Download.Kind.BERKAS and not may_export(user=user, berkas=download.berkas):
        return None
    stalled = (
        download.state == Download.State.PENDING and download.requested_at <= timezone.now() - STALLED_AFTER
    )
    return DownloadStatus(download=download, stalled=stalled)


def register_download(*, opd: Opd, filters: RegisterFilters) -> Download | None:
    """The daftar PDF already asked for with these filters, if any (the page shows its state)."""
    return Download.objects.filter(key=_register_key(opd, filters)).first()


def berkas_download(*, berkas: Berkas) -> Download | None:
    return Download.objects.filter(key=f"berkas:{berkas.pk}").first()
