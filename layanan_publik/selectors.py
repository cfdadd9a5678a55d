"""Reads of submissions: the applicant's own, the operator's verification queue, the public
look-up by tracking code, and the timeline an applicant follows.

What the applicant sees of the work inside the OPD is the unit a letter was disposed to and that
it is being worked on — never the name of a person.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from kantor_virtual.models import Event
from layanan_publik.models import Submission
from layanan_publik.workdays import working_days_between
from organisasi.models import Opd, Position, RoleGrant, User
from organisasi.selectors import role_scope
from persuratan.models import IncomingLetter

PAGE_SIZE = 50


def _submissions() -> QuerySet[Submission]:
    return Submission.objects.select_related("service", "opd", "applicant__user")


def submissions_of(*, user: User) -> list[Submission]:
    """The applicant's own submissions, newest first (index submission_of_applicant)."""
    return list(_submissions().filter(applicant__user=user).order_by("-submitted_at", "-id")[:PAGE_SIZE])


def own_submission(*, user: User, code: str) -> Submission | None:
    """A submission by its tracking code, only for its applicant: anyone else gets nothing."""
    if not user.is_authenticated:
        return None
    return _submissions().filter(tracking_code=code.upper(), applicant__user=user).first()


def submission_by_code(code: str) -> Submission | None:
    """For the public look-up: the caller shows the status only."""
    return _submissions().filter(tracking_code=code.strip().upper()).first()


@dataclass(frozen=True)
class QueueRow:
    submission: Submission
    days_left: int  # working days until the time limit; negative when overdue

    @property
    def days_late(self) -> int:
        return -self.days_left


def verification_queue(*, opd: Opd, today: date | None = None) -> list[QueueRow]:
    """New and corrected submissions of the OPD, the nearest time limit first (index submission_queue)."""
    today = today or timezone.localdate()
    waiting = (
        _submissions()
        .filter(opd=opd, status=Submission.Status.SUBMITTED)
        .order_by("due_on", "submitted_at", "id")[:PAGE_SIZE]
    )
    return [QueueRow(submission=s, days_left=working_days_between(today, s.due_on)) for s in waiting]


def submission_for_operator(*, user: User, pk: int) -> Submission | None:
    """A submission for an operator of its OPD; None for anyone else (404)."""
    submission = _submissions().filter(pk=pk).first()
    if submission is None or not role_scope(user=user, role=RoleGrant.Role.OPERATOR).covers(
        submission.opd_id
    ):
        return None
    return submission


@dataclass(frozen=True)
class Step:
    at: datetime
    title: str
    detail: str = ""
    state: str = "done"  # "done", "attention" (returned, rejected) or "current"


_SUBMISSION_STEPS = {
    "submitted": "Permohonan diterima",
    "resubmitted": "Perbaikan diterima",
    "returned": "Dikembalikan untuk dilengkapi",
    "accepted": "Diverifikasi dan dicatat sebagai surat masuk",
    "rejected": "Ditolak",
    "finished": "Selesai: surat balasan terbit",
}


def _unit_names(position_ids: list[int]) -> str:
    positions = Position.objects.filter(pk__in=position_ids).select_related("unit")
    names = dict.fromkeys(p.unit.name if p.unit_id else p.name for p in positions)
    return ", ".join(names)


def describe(event: Event) -> Step | None:
    """One event as the applicant reads it; None for events they need not see."""
    if event.verb in _SUBMISSION_STEPS:
        attention = event.verb in ("returned", "rejected")
        return Step(
            at=event.at, title=_SUBMISSION_STEPS[event.verb], state="attention" if attention else "done"
        )
    if event.verb == "disposed":
        return Step(
            at=event.at, title="Didisposisikan", detail=f"kepada {_unit_names(event.details['targets'])}"
        )
    if event.verb == "follow_up":
        return Step(at=event.at, title="Sedang diproses", detail="Unit kerja melaporkan tindak lanjut.")
    return None


def applicant_timeline(submission: Submission) -> list[Step]:
    """The submission's own events and, once accepted, what happened to its letter, in time order."""
    targets = Q(target_type=ContentType.objects.get_for_model(Submission), target_id=str(submission.pk))
    if submission.letter_id:
        targets |= Q(
            target_type=ContentType.objects.get_for_model(IncomingLetter),
            target_id=str(submission.letter_id),
            verb__in=["disposed", "follow_up"],
        )
    events = Event.objects.filter(targets).order_by("at", "id")
    steps = [step for step in map(describe, events) if step is not None]
    # Many follow-up reports read as one "being worked on" step: keep the first of each run.
    return [step for i, step in enumerate(steps) if i == 0 or step.title != steps[i - 1].title or step.detail]
