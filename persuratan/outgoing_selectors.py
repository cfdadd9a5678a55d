"""What a user sees of outgoing letters: their drafts, their turn to paraf or sign, the OPD's register."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from kantor_virtual.pagination import Cursor
from organisasi.models import RoleGrant, User
from organisasi.selectors import position_ids_for, role_scope
from persuratan.models import OutgoingLetter, ReviewStep

PAGE_SIZE = 50


def _letters() -> QuerySet[OutgoingLetter]:
    return OutgoingLetter.objects.select_related("drafter_position", "signer_position", "classification")


def _my_position_ids(user: User) -> set[int]:
    return position_ids_for(user=user, on=timezone.localdate())


def drafts_for(*, user: User, limit: int = PAGE_SIZE) -> list[OutgoingLetter]:
    """Letters the user drafted, newest first, signed ones included so they can find the number."""
    return list(_letters().filter(drafter=user).order_by("-created_at", "-id")[:limit])


def latest_round(letter: OutgoingLetter) -> int:
    """Each return starts a new round of the same chain; only the latest one counts."""
    return letter.review_steps.order_by("-round").values_list("round", flat=True).first() or 1


def current_turn(letter: OutgoingLetter) -> ReviewStep | None:
    """The step that may act now: the first waiting one of the latest round, while in review."""
    if letter.status != OutgoingLetter.Status.IN_REVIEW:
        return None
    return (
        letter.review_steps.filter(round=latest_round(letter), status=ReviewStep.Status.WAITING)
        .select_related("position")
        .order_by("order")
        .first()
    )


def awaiting_my_paraf(*, user: User) -> list[OutgoingLetter]:
    """Letters in review whose current turn is a position the user acts for: one query in all."""
    positions = _my_position_ids(user)
    if not positions:
        return []
    steps_of_letter = ReviewStep.objects.filter(letter=OuterRef("letter"))
    latest = steps_of_letter.order_by("-round").values("round")[:1]
    first_waiting = (
        steps_of_letter.filter(round=OuterRef("round"), status=ReviewStep.Status.WAITING)
        .order_by("order")
        .values("pk")[:1]
    )
    # A waiting step later in the chain is not a turn yet: only the first waiting step of the round.
    my_turns = ReviewStep.objects.filter(
        position_id__in=positions,
        status=ReviewStep.Status.WAITING,
        round=Subquery(latest),
        pk=Subquery(first_waiting),
    )
    return list(
        _letters()
        .filter(status=OutgoingLetter.Status.IN_REVIEW, pk__in=my_turns.values("letter"))
        .order_by("created_at", "id")
    )


def awaiting_my_signature(*, user: User) -> list[OutgoingLetter]:
    """Approved letters (or ones being signed) whose signer position the user acts for."""
    positions = _my_position_ids(user)
    return list(
        _letters()
        .filter(
            signer_position_id__in=positions,
            status__in=[OutgoingLetter.Status.APPROVED, OutgoingLetter.Status.SIGNING],
        )
        .order_by("created_at", "id")
    )


def outgoing_register(
    *, user: User, opd_id: int, after: Cursor | None = None, limit: int = PAGE_SIZE
) -> list[OutgoingLetter]:
    """The OPD's signed letters, newest first, for its operators (keyset on signed_at, id)."""
    if not role_scope(user=user, role=RoleGrant.Role.OPERATOR).covers(opd_id):
        return []
    rows = _letters().filter(opd_id=opd_id, status=OutgoingLetter.Status.SIGNED).order_by("-signed_at", "-id")
    if after is not None:
        signed_at, pk = after
        rows = rows.filter(Q(signed_at__lt=signed_at) | Q(signed_at=signed_at, id__lt=pk))
    return list(rows[:limit])


def visible_outgoing(*, user: User, pk: int) -> OutgoingLetter | None:
    """The letter for its drafter, reviewers of any round, holders of the signer position and the
    OPD's operators; None for everyone else (the view answers 404, so ids cannot be probed)."""
    if not user.is_authenticated:
        return None
    letter = _letters().select_related("opd", "on_behalf_of").filter(pk=pk).first()
    if letter is None:
        return None
    if letter.drafter_id == user.pk:
        return letter
    positions = _my_position_ids(user)
    if (
        letter.signer_position_id in positions
        or letter.review_steps.filter(position_id__in=positions).exists()
    ):
        return letter
    if role_scope(user=user, role=RoleGrant.Role.OPERATOR).covers(letter.opd_id):
        return letter
    return None


def _signed_letters() -> QuerySet[OutgoingLetter]:
    return OutgoingLetter.objects.filter(status=OutgoingLetter.Status.SIGNED).exclude(verification_code="")


def signed_letter_by_code(code: str) -> OutgoingLetter | None:
    """For the public verification page: only signed letters, found by their unguessable code."""
    return (
        _signed_letters()
        .select_related("opd", "signed_by", "signer_position__parent", "on_behalf_of")
        .filter(verification_code=code)
        .first()
    )


def signed_letter_by_sha256(digest: str) -> OutgoingLetter | None:
    """The signed letter whose stored PDF is exactly this file (index outgoing_signed_sha256)."""
    return _signed_letters().filter(signed_sha256=digest).first()
