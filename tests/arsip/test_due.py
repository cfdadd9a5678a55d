"""Due lists: what each kind of penyusutan may take, for the OPD's arsiparis only, in constant queries."""

from datetime import timedelta
from functools import partial

import pytest

from arsip.disposal_selectors import due_counts, due_records
from arsip.models import FinalDisposition, Proposal, Record
from arsip.services.proposals import propose, reject
from kantor_virtual.request_memo import RequestMemoMiddleware

pytestmark = pytest.mark.django_db


def _due(office, kind, user=None):
    opd_id = office["kadis"].opd_id
    return {
        record.title for record in due_records(user=user or office["arsiparis"], opd_id=opd_id, kind=kind)
    }


def test_each_list_holds_the_records_its_retention_says_are_due(office, make_record, today, other_opd):
    make_record(title="Aktif lewat masa aktif", inactive_until=today + timedelta(days=900))
    make_record(title="Masih aktif", active_until=today, inactive_until=today + timedelta(days=900))
    make_record(title="Musnah lewat masa inaktif")
    make_record(title="Inaktif musnah", state=Record.State.INACTIVE)
    make_record(title="Musnah ditahan", legal_hold=True, hold_reason="Perkara Tipikor")
    make_record(title="Permanen", final_disposition=FinalDisposition.PERMANENT)
    make_record(title="Dinilai kembali", final_disposition=FinalDisposition.REASSESS)
    make_record(title="Inaktif sampai hari ini", state=Record.State.INACTIVE, inactive_until=today)
    make_record(title="Arsip Dinsos", opd=other_opd)

    assert _due(office, Proposal.Kind.TRANSFER) == {
        "Aktif lewat masa aktif",
        "Musnah lewat masa inaktif",
        "Musnah ditahan",
        "Permanen",
        "Dinilai kembali",
    }
    assert _due(office, Proposal.Kind.DESTROY) == {"Musnah lewat masa inaktif", "Inaktif musnah"}
    assert _due(office, Proposal.Kind.HAND_OVER) == {"Permanen"}
    assert due_counts(user=office["arsiparis"], opd_id=office["kadis"].opd_id) == {
        "transfer": 5,
        "destroy": 2,
        "hand_over": 1,
    }


def test_a_proposed_record_leaves_the_list_until_the_proposal_is_rejected(office, make_record):
    record = make_record(title="Nota pengadaan")
    proposal = propose(
        actor=office["arsiparis"], opd=record.opd, kind=Proposal.Kind.DESTROY, records=[record]
    )
    assert _due(office, Proposal.Kind.DESTROY) == set()
    assert _due(office, Proposal.Kind.TRANSFER) == set(), "not proposed twice, in any kind"

    reject(actor=office["kadis_user"], proposal=proposal, note="Periksa dahulu kondisi fisiknya.")
    assert _due(office, Proposal.Kind.DESTROY) == {"Nota pengadaan"}


def test_only_the_arsiparis_of_the_opd_or_the_province_sees_its_lists(office, make_record):
    make_record(title="Nota pengadaan")
    for outsider in (office["dinsos_arsiparis"], office["staf_user"], office["kadis_user"]):
        assert _due(office, Proposal.Kind.DESTROY, user=outsider) == set()
        assert due_counts(user=outsider, opd_id=office["kadis"].opd_id) == {}
    assert _due(office, Proposal.Kind.DESTROY, user=office["province_arsiparis"]) == {"Nota pengadaan"}


def test_a_due_list_costs_the_same_queries_with_3_records_or_30(
    office, make_record, django_assert_num_queries
):
    opd_id = office["kadis"].opd_id

    def rows() -> int:
        # As in a request: the user's grants and positions are kept under the organisation's version.
        call = partial(due_records, user=office["arsiparis"], opd_id=opd_id, kind=Proposal.Kind.DESTROY)
        return len(RequestMemoMiddleware(lambda _request: call())(None))

    for n in range(3):
        make_record(letter={"security_class": "secret" if n % 2 else "ordinary"})
    rows()  # the first request keeps the arsiparis's grants and positions
    # The organisation's version, then the rows with their codes and the titles shown (rahasia ones too).
    with django_assert_num_queries(2):
        assert rows() == 3
    for n in range(27):
        make_record(letter={"security_class": "secret" if n % 2 else "ordinary"})
    with django_assert_num_queries(2):
        assert rows() == 30
