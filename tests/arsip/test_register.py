"""The daftar arsip aktif/inaktif of an OPD: the page for its keepers (filters, constant queries) and
the PDF a worker prints with the OPD's kop."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from arsip.downloads import prepare_download
from arsip.models import Download, Record
from arsip.selectors import RegisterFilters, register_rows
from arsip.services.filing import NewBerkas, file_letters
from persuratan.models import Classification
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

URL = "/arsip/daftar/"


def pdf_text(download: Download) -> str:
    with download.file.open("rb") as handle:
        return " ".join(
            " ".join((page.extract_text() or "").split()) for page in PdfReader(BytesIO(handle.read())).pages
        )


def test_the_daftar_lists_each_berkas_with_its_count_period_copy_status_and_retention(
    client, office, arsiparis, finished_letter, register, today
):
    opd = office["kadis"].opd
    letters = [finished_letter(subject="SPPD ke Jakarta"), finished_letter(subject="SPPD ke Medan")]
    copy = register(opd=opd, to=[], copies=[office["sekdis"]])  # reached the OPD only as tembusan
    file_letters(
        actor=arsiparis, opd=opd, into=NewBerkas(title="Perjalanan dinas 2026"), incoming=[*letters, copy]
    )

    client.force_login(arsiparis)
    page = client.get(URL).content.decode()

    assert "Perjalanan dinas 2026" in page and "3 item" in page
    assert "Asli dan salinan" in page
    assert f"Aktif sampai {today.day} " in page and "musnah" in page
    assert str(letters[0].letter_date.year) in page

    (row,) = register_rows(user=arsiparis, opd=opd)
    assert (row.count, row.originals, row.period) == (3, 2, str(letters[0].letter_date.year))
    assert register_rows(user=arsiparis, opd=opd, filters=RegisterFilters(state=Record.State.INACTIVE)) == []
    # Moving records on belongs to the transfer (arsip.services.proposals); here only the list is tested.
    Record.objects.filter(incoming=letters[0]).update(state=Record.State.INACTIVE)
    inactive = client.get(URL, {"status": "inactive"}).content.decode()
    assert "Daftar Arsip Inaktif" in inactive and "1 item" in inactive and "Inaktif sampai" in inactive


def test_the_filters_narrow_by_year_code_with_its_children_and_unit(
    client, office, arsiparis, finished_letter
):
    opd = office["kadis"].opd
    unit = UnitFactory(opd=opd, name="Sekretariat")
    other_code = Classification.objects.get(code="000.3")
    file_letters(
        actor=arsiparis,
        opd=opd,
        into=NewBerkas(title="Perjalanan dinas", unit=unit),
        incoming=[finished_letter()],
    )
    file_letters(
        actor=arsiparis,
        opd=opd,
        into=NewBerkas(title="Pengadaan laptop"),
        incoming=[finished_letter(classification=other_code)],
    )
    client.force_login(arsiparis)

    def titles(**query) -> set[str]:
        page = client.get(URL, query).content.decode()
        return {title for title in ("Perjalanan dinas", "Pengadaan laptop") if title in page}

    assert titles() == {"Perjalanan dinas", "Pengadaan laptop"}
    assert titles(kode="000.1") == {"Perjalanan dinas"}, "000.1 finds its child 000.1.2"
    assert titles(unit=unit.pk) == {"Perjalanan dinas"}
    assert titles(tahun=2001) == set()
    page = client.get(URL, {"kode": "999"}).content.decode()
    assert "tidak ada dalam daftar" in page


def test_only_keepers_of_the_opd_open_its_daftar(client, office, arsiparis, make_operator, make_filed_record):
    make_filed_record()
    opd = office["kadis"].opd
    for outsider in (office["dinsos_arsiparis"], office["staf_user"]):
        client.force_login(outsider)
        assert client.get(URL, {"opd": opd.code}).status_code == 403
    for keeper in (arsiparis, make_operator(opd=opd), office["province_arsiparis"]):
        client.force_login(keeper)
        response = client.get(URL, {"opd": opd.code})
        assert response.status_code == 200 and "Perjalanan dinas dalam negeri" in response.content.decode()


def test_the_page_costs_the_same_queries_for_two_berkas_or_seven(client, arsiparis, make_filed_record):
    client.force_login(arsiparis)

    def queries() -> int:
        client.get(URL)  # who the user is and what they hold: kept from then on
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"kode": "000.1"}).status_code == 200
        return len(captured)

    for _ in range(2):
        make_filed_record()
    few = queries()
    for _ in range(5):
        make_filed_record()
    assert queries() == few


def test_the_daftar_prints_as_a_pdf_with_the_kop_in_a_worker_and_again_only_after_a_change(
    client, office, arsiparis, make_filed_record, django_capture_on_commit_callbacks
):
    opd = office["kadis"].opd
    make_filed_record(subject="SPPD ke Jakarta")
    client.force_login(arsiparis)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/arsip/daftar/cetak/", {"opd": opd.code, "status": "active"})
    assert response.status_code == 302
    download = Download.objects.get()
    assert download.state == Download.State.READY and download.progress == 100
    text = pdf_text(download)
    assert "DAFTAR ARSIP AKTIF" in text and opd.name.upper() in text and "PEMERINTAH" in text
    assert "Perjalanan dinas dalam negeri" in text and "1 item" in text and "Asli" in text

    page = client.get(URL).content.decode()
    assert f"/arsip/unduhan/{download.pk}/unduh/" in page
    served = client.get(f"/arsip/unduhan/{download.pk}/unduh/")
    assert (
        served["Content-Type"] == "application/pdf"
        and "daftar-arsip-aktif-DISKOMINFOS.pdf" in served["Content-Disposition"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/arsip/daftar/cetak/", {"opd": opd.code, "status": "active"})
    again = Download.objects.get()
    assert (again.requested_at, again.file.name) == (download.requested_at, download.file.name), (
        "the same PDF"
    )
    assert prepare_download(download_id=download.pk) is False, "a retried task changes nothing"

    make_filed_record(subject="SPPD ke Medan")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/arsip/daftar/cetak/", {"opd": opd.code, "status": "active"})
    assert Download.objects.get().requested_at > download.requested_at, "drawn again after the change"
    assert (
        "2 berkas" not in pdf_text(Download.objects.get())
        and pdf_text(Download.objects.get()).count(" item") == 2
    )

    for outsider in (office["dinsos_arsiparis"], office["staf_user"]):
        client.force_login(outsider)
        assert client.get(f"/arsip/unduhan/{download.pk}/unduh/").status_code == 404
        assert client.get(f"/arsip/unduhan/{download.pk}/status/").status_code == 404


def test_a_poll_while_the_pdf_is_being_made_answers_204_until_it_moves(
    client, office, arsiparis, make_filed_record
):
    make_filed_record()
    client.force_login(arsiparis)
    client.post("/arsip/daftar/cetak/", {"opd": office["kadis"].opd.code})  # no worker ran: still pending
    download = Download.objects.get()
    status = f"/arsip/unduhan/{download.pk}/status/"

    assert client.get(status, {"kemajuan": 0}, headers={"HX-Request": "true"}).status_code == 204
    Download.objects.filter(pk=download.pk).update(progress=40)
    moved = client.get(status, {"kemajuan": 0}, headers={"HX-Request": "true"})
    assert (
        moved.status_code == 200
        and '<progress class="kv-progress" max="100" value="40"' in moved.content.decode()
    )
