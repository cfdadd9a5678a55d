"""The printable lembar disposisi: asked for in a request, rendered by a worker, served from private storage.

A sheet is a picture of the letter and its disposition tree at one moment; `fingerprint` names that
moment. Asking again while nothing changed returns the sheet already made (or being made); once a
node changes, the next request renders a new picture.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from disposisi.models import Disposition, DispositionSheet, Instruction
from disposisi.tasks import render_disposition_sheet as render_disposition_sheet_task
from kantor_virtual.errors import Refused
from kantor_virtual.files import private_storage
from kantor_virtual.pdf import kop_facts, render_pdf
from kantor_virtual.timeline import record_event
from organisasi.models import User
from persuratan.models import InboxItem, IncomingLetter, SecurityClass
from persuratan.selectors import items_of, letter_access

TEMPLATE = "pdf/lembar_disposisi.html"
# Part of the fingerprint: a change of the sheet's layout makes every earlier sheet out of date.
LAYOUT_VERSION = 1
# A render takes seconds, its retries under a minute: a request pending longer was lost (a worker
# died, the broker was flushed) and may be sent again.
STALLED_AFTER = timedelta(minutes=2)
SECURITY_MARKS = {SecurityClass.SECRET: "RAHASIA", SecurityClass.TOP_SECRET: "SANGAT RAHASIA"}


@dataclass(frozen=True)
class Target:
    """One position a step was sent to, as the sheet prints it."""

    position: str
    opd: str  # the OPD's short name when it is not the letter's own (Sekda disposing across OPDs)
    withdrawn: bool
    done_on: date | None
    due_on: date | None


@dataclass(frozen=True)
class Step:
    """One disposition step: the rows of one batch, from one position to one or more targets."""

    from_position: str
    disposer: str
    at: datetime
    targets: list[Target]
    instructions: list[tuple[str, bool]]  # every instruction label, ticked or not
    note: str
    due_on: date | None  # when every target has the same deadline; otherwise each target shows its own


@dataclass(frozen=True)
class _Picture:
    """What one sheet shows, read once: the fingerprint and the PDF come from the same rows."""

    letter: IncomingLetter
    steps: list[Step]
    fingerprint: str


def _picture(letter: IncomingLetter) -> _Picture:
    # Dispositions before items: a disposition's node is committed with it, so every row read here
    # finds its node in the second query, at a state at least as new.
    dispositions = list(
        Disposition.objects.filter(letter=letter)
        .select_related("from_position", "actor")
        .order_by("created_at", "id")
    )
    items = {item.pk: item for item in items_of(letter=letter)}
    facts = {
        "layout": LAYOUT_VERSION,
        "letter": [
            letter.pk,
            letter.agenda_label,
            letter.received_on,
            letter.sender_number,
            letter.letter_date,
            letter.sender_name,
            letter.subject,
            letter.security_class,
            letter.urgency,
            letter.classification.code,
            letter.attachment_count,
        ],
        "kop": kop_facts(letter.opd),
        "dispositions": [
            [
                row.pk,
                row.batch,
                row.item_id,
                row.instructions,
                row.note,
                row.created_at,
                row.from_position.name,
                row.actor.get_full_name(),
            ]
            for row in dispositions
        ],
        "items": [
            [item.pk, item.status, item.due_on, item.position.name, item.position.opd_id]
            for item in items.values()
        ],
    }
    encoded = json.dumps(facts, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return _Picture(
        letter=letter,
        steps=_steps(letter, dispositions, items),
        fingerprint=hashlib.sha256(encoded.encode()).hexdigest(),
    )


def _steps(
    letter: IncomingLetter, dispositions: list[Disposition], items: dict[int, InboxItem]
) -> list[Step]:
    batches: dict[str, list[Disposition]] = {}
    for row in dispositions:
        batches.setdefault(str(row.batch), []).append(row)
    steps = []
    for rows in batches.values():
        first = rows[0]
        targets = []
        for row in rows:
            item = items[row.item_id]
            position = item.position
            targets.append(
                Target(
                    position=position.name,
                    opd="" if position.opd_id == letter.opd_id else str(position.opd),
                    withdrawn=item.status == InboxItem.Status.WITHDRAWN,
                    done_on=timezone.localdate(item.done_at) if item.done_at else None,
                    due_on=item.due_on,
                )
            )
        deadlines = {target.due_on for target in targets if not target.withdrawn}
        chosen = {code for row in rows for code in row.instructions}
        notes = list(dict.fromkeys(row.note.strip() for row in rows if row.note.strip()))
        steps.append(
            Step(
                from_position=first.from_position.name,
                disposer=first.actor.get_full_name(),
                at=first.created_at,
                targets=targets,
                instructions=[(label, code in chosen) for code, label in Instruction.choices],
                note="\n".join(notes),
                due_on=deadlines.pop() if len(deadlines) == 1 else None,
            )
        )
    return steps


def _loaded(letter_id: int) -> IncomingLetter:
    return IncomingLetter.objects.select_related("opd", "opd__province", "classification").get(pk=letter_id)


def sheet_fingerprint(*, letter: IncomingLetter) -> str:
    """sha256 of everything the sheet prints: letter, kop surat, every disposition and every node."""
    return _picture(_loaded(letter.pk)).fingerprint


@transaction.atomic
def request_sheet(*, actor: User, letter: IncomingLetter) -> DispositionSheet:
    """Ask for the sheet of the letter as it stands now; the worker renders it after the commit."""
    if not letter_access(user=actor, letter=letter).full:
        raise Refused("Anda tidak dapat mencetak lembar disposisi surat ini.", code="no_access")
    fingerprint = sheet_fingerprint(letter=letter)
    now = timezone.now()
    # The row lock makes two people pressing "Cetak" at once schedule one render, not two.
    sheet, created = DispositionSheet.objects.select_for_update().get_or_create(
        letter=letter, defaults={"fingerprint": fingerprint, "requested_at": now}
    )
    if not created and sheet.fingerprint == fingerprint:
        if sheet.state == DispositionSheet.State.READY:
            return sheet
        if sheet.state == DispositionSheet.State.PENDING and sheet.requested_at > now - STALLED_AFTER:
            return sheet
    if not created:
        sheet.fingerprint, sheet.state, sheet.requested_at = fingerprint, DispositionSheet.State.PENDING, now
        sheet.save(update_fields=["fingerprint", "state", "requested_at"])
    render_disposition_sheet_task.delay(letter.pk)
    return sheet


def render_sheet(*, letter_id: int) -> bool:
    """Render the letter's sheet as the tree stands now and store it. Safe to run twice.

    Runs outside any transaction (a render takes seconds and must hold no lock); the PDF becomes
    current only if nobody asked for a newer picture meanwhile.
    """
    sheet = DispositionSheet.objects.filter(letter_id=letter_id).first()
    if sheet is None:
        return False
    picture = _picture(_loaded(letter_id))
    fingerprint = picture.fingerprint
    if sheet.state == DispositionSheet.State.READY and sheet.fingerprint == fingerprint:
        return False
    # Claim the row for this picture, unless it changed since we read it: a newer request, or
    # another run of this task, then owns the render.
    claimed = DispositionSheet.objects.filter(
        pk=sheet.pk, fingerprint=sheet.fingerprint, state=sheet.state
    ).update(fingerprint=fingerprint, state=DispositionSheet.State.PENDING)
    if not claimed:
        return False

    now = timezone.now()
    try:
        pdf = render_pdf(template=TEMPLATE, context=_context(picture, printed_at=now))
    except Exception as error:
        # An OSError is retried by the task with backoff, so the row stays pending; anything else
        # will fail again, so the card says so instead of spinning.
        if not isinstance(error, OSError):
            DispositionSheet.objects.filter(
                pk=sheet.pk, fingerprint=fingerprint, state=DispositionSheet.State.PENDING
            ).update(state=DispositionSheet.State.FAILED)
        raise

    sheet.letter, sheet.fingerprint = picture.letter, fingerprint  # what the file name is made of
    sheet.file.save("lembar-disposisi.pdf", ContentFile(pdf), save=False)
    name, previous = sheet.file.name, ""
    with transaction.atomic():
        # Conditional on the fingerprint rendered: a render racing a newer request must not store
        # the older picture as current. Locked, so the file it replaces is read and swapped at once.
        current = DispositionSheet.objects.select_for_update().filter(pk=sheet.pk).first()
        stored = (
            current is not None
            and current.fingerprint == fingerprint
            and current.state == DispositionSheet.State.PENDING
        )
        if stored:
            previous = current.file.name
            DispositionSheet.objects.filter(pk=sheet.pk).update(
                state=DispositionSheet.State.READY, file=name, rendered_at=now
            )
    # Storage is not transactional: remove whichever file lost, after the row says which one won.
    if not stored:
        private_storage.delete(name)
        return False
    if previous and previous != name:
        private_storage.delete(previous)
    return True


def _context(picture: _Picture, *, printed_at: datetime) -> dict:
    letter = picture.letter
    return {
        "opd": letter.opd,
        "letter": letter,
        "steps": picture.steps,
        "blank_instructions": [label for _, label in Instruction.choices],
        "security_mark": SECURITY_MARKS.get(letter.security_class, ""),
        "printed_at": printed_at,
    }


# ── Reading it back ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class SheetStatus:
    sheet: DispositionSheet | None
    current: bool  # ready, and shows the tree as it stands now
    stalled: bool  # pending for longer than a render and its retries take


def sheet_status(*, user: User, letter: IncomingLetter) -> SheetStatus | None:
    """The letter's sheet for someone who may read the letter in full; None for anyone else."""
    if not letter_access(user=user, letter=letter).full:
        return None
    sheet = DispositionSheet.objects.filter(letter=letter).first()
    if sheet is None:
        return SheetStatus(sheet=None, current=False, stalled=False)
    ready = sheet.state == DispositionSheet.State.READY
    return SheetStatus(
        sheet=sheet,
        current=ready and sheet.fingerprint == sheet_fingerprint(letter=letter),
        stalled=sheet.state == DispositionSheet.State.PENDING
        and sheet.requested_at <= timezone.now() - STALLED_AFTER,
    )


def record_sheet_opened(*, user: User, sheet: DispositionSheet) -> None:
    """Opening the sheet of a rahasia letter is an event on its timeline, like opening its scans."""
    if sheet.letter.is_narrowed:
        record_event(
            target=sheet.letter, verb="sheet_opened", actor=user, details={"sheet": sheet.fingerprint[:16]}
        )
