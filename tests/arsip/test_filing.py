"""Pemberkasan: finished letters wait for the OPD's keepers, who file them into numbered berkas as
active records whose dates follow the JRA."""

from itertools import cycle

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arsip.models import Berkas, Record
from arsip.selectors import letters_to_file
from arsip.services.filing import NewBerkas, file_letters
from arsip.services.schedule import RuleValues, remove_retention, set_retention
from disposisi.services import dispose, report_follow_up, withdraw
from kantor_virtual.errors import Refused
from kantor_virtual.request_memo import RequestMemoMiddleware
from kantor_virtual.timeline import timeline_for
from persuratan.models import Classification, InboxItem

pytestmark = pytest.mark.django_db

NEW = NewBerkas(title="Perjalanan dinas dalam negeri 2026")


def waiting(user, opd, **filters) -> set[int]:
    return {letter.pk for letter in letters_to_file(user=user, opd=opd, **filters).incoming}


def test_the_arsiparis_files_two_finished_letters_into_a_new_berkas_numbered_for_the_opd_and_year(
    office, arsiparis, finished_letter, today
):
    opd = office["kadis"].opd
    first, second = finished_letter(subject="SPPD ke Jakarta"), finished_letter(subject="SPPD ke Medan")
    assert waiting(arsiparis, opd) == {first.pk, second.pk}

    berkas = file_letters(actor=arsiparis, opd=opd, into=NEW, incoming=[first, second])

    assert (berkas.year, berkas.number, berkas.classification.code) == (today.year, 1, "000.1.2")
    records = list(Record.objects.filter(berkas=berkas).order_by("id"))
    assert [record.title for record in records] == ["SPPD ke Jakarta", "SPPD ke Medan"]
    record = records[0]
    assert (record.number, record.letter_date, record.state) == (
        first.sender_number,
        first.letter_date,
        "active",
    )
    # 000.1.2 in the sample JRA: 2 years active, 3 inactive, then musnah.
    assert record.closed_on == today
    assert record.active_until == today + relativedelta(years=2)
    assert record.inactive_until == today + relativedelta(years=5)
    assert (record.final_disposition, record.original) == ("musnah", True)
    assert [(e.verb, e.actor_id, e.to_state) for e in timeline_for(target=record)] == [
        ("filed", arsiparis.pk, "active")
    ]
    assert waiting(arsiparis, opd) == set(), "filed letters wait no more"

    third = finished_letter(subject="SPPD ke Makassar")
    assert file_letters(actor=arsiparis, opd=opd, into=NEW, incoming=[third]).number == 2
    assert file_letters(actor=arsiparis, opd=opd, into=berkas, incoming=[finished_letter()]) == berkas
    assert berkas.records.count() == 3


def test_a_letter_waits_until_every_addressee_and_disposition_node_is_done(
    office, arsiparis, register, finished_letter
):
    opd = office["kadis"].opd
    letter = register(opd=opd, to=[office["kadis"]], copies=[office["sekdis"]])
    head = InboxItem.objects.get(letter=letter, position=office["kadis"])
    dispose(
        actor=office["kadis_user"],
        from_item=head,
        to=[office["sekdis"], office["staf"]],
        instructions=["follow_up"],
    )
    assert waiting(arsiparis, opd) == set(), "nobody has finished yet"
    with pytest.raises(Refused) as refusal:
        file_letters(actor=arsiparis, opd=opd, into=NEW, incoming=[letter])
    assert refusal.value.code == "not_finished"
    nodes = InboxItem.objects.filter(letter=letter, reason="disposition")
    staff_node = nodes.get(position=office["staf"])
    report_follow_up(
        actor=office["sekdis_user"], item=nodes.get(position=office["sekdis"]), text="Beres.", done=True
    )
    report_follow_up(actor=office["kadis_user"], item=head, text="Beres.", done=True)
    assert waiting(arsiparis, opd) == set(), "the staff member's node is still open"
    withdraw(actor=office["kadis_user"], item=staff_node)
    assert waiting(arsiparis, opd) == {letter.pk}, "a withdrawn node does not count; the tembusan never does"


def test_a_letter_received_only_as_tembusan_waits_at_once_and_is_kept_as_a_copy(
    office, arsiparis, register, retention_schedule
):
    opd = office["kadis"].opd
    letter = register(opd=opd, to=[], copies=[office["sekdis"]])
    assert waiting(arsiparis, opd) == {letter.pk}

    file_letters(actor=arsiparis, opd=opd, into=NEW, incoming=[letter])

    assert Record.objects.get(incoming=letter).original is False


def test_filing_is_refused_for_filed_mixed_or_foreign_letters_and_berkas_and_leaves_nothing(
    office, arsiparis, finished_letter, make_filed_record
):
    opd = office["kadis"].opd
    filed = make_filed_record()
    other_code = finished_letter(classification=Classification.objects.get(code="000.1.3"))
    fresh = finished_letter()
    dinsos_berkas = Berkas.objects.create(
        opd=office["dinsos_head"].opd,
        classification=fresh.classification,
        year=2026,
        number=1,
        title="Berkas Dinsos",
        created_by=office["dinsos_arsiparis"],
    )
    attempts = {
        "already_filed": dict(into=NEW, incoming=[filed.incoming, fresh]),
        "mixed_classification": dict(into=NEW, incoming=[fresh, other_code]),
        "other_classification": dict(into=filed.berkas, incoming=[other_code]),
        "foreign_berkas": dict(into=dinsos_berkas, incoming=[fresh]),
        "no_title": dict(into=NewBerkas(title="  "), incoming=[fresh]),
        "no_letters": dict(into=NEW),
    }
    for code, arguments in attempts.items():
        with pytest.raises(Refused) as refusal:
            file_letters(actor=arsiparis, opd=opd, **arguments)
        assert refusal.value.code == code

    assert Record.objects.count() == 1 and Berkas.objects.filter(opd=opd).count() == 1
    assert file_letters(actor=arsiparis, opd=opd, into=NEW, incoming=[fresh]).number == 2, (
        "no number was used"
    )


def test_only_operators_and_arsiparis_of_the_opd_or_the_province_file_its_letters(
    office, arsiparis, finished_letter, make_operator
):
    opd = office["kadis"].opd
    letters = [finished_letter() for _ in range(3)]
    for outsider in (office["dinsos_arsiparis"], office["staf_user"], office["kadis_user"]):
        assert waiting(outsider, opd) == set()
        with pytest.raises(Refused) as refusal:
            file_letters(actor=outsider, opd=opd, into=NEW, incoming=[letters[0]])
        assert refusal.value.code == "not_keeper"
    assert not Record.objects.exists()

    for keeper, letter in zip(
        (make_operator(opd=opd), office["province_arsiparis"], arsiparis), letters, strict=True
    ):
        file_letters(actor=keeper, opd=opd, into=NEW, incoming=[letter])
    assert Record.objects.count() == 3


def test_a_code_without_a_row_follows_its_ancestor_and_without_any_filing_is_refused(
    office, arsiparis, finished_letter, today
):
    opd, keeper = office["kadis"].opd, office["province_arsiparis"]
    travel = Classification.objects.get(code="000.1.2")
    remove_retention(actor=keeper, classification=travel)
    letter = finished_letter()

    with pytest.raises(Refused) as refusal:
        file_letters(actor=arsiparis, opd=opd, into=NEW, incoming=[letter])
    assert refusal.value.code == "no_retention_rule" and "000.1.2" in refusal.value.message
    assert not Berkas.objects.exists()

    heading = Classification.objects.get(code="000.1")
    set_retention(actor=keeper, classification=heading, values=RuleValues(1, 4, "dinilai_kembali"))
    file_letters(actor=arsiparis, opd=opd, into=NEW, incoming=[letter])
    record = Record.objects.get(incoming=letter)
    assert record.active_until == today + relativedelta(years=1)
    assert record.inactive_until == today + relativedelta(years=5)
    assert record.final_disposition == "dinilai_kembali"
    assert timeline_for(target=record).get().details["rule"] == "000.1"


def test_a_signed_outgoing_letter_is_filed_with_its_number_signing_date_and_body(
    office, arsiparis, signed_letter, today
):
    opd = office["kadis"].opd
    letter = signed_letter()
    assert [x.pk for x in letters_to_file(user=arsiparis, opd=opd).outgoing] == [letter.pk]

    file_letters(actor=arsiparis, opd=opd, into=NEW, outgoing=[letter])

    record = Record.objects.get(outgoing=letter)
    assert (record.number, record.letter_date, record.title) == (letter.number, today, letter.subject)
    assert record.text == "Perjalanan dinas ke Jakarta telah selesai dilaksanakan."
    assert letters_to_file(user=arsiparis, opd=opd).outgoing == []


def test_letters_to_file_costs_the_same_queries_for_two_letters_or_six(
    office, arsiparis, finished_letter, django_assert_num_queries
):
    opd = office["kadis"].opd
    # As in a request: the user's grants and positions are kept under the organisation's version.
    in_a_request = RequestMemoMiddleware(
        lambda _request: letters_to_file(user=arsiparis, opd=opd, classification="000.1")
    )
    sifat = cycle(["ordinary", "secret"])  # a rahasia letter's perihal is decided in the same query
    for count in (2, 6):
        while len(waiting(arsiparis, opd)) < count:
            finished_letter(security_class=next(sifat))
        in_a_request(None)  # a first request keeps them (registering made a new operator)
        # The organisation's version, the classification filter, incoming, outgoing.
        with django_assert_num_queries(4):
            in_a_request(None)


# ── The pemberkasan page ────────────────────────────────────────────────────────────────────


def test_the_arsiparis_ticks_letters_on_the_page_and_files_them_into_a_new_berkas(
    client, office, arsiparis, finished_letter
):
    first, second = finished_letter(subject="SPPD ke Jakarta"), finished_letter(subject="SPPD ke Medan")
    client.force_login(arsiparis)
    page = client.get("/arsip/pemberkasan/").content.decode()
    assert "SPPD ke Jakarta" in page and f'value="{first.pk}"' in page

    response = client.post(
        "/arsip/pemberkasan/", {"surat_masuk": [first.pk, second.pk], "uraian": "Perjalanan dinas 2026"}
    )

    berkas = Berkas.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/arsip/berkas/{berkas.pk}/"
    shown = client.get(response["Location"]).content.decode()
    assert "Perjalanan dinas 2026" in shown and "SPPD ke Jakarta" in shown and "SPPD ke Medan" in shown


def test_a_refused_filing_keeps_the_ticks_and_what_was_typed(client, office, arsiparis, finished_letter):
    travel = finished_letter()
    other = finished_letter(classification=Classification.objects.get(code="000.3"))
    client.force_login(arsiparis)

    no_title = client.post("/arsip/pemberkasan/", {"surat_masuk": [travel.pk]}).content.decode()
    assert (
        "Tuliskan uraian berkas baru" in no_title
        and f'value="{travel.pk}" id="masuk-{travel.pk}" checked' in no_title
    )

    mixed = client.post(
        "/arsip/pemberkasan/", {"surat_masuk": [travel.pk, other.pk], "uraian": "Campuran"}
    ).content.decode()
    assert "berkode klasifikasi sama" in mixed and 'value="Campuran"' in mixed
    assert f'value="{other.pk}" id="masuk-{other.pk}" checked' in mixed
    assert not Record.objects.exists()


def test_the_page_is_refused_to_other_opds_and_staff_and_costs_constant_queries(
    client, office, arsiparis, finished_letter
):
    opd = office["kadis"].opd
    letter = finished_letter()
    for outsider in (office["dinsos_arsiparis"], office["staf_user"]):
        client.force_login(outsider)
        assert client.get("/arsip/pemberkasan/", {"opd": opd.code}).status_code == 403
        response = client.post(
            f"/arsip/pemberkasan/?opd={opd.code}", {"surat_masuk": [letter.pk], "uraian": "X"}
        )
        assert response.status_code == 403
    assert not Record.objects.exists()

    client.force_login(arsiparis)

    def queries() -> int:
        client.get("/arsip/pemberkasan/")  # who the user is and what they hold: kept from then on
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/arsip/pemberkasan/", {"kode": "000.1"}).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        finished_letter()
    assert queries() == few
