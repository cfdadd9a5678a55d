"""What a user sees of outgoing letters: their drafts, their turn to paraf or sign, the OPD's register."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.contrib.postgres.search import SearchRank
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from kantor_virtual.pagination import Cursor
from kantor_virtual.timeline import timeline_for
from organisasi.models import RoleGrant, User
from organisasi.selectors import position_ids_for, role_scope
from persuratan.letter_templates import DEFAULT_BODIES, DRAFTABLE_TYPES
from persuratan.models import (
    DispatchMeans,
    LetterTemplate,
    OutgoingLetter,
    OutgoingRecipient,
    ReviewStep,
    SecurityClass,
)
from persuratan.search import SearchHit, SearchPage, counted_page, highlighted, words_query
from persuratan.selectors import Access, classification_ids, day_start

PAGE_SIZE = 25  # rows a page draws: rendering, not the query, is what grows with it


def _letters() -> QuerySet[OutgoingLetter]:
    return OutgoingLetter.objects.select_related("drafter_position", "signer_position", "classification")


def _my_position_ids(user: User) -> set[int]:
    return position_ids_for(user=user, on=timezone.localdate())


def drafts_for(*, user: User, limit: int = PAGE_SIZE) -> list[OutgoingLetter]:
    """Letters the user drafted, newest first, signed ones included so they can find the number."""
    return list(_letters().filter(drafter=user).order_by("-created_at", "-id")[:limit])


def recent_addressee_ids(*, drafter: User, limit: int) -> list[int]:
    """The positions the drafter's latest letters went to, latest first, each once: who they write to
    again. It reads the recipients of at most `limit` letters (the drafter's index), however many
    letters they wrote; closed positions are left to the picker, which offers only open ones."""
    latest = list(
        OutgoingLetter.objects.filter(drafter=drafter)
        .order_by("-created_at")
        .values_list("pk", flat=True)[:limit]
    )
    order = {pk: index for index, pk in enumerate(latest)}
    rows = OutgoingRecipient.objects.filter(letter_id__in=latest, position__isnull=False).values_list(
        "letter_id", "pk", "position_id"
    )
    return list(
        dict.fromkeys(position for *_, position in sorted(rows, key=lambda row: (order[row[0]], row[1])))
    )[:limit]


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


def visible_outgoing(*, user: User, pk: int) -> OutgoingLetter | None:
    """The letter for its drafter, reviewers of any round, holders of the signer position and the
    OPD's operators; None for everyone else (the view answers 404, so ids cannot be probed).

    `letter.access` says how much: an operator who is none of the others sees only the metadata of
    a rahasia letter, as with incoming letters."""
    if not user.is_authenticated:
        return None
    letter = _letters().select_related("opd", "on_behalf_of", "by_order_of").filter(pk=pk).first()
    if letter is None:
        return None
    positions = _my_position_ids(user)
    if (
        letter.drafter_id == user.pk
        or letter.signer_position_id in positions
        or letter.review_steps.filter(position_id__in=positions).exists()
    ):
        letter.access = Access(metadata=True, full=True)
        return letter
    if role_scope(user=user, role=RoleGrant.Role.OPERATOR).covers(letter.opd_id):
        letter.access = Access(metadata=True, full=letter.security_class not in SecurityClass.narrowed())
        return letter
    return None


def outgoing_letters_visible_to(*, user: User, full_only: bool = False) -> QuerySet[OutgoingLetter]:
    """`visible_outgoing` for many letters at once (lists and searches of other apps): the drafter,
    reviewers and signer see a letter, and the OPD's operators too; with `full_only`, operators only
    the letters that are not rahasia."""
    if not user.is_authenticated:
        return OutgoingLetter.objects.none()
    positions = _my_position_ids(user)
    reached = (
        Q(drafter=user)
        | Q(signer_position_id__in=positions)
        | Q(Exists(ReviewStep.objects.filter(letter=OuterRef("pk"), position_id__in=positions)))
    )
    by_role = Q(opd_id__in=role_scope(user=user, role=RoleGrant.Role.OPERATOR).opd_ids)
    if full_only:
        by_role &= ~Q(security_class__in=SecurityClass.narrowed())
    return OutgoingLetter.objects.filter(reached | by_role)


def _signed_letters() -> QuerySet[OutgoingLetter]:
    return OutgoingLetter.objects.filter(status=OutgoingLetter.Status.SIGNED).exclude(verification_code="")


def signed_letter_by_code(code: str) -> OutgoingLetter | None:
    """For the public verification page: only signed letters, found by their unguessable code."""
    return (
        _signed_letters()
        .select_related("opd", "signed_by", "signer_position", "on_behalf_of", "by_order_of")
        .filter(verification_code=code)
        .first()
    )


def signed_letter_by_sha256(digest: str) -> OutgoingLetter | None:
    """The signed letter whose stored PDF is exactly this file (index outgoing_signed_sha256)."""
    return _signed_letters().filter(signed_sha256=digest).first()


@dataclass(frozen=True)
class TemplateRow:
    letter_type: str
    label: str
    body_html: str
    customized: bool
    updated_at: datetime | None = None


def templates_of(*, opd_id: int) -> list[TemplateRow]:
    """Every draftable type with the body its drafts start from: the OPD's own, or the default."""
    own = {t.letter_type: t for t in LetterTemplate.objects.filter(opd_id=opd_id)}
    return [
        TemplateRow(
            letter_type=kind,
            label=kind.label,
            body_html=own[kind].body_html if kind in own else DEFAULT_BODIES[kind],
            customized=kind in own,
            updated_at=own[kind].updated_at if kind in own else None,
        )
        for kind in DRAFTABLE_TYPES
    ]


def starting_bodies(*, opd_id: int) -> dict[str, str]:
    """Type → starting body, for the draft form to put in the editor when the type changes."""
    return {row.letter_type: row.body_html for row in templates_of(opd_id=opd_id)}


# ── The register of sent letters ─────────────────────────────────────────────────────────────
#
# The agenda of an OPD's signed letters is the work list of its operators, who number, send and
# print them: it is theirs alone, and they see every letter in it with its number, date, type,
# sifat, classification and addressees. Their access comes from their role, not from being reached
# by a letter, so for rahasia and sangat rahasia letters it stops at that metadata, as in the
# incoming register: the perihal is withheld and words never match such a letter (a match would
# tell the words). The filters, which read metadata only, still find it; those the letter reached
# read the perihal on the letter's own page.


@dataclass(frozen=True)
class RegisterFilters:
    signed_from: date | None = None
    signed_to: date | None = None
    number: str = ""  # the whole number, in any letter case
    security_class: str = ""
    letter_type: str = ""
    classification: str = ""  # a code; its children match too


def _register_rows(*, user: User, opd_id: int, filters: RegisterFilters) -> QuerySet[OutgoingLetter] | None:
    """The OPD's signed letters that pass `filters`; None unless the user is one of its operators.

    Each filter has an index that starts with the OPD and ends with (signed_at, id): the date
    range uses outgoing_register, the others outgoing_register_sifat/_type/_class and
    outgoing_number_ci, so a filtered page is an index range scan like the unfiltered one.
    """
    if not role_scope(user=user, role=RoleGrant.Role.OPERATOR).covers(opd_id):
        return None
    rows = OutgoingLetter.objects.filter(opd_id=opd_id, status=OutgoingLetter.Status.SIGNED)
    if filters.signed_from:
        rows = rows.filter(signed_at__gte=day_start(filters.signed_from))
    if filters.signed_to:
        rows = rows.filter(signed_at__lt=day_start(filters.signed_to + timedelta(days=1)))
    if filters.number.strip():
        rows = rows.filter(number__iexact=filters.number.strip())
    if filters.security_class:
        rows = rows.filter(security_class=filters.security_class)
    if filters.letter_type:
        rows = rows.filter(letter_type=filters.letter_type)
    if filters.classification.strip():
        rows = rows.filter(classification_id__in=classification_ids(filters.classification))
    addressees = OutgoingRecipient.objects.filter(kind=OutgoingRecipient.Kind.TO).select_related("position")
    # The page shows no words of the tsvector: leave it in the table.
    return (
        rows.select_related("classification")
        .prefetch_related(Prefetch("recipients", queryset=addressees, to_attr="addressees"))
        .defer("search")
    )


def _is_narrowed(letter: OutgoingLetter) -> bool:
    return letter.security_class in SecurityClass.narrowed()


def outgoing_register(
    *,
    user: User,
    opd_id: int,
    filters: RegisterFilters = RegisterFilters(),
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> list[SearchHit]:
    """The OPD's signed letters, newest first, for its operators; rahasia perihal withheld (empty title).

    Keyset on (signed_at, id): a deep page costs what the first costs. Three queries (the user's
    operator grants, the page, its addressees) plus one for a classification filter, whatever the
    page size.
    """
    rows = _register_rows(user=user, opd_id=opd_id, filters=filters)
    if rows is None:
        return []
    rows = rows.order_by("-signed_at", "-id")
    if after is not None:
        signed_at, pk = after
        rows = rows.filter(Q(signed_at__lt=signed_at) | Q(signed_at=signed_at, id__lt=pk))
    return [
        SearchHit(letter=letter, title=escape("" if _is_narrowed(letter) else letter.subject), snippet="")
        for letter in rows[:limit]
    ]


def search_outgoing_register(
    *, user: User, opd_id: int, query: str, filters: RegisterFilters = RegisterFilters(), page: int = 1
) -> SearchPage:
    """The OPD's signed letters whose perihal or number match the words, best match first.

    Ranked and highlighted the way incoming letters are searched (persuratan.search), on the GIN-
    indexed `OutgoingLetter.search`; rahasia letters are left out (see above). Four queries whatever
    the page size: grants, a capped count, the page with its headlines, its addressees.
    """
    rows = _register_rows(user=user, opd_id=opd_id, filters=filters)
    tsquery = words_query(query)
    if rows is None or tsquery is None:
        return counted_page(OutgoingLetter.objects.none(), page)
    rows = rows.filter(search=tsquery).exclude(security_class__in=SecurityClass.narrowed())
    result = counted_page(rows, page)
    rows = rows.annotate(
        rank=SearchRank(F("search"), tsquery, cover_density=True),
        title_html=highlighted(F("subject"), tsquery, highlight_all=True),
    ).order_by("-rank", "-signed_at", "-id")
    # Safe: the perihal was escaped before ts_headline, which adds only <mark> and </mark>.
    hits = [
        SearchHit(letter=letter, title=mark_safe(letter.title_html), snippet="")
        for letter in rows[result.rows]
    ]
    return replace(result, hits=hits)


@dataclass(frozen=True)
class Envelope:
    """What one envelope says: to whom, in which institution, where."""

    name: str
    institution: str
    address: str


def _envelope(recipient: OutgoingRecipient) -> Envelope:
    if recipient.position_id:
        opd = recipient.position.opd
        address = ", ".join(part for part in (opd.address, opd.city) if part)
        return Envelope(name=recipient.position.name, institution=opd.name, address=address)
    return Envelope(name=recipient.name, institution=recipient.institution, address=recipient.address)


def envelopes_of(*, user: User, pk: int) -> tuple[OutgoingLetter, list[Envelope]] | None:
    """A signed letter and one envelope per recipient, addressees before tembusan, for the operators
    of the sender OPD; None for anyone else and for unsigned letters (the view answers 404)."""
    letter = (
        OutgoingLetter.objects.select_related("opd__province")
        .defer("search")
        .filter(pk=pk, status=OutgoingLetter.Status.SIGNED)
        .first()
    )
    if letter is None or not role_scope(user=user, role=RoleGrant.Role.OPERATOR).covers(letter.opd_id):
        return None
    recipients = sorted(
        letter.recipients.select_related("position__opd"),
        key=lambda recipient: (recipient.kind != OutgoingRecipient.Kind.TO, recipient.order, recipient.pk),
    )
    return letter, [_envelope(recipient) for recipient in recipients]


# ── Delivery: inboxes, e-mail and paper ──────────────────────────────────────────────────────


def goes_by_print(letter: OutgoingLetter, recipient: OutgoingRecipient) -> bool:
    """An outside recipient whom no e-mail reaches: a rahasia or sangat rahasia letter never leaves
    by e-mail, and a recipient without an address gets paper. The OPD's operator prints and sends it."""
    return recipient.position_id is None and (
        letter.security_class in SecurityClass.narrowed() or not recipient.email
    )


@dataclass(frozen=True)
class Dispatch:
    """A paper copy as the operator recorded it leaving (the "dispatched" event on the timeline)."""

    sent_on: date
    means: str
    note: str
    by: str


@dataclass(frozen=True)
class DeliveryRow:
    recipient: OutgoingRecipient
    channel: str  # "inbox", "email" or "print"
    dispatch: Dispatch | None = None

    @property
    def awaiting_print(self) -> bool:
        return self.channel == "print" and self.recipient.delivered_at is None


@dataclass(frozen=True)
class Delivery:
    rows: list[DeliveryRow]

    @property
    def awaiting_print(self) -> bool:
        """A paper copy still waits to be printed and sent."""
        return any(row.awaiting_print for row in self.rows)


def delivery_of(*, letter: OutgoingLetter) -> Delivery:
    """How a signed letter reaches each recipient, and whether it has: two queries (recipients, and
    the dispatches recorded on the letter's timeline); no rows before it is signed."""
    if letter.status != OutgoingLetter.Status.SIGNED:
        return Delivery(rows=[])
    recipients = list(letter.recipients.select_related("position"))
    dispatched = {}
    if any(recipient.position_id is None for recipient in recipients):
        for event in timeline_for(target=letter).filter(verb="dispatched"):
            details = event.details
            dispatched[details["recipient"]] = Dispatch(
                sent_on=date.fromisoformat(details["on"]),
                means=DispatchMeans(details["means"]).label,
                note=details.get("note", ""),
                by=event.actor.get_full_name() if event.actor else "",
            )
    rows = []
    for recipient in recipients:
        if recipient.position_id:
            channel = "inbox"
        else:
            channel = "print" if goes_by_print(letter, recipient) else "email"
        rows.append(DeliveryRow(recipient=recipient, channel=channel, dispatch=dispatched.get(recipient.pk)))
    return Delivery(rows=rows)
