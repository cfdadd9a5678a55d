"""Loans: asked for by those who may read the record, served by the OPD's arsiparis, one at a time per
record, and an overdue borrower reminded once a day."""

from datetime import timedelta

import pytest
from django.db import IntegrityError

from arsip.models import Loan, Record
from arsip.services.loans import (
    approve_loan,
    hand_out,
    reject_loan,
    remind_overdue_loans,
    request_loan,
    take_back,
)
from arsip.tasks import remind_overdue_loans as remind_overdue_loans_task
from kantor_virtual.errors import Refused
from kantor_virtual.models import Notification
from kantor_virtual.timeline import timeline_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(make_record, today):
    return make_record(title="Kontrak pengadaan server", inactive_until=today + timedelta(days=400))


def _code(call, **kwargs) -> str:
    with pytest.raises(Refused) as refusal:
        call(**kwargs)
    return refusal.value.code


def test_a_loan_goes_from_request_to_return_and_the_record_may_be_lent_again(office, record, today):
    borrower, arsiparis = office["sekdis_user"], office["arsiparis"]
    loan = request_loan(actor=borrower, record=record, purpose="Bahan pemeriksaan BPK")
    assert Notification.objects.filter(user=arsiparis, key=f"loan:{loan.pk}:requested").exists()

    approve_loan(actor=arsiparis, loan=loan, due_on=today + timedelta(days=7))
    hand_out(actor=arsiparis, loan=loan)
    take_back(actor=arsiparis, loan=loan)

    loan.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED and loan.handed_out_at and loan.returned_at
    assert [event.verb for event in timeline_for(target=loan)] == [
        "requested",
        "approved",
        "handed_out",
        "returned",
    ]
    assert Notification.objects.filter(user=borrower, title__startswith="Peminjaman arsip disetujui").exists()
    again = request_loan(actor=borrower, record=record, purpose="Audit kedua")
    assert approve_loan(actor=arsiparis, loan=again, due_on=today).status == Loan.Status.APPROVED


def test_only_those_who_may_read_the_record_ask_for_it(office, record):
    for outsider in (office["staf_user"], office["dinsos_arsiparis"], office["dinsos_head_user"]):
        assert _code(request_loan, actor=outsider, record=record, purpose="Ingin tahu") == "not_readable"
    assert (
        request_loan(actor=office["arsiparis"], record=record, purpose="Penataan").borrower
        == office["arsiparis"]
    )


def test_a_destroyed_or_handed_over_record_is_not_lent(office, record):
    Record.objects.filter(pk=record.pk).update(state=Record.State.HANDED_OVER)
    record.refresh_from_db()
    assert _code(request_loan, actor=office["sekdis_user"], record=record, purpose="Audit") == "not_lendable"


def test_asking_twice_or_without_a_purpose_is_refused(office, record):
    assert _code(request_loan, actor=office["sekdis_user"], record=record, purpose="  ") == "missing_purpose"
    request_loan(actor=office["sekdis_user"], record=record, purpose="Audit")
    assert (
        _code(request_loan, actor=office["sekdis_user"], record=record, purpose="Audit")
        == "already_requested"
    )


def test_only_the_arsiparis_of_the_opd_serves_and_each_step_comes_in_turn(office, record, today):
    loan = request_loan(actor=office["sekdis_user"], record=record, purpose="Audit")
    for outsider in (office["sekdis_user"], office["dinsos_arsiparis"], office["kadis_user"]):
        assert _code(approve_loan, actor=outsider, loan=loan, due_on=today) == "not_arsiparis"
    arsiparis = office["province_arsiparis"]
    assert _code(hand_out, actor=arsiparis, loan=loan) == "wrong_status"
    assert _code(approve_loan, actor=arsiparis, loan=loan, due_on=today - timedelta(days=1)) == "due_in_past"
    assert _code(reject_loan, actor=arsiparis, loan=loan, reason="") == "missing_reason"
    reject_loan(actor=arsiparis, loan=loan, reason="Arsip sedang dialihmediakan.")
    assert _code(approve_loan, actor=arsiparis, loan=loan, due_on=today) == "wrong_status"


def test_a_record_is_lent_to_one_borrower_at_a_time(office, record, today):
    first = request_loan(actor=office["sekdis_user"], record=record, purpose="Audit")
    second = request_loan(actor=office["province_arsiparis"], record=record, purpose="Pengawasan kearsipan")
    approve_loan(actor=office["arsiparis"], loan=first, due_on=today)
    assert _code(approve_loan, actor=office["arsiparis"], loan=second, due_on=today) == "record_on_loan"
    with pytest.raises(IntegrityError):  # the database holds the rule too
        Loan.objects.filter(pk=second.pk).update(status=Loan.Status.APPROVED, due_on=today)


def test_an_overdue_borrower_is_reminded_once_a_day(office, record, make_record, today):
    loan = request_loan(actor=office["sekdis_user"], record=record, purpose="Audit")
    approve_loan(actor=office["arsiparis"], loan=loan, due_on=today)
    hand_out(actor=office["arsiparis"], loan=loan)
    on_time = request_loan(actor=office["sekdis_user"], record=make_record(), purpose="Rapat")
    approve_loan(actor=office["arsiparis"], loan=on_time, due_on=today + timedelta(days=1))
    hand_out(actor=office["arsiparis"], loan=on_time)

    assert remind_overdue_loans_task.apply().get() == 0, "due today is not late yet"
    tomorrow = today + timedelta(days=1)
    assert remind_overdue_loans(today=tomorrow) == 1
    assert remind_overdue_loans(today=tomorrow) == 0, "a second run the same day sends nothing"
    assert remind_overdue_loans(today=tomorrow + timedelta(days=1)) == 2, "the next day both are late"
    reminders = Notification.objects.filter(user=office["sekdis_user"], key__startswith=f"loan:{loan.pk}:2")
    assert reminders.count() == 2
    assert "sudah lewat 1 hari" in reminders.order_by("key").first().body

    take_back(actor=office["arsiparis"], loan=loan)
    assert remind_overdue_loans(today=tomorrow + timedelta(days=2)) == 1, "a returned record is not late"
