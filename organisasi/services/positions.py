"""Positions (jabatan): add one, move it under another superior, close it."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from organisasi.models import Assignment, Opd, Position, Unit, User
from organisasi.services.common import event_actor, format_day, refusal_for, require_admin_of

# Key of the transaction-level advisory lock that serialises moves in the position tree. Two moves
# that each pass the cycle check on their own (A under B's child, B under A's child) would make a
# cycle together; moves are rare, so they simply take turns. One bigint key: a separate key space
# from the (int, int) locks of kantor_virtual.timeline.
TREE_MOVE_LOCK_KEY = 7_301_001


def _ancestor_ids(position_id: int) -> set[int]:
    """`position_id` and every superior above it, in one recursive query (UNION stops on a loop)."""
    table = Position._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE chain(id, parent_id) AS (
                SELECT id, parent_id FROM {table} WHERE id = %s
                UNION
                SELECT p.id, p.parent_id FROM {table} p JOIN chain c ON p.id = c.parent_id
            )
            SELECT id FROM chain
            """,
            [position_id],
        )
        return {row[0] for row in cursor.fetchall()}


@transaction.atomic
def create_position(
    *,
    actor: User,
    opd: Opd,
    name: str,
    kind: str,
    parent: Position | None,
    unit: Unit | None = None,
    eselon: str = "",
    heads_opd: bool = False,
    code: str | None = None,
) -> Position:
    require_admin_of(actor=actor, opd_id=opd.pk)
    return _create_position(
        actor=actor,
        opd=opd,
        name=name,
        kind=kind,
        parent=parent,
        unit=unit,
        eselon=eselon,
        heads_opd=heads_opd,
        code=code,
    )


def _next_code(opd: Opd) -> str:
    taken = set(Position.objects.filter(code__startswith=f"{opd.code}-").values_list("code", flat=True))
    number = Position.objects.filter(opd=opd).count() + 1
    while f"{opd.code}-{number:03d}" in taken:
        number += 1
    return f"{opd.code}-{number:03d}"


def _create_position(
    *,
    actor,
    opd: Opd,
    name: str,
    kind: str,
    parent: Position | None,
    unit: Unit | None,
    eselon: str,
    heads_opd: bool,
    code: str | None,
) -> Position:
    name = (name or "").strip()
    eselon = (eselon or "").strip()
    if not name:
        raise Refused("Nama jabatan wajib diisi.", code="name_required")
    if kind not in Position.Kind.values:
        raise Refused("Jenis jabatan harus struktural, fungsional atau pelaksana.", code="bad_kind")
    if len(eselon) > Position._meta.get_field("eselon").max_length:
        raise Refused("Eselon terlalu panjang (contoh: II.a, III.b).", code="bad_eselon")
    if unit is not None and unit.opd_id != opd.pk:
        raise Refused("Unit kerja itu bukan bagian dari OPD ini.", code="foreign_unit")
    code = (code or "").strip() or _next_code(opd)
    if Position.objects.filter(code=code).exists():
        raise Refused(f"Kode jabatan {code} sudah dipakai.", code="duplicate_code")
    if heads_opd:
        head = Position.objects.filter(opd=opd, heads_opd=True, closed_on__isnull=True).first()
        if head is not None:
            raise Refused(
                f"OPD ini sudah memiliki jabatan kepala perangkat daerah: {head.name}.", code="opd_has_head"
            )
    if parent is not None:
        # Locked so that closing the superior cannot slip in between this check and the insert.
        parent = Position.objects.select_for_update().get(pk=parent.pk)
        if parent.closed_on is not None:
            raise Refused("Jabatan atasan sudah ditutup.", code="parent_closed")
    # A new position goes after its siblings.
    last = Position.objects.filter(opd=opd, parent=parent).aggregate(last=Max("order"))["last"]
    order = 0 if last is None else last + 1
    try:
        with transaction.atomic():
            position = Position.objects.create(
                opd=opd,
                parent=parent,
                unit=unit,
                code=code,
                name=name,
                kind=kind,
                eselon=eselon,
                heads_opd=heads_opd,
                order=order,
            )
    except IntegrityError as error:
        raise refusal_for(error) from error
    record_event(
        target=position,
        verb="dibuat",
        actor=event_actor(actor),
        to_state="aktif",
        details={
            "kode": code,
            "nama": name,
            "jenis": kind,
            "eselon": eselon,
            "opd": opd.code,
            "atasan": parent.code if parent else None,
            "unit": unit.code if unit else None,
            "kepala_opd": heads_opd,
        },
    )
    return position


@transaction.atomic
def move_position(*, actor: User, position: Position, new_parent: Position | None) -> Position:
    """Put `position` under `new_parent` (None: at the top). The tree stays a tree."""
    require_admin_of(actor=actor, opd_id=position.opd_id)
    return _move_position(actor=actor, position=position, new_parent=new_parent)


def _move_position(*, actor, position: Position, new_parent: Position | None) -> Position:
    if new_parent is not None and new_parent.pk == position.pk:
        raise Refused("Jabatan tidak dapat menjadi atasan dirinya sendiri.", code="cycle")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_MOVE_LOCK_KEY])
    # Row locks in id order (no deadlock between two movers): closing the new superior, or assigning
    # to either position, waits for this move and then sees it.
    wanted = [position.pk] + ([new_parent.pk] if new_parent is not None else [])
    locked = {p.pk: p for p in Position.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}
    current = locked[position.pk]
    parent = locked[new_parent.pk] if new_parent is not None else None
    if current.closed_on is not None:
        raise Refused("Jabatan yang sudah ditutup tidak dapat dipindahkan.", code="position_closed")
    if parent is not None and parent.closed_on is not None:
        raise Refused("Jabatan atasan yang dipilih sudah ditutup.", code="parent_closed")
    if current.parent_id == (parent.pk if parent else None):
        return current
    # Read after taking the tree lock, so no other move can change this chain before we commit.
    if parent is not None and current.pk in _ancestor_ids(parent.pk):
        raise Refused("Jabatan tidak dapat dipindahkan ke bawah jabatan bawahannya sendiri.", code="cycle")
    old_parent = Position.objects.filter(pk=current.parent_id).values("code", "name").first()
    current.parent = parent
    current.save(update_fields=["parent"])
    record_event(
        target=current,
        verb="dipindahkan",
        actor=event_actor(actor),
        details={
            "atasan_lama": old_parent["code"] if old_parent else None,
            "atasan_baru": parent.code if parent else None,
        },
    )
    return current


@transaction.atomic
def close_position(*, actor: User, position: Position, on: date) -> Position:
    """Close the position from `on` (its first closed day). Only an empty leaf can be closed."""
    require_admin_of(actor=actor, opd_id=position.opd_id)
    # Locked: a new subordinate, a move under it or a new assignment waits for us, then sees it closed.
    current = Position.objects.select_for_update().get(pk=position.pk)
    if current.closed_on is not None:
        raise Refused(
            f"Jabatan ini sudah ditutup sejak {format_day(current.closed_on)}.", code="already_closed"
        )
    open_children = Position.objects.filter(parent=current).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    )
    if count := open_children.count():
        raise Refused(
            f"Jabatan ini masih membawahi {count} jabatan aktif. Pindahkan atau tutup jabatan bawahan dulu.",
            code="has_open_children",
        )
    holders = Assignment.objects.filter(position=current).filter(Q(end__isnull=True) | Q(end__gte=on))
    if holders.exists():
        raise Refused(
            "Jabatan ini masih dipegang pejabat atau Plt/Plh pada atau sesudah tanggal itu. "
            "Akhiri penugasannya dulu.",
            code="has_holders",
        )
    current.closed_on = on
    current.save(update_fields=["closed_on"])
    record_event(
        target=current,
        verb="ditutup",
        actor=event_actor(actor),
        from_state="aktif",
        to_state="ditutup",
        details={"sejak": on},
    )
    return current


def _update_position(*, actor, position: Position, **changes) -> bool:
    """Change plain fields of a position (its superior is a move, not this). Used by the import."""
    before = {name: getattr(position, name) for name in changes}
    changed = {name: value for name, value in changes.items() if before[name] != value}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(position, name, value)
    try:
        with transaction.atomic():
            position.save(update_fields=list(changed))
    except IntegrityError as error:
        raise refusal_for(error) from error
    record_event(
        target=position,
        verb="diubah",
        actor=event_actor(actor),
        details={name: [before[name], value] for name, value in changed.items()},
    )
    return True
