import threading
from datetime import timedelta

import pytest
from django.db import connection

from kantor_virtual.errors import Refused
from kantor_virtual.models import Event
from kantor_virtual.timeline import timeline_for
from organisasi.models import Assignment, Position, RoleGrant
from organisasi.services import (
    appoint_acting,
    assign_definitive,
    close_position,
    create_position,
    end_assignment,
    move_position,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(make_position):
    """Kepala Dinas → Kepala Bidang → Kepala Seksi, as the tree usually runs."""
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    kabid = make_position(name="Kepala Bidang", parent=kadis)
    kasi = make_position(name="Kepala Seksi", parent=kabid)
    return kadis, kabid, kasi


def test_an_admin_opd_adds_a_position_under_a_superior_and_the_creation_is_on_its_timeline(admin, opd, chain):
    kadis, _, _ = chain

    sekdis = create_position(
        actor=admin, opd=opd, name="Sekretaris Dinas", kind="struktural", parent=kadis, eselon="III.a"
    )

    assert (sekdis.parent_id, sekdis.opd_id, sekdis.eselon) == (kadis.pk, opd.pk, "III.a")
    assert sekdis.code.startswith("DISKOMINFOS-")
    [event] = timeline_for(target=sekdis)
    assert (event.verb, event.actor_id, event.to_state) == ("dibuat", admin.pk, "aktif")
    assert event.details["atasan"] == kadis.code


def test_a_position_code_is_used_once_and_an_opd_has_one_head(admin, opd, chain):
    kadis, _, _ = chain

    with pytest.raises(Refused) as duplicate:
        create_position(actor=admin, opd=opd, name="Lain", kind="pelaksana", parent=None, code=kadis.code)
    with pytest.raises(Refused) as second_head:
        create_position(
            actor=admin, opd=opd, name="Kepala Lain", kind="struktural", parent=None, heads_opd=True
        )

    assert (duplicate.value.code, second_head.value.code) == ("duplicate_code", "opd_has_head")
    assert Position.objects.count() == 3


def test_moving_a_position_under_itself_or_its_own_subordinate_is_refused(admin, chain):
    kadis, kabid, kasi = chain

    with pytest.raises(Refused) as under_grandchild:
        move_position(actor=admin, position=kadis, new_parent=kasi)
    with pytest.raises(Refused) as under_child:
        move_position(actor=admin, position=kabid, new_parent=kasi)
    with pytest.raises(Refused) as under_itself:
        move_position(actor=admin, position=kabid, new_parent=kabid)

    assert {under_grandchild.value.code, under_child.value.code, under_itself.value.code} == {"cycle"}
    parents = dict(Position.objects.values_list("pk", "parent_id"))
    assert parents == {kadis.pk: None, kabid.pk: kadis.pk, kasi.pk: kabid.pk}, "the tree changed"
    assert not Event.objects.filter(verb="dipindahkan").exists()


def test_a_move_to_another_superior_or_another_opd_is_kept_on_the_timeline(
    admin, chain, make_position, other_opd
):
    kadis, kabid, kasi = chain
    asisten = make_position(name="Asisten Perekonomian", opd=other_opd, eselon="II.a")

    move_position(actor=admin, position=kasi, new_parent=kadis)
    move_position(actor=admin, position=kadis, new_parent=asisten)
    move_position(actor=admin, position=kabid, new_parent=None)

    assert Position.objects.get(pk=kasi.pk).parent_id == kadis.pk
    assert Position.objects.get(pk=kadis.pk).parent_id == asisten.pk
    assert Position.objects.get(pk=kabid.pk).parent_id is None
    [event] = timeline_for(target=kasi).filter(verb="dipindahkan")
    assert (event.actor_id, event.details) == (
        admin.pk,
        {"atasan_lama": kabid.code, "atasan_baru": kadis.code},
    )


@pytest.mark.django_db(transaction=True)
def test_two_admins_moving_at_the_same_moment_cannot_make_a_loop(admin, make_position):
    """A under B's subordinate and B under A's subordinate: each move alone is fine, both make a loop."""
    top = make_position(name="Kepala Dinas")
    a, b = make_position(name="Kabid A", parent=top), make_position(name="Kabid B", parent=top)
    under_a, under_b = make_position(name="Kasi A", parent=a), make_position(name="Kasi B", parent=b)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def move(name, position, new_parent):
        try:
            start.wait()
            move_position(actor=admin, position=position, new_parent=new_parent)
            outcomes[name] = "moved"
        except Refused as refusal:
            outcomes[name] = refusal.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=("a", a, under_b)),
        threading.Thread(target=move, args=("b", b, under_a)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["cycle", "moved"]
    parents = dict(Position.objects.values_list("pk", "parent_id"))
    for start_id in parents:
        seen, current = set(), start_id
        while current is not None:
            assert current not in seen, "the tree has a loop"
            seen.add(current)
            current = parents[current]


@pytest.mark.parametrize("who", ["admin_of_other_opd", "staff", "operator"])
def test_only_admins_of_the_positions_opd_may_change_it(
    who, chain, opd, other_opd, make_user, grant_role, today
):
    kadis, kabid, kasi = chain
    person = make_user()
    actor = {
        "admin_of_other_opd": grant_role(make_user(), RoleGrant.Role.ADMIN_OPD, other_opd),
        "staff": make_user(holds=kasi),
        "operator": grant_role(make_user(), RoleGrant.Role.OPERATOR, opd),
    }[who]
    actions = [
        lambda: create_position(actor=actor, opd=opd, name="Baru", kind="pelaksana", parent=kadis),
        lambda: move_position(actor=actor, position=kasi, new_parent=kadis),
        lambda: close_position(actor=actor, position=kasi, on=today),
        lambda: assign_definitive(
            actor=actor, position=kabid, user=person, start=today, decree_number="821.2/1/BKD/2026"
        ),
        lambda: appoint_acting(
            actor=actor,
            position=kabid,
            user=person,
            kind="plt",
            start=today,
            end=today + timedelta(days=9),
            decree_number="800/1/BKD/2026",
        ),
    ]
    events_before = Event.objects.count()

    for action in actions:
        with pytest.raises(Refused) as refusal:
            action()
        assert refusal.value.code == "not_admin_opd"

    assert Position.objects.count() == 3
    assert Position.objects.get(pk=kasi.pk).parent_id == kabid.pk
    assert not Assignment.objects.filter(position=kabid).exists()
    assert Event.objects.count() == events_before


def test_the_province_admin_may_change_any_opd(chain, make_user, grant_role, today):
    _, kabid, _ = chain
    province_admin = grant_role(make_user(), RoleGrant.Role.ADMIN)

    assignment = assign_definitive(
        actor=province_admin, position=kabid, user=make_user(), start=today, decree_number="821.2/1/BKD/2026"
    )

    assert assignment.position_id == kabid.pk


def test_closing_waits_until_the_position_has_no_holder_and_no_open_subordinate(
    admin, chain, make_user, today
):
    _, kabid, kasi = chain
    holder = make_user()
    assignment = assign_definitive(
        actor=admin,
        position=kasi,
        user=holder,
        start=today - timedelta(days=30),
        decree_number="821.2/1/BKD/2026",
    )

    with pytest.raises(Refused) as with_holder:
        close_position(actor=admin, position=kasi, on=today)
    with pytest.raises(Refused) as with_subordinate:
        close_position(actor=admin, position=kabid, on=today)
    assert (with_holder.value.code, with_subordinate.value.code) == ("has_holders", "has_open_children")
    assert not Position.objects.filter(closed_on__isnull=False).exists()

    end_assignment(actor=admin, assignment=assignment, end=today - timedelta(days=1))
    close_position(actor=admin, position=kasi, on=today)
    close_position(actor=admin, position=kabid, on=today)

    assert Position.objects.get(pk=kasi.pk).closed_on == today
    assert [(e.verb, e.from_state, e.to_state) for e in timeline_for(target=kabid)] == [
        ("ditutup", "aktif", "ditutup")
    ]
    assert [e.verb for e in timeline_for(target=assignment)] == ["ditetapkan", "diakhiri"]


def test_a_closed_position_takes_no_subordinate_no_holder_and_no_move(admin, opd, chain, make_user, today):
    kadis, kabid, kasi = chain
    close_position(actor=admin, position=kasi, on=today)

    refusals = []
    for action in [
        lambda: create_position(actor=admin, opd=opd, name="Staf", kind="pelaksana", parent=kasi),
        lambda: move_position(actor=admin, position=kabid, new_parent=kasi),
        lambda: move_position(actor=admin, position=kasi, new_parent=kadis),
        lambda: assign_definitive(
            actor=admin, position=kasi, user=make_user(), start=today, decree_number="821.2/1/BKD/2026"
        ),
        lambda: close_position(actor=admin, position=kasi, on=today),
    ]:
        with pytest.raises(Refused) as refusal:
            action()
        refusals.append(refusal.value.code)

    assert refusals == [
        "parent_closed",
        "parent_closed",
        "position_closed",
        "position_closed",
        "already_closed",
    ]


def test_a_plh_stands_in_for_an_absent_holder_and_a_plt_fills_a_vacancy(admin, chain, make_user, today):
    _, kabid, kasi = chain
    holder, stand_in = make_user(), make_user()
    assign_definitive(
        actor=admin,
        position=kabid,
        user=holder,
        start=today - timedelta(days=100),
        decree_number="821.2/1/BKD/2026",
    )
    week = {"start": today, "end": today + timedelta(days=6)}

    with pytest.raises(Refused) as plt_while_held:
        appoint_acting(
            actor=admin, position=kabid, user=stand_in, kind="plt", **week, decree_number="800/1/BKD/2026"
        )
    with pytest.raises(Refused) as plh_while_vacant:
        appoint_acting(
            actor=admin, position=kasi, user=stand_in, kind="plh", **week, decree_number="800/1/BKD/2026"
        )
    with pytest.raises(Refused) as holder_for_himself:
        appoint_acting(
            actor=admin, position=kabid, user=holder, kind="plh", **week, decree_number="800/1/BKD/2026"
        )
    with pytest.raises(Refused) as without_end:
        appoint_acting(
            actor=admin,
            position=kasi,
            user=stand_in,
            kind="plt",
            start=today,
            end=None,
            decree_number="800/1/BKD/2026",
        )
    plh = appoint_acting(
        actor=admin, position=kabid, user=stand_in, kind="plh", decree_number="800/12", **week
    )
    plt = appoint_acting(
        actor=admin, position=kasi, user=stand_in, kind="plt", **week, decree_number="800/1/BKD/2026"
    )

    assert plt_while_held.value.code == "plt_needs_vacancy"
    assert plh_while_vacant.value.code == "plh_needs_holder"
    assert holder_for_himself.value.code == "acting_for_own_position"
    assert without_end.value.code == "end_required"
    assert (plh.kind, plh.decree_number, plt.kind) == ("plh", "800/12", "plt")
    [event] = timeline_for(target=plh)
    assert (event.verb, event.to_state, event.details["jabatan"]) == ("ditunjuk", "plh", kabid.code)


def test_ending_an_assignment_sets_its_last_day_and_never_extends_it(admin, chain, make_user, today):
    _, _, kasi = chain
    plt = appoint_acting(
        actor=admin,
        position=kasi,
        user=make_user(),
        kind="plt",
        start=today,
        end=today + timedelta(days=30),
        decree_number="800/1/BKD/2026",
    )

    with pytest.raises(Refused) as later:
        end_assignment(actor=admin, assignment=plt, end=today + timedelta(days=31))
    with pytest.raises(Refused) as before_start:
        end_assignment(actor=admin, assignment=plt, end=today - timedelta(days=1))
    end_assignment(actor=admin, assignment=plt, end=today + timedelta(days=3))

    assert (later.value.code, before_start.value.code) == ("already_ended", "end_before_start")
    assert Assignment.objects.get(pk=plt.pk).end == today + timedelta(days=3)
    [event] = timeline_for(target=plt).filter(verb="diakhiri")
    assert event.details == {
        "selesai_lama": str(today + timedelta(days=30)),
        "selesai": str(today + timedelta(days=3)),
    }
