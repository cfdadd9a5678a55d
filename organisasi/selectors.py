"""Who acts for which position, and which roles a person holds. Every permission check starts here."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kantor_virtual.request_memo import inside_request, remembered
from organisasi.models import POSITION_SEARCH_CONFIG, Assignment, Opd, Position, RoleGrant, User

T = TypeVar("T")
KEPT_FOR = 24 * 60 * 60  # seconds a kept answer may wait for its next reader


def org_version() -> str | None:
    """The organisation's version (`OrgVersion`), read once per request: what is kept under it
    describes the OPDs, positions, assignments and role grants as they are."""

    def read() -> str | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version FROM organisasi_orgversion WHERE id = 1")
            row = cursor.fetchone()
        return str(row[0]) if row else None

    return remembered(("org_version",), read)


def _kept(key: tuple, compute: Callable[[], T]) -> T:
    """An answer about the organisation, read once per request and kept in Redis between requests
    under the organisation's version (`OrgVersion`): one cheap read of the version instead of the
    queries, and never an answer from before a change. Outside a request (tasks, services called
    directly) it is read afresh, as everything else there is."""
    if not inside_request():
        return compute()

    def across_requests() -> T:
        version = org_version()
        if version is None:  # the row is written back by the next change to the organisation
            return compute()
        cache_key = settings.ORG_CACHE_PREFIX + ":".join([version, *map(str, key)])
        answer = cache.get(cache_key)
        if answer is None:
            answer = compute()
            cache.set(cache_key, answer, KEPT_FOR)
        return answer

    return remembered(key, across_requests)


def active_assignments(*, user: User, on: date) -> QuerySet[Assignment]:
    """The user's assignments in force on `on`: the definitive post first, then Plt/Plh."""
    return (
        Assignment.objects.filter(user=user, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        # A position closed from a later date still has its holder until then (Position.is_open_on).
        .filter(Q(position__closed_on__isnull=True) | Q(position__closed_on__gt=on))
        .select_related("position", "position__opd")
        .order_by("kind", "position__order", "position_id")
    )


def positions_for(*, user: User, on: date) -> list[Position]:
    """Positions the user acts for on `on`: held definitively, or as Plt/Plh inside the date range."""
    if not user.is_authenticated:
        return []

    def read() -> list[Position]:
        positions: dict[int, Position] = {}
        for assignment in active_assignments(user=user, on=on):
            # `held_as` lets the header say "Plt. Kepala Dinas …" without another query.
            assignment.position.held_as = assignment.kind
            positions.setdefault(assignment.position_id, assignment.position)
        return list(positions.values())

    return list(_kept(("positions", user.pk, on), read))


def is_pimpinan(*, user: User, on: date | None = None) -> bool:
    """Pimpinan is not a granted role: it follows from acting for a struktural position."""
    on = on or timezone.localdate()
    return any(position.is_struktural for position in positions_for(user=user, on=on))


def role_grants_of(*, user: User) -> list[tuple[str, int | None]]:
    """The user's (role, opd id) grants: one query per request, whichever checks the page makes."""
    return _kept(
        ("grants", user.pk), lambda: list(RoleGrant.objects.filter(user=user).values_list("role", "opd_id"))
    )


def has_role(*, user: User, role: str, opd: Opd | None = None) -> bool:
    """Whether the user holds `role`; with `opd`, scoped to that OPD (a province-wide arsiparis counts)."""
    if not user.is_authenticated:
        return False
    return any(
        granted == role
        and (opd is None or opd_id == opd.pk or (opd_id is None and role == RoleGrant.Role.ARSIPARIS))
        for granted, opd_id in role_grants_of(user=user)
    )


def has_any_role(*, user: User, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return user.is_authenticated and any(role in wanted for role, _ in role_grants_of(user=user))


def is_admin(*, user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user=user, role=RoleGrant.Role.ADMIN))


def administers_an_opd(*, user: User) -> bool:
    """Whether `opds_administered_by` would give anything, without asking the database again."""
    return is_admin(user=user) or has_role(user=user, role=RoleGrant.Role.ADMIN_OPD)


def opds_administered_by(*, user: User) -> QuerySet[Opd]:
    """OPDs whose org chart the user may edit: their own as admin_opd, every OPD as admin."""
    if is_admin(user=user):
        return Opd.objects.all()
    return Opd.objects.filter(role_grants__user=user, role_grants__role=RoleGrant.Role.ADMIN_OPD).distinct()


def opds_operated_by(*, user: User) -> QuerySet[Opd]:
    """OPDs whose letters the user registers and sends as their operator."""
    return Opd.objects.filter(pk__in=role_scope(user=user, role=RoleGrant.Role.OPERATOR).opd_ids).order_by(
        "name"
    )


def requires_second_factor(*, user: User) -> bool:
    """Pimpinan and administrators must confirm a TOTP code after their password."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    admin_roles = [RoleGrant.Role.ADMIN, RoleGrant.Role.ADMIN_OPD]
    return has_any_role(user=user, roles=admin_roles) or is_pimpinan(user=user)


def position_ids_for(*, user: User, on: date) -> set[int]:
    """Ids of the positions the user acts for on `on` (see `positions_for`), for filtering by position."""
    return {position.pk for position in positions_for(user=user, on=on)}


def holders_of(*, position_ids: Iterable[int], on: date) -> dict[int, list[User]]:
    """Who acts for each position on `on`: its definitive holder and its Plt/Plh, if any."""
    holders: dict[int, list[User]] = {}
    assignments = (
        Assignment.objects.filter(position_id__in=list(position_ids), start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("position_id", "kind", "user_id")
    )
    for assignment in assignments:
        users = holders.setdefault(assignment.position_id, [])
        if assignment.user not in users:
            users.append(assignment.user)
    return holders


def superiors_of(position: Position) -> list[Position]:
    """The positions above `position`, nearest first, up to the top of the tree (the Gubernur), in
    one query, read once per request. The tree crosses OPDs: a Kepala Dinas answers to an Asisten
    of the Setda."""
    return remembered(("superiors_of", position.pk), lambda: _walk_up(position.pk))


def _walk_up(position_id: int) -> list[Position]:
    table = Position._meta.db_table
    rows = Position.objects.raw(
        f"""
        WITH RECURSIVE up(id, depth) AS (
            SELECT parent_id, 1 FROM {table} WHERE id = %s
            UNION ALL
            SELECT p.parent_id, up.depth + 1 FROM up JOIN {table} p ON p.id = up.id
            WHERE up.depth < 64
        )
        SELECT p.* FROM up JOIN {table} p ON p.id = up.id ORDER BY up.depth
        """,
        [position_id],
    )
    return list(rows)


def subordinates_among(*, superior_id: int, candidate_ids: Iterable[int]) -> set[int]:
    """Which candidates sit below `superior_id` in the position tree, at any depth.

    One recursive query walks up from the candidates: the tree crosses OPDs (Gubernur → Sekda →
    Asisten → Kepala Dinas), so a Sekda's subordinates include every Kepala Dinas under an Asisten.
    """
    candidates = sorted(set(candidate_ids))
    if not candidates:
        return set()
    table = Position._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE up(candidate, ancestor) AS (
                SELECT id, parent_id FROM {table} WHERE id = ANY(%s)
                UNION
                SELECT up.candidate, p.parent_id FROM up JOIN {table} p ON p.id = up.ancestor
            )
            SELECT DISTINCT candidate FROM up WHERE ancestor = %s
            """,
            [candidates, superior_id],
        )
        return {row[0] for row in cursor.fetchall()}


@dataclass(frozen=True)
class RoleScope:
    """Where a role reaches: some OPDs, or every OPD (a province-wide arsiparis)."""

    opd_ids: frozenset[int]
    everywhere: bool = False

    def covers(self, opd_id: int) -> bool:
        return self.everywhere or opd_id in self.opd_ids


def role_scope(*, user: User, role: str) -> RoleScope:
    if not user.is_authenticated:
        return RoleScope(frozenset())
    opd_ids = [opd_id for granted, opd_id in role_grants_of(user=user) if granted == role]
    return RoleScope(frozenset(i for i in opd_ids if i is not None), everywhere=None in opd_ids)


# The most a picker shows at once: enough to choose from, few enough to send as a fragment.
PICKER_ROWS = 20


def open_positions(*, on: date, opd: Opd | None = None) -> QuerySet[Position]:
    """The positions not closed on `on`: of `opd`, or across the province (one installation serves one)."""
    positions = Position.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    return positions if opd is None else positions.filter(opd=opd)


def leading_positions(*, opd: Opd, on: date) -> QuerySet[Position]:
    """The OPD's head and the positions right below it, head first: where its letters usually go."""
    # The head found once (its partial index), then it and its children by the primary key and the
    # parent index, not by reading every position of the OPD.
    head = Subquery(open_positions(on=on, opd=opd).filter(heads_opd=True).values("pk")[:1])
    return (
        open_positions(on=on, opd=opd)
        .filter(Q(pk=head) | Q(parent_id=head))
        .order_by("-heads_opd", "order", "name", "pk")[:PICKER_ROWS]
    )


def positions_below(*, position_id: int) -> QuerySet[Position]:
    """Every position under `position_id` at any depth, across OPDs (a Sekda reaches the Kepala Dinas
    below an Asisten), as a subquery the database walks: a Gubernur's 20,000 never travel to Python."""
    table = Position._meta.db_table
    below = RawSQL(
        f"""
        WITH RECURSIVE below(id, depth) AS (
            SELECT id, 1 FROM {table} WHERE parent_id = %s
            UNION ALL
            SELECT p.id, b.depth + 1 FROM {table} p JOIN below b ON p.parent_id = b.id WHERE b.depth < 64
        )
        SELECT id FROM below
        """,
        [position_id],
    )
    return Position.objects.filter(pk__in=below)


def heads_of_opds(*, on: date) -> QuerySet[Position]:
    """The open head positions of the OPDs, by OPD: whom letters across the province usually go to."""
    return open_positions(on=on).filter(heads_opd=True).order_by("opd__name", "pk")


def search_positions(*, query: str, among: QuerySet[Position], limit: int = PICKER_ROWS) -> list[Position]:
    """Up to `limit` of `among` whose name, unit, OPD or holder today has a word starting with each
    word typed ("kep bid apl", "siregar"), by relevance, then heads of OPD, then name. An empty query
    finds nothing: a picker shows its own defaults before any typing. The GIN index on
    `Position.search` answers the match, so a province's 20,000 positions cost what 200 do."""
    words = re.findall(r"\w+", query.lower())
    if not words:
        return []
    typed = SearchQuery(
        " & ".join(f"{word}:*" for word in words), search_type="raw", config=POSITION_SEARCH_CONFIG
    )
    found = (
        among.filter(search=typed)
        .annotate(relevance=SearchRank(F("search"), typed))
        .select_related("opd", "unit")
        .defer("search", "search_terms")  # what it is found by, never shown
        .order_by("-relevance", "-heads_opd", "name", "id")
    )
    return list(found[:limit])
