"""Who holds a position: the definitive holder, a Plt (vacancy) or a Plh (temporary absence).

Every appointment is made by someone other than the appointee, rests on a decree (nomor SK for a
definitive holder, nomor surat perintah for a Plt/Plh) and is announced: the appointee, the
position's definitive holder and every admin SPBE are told. Only the system's own loaders (the
`SYSTEM` actor) appoint without a decree number.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from kantor_virtual.errors import Refused
from kantor_virtual.notifications import Notice, notify_each
from kantor_virtual.timeline import record_event
from organisasi.models import Assignment, Position, RoleGrant, User
from organisasi.services.common import SYSTEM, event_actor, format_day, refusal_for, require_admin_of

DECREE_MAX_LENGTH = Assignment._meta.get_field("decree_number").max_length


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


def decree_label(kind: str) -> str:
    """What the decree of an appointment is called: an SK for a definitive holder, a surat perintah
    for a Plt/Plh."""
    return "nomor SK" if kind == Assignment.Kind.DEFINITIVE else "nomor surat perintah"


def check_appointment(*, actor, user: User, kind: str, decree_number: str) -> str:
    """The rules every appointment meets before anything is looked up: nobody appoints themselves,
    and a person appoints only on a decree. Returns the decree number as it will be recorded."""
    if actor is not SYSTEM and getattr(actor, "pk", None) == user.pk:
        raise Refused(
            "Anda tidak dapat menetapkan atau menunjuk diri sendiri. Penugasan Anda ditetapkan oleh "
            "admin lain.",
            code="self_appointment",
        )
    decree_number = " ".join((decree_number or "").split())
    if not decree_number and actor is not SYSTEM:
        raise Refused(f"Isi {decree_label(kind)} yang menjadi dasar penugasan ini.", code="decree_required")
    if len(decree_number) > DECREE_MAX_LENGTH:
        label = decree_label(kind)
        raise Refused(
            f"{label[0].upper()}{label[1:]} terlalu panjang (paling banyak {DECREE_MAX_LENGTH} karakter).",
            code="decree_too_long",
        )
    return decree_number


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
    decree_number = check_appointment(actor=actor, user=user, kind=kind, decree_number=decree_number)
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
                decree_number=decree_number,
                appointed_by=event_actor(actor),
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
    _announce(assignment, actor=actor)
    return assignment


def _announce(assignment: Assignment, *, actor) -> None:
    """Tell the appointee, the position's definitive holder and every admin SPBE, once each.

    The holder told is whoever holds the position definitively today or on any day of the
    appointment (the one a Plh stands in for, the one a new holder succeeds), other than the
    appointee. One key per assignment: a person who is both holder and admin hears it once, in the
    words meant for the holder. The rows are written in the appointment's transaction (a refused
    import row takes its notices with it); their e-mails leave after commit.
    """
    position, user = assignment.position, assignment.user
    today = timezone.localdate()
    first_day = min(today, assignment.start)
    last_day = None if assignment.end is None else max(today, assignment.end)
    holders = (
        Assignment.objects.filter(position=position, kind=Assignment.Kind.DEFINITIVE, user__is_active=True)
        .filter(Q(end__isnull=True) | Q(end__gte=first_day))
        .exclude(user=user)
        .select_related("user")
    )
    if last_day is not None:
        holders = holders.filter(start__lte=last_day)
    admins = User.objects.filter(
        Q(is_superuser=True) | Q(role_grants__role=RoleGrant.Role.ADMIN), is_active=True
    ).distinct()

    with translation.override("id"):
        text = _appointment_text(assignment, actor=actor)
    key = f"penugasan:{assignment.pk}"
    appointed_as = f"{_kind_prefix(assignment.kind)}{position.name}"
    notices: dict[int, Notice] = {}
    if user.is_active:
        notices[user.pk] = Notice(
            user=user, key=key, title=f"Anda ditugaskan sebagai {appointed_as}", body=text
        )
    for holder in holders:
        notices.setdefault(
            holder.user_id,
            Notice(
                user=holder.user,
                key=key,
                title=f"{user.get_full_name()} ditugaskan sebagai {appointed_as}, jabatan Anda",
                body=text,
            ),
        )
    recent = reverse("organisasi:org_chart_appointments")
    for admin in admins:
        notices.setdefault(
            admin.pk,
            Notice(
                user=admin,
                key=key,
                title=f"Penugasan baru: {user.get_full_name()} sebagai {appointed_as}",
                body=text,
                url=recent,
            ),
        )
    notify_each(notices=notices.values())


def _kind_prefix(kind: str) -> str:
    return {Assignment.Kind.PLT: "Plt. ", Assignment.Kind.PLH: "Plh. "}.get(kind, "")


def _appointment_text(assignment: Assignment, *, actor) -> str:
    """The notice's body: who, as what, of which position, from when to when, on which decree, by whom."""
    position, user = assignment.position, assignment.user
    nip = f" (NIP {user.nip})" if user.nip else ""
    verb = (
        "ditetapkan sebagai pejabat definitif"
        if assignment.kind == Assignment.Kind.DEFINITIVE
        else f"ditunjuk sebagai {assignment.get_kind_display()}"
    )
    period = (
        f"mulai {format_day(assignment.start)} sampai {format_day(assignment.end)}"
        if assignment.end
        else f"mulai {format_day(assignment.start)} sampai ada keputusan lain"
    )
    label = decree_label(assignment.kind)
    decree = (
        f"berdasarkan {label} {assignment.decree_number}" if assignment.decree_number else f"tanpa {label}"
    )
    by = "sistem" if actor is SYSTEM else actor.get_full_name()
    opd = position.opd.short_name or position.opd.name
    return (
        f"{user.get_full_name()}{nip} {verb} {position.name} ({opd}) {period}, {decree}. "
        f"Dicatat di Kantor Virtual oleh {by}."
    )


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


def refresh_position_search(*, on: date) -> int:
    """The search terms of the positions whose holders changed with the day (an assignment that
    begins on `on` or ended the day before): the triggers keep them on every write, but a date
    passing writes nothing. Safe to run twice; returns how many positions it refreshed."""
    changed = list(
        Assignment.objects.filter(Q(start=on) | Q(end=on - timedelta(days=1)))
        .values_list("position_id", flat=True)
        .distinct()
    )
    if changed:
        with connection.cursor() as cursor:
            cursor.execute("SELECT organisasi_refresh_position_terms(%s::bigint[])", [changed])
    return len(changed)
