"""Every write of the disposition chain: disposing a letter down, withdrawing a disposition, reporting
follow-up. The nodes are persuratan's inbox items, created and moved only through its services."""

import uuid
from collections.abc import Sequence
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from disposisi.models import Disposition, FollowUp, FollowUpFile, Instruction
from kantor_virtual.errors import Refused
from kantor_virtual.files import check_upload
from kantor_virtual.timeline import record_event
from organisasi.models import Position, User
from organisasi.selectors import position_ids_for, subordinates_among
from persuratan.models import InboxItem, Priority, Urgency
from persuratan.services import acting_position_for, change_item_status, deliver

CLOSED_STATUSES = (InboxItem.Status.DONE, InboxItem.Status.WITHDRAWN)


def _closed_refusal() -> Refused:
    return Refused(
        "Bagian Anda pada surat ini sudah selesai atau disposisinya sudah ditarik; tidak dapat diubah lagi.",
        code="item_closed",
    )


def default_due_on(*, item: InboxItem, today: date | None = None) -> date:
    """The deadline a disposition gets when none is written: set by the letter's urgency."""
    return Urgency(item.urgency).default_deadline(today or timezone.localdate())


@transaction.atomic
def dispose(
    *,
    actor: User,
    from_item: InboxItem,
    to: Sequence[Position],
    instructions: Sequence[str],
    note: str = "",
    due_on: date | None = None,
    priority: str = Priority.NORMAL,
) -> list[Disposition]:
    """Send the letter from the actor's node down to positions below theirs: one child node each."""
    today = timezone.localdate()
    position = acting_position_for(user=actor, item=from_item)
    if from_item.reason == InboxItem.Reason.COPY:
        raise Refused("Tembusan hanya untuk diketahui dan tidak dapat didisposisikan.", code="copy_only")
    if from_item.status in CLOSED_STATUSES:
        raise _closed_refusal()
    targets = list({target.pk: target for target in to}.values())
    if not targets:
        raise Refused("Pilih sedikitnya satu jabatan tujuan disposisi.", code="no_target")
    chosen = list(dict.fromkeys(instructions))
    if not chosen or any(code not in Instruction.values for code in chosen):
        raise Refused("Pilih sedikitnya satu instruksi disposisi dari daftar.", code="no_instruction")
    if priority not in Priority.values:
        raise Refused("Pilih prioritas dari daftar.", code="bad_priority")
    due_on = due_on or default_due_on(item=from_item, today=today)
    if due_on < today:
        raise Refused("Batas waktu tidak boleh sebelum hari ini.", code="past_deadline")
    # The position tree crosses OPDs, so a Sekda or the Gubernur reaches the Kepala Dinas below them.
    below = subordinates_among(superior_id=position.pk, candidate_ids=[target.pk for target in targets])
    outside = [target.name for target in targets if target.pk not in below]
    if outside:
        raise Refused(
            f"{', '.join(outside)} bukan bawahan {position.name}: disposisi hanya ke jabatan di bawah Anda.",
            code="outside_authority",
        )
    closed = [target.name for target in targets if not target.is_open_on(today)]
    if closed:
        raise Refused(f"Jabatan {', '.join(closed)} sudah ditutup.", code="closed_position")

    # The definitive holder and a Plh may act on the same node at once: the row lock makes the
    # second wait, then see the first one's children and be refused instead of disposing twice.
    # `of=self`: only the node is locked, not its letter, so other branches of the tree go on.
    node = InboxItem.objects.select_for_update(of=("self",)).select_related("letter").get(pk=from_item.pk)
    if node.status in CLOSED_STATUSES:
        raise _closed_refusal()
    target_ids = [target.pk for target in targets]
    twice = (
        InboxItem.objects.filter(
            parent=node,
            reason=InboxItem.Reason.DISPOSITION,
            position_id__in=target_ids,
            status__in=InboxItem.OPEN_STATUSES,
        )
        .select_related("position")
        .order_by("position__name")
    )
    already = [item.position.name for item in twice]
    if already:
        raise Refused(
            f"Surat ini sudah didisposisikan ke {', '.join(already)} dan belum selesai.",
            code="already_disposed",
        )

    letter = node.letter
    batch = uuid.uuid4()
    now = timezone.now()
    note = note.strip()
    made = []
    for target in targets:
        child = deliver(
            letter=letter,
            to=target,
            reason=InboxItem.Reason.DISPOSITION,
            parent=node,
            from_position=position,
            due_on=due_on,
            priority=priority,
            at=now,
        )
        made.append(
            Disposition.objects.create(
                letter=letter,
                parent_item=node,
                item=child,
                batch=batch,
                from_position=position,
                actor=actor,
                instructions=chosen,
                note=note,
                created_at=now,
            )
        )
    record_event(
        target=letter,
        verb="disposed",
        actor=actor,
        position=position,
        details={
            "item": node.pk,
            "batch": str(batch),
            "targets": target_ids,
            "instructions": chosen,
            "due_on": due_on,
            "priority": priority,
        },
    )
    if node.status in (InboxItem.Status.UNREAD, InboxItem.Status.READ):
        change_item_status(
            item=node,
            to=InboxItem.Status.IN_PROGRESS,
            allowed_from=(InboxItem.Status.UNREAD, InboxItem.Status.READ),
            refusal=_closed_refusal(),
            actor=actor,
            position=position,
        )
    return made


@transaction.atomic
def withdraw(*, actor: User, item: InboxItem) -> InboxItem:
    """The sender takes back a disposition its recipient has not opened yet."""
    if item.reason != InboxItem.Reason.DISPOSITION:
        raise Refused("Hanya disposisi yang dapat ditarik.", code="not_disposition")
    if item.from_position_id not in position_ids_for(user=actor, on=timezone.localdate()):
        raise Refused("Hanya pengirim disposisi ini yang dapat menariknya.", code="not_sender")
    locked = InboxItem.objects.select_for_update(of=("self",)).select_related("from_position").get(pk=item.pk)
    if locked.status == InboxItem.Status.WITHDRAWN:
        raise Refused("Disposisi ini sudah ditarik.", code="already_withdrawn")
    # Under the lock: a recipient opening the letter right now either comes first (refused) or after.
    return change_item_status(
        item=locked,
        to=InboxItem.Status.WITHDRAWN,
        allowed_from=(InboxItem.Status.UNREAD,),
        refusal=Refused(
            "Disposisi ini sudah dibaca penerimanya, sehingga tidak dapat ditarik lagi.", code="already_read"
        ),
        actor=actor,
        position=locked.from_position,
    )


@transaction.atomic
def report_follow_up(
    *,
    actor: User,
    item: InboxItem,
    text: str,
    files: Sequence[UploadedFile] = (),
    done: bool = False,
) -> FollowUp:
    """A recipient reports what was done on their node (tindak lanjut), possibly closing it."""
    position = acting_position_for(user=actor, item=item)
    if item.reason == InboxItem.Reason.COPY:
        raise Refused(
            "Tembusan hanya untuk diketahui; tindak lanjut dilaporkan oleh penerima surat.", code="copy_only"
        )
    if item.status in CLOSED_STATUSES:
        raise _closed_refusal()
    text = text.strip()
    if not text:
        raise Refused("Tuliskan laporan tindak lanjut.", code="no_text")
    checked = [(upload, check_upload(upload)) for upload in files]

    # Two holders reporting "done" at once: the lock orders them, the second finds the node closed.
    node = InboxItem.objects.select_for_update(of=("self",)).select_related("letter").get(pk=item.pk)
    if node.status in CLOSED_STATUSES:
        raise _closed_refusal()
    follow_up = FollowUp.objects.create(
        item=node, author=actor, position=position, text=text, marks_done=done, created_at=timezone.now()
    )
    for upload, facts in checked:
        FollowUpFile(follow_up=follow_up).store(upload, facts)
    wanted = InboxItem.Status.DONE if done else InboxItem.Status.IN_PROGRESS
    if node.status != wanted:
        change_item_status(
            item=node,
            to=wanted,
            allowed_from=InboxItem.OPEN_STATUSES,
            refusal=_closed_refusal(),
            actor=actor,
            position=position,
        )
    record_event(
        target=node.letter,
        verb="follow_up",
        actor=actor,
        position=position,
        details={"item": node.pk, "follow_up": follow_up.pk, "done": done, "files": len(checked)},
    )
    return follow_up


def record_follow_up_file_opened(*, user: User, follow_up_file: FollowUpFile) -> None:
    """Opening a follow-up file of a rahasia or sangat rahasia letter is an event on its timeline."""
    letter = follow_up_file.follow_up.item.letter
    if letter.is_narrowed:
        record_event(
            target=letter,
            verb="file_opened",
            actor=user,
            details={"follow_up_file": follow_up_file.pk, "name": follow_up_file.original_name},
        )
