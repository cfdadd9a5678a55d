"""Peminjaman arsip as each side sees it: the borrower's own loans, the arsiparis's desk."""

from django.db.models import BooleanField, Case, ExpressionWrapper, IntegerField, Q, Value, When
from django.utils import timezone

from arsip.models import Loan
from arsip.record_selectors import is_arsiparis_of
from arsip.selectors import shown_title
from organisasi.models import RoleGrant, User

PAGE_SIZE = 100
OPEN_LOANS = (Loan.Status.APPROVED, Loan.Status.HANDED_OUT)  # one per record (a database constraint)
PENDING_LOANS = (Loan.Status.REQUESTED, *OPEN_LOANS)


def _loans(*, user: User):
    """Loans with what their lists show, the record's title as `user` may see it (`record_title`)
    among it: a borrower who can no longer read a rahasia record, or an arsiparis who never could,
    sees its number and "[rahasia]"."""
    overdue = Q(status=Loan.Status.HANDED_OUT, due_on__lt=timezone.localdate())
    return Loan.objects.select_related("record", "record__classification", "borrower", "decided_by").annotate(
        overdue=ExpressionWrapper(overdue, output_field=BooleanField()),
        record_title=shown_title(user=user, via="record__"),
    )


def loans_of(*, user: User, limit: int = PAGE_SIZE) -> list[Loan]:
    """The borrower's loans, newest first."""
    return list(_loans(user=user).filter(borrower=user).order_by("-requested_at", "-id")[:limit])


def open_loan_of(*, user: User, record_id: int) -> Loan | None:
    """The user's request or loan of this record that is not finished, if any."""
    return Loan.objects.filter(borrower=user, record_id=record_id, status__in=PENDING_LOANS).first()


def loans_to_handle(*, user: User, opd_id: int, limit: int = PAGE_SIZE) -> list[Loan]:
    """The OPD's loans the arsiparis still has to act on: requests, approved ones to hand out, and
    records out on loan, the longest waiting first in each group."""
    if not is_arsiparis_of(user=user, opd_id=opd_id):
        return []
    order = Case(
        *(When(status=status, then=Value(n)) for n, status in enumerate(PENDING_LOANS)),
        output_field=IntegerField(),
    )
    rows = _loans(user=user).filter(record__opd_id=opd_id, status__in=PENDING_LOANS)
    return list(rows.order_by(order, "due_on", "requested_at", "id")[:limit])


def desk_loan(*, user: User, pk: int) -> Loan | None:
    """A loan for the arsiparis of its record's OPD; None for everyone else (the view answers 404)."""
    loan = _loans(user=user).select_related("record__opd").filter(pk=pk).first()
    return loan if loan is not None and is_arsiparis_of(user=user, opd_id=loan.record.opd_id) else None


def arsiparis_of(*, opd_id: int) -> list[User]:
    """The OPD's own arsiparis (not the province's), who are told of new loan requests."""
    return list(
        User.objects.filter(
            role_grants__role=RoleGrant.Role.ARSIPARIS, role_grants__opd_id=opd_id, is_active=True
        ).distinct()
    )
