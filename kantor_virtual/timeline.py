"""The shared timeline: every app records its state changes here and reads them back."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from kantor_virtual.models import Event

GENESIS_HASH = "0" * 64

# Sent inside the event's transaction (`target`, `event`): a higher app follows what happens to a
# lower app's objects — the portal tells a citizen that their letter was disposed — without the
# lower app knowing it exists. What a receiver does or queues (an outbox row) commits with the
# event or not at all, so a crash between the two can lose nothing.
event_recorded = Signal()


def _canonical_details(details: dict | None) -> dict:
    """What jsonb will give back, so that the hash recorded is the hash recomputed later."""
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))


def compute_hash(event: Event) -> str:
    payload = {
        "target": f"{event.target_type_id}:{event.target_id}",
        "seq": event.seq,
        "actor": event.actor_id,
        "position": event.position_id,
        "position_name": event.position_name,
        "verb": event.verb,
        "from": event.from_state,
        "to": event.to_state,
        "at": event.at.isoformat(),
        "details": event.details,
        "prev": event.prev_hash,
    }
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


@transaction.atomic
def record_event(
    *,
    target: models.Model,
    verb: str,
    actor=None,
    position=None,
    from_state: str = "",
    to_state: str = "",
    details: dict | None = None,
) -> Event:
    """Append an event to `target`'s chain. `position` is the position the actor acted as."""
    target_type = ContentType.objects.get_for_model(target)
    target_id = str(target.pk)
    # Two events on one object at once would both read the same tail: serialise appends per object.
    # The unique (target, seq) constraint stays as the last line of defence.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [target_type.pk, target_id])
    last = (
        Event.objects.filter(target_type=target_type, target_id=target_id)
        .order_by("-seq")
        .values("seq", "hash")
        .first()
    )
    event = Event(
        target_type=target_type,
        target_id=target_id,
        seq=last["seq"] + 1 if last else 1,
        actor=actor,
        position_id=position.pk if position is not None else None,
        position_name=str(position) if position is not None else "",
        verb=verb,
        from_state=from_state,
        to_state=to_state,
        at=timezone.now(),
        details=_canonical_details(details),
        prev_hash=last["hash"] if last else GENESIS_HASH,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    event_recorded.send(sender=type(target), target=target, event=event)
    return event


def timeline_for(*, target: models.Model) -> QuerySet[Event]:
    """Events of one object, oldest first. Callers check first that the user may see `target`."""
    return (
        Event.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))
        .select_related("actor")
        .order_by("seq")
    )


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    target: str
    seq: int
    reason: str


def verify_chains() -> Iterator[BrokenLink]:
    """Walk every object's chain and report each event whose hash or link does not hold."""
    previous: Event | None = None
    events = Event.objects.order_by("target_type_id", "target_id", "seq").iterator(chunk_size=5000)
    for event in events:
        same_target = previous is not None and (previous.target_type_id, previous.target_id) == (
            event.target_type_id,
            event.target_id,
        )
        expected_seq = previous.seq + 1 if same_target else 1
        expected_prev = previous.hash if same_target else GENESIS_HASH
        target = f"{event.target_type_id}:{event.target_id}"
        if event.seq != expected_seq:
            yield BrokenLink(event.pk, target, event.seq, f"urutan loncat: diharapkan {expected_seq}")
        if event.prev_hash != expected_prev:
            yield BrokenLink(event.pk, target, event.seq, "tautan ke kejadian sebelumnya tidak cocok")
        if compute_hash(event) != event.hash:
            yield BrokenLink(event.pk, target, event.seq, "isi kejadian tidak cocok dengan hash-nya")
        previous = event
