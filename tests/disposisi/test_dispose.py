import threading
from datetime import timedelta

import pytest
from django.db import connection

from disposisi.models import Disposition, Instruction
from disposisi.services import dispose, report_follow_up
from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from organisasi.models import Assignment, Position
from persuratan.models import InboxItem, Priority, Urgency
from persuratan.selectors import letter_access
from persuratan.services import mark_read
from tests.disposisi.conftest import node

pytestmark = pytest.mark.django_db

FOLLOW = [Instruction.FOLLOW_UP]


def test_the_kepala_dinas_disposes_to_two_kabid_in_one_step(letter, org, today):
    kadis = node(letter, org.kadis)
    made = dispose(
        actor=org.people["kadis"],
        from_item=kadis,
        to=[org.kabid, org.kabid_stat],
        instructions=[Instruction.FOLLOW_UP, Instruction.STUDY_AND_REPORT],
        note="  Segera koordinasikan.  ",
        priority=Priority.HIGH,
    )

    assert len(made) == 2 and len({d.batch for d in made}) == 1
    children = InboxItem.objects.filter(parent=kadis).order_by("position__order")
    assert [child.position_id for child in children] == [org.kabid.pk, org.kabid_stat.pk]
    for child, disposition in zip(children, sorted(made, key=lambda d: d.item.position.order), strict=True):
        assert child.reason == InboxItem.Reason.DISPOSITION
        assert child.from_position_id == org.kadis.pk
        assert child.status == InboxItem.Status.UNREAD
        assert child.due_on == today + timedelta(days=7), "a biasa letter gets a week"
        assert child.priority == Priority.HIGH
        assert disposition.item_id == child.pk and disposition.parent_item_id == kadis.pk
        assert disposition.instructions == ["follow_up", "study_and_report"]
        assert disposition.note == "Segera koordinasikan."
        assert disposition.actor == org.people["kadis"]
    assert node(letter, org.kadis).status == InboxItem.Status.IN_PROGRESS
    disposed = [event for event in timeline_for(target=letter) if event.verb == "disposed"]
    assert len(disposed) == 1
    assert disposed[0].details["targets"] == [org.kabid.pk, org.kabid_stat.pk]
    assert disposed[0].details["instructions"] == ["follow_up", "study_and_report"]
    assert disposed[0].position_id == org.kadis.pk
    assert letter_access(user=org.people["kabid"], letter=letter).full, "the recipient may now read it"


@pytest.mark.parametrize(
    ("urgency", "days"), [(Urgency.NORMAL, 7), (Urgency.URGENT, 2), (Urgency.VERY_URGENT, 0)]
)
def test_the_default_deadline_follows_the_letters_urgency(opd, org, register, today, urgency, days):
    letter = register(opd=opd, to=[org.kadis], urgency=urgency)
    dispose(actor=org.people["kadis"], from_item=node(letter, org.kadis), to=[org.kabid], instructions=FOLLOW)
    assert node(letter, org.kabid).due_on == today + timedelta(days=days)


def test_each_recipient_may_dispose_further_down_making_a_tree(letter, org, today):
    dispose(actor=org.people["kadis"], from_item=node(letter, org.kadis), to=[org.kabid], instructions=FOLLOW)
    kabid = node(letter, org.kabid)
    mark_read(user=org.people["kabid"], item=kabid)
    dispose(
        actor=org.people["kabid"],
        from_item=kabid,
        to=[org.kasi, org.staf],  # two levels down at once is still below
        instructions=[Instruction.PREPARE_MATERIAL],
        due_on=today + timedelta(days=3),
    )

    assert node(letter, org.kabid).status == InboxItem.Status.IN_PROGRESS, "read → in progress"
    assert {item.position_id for item in InboxItem.objects.filter(parent=kabid)} == {org.kasi.pk, org.staf.pk}
    assert node(letter, org.staf).parent.parent == node(letter, org.kadis)
    assert node(letter, org.staf).due_on == today + timedelta(days=3)
    assert Disposition.objects.filter(letter=letter).count() == 3


def test_a_plt_inside_the_dates_disposes_for_the_position_and_one_outside_is_refused(
    letter, org, make_user, today
):
    plt = make_user(acts_for=org.kadis, until=today + timedelta(days=2))
    former_plh = make_user(
        acts_for=org.kabid,
        kind=Assignment.Kind.PLH,
        since=today - timedelta(days=10),
        until=today - timedelta(days=1),
    )
    future_plh = make_user(
        acts_for=org.kabid,
        kind=Assignment.Kind.PLH,
        since=today + timedelta(days=5),
        until=today + timedelta(days=9),
    )

    made = dispose(actor=plt, from_item=node(letter, org.kadis), to=[org.kabid], instructions=FOLLOW)
    assert made[0].actor == plt and made[0].from_position == org.kadis

    for outsider in (former_plh, future_plh):
        with pytest.raises(Refused) as refusal:
            dispose(actor=outsider, from_item=node(letter, org.kabid), to=[org.kasi], instructions=FOLLOW)
        assert refusal.value.code == "not_recipient"
    assert not InboxItem.objects.filter(letter=letter, position=org.kasi).exists()


def test_the_sekda_disposes_across_opds_to_a_kepala_dinas_below_an_asisten(
    opd, other_opd, org, make_position, make_user, register
):
    sekda = make_position(name="Sekretaris Daerah", opd=other_opd)
    asisten = make_position(name="Asisten Perekonomian", opd=other_opd, parent=sekda)
    Position.objects.filter(pk=org.kadis.pk).update(parent=asisten)
    sekda_user = make_user(holds=sekda)
    letter = register(opd=other_opd, to=[sekda])

    dispose(actor=sekda_user, from_item=node(letter, sekda), to=[org.kadis], instructions=FOLLOW)

    kadis = node(letter, org.kadis)
    assert kadis.from_position == sekda and kadis.letter.opd == other_opd
    assert letter_access(user=org.people["kadis"], letter=letter).full
    # The Kepala Dinas carries it on down their own Dinas.
    dispose(actor=org.people["kadis"], from_item=kadis, to=[org.kabid], instructions=FOLLOW)
    assert node(letter, org.kabid).parent == kadis


def nothing_disposed(letter) -> bool:
    return (
        not Disposition.objects.filter(letter=letter).exists()
        and not InboxItem.objects.filter(letter=letter, reason=InboxItem.Reason.DISPOSITION).exists()
    )


def test_someone_who_does_not_hold_the_node_is_refused(letter, org):
    with pytest.raises(Refused) as refusal:
        dispose(
            actor=org.people["kabid"], from_item=node(letter, org.kadis), to=[org.kasi], instructions=FOLLOW
        )
    assert refusal.value.code == "not_recipient"
    assert nothing_disposed(letter)


def test_a_tembusan_cannot_be_disposed(letter, org):
    with pytest.raises(Refused) as refusal:
        dispose(actor=org.people["sekdis"], from_item=node(letter, org.sekdis), to=[], instructions=FOLLOW)
    assert refusal.value.code == "copy_only"
    assert nothing_disposed(letter)


def test_a_node_marked_done_cannot_be_disposed(letter, org):
    report_follow_up(
        actor=org.people["kadis"], item=node(letter, org.kadis), text="Sudah dijawab.", done=True
    )
    with pytest.raises(Refused) as refusal:
        dispose(
            actor=org.people["kadis"], from_item=node(letter, org.kadis), to=[org.kabid], instructions=FOLLOW
        )
    assert refusal.value.code == "item_closed"
    assert nothing_disposed(letter)


@pytest.mark.parametrize(
    "target", ["kadis", "kabid_stat", "foreign"], ids=["upwards", "sideways", "another-opd"]
)
def test_a_disposition_outside_ones_authority_is_refused(letter, org, other_opd, make_position, target):
    dispose(actor=org.people["kadis"], from_item=node(letter, org.kadis), to=[org.kabid], instructions=FOLLOW)
    before = Disposition.objects.count()
    position = (
        make_position(name="Kepala Dinas Sosial", opd=other_opd)
        if target == "foreign"
        else getattr(org, target)
    )

    with pytest.raises(Refused) as refusal:
        dispose(
            actor=org.people["kabid"],
            from_item=node(letter, org.kabid),
            to=[org.kasi, position],
            instructions=FOLLOW,
        )

    assert refusal.value.code == "outside_authority"
    assert position.name in refusal.value.message
    assert Disposition.objects.count() == before, "not even the allowed target was disposed"


def test_no_target_no_instruction_bad_priority_and_past_deadline_are_refused(letter, org, today):
    kadis, actor = node(letter, org.kadis), org.people["kadis"]
    attempts = {
        "no_target": {"to": [], "instructions": FOLLOW},
        "no_instruction": {"to": [org.kabid], "instructions": []},
        "bad_priority": {"to": [org.kabid], "instructions": FOLLOW, "priority": "urgent-ish"},
        "past_deadline": {"to": [org.kabid], "instructions": FOLLOW, "due_on": today - timedelta(days=1)},
    }
    for code, arguments in attempts.items():
        with pytest.raises(Refused) as refusal:
            dispose(actor=actor, from_item=kadis, **arguments)
        assert refusal.value.code == code
    with pytest.raises(Refused) as refusal:
        dispose(actor=actor, from_item=kadis, to=[org.kabid], instructions=["follow_up", "dance"])
    assert refusal.value.code == "no_instruction"
    assert nothing_disposed(letter)
    assert node(letter, org.kadis).status == InboxItem.Status.UNREAD


def test_a_closed_position_cannot_receive_a_disposition(letter, org, today):
    Position.objects.filter(pk=org.kabid.pk).update(closed_on=today)
    org.kabid.refresh_from_db()
    with pytest.raises(Refused) as refusal:
        dispose(
            actor=org.people["kadis"], from_item=node(letter, org.kadis), to=[org.kabid], instructions=FOLLOW
        )
    assert refusal.value.code == "closed_position"
    assert nothing_disposed(letter)


def test_a_second_open_disposition_to_the_same_position_is_refused_until_the_first_is_done(letter, org):
    kadis, actor = node(letter, org.kadis), org.people["kadis"]
    dispose(actor=actor, from_item=kadis, to=[org.kabid], instructions=FOLLOW)

    with pytest.raises(Refused) as refusal:
        dispose(actor=actor, from_item=kadis, to=[org.kabid_stat, org.kabid], instructions=FOLLOW)
    assert refusal.value.code == "already_disposed"
    assert org.kabid.name in refusal.value.message
    assert Disposition.objects.count() == 1

    report_follow_up(actor=org.people["kabid"], item=node(letter, org.kabid), text="Selesai.", done=True)
    dispose(actor=actor, from_item=kadis, to=[org.kabid], instructions=[Instruction.MONITOR])
    assert InboxItem.objects.filter(parent=kadis, position=org.kabid).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_holder_and_a_plh_disposing_at_once_create_one_disposition(opd, org, register, make_user, today):
    plh = make_user(acts_for=org.kadis, kind=Assignment.Kind.PLH, until=today)
    letter = register(opd=opd, to=[org.kadis])
    kadis = node(letter, org.kadis)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user) -> None:
        try:  # each thread has its own database connection
            start.wait()
            dispose(actor=user, from_item=kadis, to=[org.kabid], instructions=FOLLOW)
            outcomes.append("disposed")
        except Refused as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in (org.people["kadis"], plh)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_disposed", "disposed"]
    assert InboxItem.objects.filter(parent=kadis).count() == 1
    assert Disposition.objects.filter(letter=letter).count() == 1
