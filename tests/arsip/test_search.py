"""The archive search: words in a record's title and number, in its letter's scans (even read after
filing) and in a signed body; filters; rahasia records only for those who may read them; constant
queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arsip.models import FinalDisposition, Proposal, Record
from arsip.search import ArchiveFilters, search_records
from arsip.services.filing import NewBerkas, file_letters
from persuratan.models import Classification
from persuratan.services import Sender
from persuratan.services.scan_text import store_file_text

pytestmark = pytest.mark.django_db


def found(user, query: str = "", **filters) -> list[str]:
    return [
        hit.record.title
        for hit in search_records(user=user, query=query, filters=ArchiveFilters(**filters)).hits
    ]


def test_words_find_records_by_title_first_then_by_the_scan_text_read_after_filing(
    arsiparis, make_filed_record, make_scan
):
    in_scan = make_filed_record(
        subject="Surat tugas ke Jakarta", scans=[make_scan(text="Pemeliharaan server data")]
    )
    in_title = make_filed_record(subject="Pemeliharaan server aplikasi")
    assert found(arsiparis, "server") == ["Pemeliharaan server aplikasi"], "the scan has not been read yet"

    # The scan's text layer is read after filing (as OCR would be): nothing to copy, the search finds it.
    store_file_text(file_id=in_scan.incoming.files.get().pk)

    hits = search_records(user=arsiparis, query="server").hits
    assert [hit.record.pk for hit in hits] == [in_title.pk, in_scan.pk], "a title match ranks first"
    assert hits[0].title == "Pemeliharaan <mark>server</mark> aplikasi"
    assert "<mark>server</mark>" in hits[1].snippet
    assert found(arsiparis, '"surat tugas" -medan') == ["Surat tugas ke Jakarta"]


def test_filters_by_code_with_its_children_year_number_sender_and_state(arsiparis, make_filed_record):
    travel = make_filed_record(subject="SPPD ke Jakarta", sender_number="000.1.2/77/SJ")
    procurement = make_filed_record(
        subject="Pengadaan laptop",
        classification=Classification.objects.get(code="000.3"),
        sender=Sender(kind="institution", name="Lembaga Kebijakan Pengadaan"),
    )
    assert set(found(arsiparis)) == {"SPPD ke Jakarta", "Pengadaan laptop"}
    assert found(arsiparis, classification="000.1") == ["SPPD ke Jakarta"], "000.1 finds 000.1.2"
    assert found(arsiparis, year=travel.letter_date.year - 1) == []
    assert set(found(arsiparis, year=travel.letter_date.year)) == {"SPPD ke Jakarta", "Pengadaan laptop"}
    assert found(arsiparis, number="000.1.2/77/sj") == ["SPPD ke Jakarta"], "any letter case"
    assert found(arsiparis, sender="lembaga keb") == ["Pengadaan laptop"]
    Record.objects.filter(pk=procurement.pk).update(state=Record.State.INACTIVE)  # the transfer's job
    assert found(arsiparis, state=Record.State.INACTIVE) == ["Pengadaan laptop"]
    assert found(arsiparis, "laptop", state=Record.State.ACTIVE) == []


def test_a_rahasia_record_is_found_only_by_those_its_letter_reached(office, arsiparis, make_filed_record):
    make_filed_record(subject="Laporan kegiatan biasa")
    make_filed_record(subject="Hasil pemeriksaan rahasia", security_class="secret")

    assert found(office["sekdis_user"], "pemeriksaan") == ["Hasil pemeriksaan rahasia"], "the addressee"
    assert found(arsiparis, "pemeriksaan") == [], "the arsiparis keeps its metadata, not its words"
    assert found(arsiparis) == ["Laporan kegiatan biasa"], "nor do filters alone reveal it"
    assert found(office["province_arsiparis"]) == ["Laporan kegiatan biasa"]
    assert found(office["dinsos_arsiparis"]) == [] and found(office["staf_user"]) == []


def test_a_destroyed_record_is_found_by_its_metadata_never_by_its_contents(
    office, make_record, make_scan, carried_out
):
    record = make_record(
        title="Laporan pengadaan 2015", letter={"scans": [make_scan(text="Kuitansi bensin")]}
    )
    store_file_text(file_id=record.incoming.files.get().pk)
    keeper = office["arsiparis"]
    assert found(keeper, "bensin") == ["Laporan pengadaan 2015"]

    carried_out(Proposal.Kind.DESTROY, [record])

    assert Record.objects.get(pk=record.pk).state == Record.State.DESTROYED
    assert found(keeper, "bensin") == []
    assert found(keeper, "pengadaan") == ["Laporan pengadaan 2015"]
    assert found(keeper, number=record.number) == ["Laporan pengadaan 2015"]
    assert record.final_disposition == FinalDisposition.DESTROY


def test_an_outgoing_records_signed_body_is_searched(office, arsiparis, signed_letter):
    letter = signed_letter(subject="Laporan perjalanan dinas")
    file_letters(actor=arsiparis, opd=letter.opd, into=NewBerkas(title="Perjalanan"), outgoing=[letter])

    hits = search_records(user=arsiparis, query="dilaksanakan").hits
    assert [hit.record.outgoing_id for hit in hits] == [letter.pk]
    assert "<mark>dilaksanakan</mark>" in hits[0].snippet
    assert found(arsiparis, number=letter.number.lower()) == ["Laporan perjalanan dinas"]
    assert found(office["staf_user"], "dilaksanakan") == ["Laporan perjalanan dinas"], "its drafter"


def test_titles_are_escaped_and_only_marks_are_html(arsiparis, make_filed_record):
    make_filed_record(subject="Rapat <script>alert(1)</script> & evaluasi")

    (hit,) = search_records(user=arsiparis, query="evaluasi").hits
    assert hit.title == "Rapat &lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>evaluasi</mark>"


def test_the_search_page_costs_the_same_queries_for_three_records_or_nine(
    client, arsiparis, make_filed_record
):
    client.force_login(arsiparis)

    def queries() -> int:
        client.get("/arsip/cari/")  # who the user is and what they hold: kept from then on
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/arsip/cari/", {"q": "perjalanan", "classification": "000.1"})
        assert response.status_code == 200 and "<mark>" in response.content.decode()
        return len(captured)

    for _ in range(3):
        make_filed_record(subject="Perjalanan dinas ke Bandung")
    few = queries()
    for _ in range(6):
        make_filed_record(subject="Perjalanan dinas ke Bandung")
    assert queries() == few
