"""Rahasia contents stay with their readers in the archive: a rahasia letter's perihal (the title of its
record) is shown on every archive page and export only to those who may read the letter, and named
nowhere else, not in refusals nor in notices; a berita acara listing a rahasia record is rahasia.

Each test is an attack: the keepers of the OPD who are not among the letter's readers (its arsiparis,
its operator, the province's arsiparis), the arsiparis of another OPD, a staff member and the head
who approves proposals look for the perihal; the Sekretaris, to whom the letter was addressed, still
reads it."""

import csv
import io
import json
import zipfile
from datetime import timedelta
from functools import partial
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags
from pypdf import PdfReader

from arsip.disposal_selectors import due_records, records_of
from arsip.loan_selectors import loans_of, loans_to_handle
from arsip.models import Download, Loan, Proposal, Record
from arsip.selectors import WITHHELD_TITLE, records_in
from arsip.services.filing import NewBerkas, file_letters
from arsip.services.loans import approve_loan, request_loan
from arsip.services.proposals import approve, propose
from kantor_virtual.errors import Refused
from kantor_virtual.models import Notification
from kantor_virtual.request_memo import RequestMemoMiddleware
from organisasi.models import Assignment, RoleGrant
from persuratan.models import OutgoingLetter, OutgoingRecipient
from persuratan.outgoing_selectors import visible_outgoing
from persuratan.services.outgoing import DraftDetails, RecipientSpec, create_draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

PHRASE = "Hasil audit investigasi dana hibah"
NUMBER = "700/77/INSP"


@pytest.fixture
def people(office, grant_role, make_operator):
    """Who looks: those who must not see the perihal, and the Sekretaris, its reader, who is also
    made an arsiparis of the OPD so that the keepers' pages open for a reader too."""
    opd = office["kadis"].opd
    return {
        "arsiparis": office["arsiparis"],
        "operator": make_operator(opd=opd),
        "province_arsiparis": office["province_arsiparis"],
        "dinsos_arsiparis": office["dinsos_arsiparis"],
        "staf": office["staf_user"],
        "kadis": office["kadis_user"],
        "reader": grant_role(office["sekdis_user"], RoleGrant.Role.ARSIPARIS, opd),
    }


@pytest.fixture
def secret_record(make_record):
    """A rahasia letter addressed to the Sekretaris, kept as a record due for every proposal."""
    return make_record(title=PHRASE, letter={"security_class": "secret", "sender_number": NUMBER})


def page(client, user, url: str, data=None):
    client.force_login(user)
    return client.get(url, data or {})


def shown(response) -> str:
    """The page, and its text without tags too: a highlighted perihal (<mark>) is still the perihal."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    return f"{html}\n{strip_tags(html)}"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(BytesIO(data)).pages)


def zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        return "\n".join(
            (pdf_text(bundle.read(name)) if name.endswith(".pdf") else bundle.read(name).decode("utf-8-sig"))
            for name in bundle.namelist()
        )


# ── Due lists, proposals and the berita acara ────────────────────────────────────────────────


@pytest.mark.parametrize("jenis", ["pemindahan", "pemusnahan"])
def test_the_due_lists_name_a_rahasia_record_by_its_number_to_keepers_who_may_not_read_it(
    client, people, make_record, secret_record, jenis
):
    make_record(title="Laporan kegiatan pengadaan 2015")
    url = "/arsip/penyusutan/"
    query = {"opd": "DISKOMINFOS", "jenis": jenis}

    for keeper in (people["arsiparis"], people["province_arsiparis"]):
        html = shown(page(client, keeper, url, query))
        assert PHRASE not in html, "the arsiparis keeps the record, not its perihal"
        assert WITHHELD_TITLE in html and NUMBER in html and "Laporan kegiatan pengadaan 2015" in html
    for outsider in (people["dinsos_arsiparis"], people["staf"], people["operator"]):
        response = page(client, outsider, url, query)
        assert response.status_code == 403 and PHRASE not in response.content.decode()
    assert PHRASE in shown(page(client, people["reader"], url, query))


def test_a_proposal_and_its_page_name_a_rahasia_record_by_its_number_to_its_arsiparis_and_approver(
    client, people, make_record, secret_record
):
    ordinary = make_record(title="Laporan kegiatan pengadaan 2015")
    proposal = propose(
        actor=people["arsiparis"],
        opd=secret_record.opd,
        kind=Proposal.Kind.DESTROY,
        records=[secret_record, ordinary],
    )
    url = f"/arsip/usul/{proposal.pk}/"

    for viewer in (people["arsiparis"], people["province_arsiparis"], people["kadis"]):
        html = shown(page(client, viewer, url))
        assert PHRASE not in html and WITHHELD_TITLE in html and NUMBER in html
        assert "Laporan kegiatan pengadaan 2015" in html, "a biasa record keeps its title"
        assert PHRASE not in shown(page(client, viewer, "/arsip/usul/"))
    for outsider in (people["dinsos_arsiparis"], people["staf"], people["operator"]):
        assert page(client, outsider, url).status_code == 404
    assert PHRASE in shown(page(client, people["reader"], url))
    titles = {
        record.number: record.shown_title for record in records_of(user=people["reader"], proposal=proposal)
    }
    assert titles[NUMBER] == PHRASE


def test_a_berita_acara_listing_a_rahasia_record_is_rahasia_and_names_it_as_its_drafter_may_see_it(
    people, make_record, secret_record
):
    ordinary = [make_record(title="Laporan kegiatan pengadaan 2015")]
    biasa = approve(
        actor=people["kadis"],
        proposal=propose(
            actor=people["arsiparis"], opd=ordinary[0].opd, kind=Proposal.Kind.DESTROY, records=ordinary
        ),
    )
    assert biasa.berita_acara.security_class == "ordinary", "what lists nothing rahasia stays biasa"

    proposal = propose(
        actor=people["arsiparis"], opd=secret_record.opd, kind=Proposal.Kind.TRANSFER, records=[secret_record]
    )
    letter = approve(actor=people["kadis"], proposal=proposal).berita_acara

    assert letter.security_class == "secret", "the highest sifat of what it lists"
    body = letter.versions.get().body_html
    assert PHRASE not in body, "the Kepala Dinas, who drafts it, is not among the letter's readers"
    assert WITHHELD_TITLE in body and NUMBER in body
    # From now on the rules of rahasia outgoing letters: the OPD's operator sees the register entry only.
    assert visible_outgoing(user=people["operator"], pk=letter.pk).access.full is False


def test_a_berita_acara_drafted_by_a_reader_names_the_record_and_is_sangat_rahasia_above_rahasia(
    office, people, make_record, secret_record
):
    to_the_head = make_record(
        title="Telaah kasus sangat rahasia",
        to=office["kadis"],
        letter={"security_class": "top_secret", "sender_number": "700/78/INSP"},
    )
    proposal = propose(
        actor=people["arsiparis"],
        opd=to_the_head.opd,
        kind=Proposal.Kind.DESTROY,
        records=[to_the_head, secret_record],
    )

    letter = approve(actor=people["kadis"], proposal=proposal).berita_acara

    assert letter.security_class == "top_secret"
    body = letter.versions.get().body_html
    assert "Telaah kasus sangat rahasia" in body, "the letter reached the Kepala Dinas: he reads it"
    assert PHRASE not in body and body.count(WITHHELD_TITLE) == 1


def test_a_signed_rahasia_berita_acara_goes_only_to_those_who_may_read_it(
    client, office, people, make_record, secret_record, carried_out
):
    to_the_head = make_record(
        title="Telaah kasus hibah", to=office["kadis"], letter={"security_class": "secret"}
    )
    proposal = carried_out(Proposal.Kind.DESTROY, [to_the_head, secret_record])
    assert Record.objects.get(pk=secret_record.pk).state == Record.State.DESTROYED
    berita_acara = proposal.berita_acara
    urls = [
        f"/arsip/usul/{proposal.pk}/berita-acara.pdf",
        f"/arsip/{secret_record.pk}/berita-acara.pdf",
        f"/arsip/{to_the_head.pk}/berita-acara.pdf",
    ]

    signed = page(client, people["kadis"], urls[0])
    text = pdf_text(b"".join(signed.streaming_content))
    assert berita_acara.number in text and "Telaah kasus hibah" in text
    assert PHRASE not in text, "the signed body names the record the Kepala Dinas may not read by number"
    for keeper in (people["arsiparis"], people["province_arsiparis"], people["reader"]):
        client.force_login(keeper)
        assert all(client.get(url).status_code == 404 for url in urls), "nor do the keepers get it"
        for url in (f"/arsip/usul/{proposal.pk}/", f"/arsip/{secret_record.pk}/"):
            html = shown(client.get(url))
            assert "Unduh berita acara" not in html and "Berita acara ini bersifat rahasia" in html
    assert berita_acara.security_class == "secret"


# ── Loans ────────────────────────────────────────────────────────────────────────────────────


def test_the_loan_desk_and_every_loan_notice_name_records_by_number_only(
    client, people, make_record, secret_record, today
):
    ordinary = make_record(title="Kontrak pengadaan server", letter={"sender_number": "027/9/PBJ"})
    borrower = people["reader"]
    loans = [
        request_loan(actor=borrower, record=record, purpose="Bahan pemeriksaan BPK")
        for record in (secret_record, ordinary)
    ]
    approve_loan(actor=people["arsiparis"], loan=loans[0], due_on=today + timedelta(days=7))

    notices = list(Notification.objects.values_list("title", "body"))
    assert notices and not any(
        PHRASE in title + body or "Kontrak pengadaan" in title + body for title, body in notices
    )
    assert any(NUMBER in title for title, _ in notices) and any("027/9/PBJ" in title for title, _ in notices)

    for keeper in (people["arsiparis"], people["province_arsiparis"]):
        html = shown(page(client, keeper, "/arsip/peminjaman/layanan/", {"opd": "DISKOMINFOS"}))
        assert PHRASE not in html and WITHHELD_TITLE in html and NUMBER in html
        assert "Kontrak pengadaan server" in html
    for outsider in (people["dinsos_arsiparis"], people["staf"], people["operator"]):
        response = page(client, outsider, "/arsip/peminjaman/layanan/", {"opd": "DISKOMINFOS"})
        assert response.status_code == 403
    assert PHRASE in shown(page(client, borrower, "/arsip/peminjaman/layanan/", {"opd": "DISKOMINFOS"}))
    assert PHRASE in shown(page(client, borrower, "/arsip/peminjaman/"))


def test_a_borrower_who_no_longer_reads_the_letter_sees_only_its_number_in_my_loans(
    client, office, people, secret_record, today
):
    borrower = people["reader"]
    request_loan(actor=borrower, record=secret_record, purpose="Bahan pemeriksaan BPK")
    assert [loan.record_title for loan in loans_of(user=borrower)] == [PHRASE]

    # The Sekretaris leaves the post: the letter reached the position, not the person.
    Assignment.objects.filter(user=borrower, position=office["sekdis"]).update(end=today - timedelta(days=1))

    html = shown(page(client, borrower, "/arsip/peminjaman/"))
    assert PHRASE not in html and WITHHELD_TITLE in html and NUMBER in html


# ── Berkas, its export, the daftar arsip and the search ─────────────────────────────────────


@pytest.fixture
def secret_berkas(people, make_filed_record):
    """A berkas holding a biasa record and the rahasia one, filed the way the application files."""
    record = make_filed_record(subject=PHRASE, security_class="secret", sender_number=NUMBER)
    make_filed_record(berkas=record.berkas, subject="Laporan kegiatan pengadaan 2015")
    return record.berkas


def test_the_berkas_page_shows_a_rahasia_record_by_number_to_keepers_who_may_not_read_it(
    client, people, secret_berkas
):
    url = f"/arsip/berkas/{secret_berkas.pk}/"
    for keeper in (people["arsiparis"], people["operator"], people["province_arsiparis"]):
        html = shown(page(client, keeper, url))
        assert PHRASE not in html and WITHHELD_TITLE in html and NUMBER in html
        assert "Laporan kegiatan pengadaan 2015" in html
    for outsider in (people["dinsos_arsiparis"], people["staf"], people["kadis"]):
        assert page(client, outsider, url).status_code == 404
    assert PHRASE in shown(page(client, people["reader"], url))


def test_the_berkas_zip_reaches_only_a_keeper_who_may_read_every_record_in_it(
    client, people, secret_berkas, django_capture_on_commit_callbacks
):
    export = f"/arsip/berkas/{secret_berkas.pk}/ekspor/"
    for keeper in (people["arsiparis"], people["operator"], people["province_arsiparis"]):
        client.force_login(keeper)
        assert client.post(export).status_code == 404
    assert not Download.objects.exists()

    client.force_login(people["reader"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(export).status_code == 302
    download = Download.objects.get()
    contents = zip_text(b"".join(client.get(f"/arsip/unduhan/{download.pk}/unduh/").streaming_content))
    assert PHRASE in contents, "the reader exports the berkas whole, for another system"

    for other in (
        people["arsiparis"],
        people["operator"],
        people["province_arsiparis"],
        people["dinsos_arsiparis"],
        people["staf"],
    ):
        client.force_login(other)
        for url in (f"/arsip/unduhan/{download.pk}/unduh/", f"/arsip/unduhan/{download.pk}/status/"):
            response = client.get(url)
            assert response.status_code == 404 and PHRASE.encode() not in response.content


def test_the_zip_of_a_berkas_of_biasa_records_names_each_by_its_title(
    client, people, make_filed_record, django_capture_on_commit_callbacks
):
    berkas = make_filed_record(subject="Laporan kegiatan pengadaan 2015").berkas
    client.force_login(people["arsiparis"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/arsip/berkas/{berkas.pk}/ekspor/")
    response = client.get(f"/arsip/unduhan/{Download.objects.get().pk}/unduh/")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as bundle:
        assert (
            json.loads(bundle.read("metadata.json"))["arsip"][0]["uraian"]
            == "Laporan kegiatan pengadaan 2015"
        )
        rows = list(csv.DictReader(io.StringIO(bundle.read("metadata.csv").decode("utf-8-sig"))))
    assert rows[0]["uraian"] == "Laporan kegiatan pengadaan 2015"


def test_the_daftar_arsip_page_and_pdf_never_carry_the_perihal(
    client, people, secret_berkas, django_capture_on_commit_callbacks
):
    for keeper in (people["arsiparis"], people["operator"], people["province_arsiparis"]):
        client.force_login(keeper)
        assert PHRASE not in shown(client.get("/arsip/daftar/", {"opd": "DISKOMINFOS"}))
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/arsip/daftar/cetak/", {"opd": "DISKOMINFOS", "status": "active"})
        download = Download.objects.get(kind=Download.Kind.REGISTER)
        response = client.get(f"/arsip/unduhan/{download.pk}/unduh/")
        text = pdf_text(b"".join(response.streaming_content))
        assert "DAFTAR ARSIP AKTIF" in text and "Perjalanan dinas dalam negeri" in text
        assert PHRASE not in text
    for outsider in (people["dinsos_arsiparis"], people["staf"]):
        assert page(client, outsider, "/arsip/daftar/", {"opd": "DISKOMINFOS"}).status_code == 403


def test_the_archive_search_finds_a_rahasia_record_only_for_its_readers(client, people, secret_berkas):
    for query in ({"q": "audit investigasi"}, {"number": NUMBER}, {}):
        for other in (
            people["arsiparis"],
            people["operator"],
            people["province_arsiparis"],
            people["dinsos_arsiparis"],
            people["staf"],
            people["kadis"],
        ):
            assert PHRASE not in shown(page(client, other, "/arsip/cari/", query)), (other, query)
        assert PHRASE in shown(page(client, people["reader"], "/arsip/cari/", query))


# ── Refusals name letters by agenda or number ────────────────────────────────────────────────


def test_refusals_to_file_name_letters_by_agenda_or_number_never_by_perihal(
    office, people, finished_letter, register, arsiparis
):
    opd = office["kadis"].opd
    secret = finished_letter(subject=PHRASE, security_class="secret")
    unfinished = register(
        opd=opd, to=[office["sekdis"]], subject=f"{PHRASE} tahap 2", security_class="secret"
    )
    draft = create_draft(
        actor=office["staf_user"],
        position=office["staf"],
        details=DraftDetails(
            letter_type="internal_memo",
            subject=f"Tanggapan {PHRASE}",
            security_class="secret",
            urgency="normal",
            classification=secret.classification,
            signer_position=office["kadis"],
        ),
        recipients=[RecipientSpec(kind=OutgoingRecipient.Kind.TO, name="Inspektur")],
        body_html="<p>Tanggapan.</p>",
        reviewers=[],
    )
    berkas = NewBerkas(title="Pemeriksaan")

    def refusal(actor, target_opd, **letters) -> Refused:
        with pytest.raises(Refused) as refused:
            file_letters(actor=actor, opd=target_opd, into=berkas, **letters)
        return refused.value

    # An arsiparis of another OPD sends Diskominfos's letter to be filed in Dinsos.
    foreign = refusal(people["dinsos_arsiparis"], office["dinsos_head"].opd, incoming=[secret])
    not_finished = refusal(arsiparis, opd, incoming=[unfinished])
    not_signed = refusal(arsiparis, opd, outgoing=[draft])
    file_letters(actor=arsiparis, opd=opd, into=berkas, incoming=[secret])
    already = refusal(arsiparis, opd, incoming=[secret])

    assert [r.code for r in (foreign, not_finished, not_signed, already)] == [
        "foreign_letter", "not_finished", "not_finished", "already_filed",
    ]  # fmt: skip
    for refused in (foreign, not_finished, not_signed, already):
        assert PHRASE not in refused.message, refused.message
    assert secret.agenda_label in foreign.message and secret.agenda_label in already.message
    assert unfinished.agenda_label in not_finished.message
    assert "belum bernomor" in not_signed.message
    assert PHRASE not in str(Record.objects.get(incoming=secret))
    assert PHRASE not in str(Loan(record=Record.objects.get(incoming=secret), borrower=people["reader"]))
    assert draft.status != OutgoingLetter.Status.SIGNED


# ── One query per list, whatever it holds ────────────────────────────────────────────────────


def _queries(call) -> int:
    """The queries of `call` in a request of its own (RequestMemoMiddleware): the user's grants and
    positions are then kept under the organisation's version, as between a person's requests."""
    with CaptureQueriesContext(connection) as captured:
        RequestMemoMiddleware(lambda _request: call())(None)
    return len(captured)


def test_the_lists_decide_each_title_in_their_own_query(people, make_record, make_filed_record):
    keeper, reader = people["arsiparis"], people["reader"]
    opd_id = keeper.opd_id

    def grow(count: int) -> None:
        for n in range(count):
            sifat = "secret" if n % 2 else "ordinary"
            record = make_record(title=f"Arsip uji {n}", letter={"security_class": sifat})
            request_loan(actor=reader, record=record, purpose="Uji")
            make_filed_record(subject=f"Surat uji {n}", security_class=sifat, berkas=berkas)

    berkas = make_filed_record(subject="Surat pertama").berkas
    grow(2)
    proposal = propose(
        actor=keeper, opd=berkas.opd, kind=Proposal.Kind.TRANSFER, records=Record.objects.filter(berkas=None)
    )

    def lists(user) -> list:
        return [
            partial(due_records, user=user, opd_id=opd_id, kind=Proposal.Kind.DESTROY),
            partial(records_of, user=user, proposal=proposal),
            partial(loans_to_handle, user=user, opd_id=opd_id),
            partial(loans_of, user=user),
            partial(records_in, user=user, berkas=berkas),
        ]

    for user in (keeper, reader):
        _queries(lists(user)[0])  # the user's first request keeps their grants and positions
    small = {user.pk: [_queries(call) for call in lists(user)] for user in (keeper, reader)}
    grow(10)
    proposal.records.set(Record.objects.filter(berkas=None))
    for user in (keeper, reader):
        assert [_queries(call) for call in lists(user)] == small[user.pk]
        titles = [record.shown_title for record in records_in(user=user, berkas=berkas)]
        assert titles.count(WITHHELD_TITLE) == (6 if user == keeper else 0), "6 of the 13 are rahasia"
    assert small[keeper.pk] == [2, 2, 2, 2, 2], "the organisation's version, then the rows"


def test_the_filing_page_shows_a_rahasia_perihal_only_to_a_keeper_among_its_readers(
    client, people, finished_letter
):
    finished_letter(subject=PHRASE, security_class="secret")
    finished_letter(subject="Laporan kegiatan pengadaan 2015")
    for keeper in (people["arsiparis"], people["operator"], people["province_arsiparis"]):
        html = shown(page(client, keeper, "/arsip/pemberkasan/", {"opd": "DISKOMINFOS"}))
        assert PHRASE not in html and WITHHELD_TITLE in html and "Laporan kegiatan pengadaan 2015" in html
    for outsider in (people["dinsos_arsiparis"], people["staf"], people["kadis"]):
        assert page(client, outsider, "/arsip/pemberkasan/", {"opd": "DISKOMINFOS"}).status_code == 403
    assert PHRASE in shown(page(client, people["reader"], "/arsip/pemberkasan/", {"opd": "DISKOMINFOS"}))
