"""Reads for the org chart pages: the position tree of an OPD, choices for its forms, people search,
and the province's recent appointments.

Callers have already checked that the user administers the OPD (organisasi.selectors.opds_administered_by);
`recent_appointments` checks its reader itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Q, QuerySet, Value
from django.utils import timezone

from kantor_virtual.pagination import Cursor
from organisasi.models import Assignment, Opd, Position, Unit, User
from organisasi.people_selectors import Row
from organisasi.selectors import is_admin, positions_below

# Positions of other OPDs that may head a position of this one: the province-level chain
# (Gubernur, Sekda, Asisten), i.e. struktural posts at the top of the tree or of eselon I–II.a.
PROVINCE_LEVEL_ESELON = ("I.a", "I.b", "II.a")
PEOPLE_SEARCH_MIN_LENGTH = 3
PEOPLE_SEARCH_LIMIT = 10
RECENT_DAYS = 90
RECENT_PAGE_SIZE = 50


@dataclass
class TreeNode:
    position: Position
    holders: list[Assignment] = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)


def position_tree(*, opd: Opd, on: date) -> list[TreeNode]:
    """The OPD's open positions as a tree, each with its holders on `on` or later (Plt/Plh included).

    Two queries whatever the size of the OPD: positions (with superior and unit) and assignments.
    A position whose superior belongs to another OPD (a Kepala Dinas under an Asisten) is a root here.
    """
    positions = list(
        Position.objects.filter(opd=opd)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .select_related("parent", "parent__opd", "unit")
        .order_by("order", "name", "pk")
    )
    nodes = {position.pk: TreeNode(position) for position in positions}
    holders = (
        Assignment.objects.filter(position_id__in=nodes)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("user")
        .order_by("kind", "start", "pk")
    )
    for assignment in holders:
        assignment.is_current = assignment.start <= on
        nodes[assignment.position_id].holders.append(assignment)
    roots: list[TreeNode] = []
    for position in positions:
        node = nodes[position.pk]
        parent = nodes.get(position.parent_id)
        (parent.children if parent is not None else roots).append(node)
    return roots


def holders_from(*, position: Position, on: date) -> list[Assignment]:
    """The position's assignments in force on `on` or starting later: definitive first, then Plt/Plh."""
    rows = (
        Assignment.objects.filter(position=position)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("user")
        .order_by("kind", "start", "pk")
    )
    assignments = list(rows)
    for assignment in assignments:
        assignment.is_current = assignment.start <= on
    return assignments


def past_assignments(*, position: Position, on: date, limit: int = 20) -> list[Assignment]:
    return list(
        Assignment.objects.filter(position=position, end__lt=on)
        .select_related("user")
        .order_by("-end", "-pk")[:limit]
    )


def parent_choices(*, opd: Opd, moving: Position | None = None) -> QuerySet[Position]:
    """Open positions that may be the superior of a position of `opd`: its own, plus the province-level
    chain of other OPDs. When moving a position, it and its subordinates are left out."""
    choices = (
        Position.objects.filter(closed_on__isnull=True)
        .filter(
            Q(opd=opd)
            | Q(kind=Position.Kind.STRUKTURAL)
            & (Q(parent__isnull=True) | Q(heads_opd=True) | Q(eselon__in=PROVINCE_LEVEL_ESELON))
        )
        .select_related("opd")
        .order_by("opd__name", "order", "name")
    )
    if moving is not None:
        choices = choices.exclude(pk=moving.pk).exclude(pk__in=positions_below(position_id=moving.pk))
    return choices


def units_of(*, opd: Opd) -> QuerySet[Unit]:
    return Unit.objects.filter(opd=opd).order_by("name")


def active_staff() -> QuerySet[User]:
    """Everyone who works for the province and may sign in: not the public, not deactivated."""
    return User.objects.filter(is_active=True).exclude(employment=User.Employment.PUBLIC)


def people_matching(*, query: str, limit: int = PEOPLE_SEARCH_LIMIT) -> list[User]:
    """Staff (not the public) whose NIP starts with, or whose name or e-mail contains, `query`."""
    query = query.strip()
    if len(query) < PEOPLE_SEARCH_MIN_LENGTH:
        return []
    compact = query.replace(" ", "")
    return list(
        active_staff()
        .filter(Q(nip__startswith=compact) | Q(full_name__icontains=query) | Q(email__iexact=query))
        .order_by("full_name", "pk")[:limit]
    )


def recent_appointment_rows(*, user: User, after: Cursor | None = None) -> QuerySet[Assignment]:
    """Every appointment recorded in the last 90 days across the province, newest first, for the
    SPBE team (admin) only: anyone else gets none. The order is the index (created_at, id), read
    backwards; `after` is the (created_at, id) of the last row shown."""
    if not is_admin(user=user):
        return Assignment.objects.none()
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    rows = (
        Assignment.objects.filter(created_at__gte=since)
        .select_related("user", "position", "position__opd", "appointed_by")
        .order_by("-created_at", "-id")
    )
    if after is not None:
        # `(created_at, id) < (…, …)`: one range of the index, where an OR would be a filter.
        rows = rows.alias(place=Row(F("created_at"), F("id"))).filter(
            place__lt=Row(Value(after[0]), Value(after[1]))
        )
    return rows


def recent_appointments(
    *, user: User, after: Cursor | None = None, limit: int = RECENT_PAGE_SIZE
) -> tuple[list[Assignment], Assignment | None]:
    """One page of `recent_appointment_rows` in one query, and its last row when another page follows."""
    page = list(recent_appointment_rows(user=user, after=after)[: limit + 1])
    return page[:limit], (page[limit - 1] if len(page) > limit else None)
