"""Who holds a position: the definitive holder, a Plt (vacancy) or a Plh (temporary absence)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from organisasi.models import Assignment, Position, User
from organisasi.services.common import event_actor, format_day, refusal_for, require_admin_of


@transaction.atomic
def assign_definitive(
    *,
    actor: User,
    position: Position,
    user: User,
    start: date,
    end: date | None = None,
    decree_number: str = "",
) -> Assignment:
    """Make `user` the definitive holder of `position` from `start` (until `end`, or further notice)."""
    require_admin_of(actor=actor, opd_id=position.opd_id)
    return _assign(
        actor=actor,
        position=position,
        user=user,
        kind=Assignment.Kind.DEFINITIVE,
        start=start,
        end=end,
        decree_number=decree_number,
    )


@transaction.atomic
def appoint_acting(
    *,
    actor: User,
    position: Position,
    user: User,
    kind: str,
    start: date,
    end: date | None,
    decree_number: str = "",
) -> Assignment:
    """Appoint a Plt (the position is vacant) or a Plh (its holder is temporarily absent)."""
    require_admin_of(actor=actor, opd_id=position.opd_id)
    if kind not in (Assignment.Kind.PLT, Assignment.Kind.PLH):
        raise Refused("Pilih Plt atau Plh.", code="bad_kind")
    if end is None:
        raise Refused("Tanggal selesai wajib diisi untuk Plt/Plh.", code="end_required")
    return _assign(
        actor=actor,
        position=position,
        user=user,
        kind=kind,
        start=start,
        end=end,
        decree_number=decree_number,
    )


def _covers(periods: list[tuple[date, date | None]], start: date, end: date) -> bool:
    """Whether the periods together cover every day from `start` to `end`."""
    day = start
    for period_start, period_end in sorted(periods):
        if period_start > day:
            return False
        if period_end is None:
            return True
        day = max(day, period_end + timedelta(days=1))
        if day > end:
            return True
    return day > end


def _assign(
    *,
    actor,
    position: Position,
    user: User,
    kind: str,
    start: date,
    end: date | None,
    decree_number: str,
) -> Assignment:
    if end is not None and end < start:
        raise Refused("Tanggal selesai tidak boleh sebelum tanggal mulai.", code="end_before_start")
    if kind != Assignment.Kind.DEFINITIVE and end is None:
        raise Refused("Tanggal selesai wajib diisi untuk Plt/Plh.", code="end_required")
    if not user.is_active:
        raise Refused("Akun pegawai ini tidak aktif.", code="user_inactive")
    # Locked: closing the position, or another appointment to it, waits for this one.
    current = Position.objects.select_for_update().get(pk=position.pk)
    if current.closed_on is not None and (end is None or end >= current.closed_on):
        raise Refused(
            f"Jabatan ini ditutup sejak {format_day(current.closed_on)}; penugasan tidak dapat melewati tanggal itu.",
            code="position_closed",
        )
    if kind != Assignment.Kind.DEFINITIVE:
        definitive = Assignment.objects.filter(
            position=current, kind=Assignment.Kind.DEFINITIVE, start__lte=end
        ).filter(Q(end__isnull=True) | Q(end__gte=start))
        periods = list(definitive.values_list("start", "end", "user_id"))
        if any(holder_id == user.pk for _, _, holder_id in periods):
            raise Refused(
                "Pegawai ini adalah pejabat definitif jabatan itu sendiri pada rentang tersebut.",
                code="acting_for_own_position",
            )
        if kind == Assignment.Kind.PLT and periods:
            raise Refused(
                "Plt ditunjuk untuk jabatan yang kosong, sedangkan jabatan ini memiliki pejabat definitif "
                "pada rentang itu. Tunjuk Plh bila pejabatnya berhalangan sementara.",
                code="plt_needs_vacancy",
            )
        if kind == Assignment.Kind.PLH and not _covers([(s, e) for s, e, _ in periods], start, end):
            raise Refused(
                "Plh menggantikan pejabat definitif yang berhalangan sementara, tetapi jabatan ini tidak "
                "memiliki pejabat definitif sepanjang rentang itu. Tunjuk Plt untuk jabatan yang kosong.",
                code="plh_needs_holder",
            )
    try:
        with transaction.atomic():
            # The exclusion constraints are the real guard: two admins acting at once cannot both win.
            assignment = Assignment.objects.create(
                user=user,
                position=current,
                kind=kind,
                start=start,
                end=end,
                decree_number=(decree_number or "").strip(),
            )
    except IntegrityError as error:
        raise refusal_for(error) from error
    record_event(
        target=assignment,
        verb="ditetapkan" if kind == Assignment.Kind.DEFINITIVE else "ditunjuk",
        actor=event_actor(actor),
        to_state=kind,
        details={
            "jabatan": current.code,
            "nama_jabatan": current.name,
            "pegawai": user.pk,
            "nip": user.nip,
            "mulai": start,
            "selesai": end,
            "nomor": assignment.decree_number,
        },
    )
    return assignment


@transaction.atomic
def end_assignment(*, actor: User, assignment: Assignment, end: date) -> Assignment:
    """Set the last day of an assignment (earlier than planned, or for a definitive post, at all)."""
    require_admin_of(actor=actor, opd_id=assignment.position.opd_id)
    # The position first, as every appointment does: a Plh appointment checks the holder's dates.
    Position.objects.select_for_update().filter(pk=assignment.position_id).exists()
    current = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if end < current.start:
        raise Refused(
            f"Tanggal selesai tidak boleh sebelum tanggal mulai penugasan ({format_day(current.start)}).",
            code="end_before_start",
        )
    if current.end is not None and end >= current.end:
        raise Refused(
            f"Penugasan ini sudah dijadwalkan berakhir {format_day(current.end)}; pilih tanggal yang lebih awal.",
            code="already_ended",
        )
    return _change_end(actor=actor, assignment=current, end=end, verb="diakhiri")


def _change_end(*, actor, assignment: Assignment, end: date | None, verb: str) -> Assignment:
    old_end = assignment.end
    assignment.end = end
    try:
        with transaction.atomic():
            assignment.save(update_fields=["end"])
    except IntegrityError as error:
        assignment.end = old_end
        raise refusal_for(error) from error
    record_event(
        target=assignment,
        verb=verb,
        actor=event_actor(actor),
        from_state="aktif",
        to_state="berakhir" if end is not None else "aktif",
        details={"selesai_lama": old_end, "selesai": end},
    )
    return assignment
