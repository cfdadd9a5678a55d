import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kantor_virtual.models import Event
from kantor_virtual.timeline import GENESIS_HASH, record_event, timeline_for, verify_chains

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(make_position):
    return make_position(name="Kepala Dinas")


def test_events_chain_per_object_with_actor_position_and_states(position, make_user, opd):
    actor = make_user(holds=position)
    first = record_event(target=opd, verb="dibuat", actor=actor, position=position, to_state="aktif")
    second = record_event(
        target=opd,
        verb="diubah",
        actor=actor,
        position=position,
        from_state="aktif",
        to_state="nonaktif",
        details={"alasan": "penggabungan"},
    )
    unrelated = record_event(target=position, verb="dibuat")

    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert (unrelated.seq, unrelated.prev_hash) == (1, GENESIS_HASH)
    assert [e.verb for e in timeline_for(target=opd)] == ["dibuat", "diubah"]
    stored = Event.objects.get(pk=second.pk)
    assert (stored.position_name, stored.from_state, stored.to_state) == ("Kepala Dinas", "aktif", "nonaktif")
    assert stored.details == {"alasan": "penggabungan"}
    assert list(verify_chains()) == []


@pytest.mark.parametrize(
    "statement", ["UPDATE kantor_virtual_event SET verb = 'dihapus'", "DELETE FROM kantor_virtual_event"]
)
def test_the_database_refuses_to_change_or_remove_an_event(opd, statement):
    record_event(target=opd, verb="dibuat")

    with (
        pytest.raises(DatabaseError, match="hanya boleh ditambah"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(target_id=str(opd.pk)).update(verb="dihapus")
    assert Event.objects.get().verb == "dibuat"


def _tamper(sql: str, params: list) -> None:
    """What someone with the table owner's rights could do: switch the trigger off and rewrite history."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while FK checks are pending
        cursor.execute("ALTER TABLE kantor_virtual_event DISABLE TRIGGER kantor_virtual_event_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE kantor_virtual_event ENABLE TRIGGER kantor_virtual_event_append_only")


def test_the_verifier_catches_an_edited_row(opd):
    record_event(target=opd, verb="dibuat", to_state="draf")
    edited = record_event(target=opd, verb="disetujui", from_state="draf", to_state="disetujui")
    record_event(target=opd, verb="dikirim", from_state="disetujui", to_state="terkirim")
    call_command("verify_events")

    _tamper("UPDATE kantor_virtual_event SET to_state = 'ditolak' WHERE id = %s", [edited.pk])

    broken = list(verify_chains())
    assert [(link.event_id, link.reason) for link in broken] == [
        (edited.pk, "isi kejadian tidak cocok dengan hash-nya")
    ]
    with pytest.raises(CommandError, match="1 kejanggalan"):
        call_command("verify_events")


def test_the_verifier_catches_a_removed_row(opd):
    record_event(target=opd, verb="dibuat")
    removed = record_event(target=opd, verb="disetujui")
    last = record_event(target=opd, verb="dikirim")

    _tamper("DELETE FROM kantor_virtual_event WHERE id = %s", [removed.pk])

    assert {link.event_id for link in verify_chains()} == {last.pk}
