"""Reads of complaints: the complainant's own, and the queue of an OPD's operators.

A complaint is found by its tracking code only by whoever may see it; for anyone else it does not
exist (404), so a code cannot be probed.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from layanan_publik.models import Complaint
from organisasi.models import Opd, RoleGrant, User
from organisasi.selectors import role_scope

PAGE_SIZE = 50


def _complaints() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("opd", "submission__service")


def complaints_of(*, user: User) -> list[Complaint]:
    """The complainant's own complaints, newest first."""
    if not user.is_authenticated:
        return []
    return list(_complaints().filter(applicant__user=user).order_by("-created_at", "-id")[:PAGE_SIZE])


def own_complaint(*, user: User, code: str) -> Complaint | None:
    if not user.is_authenticated:
        return None
    return _complaints().filter(tracking_code=code.upper(), applicant__user=user).first()


@dataclass(frozen=True)
class ComplaintQueue:
    waiting: list[Complaint]  # open, the oldest first: first come, first answered
    answered: list[Complaint]  # answered, the most recently filed first, for reference


def complaint_queue(*, opd: Opd) -> ComplaintQueue:
    """Two queries on the index complaint_queue (opd, status, created_at), whatever the queue's size."""
    rows = _complaints().select_related("applicant__user").filter(opd=opd)
    return ComplaintQueue(
        waiting=list(rows.filter(status=Complaint.Status.OPEN).order_by("created_at", "id")[:PAGE_SIZE]),
        answered=list(
            rows.filter(status=Complaint.Status.ANSWERED).order_by("-created_at", "-id")[:PAGE_SIZE]
        ),
    )


def complaint_for_operator(*, user: User, code: str) -> Complaint | None:
    """A complaint for an operator of its OPD; None for anyone else."""
    complaint = (
        _complaints()
        .select_related("applicant__user", "answered_by")
        .filter(tracking_code=code.upper())
        .first()
    )
    if complaint is None or not role_scope(user=user, role=RoleGrant.Role.OPERATOR).covers(complaint.opd_id):
        return None
    return complaint
