"""Peminjaman arsip: staff ask for a record they may read, the OPD's arsiparis approves it with a
return date (or refuses), hands it out and takes it back; an overdue loan reminds its borrower daily."""

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from arsip.loan_selectors import OPEN_LOANS, PENDING_LOANS, arsiparis_of
from arsip.models import Loan, Record
from arsip.record_selectors import is_arsiparis_of, is_lendable, record_access
from kantor_virtual.errors import Refused
from kantor_virtual.notifications import Notice, notify, notify_each
from kantor_virtual.timeline import record_event
from organisasi.models import User


def _what(record: Record) -> str:
    """How a notice names the record: by its number, never by its title (the perihal of its letter),
    which the arsiparis told of a request, or a borrower who has since lost the letter, may not read;
    and a notice is also e-mailed."""
    return f"nomor {record.number}"


@transaction.atomic
def request_loan(*, actor: User, record: Record, purpose: str) -> Loan:
    """A member of staff asks to borrow a record whose contents they may read."""
    if not record_access(user=actor, record=record).full:
        raise Refused(
            "Anda tidak berhak membaca arsip ini, sehingga tidak dapat meminjamnya.", code="not_readable"
        )
    if not is_lendable(record):
        raise Refused(
            "Arsip ini sudah dimusnahkan atau diserahkan; tidak dapat dipinjam.", code="not_lendable"
        )
    if not purpose.strip():
        raise Refused("Tuliskan keperluan peminjaman.", code="missing_purpose")
    if Loan.objects.filter(borrower=actor, record=record, status__in=PENDING_LOANS).exists():
        raise Refused("Anda sudah mengajukan peminjaman arsip ini.", code="already_requested")
    loan = Loan.objects.create(record=record, borrower=actor, purpose=purpose.strip())
    record_event(target=loan, verb="requested", actor=actor, to_state=loan.status)
    notify(
        users=arsiparis_of(opd_id=record.opd_id),
        key=f"loan:{loan.pk}:requested",
        title=f"Permintaan peminjaman arsip: {_what(record)}",
        body=f"Diajukan oleh {actor}.",
        url=reverse("arsip:loan_desk") + f"?opd={record.opd.code}",
    )
    return loan


def _locked(*, actor: User, loan: Loan, expected: str) -> Loan:
    """The loan, locked, after checking the actor keeps the record's OPD and the loan is at `expected`."""
    loan = Loan.objects.select_for_update(of=("self",)).select_related("record", "borrower").get(pk=loan.pk)
    if not is_arsiparis_of(user=actor, opd_id=loan.record.opd_id):
        raise Refused(
            "Hanya arsiparis perangkat daerah pemilik arsip yang melayani peminjaman.", code="not_arsiparis"
        )
    if loan.status != expected:
        raise Refused(f"Peminjaman ini berstatus {loan.get_status_display().lower()}.", code="wrong_status")
    return loan


def _move(*, actor: User, loan: Loan, to: str, **changes) -> Loan:
    previous = loan.status
    loan.status = to
    for name, value in changes.items():
        setattr(loan, name, value)
    loan.save()
    details = {"due_on": loan.due_on} if to == Loan.Status.APPROVED else {}
    record_event(target=loan, verb=to, actor=actor, from_state=previous, to_state=to, details=details)
    return loan


def _tell_borrower(loan: Loan, *, title: str, body: str = "") -> None:
    notify(
        users=[loan.borrower],
        key=f"loan:{loan.pk}:{loan.status}",
        title=title,
        body=body,
        url=reverse("arsip:my_loans"),
    )


@transaction.atomic
def approve_loan(*, actor: User, loan: Loan, due_on: date) -> Loan:
    """The arsiparis agrees to lend the record until `due_on`, if nobody else has it."""
    loan = _locked(actor=actor, loan=loan, expected=Loan.Status.REQUESTED)
    if due_on < timezone.localdate():
        raise Refused("Batas pengembalian tidak boleh sebelum hari ini.", code="due_in_past")
    if not is_lendable(loan.record):
        raise Refused(
            "Arsip ini sudah dimusnahkan atau diserahkan; tidak dapat dipinjam.", code="not_lendable"
        )
    # Two approvals of one record at once queue on its row; the unique open loan stays the last line.
    Record.objects.select_for_update().filter(pk=loan.record_id).get()
    if Loan.objects.filter(record_id=loan.record_id, status__in=OPEN_LOANS).exists():
        raise Refused("Arsip ini sedang dipinjam; setujui setelah dikembalikan.", code="record_on_loan")
    _move(actor=actor, loan=loan, to=Loan.Status.APPROVED, decided_by=actor, due_on=due_on)
    _tell_borrower(
        loan,
        title=f"Peminjaman arsip disetujui: {_what(loan.record)}",
        body=f"Ambil di unit kearsipan; kembalikan paling lambat {date_format(due_on, 'j F Y')}.",
    )
    return loan


@transaction.atomic
def reject_loan(*, actor: User, loan: Loan, reason: str) -> Loan:
    if not reason.strip():
        raise Refused("Tuliskan alasan penolakan.", code="missing_reason")
    loan = _locked(actor=actor, loan=loan, expected=Loan.Status.REQUESTED)
    _move(actor=actor, loan=loan, to=Loan.Status.REJECTED, decided_by=actor)
    _tell_borrower(loan, title=f"Peminjaman arsip ditolak: {_what(loan.record)}", body=reason.strip())
    return loan


@transaction.atomic
def hand_out(*, actor: User, loan: Loan) -> Loan:
    """The borrower collects the record."""
    loan = _locked(actor=actor, loan=loan, expected=Loan.Status.APPROVED)
    return _move(actor=actor, loan=loan, to=Loan.Status.HANDED_OUT, handed_out_at=timezone.now())


@transaction.atomic
def take_back(*, actor: User, loan: Loan) -> Loan:
    """The borrower returns the record; it may be lent again."""
    loan = _locked(actor=actor, loan=loan, expected=Loan.Status.HANDED_OUT)
    return _move(actor=actor, loan=loan, to=Loan.Status.RETURNED, returned_at=timezone.now())


def remind_overdue_loans(*, today: date | None = None) -> int:
    """Remind each borrower whose record is past its return date; returns the new reminders.

    The key `loan:<id>:<day>` is unique per person, so a second run the same day sends nothing and
    the next day sends again. The overdue loans come from the partial index `loan_overdue`."""
    today = today or timezone.localdate()
    overdue = (
        Loan.objects.filter(status=Loan.Status.HANDED_OUT, due_on__lt=today)
        .select_related("record", "borrower")
        .order_by("due_on", "id")
    )
    notices = [
        Notice(
            user=loan.borrower,
            key=f"loan:{loan.pk}:{today.isoformat()}",
            title=f"Arsip pinjaman melewati batas pengembalian: {_what(loan.record)}",
            body=(
                f"Batas pengembaliannya {date_format(loan.due_on, 'j F Y')}, sudah lewat "
                f"{(today - loan.due_on).days} hari. Kembalikan ke unit kearsipan."
            ),
            url=reverse("arsip:my_loans"),
        )
        for loan in overdue
    ]
    return len(notify_each(notices=notices))
