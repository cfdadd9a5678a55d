"""Exporting a berkas as a zip another system can import: its records' files, metadata.csv and
metadata.json with the SHA-256 of each file; for the OPD's keepers who may read every record in it."""

import csv
import hashlib
import io
import json
import time
import zipfile
from functools import partial

import pytest

from arsip.downloads import prepare_download, request_berkas_export
from arsip.models import Download, Record
from arsip.services.filing import NewBerkas, file_letters
from kantor_virtual.timeline import timeline_for
from organisasi.models import RoleGrant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]


def tasks(scheduled) -> list:
    """The Celery tasks among the on-commit callbacks (the timeline's signal is one too)."""
    return [callback for callback in scheduled if isinstance(callback, partial)]


def exported(client, berkas, django_capture_on_commit_callbacks) -> zipfile.ZipFile:
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/arsip/berkas/{berkas.pk}/ekspor/").status_code == 302
    download = Download.objects.get(berkas=berkas)
    assert download.state == Download.State.READY
    response = client.get(f"/arsip/unduhan/{download.pk}/unduh/")
    assert response["Content-Type"] == "application/zip"
    assert f"berkas-DISKOMINFOS-{berkas.year}-{berkas.number}.zip" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_berkas_exports_its_scans_signed_letter_and_metadata_with_each_files_sha256(
    client, office, arsiparis, finished_letter, signed_letter, make_scan, django_capture_on_commit_callbacks
):
    opd = office["kadis"].opd
    incoming = finished_letter(
        subject="SPPD ke Jakarta", scans=[make_scan(text="Surat tugas"), make_scan(text="Rincian biaya")]
    )
    outgoing = signed_letter(subject="Laporan perjalanan dinas ke Jakarta")
    berkas = file_letters(
        actor=arsiparis,
        opd=opd,
        into=NewBerkas(title="Perjalanan dinas"),
        incoming=[incoming],
        outgoing=[outgoing],
    )
    client.force_login(arsiparis)

    bundle = exported(client, berkas, django_capture_on_commit_callbacks)

    assert sorted(bundle.namelist()) == [
        "001/01-pindaian.pdf",
        "001/02-pindaian.pdf",
        "002/naskah-ditandatangani.pdf",
        "metadata.csv",
        "metadata.json",
    ]
    metadata = json.loads(bundle.read("metadata.json"))
    assert metadata["berkas"] == {
        "opd": "DISKOMINFOS",
        "nomor": 1,
        "tahun": berkas.year,
        "uraian": "Perjalanan dinas",
        "kode_klasifikasi": "000.1.2",
        "unit": "",
    }
    first, second = metadata["arsip"]
    record = Record.objects.get(incoming=incoming)
    assert (first["nomor"], first["uraian"], first["tanggal"]) == (
        incoming.sender_number,
        "SPPD ke Jakarta",
        incoming.letter_date.isoformat(),
    )
    assert (first["aktif_sampai"], first["inaktif_sampai"], first["keterangan_akhir"]) == (
        record.active_until.isoformat(),
        record.inactive_until.isoformat(),
        "musnah",
    )
    assert (second["nomor"], second["jenis"]) == (outgoing.number, "surat_keluar")
    for entry in [*first["dokumen"], *second["dokumen"]]:
        assert entry["sha256"] == hashlib.sha256(bundle.read(entry["lokasi"])).hexdigest()
    assert second["dokumen"][0]["sha256"] == outgoing.signed_sha256

    rows = list(csv.DictReader(io.StringIO(bundle.read("metadata.csv").decode("utf-8-sig"))))
    assert [(row["no"], row["dokumen"]) for row in rows] == [
        ("1", "001/01-pindaian.pdf"),
        ("1", "001/02-pindaian.pdf"),
        ("2", "002/naskah-ditandatangani.pdf"),
    ]
    assert all(row["sha256"] == hashlib.sha256(bundle.read(row["dokumen"])).hexdigest() for row in rows)
    assert [event.verb for event in timeline_for(target=berkas)] == ["berkas_opened", "export_requested"]


def test_a_berkas_with_a_rahasia_record_is_exported_only_by_a_keeper_who_may_read_it(
    client, office, arsiparis, finished_letter, grant_role, django_capture_on_commit_callbacks
):
    opd = office["kadis"].opd
    secret = finished_letter(subject="Hasil pemeriksaan inspektorat", security_class="secret")
    berkas = file_letters(actor=arsiparis, opd=opd, into=NewBerkas(title="Pemeriksaan"), incoming=[secret])
    client.force_login(arsiparis)

    page = client.get(f"/arsip/berkas/{berkas.pk}/").content.decode()
    assert "Hasil pemeriksaan" not in page and "[rahasia]" in page
    assert "tidak dapat Anda ekspor" in page
    assert client.post(f"/arsip/berkas/{berkas.pk}/ekspor/").status_code == 404
    assert not Download.objects.exists()

    # The Sekretaris, to whom the letter was addressed, is also an arsiparis of the OPD: may read, may export.
    reader = grant_role(office["sekdis_user"], RoleGrant.Role.ARSIPARIS, opd)
    client.force_login(reader)
    assert "Hasil pemeriksaan" in client.get(f"/arsip/berkas/{berkas.pk}/").content.decode()
    assert exported(client, berkas, django_capture_on_commit_callbacks).namelist()[0] == "001/01-pindaian.pdf"

    client.force_login(arsiparis)
    download = Download.objects.get()
    assert client.get(f"/arsip/unduhan/{download.pk}/unduh/").status_code == 404, (
        "nor the file made for another"
    )


def test_keepers_of_other_opds_and_staff_get_404_for_the_berkas_its_export_and_its_zip(
    client, office, arsiparis, make_filed_record, django_capture_on_commit_callbacks
):
    berkas = make_filed_record().berkas
    client.force_login(arsiparis)
    exported(client, berkas, django_capture_on_commit_callbacks)
    download = Download.objects.get()

    for outsider in (office["dinsos_arsiparis"], office["staf_user"], office["kadis_user"]):
        client.force_login(outsider)
        assert client.get(f"/arsip/berkas/{berkas.pk}/").status_code == 404
        assert client.post(f"/arsip/berkas/{berkas.pk}/ekspor/").status_code == 404
        assert client.get(f"/arsip/unduhan/{download.pk}/unduh/").status_code == 404


def test_a_file_whose_bytes_changed_since_upload_fails_the_export_instead_of_passing_as_the_record(
    office, arsiparis, make_filed_record, django_capture_on_commit_callbacks
):
    record = make_filed_record()
    with django_capture_on_commit_callbacks(execute=False):
        download = request_berkas_export(actor=arsiparis, berkas=record.berkas)
    scan = record.incoming.files.get()
    with scan.file.open("wb") as handle:
        handle.write(b"%PDF-1.7 diganti diam-diam")

    with pytest.raises(ValueError, match="tidak cocok"):
        prepare_download(download_id=download.pk)

    download.refresh_from_db()
    assert download.state == Download.State.FAILED and not download.file


def test_the_export_is_made_once_until_the_berkas_changes(
    office, arsiparis, make_filed_record, django_capture_on_commit_callbacks
):
    record = make_filed_record()
    with django_capture_on_commit_callbacks(execute=True) as scheduled:
        download = request_berkas_export(actor=arsiparis, berkas=record.berkas)
    assert len(tasks(scheduled)) == 1 and prepare_download(download_id=download.pk) is False

    with django_capture_on_commit_callbacks(execute=True) as scheduled:
        request_berkas_export(actor=arsiparis, berkas=record.berkas)
    assert tasks(scheduled) == []

    make_filed_record(berkas=record.berkas)
    with django_capture_on_commit_callbacks(execute=True) as scheduled:
        request_berkas_export(actor=arsiparis, berkas=record.berkas)
    assert len(tasks(scheduled)) == 1
    download.refresh_from_db()
    assert download.state == Download.State.READY
    with download.file.open("rb") as handle:
        assert len(json.loads(zipfile.ZipFile(handle).read("metadata.json"))["arsip"]) == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_zip_with_its_progress_reaching_100(worker, arsiparis, make_filed_record):
    """The request commits, the task travels through Redis, an in-thread worker builds the zip."""
    berkas = make_filed_record().berkas
    download = request_berkas_export(actor=arsiparis, berkas=berkas)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        download.refresh_from_db()
        if download.state != Download.State.PENDING:
            break
        time.sleep(0.2)

    assert (download.state, download.progress) == (Download.State.READY, 100)
    with download.file.open("rb") as handle:
        assert "metadata.json" in zipfile.ZipFile(handle).namelist()
