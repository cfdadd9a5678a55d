"""Penyusutan arsip: which records are due for transfer, destruction or hand-over, and the proposals
about them, already limited to what the user may see."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from arsip.models import FinalDisposition, Proposal, Record
from arsip.record_selectors import is_arsiparis_of
from arsip.selectors import shown_title
from organisasi.models import Position, RoleGrant, User
from organisasi.selectors import position_ids_for, role_scope
from persuratan.models import OutgoingLetter, SecurityClass
from persuratan.outgoing_selectors import visible_outgoing

PAGE_SIZE = 100
OPEN_STATUSES = (Proposal.Status.PROPOSED, Proposal.Status.APPROVED)
# The date each list runs along: the second column of its index after (opd, state).
DUE_DATE = {
    Proposal.Kind.TRANSFER: "active_until",
    Proposal.Kind.DESTROY: "inactive_until",
    Proposal.Kind.HAND_OVER: "inactive_until",
}


def due_condition(*, kind: str, today: date) -> Q:
    """When a record is due for `kind`: the due lists and the proposal service share this one rule.

    Transfer: still active after its active period (index `record_due_transfer`). Destruction and
    hand-over: not yet moved on after its inactive period, musnah and not held, or permanen
    (index `record_due_disposal`, one range per state)."""
    if kind == Proposal.Kind.TRANSFER:
        return Q(state=Record.State.ACTIVE, active_until__lt=today)
    lived_out = Q(state__in=[Record.State.ACTIVE, Record.State.INACTIVE], inactive_until__lt=today)
    if kind == Proposal.Kind.DESTROY:
        return lived_out & Q(final_disposition=FinalDisposition.DESTROY, legal_hold=False)
    return lived_out & Q(final_disposition=FinalDisposition.PERMANENT)


def in_open_proposal() -> Exists:
    """The record is already in a proposal that is not finished: it is not proposed twice."""
    return Exists(
        Proposal.records.through.objects.filter(record_id=OuterRef("pk"), proposal__status__in=OPEN_STATUSES)
    )


def _due(*, opd_id: int, kind: str, today: date):
    return (
        Record.objects.filter(opd_id=opd_id)
        .filter(due_condition(kind=kind, today=today))
        .exclude(in_open_proposal())
    )


def due_records(*, user: User, opd_id: int, kind: str, limit: int = PAGE_SIZE) -> list[Record]:
    """The OPD's records due for `kind` and not yet proposed, longest overdue first, for its arsiparis,
    each with `shown_title` (arsip.selectors.shown_title).

    The list shrinks as records are proposed, so the first page is the one to work on."""
    if not is_arsiparis_of(user=user, opd_id=opd_id):
        return []
    rows = (
        _due(opd_id=opd_id, kind=kind, today=timezone.localdate())
        .select_related("classification")
        .annotate(shown_title=shown_title(user=user))
    )
    return list(rows.order_by(DUE_DATE[kind], "id")[:limit])


def due_counts(*, user: User, opd_id: int) -> dict[str, int]:
    """How many records each list holds: one index count per kind."""
    if not is_arsiparis_of(user=user, opd_id=opd_id):
        return {}
    today = timezone.localdate()
    return {kind: _due(opd_id=opd_id, kind=kind, today=today).count() for kind in Proposal.Kind.values}


def head_of(*, opd_id: int, on: date) -> Position | None:
    """The position that approves the OPD's proposals: its head (Kepala Dinas / Kepala Badan)."""
    return (
        Position.objects.filter(opd_id=opd_id, heads_opd=True)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .first()
    )


def _proposals():
    return Proposal.objects.select_related("opd", "approver_position", "berita_acara", "proposed_by")


def proposals_for(*, user: User, limit: int = PAGE_SIZE) -> list[Proposal]:
    """Proposals of the OPDs the user keeps as arsiparis and those waiting for a position they act
    for, newest first, with their number of records: one query."""
    scope = role_scope(user=user, role=RoleGrant.Role.ARSIPARIS)
    positions = position_ids_for(user=user, on=timezone.localdate())
    mine = Q(approver_position_id__in=positions)
    if scope.everywhere:
        mine = Q(pk__isnull=False)
    elif scope.opd_ids:
        mine |= Q(opd_id__in=scope.opd_ids)
    rows = _proposals().filter(mine).annotate(record_count=Count("records"))
    return list(rows.order_by("-proposed_at", "-id")[:limit])


def visible_proposal(*, user: User, pk: int) -> Proposal | None:
    """The proposal for the arsiparis of its OPD and whoever acts for its approver position; None
    for everyone else (the view answers 404)."""
    proposal = _proposals().filter(pk=pk).first()
    if proposal is None:
        return None
    # Whoever acts for the approver position today decides, and signs the berita acara.
    proposal.user_approves = proposal.approver_position_id in position_ids_for(
        user=user, on=timezone.localdate()
    )
    return proposal if proposal.user_approves or is_arsiparis_of(user=user, opd_id=proposal.opd_id) else None


def records_of(*, user: User, proposal: Proposal) -> list[Record]:
    """The records of a proposal in the order the berita acara lists them, each with `shown_title` as
    the user may see it (the arsiparis and the approver need not be readers of a rahasia record)."""
    return list(
        proposal.records.select_related("classification")
        .annotate(shown_title=shown_title(user=user))
        .order_by("classification__code", "letter_date", "id")
    )


def may_read_berita_acara(*, user: User, letter: OutgoingLetter | None) -> bool:
    """Whether the archive's pages hand the berita acara to someone who sees its proposal or record.

    One listing a rahasia record is itself rahasia (arsip.services.proposals) and follows the rules
    of outgoing letters: only those who may read it in full (its drafter and signer, whoever acts for
    the signer position) get it. The others, biasa or terbatas, go to whoever sees the proposal or
    record, as they always have."""
    if letter is None:
        return False
    if letter.security_class not in SecurityClass.narrowed():
        return True
    visible = visible_outgoing(user=user, pk=letter.pk)
    return visible is not None and visible.access.full
