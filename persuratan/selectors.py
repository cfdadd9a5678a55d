"""Every read of letters and inboxes, already limited to what the user may see.

Visibility has one home, `_visible`: a letter is seen by whoever acts for a position it reached
(addressee, tembusan, a disposition node), by the operator and arsiparis of its OPD, and by
those it was shared with. Rahasia and sangat rahasia letters narrow this to the positions they
reached; the OPD's operator keeps only the metadata they registered.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from kantor_virtual.pagination import Cursor
from kantor_virtual.request_memo import remembered
from organisasi.models import Position, RoleGrant, User
from organisasi.selectors import position_ids_for, role_scope
from persuratan.models import (
    Classification,
    Correspondent,
    InboxItem,
    InboxRead,
    InboxTally,
    IncomingLetter,
    IncomingLetterUserObjectPermission,
    ReadTally,
    SecurityClass,
)

PAGE_SIZE = 25  # rows a page draws: rendering, not the query, is what grows with it


@dataclass(frozen=True)
class Access:
    """What a user may see of one letter: everything, or only the register's metadata.

    `my_items` are the user's own nodes of the letter (`items_of_user`) when those are what let
    them read it: the access check has read them already, and the letter page needs them.
    """

    metadata: bool = False
    full: bool = False
    my_items: tuple[InboxItem, ...] = ()


NO_ACCESS = Access()


@dataclass(frozen=True)
class Readership:
    """Every way letters reach a user in full: the positions they act for today, the OPDs they keep
    as operator or arsiparis (every OPD for the province's arsiparis; rahasia letters aside) and the
    letters shared with them (rahasia aside). `_visible` joins the ways into one condition; the
    search reads each way on an index of its own."""

    position_ids: frozenset[int]
    kept_opd_ids: frozenset[int]
    keeps_everywhere: bool
    operated_opd_ids: frozenset[int]  # where the register's metadata of rahasia letters shows


def readership(*, user: User) -> Readership:
    operator = role_scope(user=user, role=RoleGrant.Role.OPERATOR)
    arsiparis = role_scope(user=user, role=RoleGrant.Role.ARSIPARIS)
    return Readership(
        position_ids=frozenset(position_ids_for(user=user, on=timezone.localdate())),
        kept_opd_ids=operator.opd_ids | arsiparis.opd_ids,
        keeps_everywhere=arsiparis.everywhere,
        operated_opd_ids=operator.opd_ids,
    )


def shares_with(*, user: User) -> QuerySet[IncomingLetterUserObjectPermission]:
    """The letters shared with the user (object permission `view_incomingletter`)."""
    return IncomingLetterUserObjectPermission.objects.filter(
        user=user, permission__codename="view_incomingletter"
    )


def _reaching(position_ids: Iterable[int]) -> Exists:
    return Exists(
        InboxItem.objects.filter(letter=OuterRef("pk"), position_id__in=position_ids).exclude(
            status=InboxItem.Status.WITHDRAWN
        )
    )


def _visible(*, user: User, full_only: bool) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    ways = readership(user=user)
    narrowed = Q(security_class__in=SecurityClass.narrowed())
    by_role = Q(pk__isnull=False) if ways.keeps_everywhere else Q(opd_id__in=ways.kept_opd_ids)
    shared = Exists(shares_with(user=user).filter(content_object=OuterRef("pk")))
    visible = Q(_reaching(ways.position_ids)) | (~narrowed & (by_role | Q(shared)))
    if not full_only:
        visible |= narrowed & Q(opd_id__in=ways.operated_opd_ids)
    return visible


def letters_visible_to(*, user: User, full_only: bool = False) -> QuerySet[IncomingLetter]:
    """Letters the user may open. With `full_only`, only those whose contents they may read (search)."""
    return IncomingLetter.objects.filter(_visible(user=user, full_only=full_only))


def letter_access(*, user: User, letter: IncomingLetter) -> Access:
    if not user.is_authenticated:
        return NO_ACCESS
    mine = items_of_user(user=user, letter=letter)
    if mine:
        return Access(metadata=True, full=True, my_items=tuple(mine))
    is_operator = role_scope(user=user, role=RoleGrant.Role.OPERATOR).covers(letter.opd_id)
    if letter.is_narrowed:
        return Access(metadata=True) if is_operator else NO_ACCESS
    if is_operator or role_scope(user=user, role=RoleGrant.Role.ARSIPARIS).covers(letter.opd_id):
        return Access(metadata=True, full=True)
    shared = shares_with(user=user).filter(content_object=letter).exists()
    return Access(metadata=True, full=True) if shared else NO_ACCESS


def visible_letter(
    *, user: User, pk: int, also: tuple[str, ...] = ()
) -> tuple[IncomingLetter, Access] | None:
    """A letter and what the user may see of it; None when missing or not theirs (the same answer).

    `also` names one-to-one relations the caller draws (its archive record, its disposition sheet),
    read in the same query."""
    letter = (
        IncomingLetter.objects.select_related("opd", "classification", "registered_by", "sender", *also)
        .filter(pk=pk)
        .first()
    )
    if letter is None:
        return None
    access = letter_access(user=user, letter=letter)
    return (letter, access) if access.metadata else None


def items_of(*, letter: IncomingLetter) -> list[InboxItem]:
    """Every node of a letter's tree, oldest first, with what a tree view shows of each."""
    return list(
        InboxItem.objects.filter(letter=letter)
        .select_related("position", "position__opd", "from_position")
        .order_by("received_at", "id")
    )


def items_of_user(*, user: User, letter: IncomingLetter) -> list[InboxItem]:
    """The nodes of this letter in the inboxes of the positions the user acts for today, each with
    `is_read` for this person and `has_subordinates` (whether anyone sits below its position to
    dispose to)."""
    return list(
        InboxItem.objects.filter(
            letter=letter, position_id__in=position_ids_for(user=user, on=timezone.localdate())
        )
        .exclude(status=InboxItem.Status.WITHDRAWN)
        .annotate(
            is_read=_read_by(user),
            has_subordinates=Exists(Position.objects.filter(parent_id=OuterRef("position_id"))),
        )
        .select_related("position")
        .order_by("received_at", "id")
    )


# ── Inbox ─────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""  # "new" (unread by me), "overdue", or an InboxItem.Status
    urgency: str = ""
    security_class: str = ""
    received_from: date | None = None
    received_to: date | None = None
    sender: str = ""
    classification: str = ""


def day_start(day: date) -> datetime:
    """Midnight of `day` in the office's time zone: date filters become index-friendly ranges."""
    return timezone.make_aware(datetime.combine(day, time.min))


def classification_ids(code: str) -> list[int]:
    """The code and everything under it: filtering by 000.1 finds 000.1.2 too."""
    code = code.strip()
    return list(
        Classification.objects.filter(Q(code=code) | Q(code__startswith=f"{code}.")).values_list(
            "id", flat=True
        )
    )


# What an inbox row shows (persuratan/_inbox_rows.html), and no more: a letter's summary, search
# vector and scan text are long, and every column read is a column compiled and turned into Python.
INBOX_ROW_FIELDS = (
    "id", "letter_id", "position_id", "reason", "from_position_id", "status", "received_at", "due_on",
    "urgency", "security_class",
    "letter__subject", "letter__sender_name", "letter__sender_number", "letter__agenda_number",
    "letter__agenda_year",
    "from_position__name",
)  # fmt: skip
# The same, as the row template reads them, with whether the reader has opened the item: the
# cached rows (kantor_virtual.fragments) are keyed by these values.
INBOX_ROW_DRAWN = (*(field.replace("__", ".") for field in INBOX_ROW_FIELDS), "is_read")


def inbox_for(
    *,
    user: User,
    position_id: int,
    filters: InboxFilters = InboxFilters(),
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> list[InboxItem]:
    """One page of a position's inbox, newest first, for someone who acts for it today.

    Keyset pagination on (received_at, id): a deep page costs what the first costs. Two queries
    whatever the page size (the user's positions, then the rows with their letters joined).
    """
    today = timezone.localdate()
    if position_id not in position_ids_for(user=user, on=today):
        return []
    rows = (
        InboxItem.objects.filter(position_id=position_id)
        .exclude(status=InboxItem.Status.WITHDRAWN)
        .annotate(is_read=_read_by(user))
        .select_related("letter", "from_position")
        .only(*INBOX_ROW_FIELDS)
        .order_by("-received_at", "-id")
    )
    if filters.status == "new":
        rows = rows.filter(is_read=False)
    elif filters.status == "overdue":
        rows = rows.filter(due_on__lt=today, status__in=InboxItem.OPEN_STATUSES)
    elif filters.status in InboxItem.Status.values:
        rows = rows.filter(status=filters.status)
    if filters.urgency:
        rows = rows.filter(urgency=filters.urgency)
    if filters.security_class:
        rows = rows.filter(security_class=filters.security_class)
    if filters.received_from:
        rows = rows.filter(received_at__gte=day_start(filters.received_from))
    if filters.received_to:
        rows = rows.filter(received_at__lt=day_start(filters.received_to) + timezone.timedelta(days=1))
    if filters.sender.strip():
        key = Correspondent.key_for(filters.sender)
        rows = rows.filter(sender_id__in=Correspondent.objects.filter(name_key__startswith=key).values("id"))
    if filters.classification.strip():
        rows = rows.filter(classification_id__in=classification_ids(filters.classification))
    if after is not None:
        received_at, pk = after
        rows = rows.filter(Q(received_at__lt=received_at) | Q(received_at=received_at, id__lt=pk))
    return list(rows[:limit])


def _read_by(user: User) -> RawSQL:
    """Whether the user has opened the row's item. `OFFSET 0` keeps PostgreSQL from hashing every
    item the person ever read (years of them): each row is one probe of the unique (item, user)
    index, and a page, the "belum saya baca" filter included, stops at its rows."""
    reads, items = InboxRead._meta.db_table, InboxItem._meta.db_table
    return RawSQL(
        f'EXISTS (SELECT 1 FROM {reads} r WHERE r.item_id = "{items}".id AND r.user_id = %s OFFSET 0)',
        [user.pk],
        output_field=BooleanField(),
    )


@dataclass(frozen=True)
class InboxState:
    """A position's inbox as one person sees it: what they have not opened, and the version of what
    its rows show (`InboxTally.version`; empty before the first item)."""

    unread: int = 0
    version: str = ""


def inbox_states(*, user: User, position_ids: set[int]) -> dict[int, InboxState]:
    """Per position: the items minus this person's reads, both read from counters
    (persuratan.tallies), and the version, in one query read once per request, so the badge and the
    kept inbox page cost the same at any inbox size."""
    if not position_ids:
        return {}

    def read() -> dict[int, InboxState]:
        reads = ReadTally.objects.filter(user=user, position_id=OuterRef("position_id")).values("reads")
        found = {
            position_id: InboxState(unread=max(unread, 0), version=str(version))
            for position_id, unread, version in InboxTally.objects.filter(position_id__in=position_ids)
            .annotate(unread=F("items") - Coalesce(Subquery(reads), 0))
            .values_list("position_id", "unread", "version")
        }
        return {position_id: found.get(position_id, InboxState()) for position_id in position_ids}

    return remembered(("inbox_states", user.pk, frozenset(position_ids)), read)


def unread_counts(*, user: User, position_ids: set[int]) -> dict[int, int]:
    """Items not yet opened by this person, per position."""
    return {
        position_id: state.unread
        for position_id, state in inbox_states(user=user, position_ids=position_ids).items()
    }


# ── Register (operator) ──────────────────────────────────────────────────────────────────────


def register_of(
    *, user: User, opd_id: int, after: Cursor | None = None, limit: int = PAGE_SIZE
) -> list[IncomingLetter]:
    """The OPD's agenda of incoming letters, newest first, for its operator or arsiparis."""
    operator = role_scope(user=user, role=RoleGrant.Role.OPERATOR)
    arsiparis = role_scope(user=user, role=RoleGrant.Role.ARSIPARIS)
    if not (operator.covers(opd_id) or arsiparis.covers(opd_id)):
        return []
    rows = IncomingLetter.objects.filter(opd_id=opd_id).select_related("classification")
    if not operator.covers(opd_id):
        rows = rows.exclude(security_class__in=SecurityClass.narrowed())
    rows = rows.order_by("-registered_at", "-id")
    if after is not None:
        registered_at, pk = after
        rows = rows.filter(Q(registered_at__lt=registered_at) | Q(registered_at=registered_at, id__lt=pk))
    return list(rows[:limit])


def possible_duplicates(
    *, opd_id: int, sender_name: str, sender_number: str, letter_date: date
) -> list[IncomingLetter]:
    """Letters of this OPD from the same sender with the same number and date: shown before saving."""
    return list(
        IncomingLetter.objects.filter(
            sender__in=Correspondent.objects.filter(
                opd_id=opd_id, name_key=Correspondent.key_for(sender_name)
            ),
            sender_number__iexact=sender_number.strip(),
            letter_date=letter_date,
        ).order_by("-registered_at")[:5]
    )


def suggest_senders(*, opd_id: int, prefix: str, limit: int = 8) -> list[Correspondent]:
    """Earlier senders of this OPD whose name starts with what the operator typed, latest first."""
    key = Correspondent.key_for(prefix)
    if len(key) < 2:
        return []
    return list(
        Correspondent.objects.filter(opd_id=opd_id, name_key__startswith=key).order_by("-last_used_at")[
            :limit
        ]
    )
