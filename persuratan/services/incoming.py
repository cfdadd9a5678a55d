"""Every write on incoming letters and inboxes. Higher apps (disposisi, the public portal, outgoing
letters) act on letters only through these functions."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from kantor_virtual.errors import Refused
from kantor_virtual.files import check_upload
from kantor_virtual.timeline import record_event
from organisasi.models import Opd, Position, RoleGrant, User
from organisasi.selectors import has_role, position_ids_for
from persuratan.models import (
    AgendaCounter,
    Classification,
    Correspondent,
    InboxItem,
    InboxRead,
    IncomingLetter,
    LetterFile,
    Priority,
    SecurityClass,
)
from persuratan.reach import refresh as refresh_reach
from persuratan.tallies import count_first_read, count_items
from persuratan.tasks import extract_file_text as extract_file_text_task
from persuratan.tasks import notify_delivery as notify_delivery_task

VIEW_PERMISSION = "persuratan.view_incomingletter"


@dataclass(frozen=True)
class Sender:
    kind: str
    name: str
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class LetterDetails:
    """What the register records about a letter, whoever brings it in."""

    sender: Sender
    sender_number: str
    letter_date: date
    received_on: date
    subject: str
    letter_type: str
    security_class: str
    urgency: str
    classification: Classification
    summary: str = ""
    attachment_count: int = 0


def register_incoming(
    *,
    actor: User,
    opd: Opd,
    details: LetterDetails,
    addressees: Sequence[Position],
    copies: Sequence[Position] = (),
    scans: Sequence[UploadedFile],
) -> IncomingLetter:
    """The operator of an OPD records a letter that came in on paper or by e-mail."""
    if not has_role(user=actor, role=RoleGrant.Role.OPERATOR, opd=opd):
        raise Refused("Anda bukan operator perangkat daerah ini.", code="not_operator")
    if not scans:
        raise Refused("Unggah sedikitnya satu pindaian surat.", code="no_scan")
    return receive_letter(
        opd=opd,
        details=details,
        addressees=addressees,
        copies=copies,
        files=scans,
        source=IncomingLetter.Source.REGISTERED,
        actor=actor,
    )


@transaction.atomic
def receive_letter(
    *,
    opd: Opd,
    details: LetterDetails,
    addressees: Sequence[Position],
    copies: Sequence[Position] = (),
    files: Sequence,
    source: str,
    actor: User | None = None,
    origin_key: str | None = None,
) -> IncomingLetter:
    """Enter a letter in an OPD's agenda and deliver it to its addressees and tembusan.

    The operator's form, another OPD's signed letter and a verified public submission all come
    through here. With `origin_key`, a second call for the same origin returns the first letter:
    the caller's task may be retried without making a twin.
    """
    today = timezone.localdate()
    if origin_key is not None:
        existing = IncomingLetter.objects.filter(origin_key=origin_key).first()
        if existing is not None:
            return existing
    _check_details(details, today=today)
    if not addressees and not copies:
        raise Refused("Pilih sedikitnya satu jabatan tujuan.", code="no_addressee")
    addressee_ids = {position.pk for position in addressees}
    copy_ids = {position.pk for position in copies} - addressee_ids
    for position in [*addressees, *copies]:
        if position.opd_id != opd.pk:
            raise Refused(f"Jabatan {position} bukan bagian dari {opd}.", code="foreign_position")
        if not position.is_open_on(today):
            raise Refused(f"Jabatan {position} sudah ditutup.", code="closed_position")
    checked = [(upload, check_upload(upload)) for upload in files]

    # Agenda numbers are per OPD per local year and gapless; a failure below returns the number.
    year = today.year
    agenda_number = AgendaCounter.take_next(opd=opd, year=year)

    sender = _remember_sender(opd=opd, sender=details.sender)
    now = timezone.now()
    letter = IncomingLetter.objects.create(
        opd=opd,
        agenda_year=year,
        agenda_number=agenda_number,
        source=source,
        origin_key=origin_key,
        sender=sender,
        sender_name=sender.name,
        sender_address=details.sender.address.strip(),
        sender_email=details.sender.email.strip(),
        sender_number=details.sender_number.strip(),
        letter_date=details.letter_date,
        received_on=details.received_on,
        subject=details.subject.strip(),
        summary=details.summary.strip(),
        letter_type=details.letter_type,
        security_class=details.security_class,
        urgency=details.urgency,
        classification=details.classification,
        attachment_count=details.attachment_count,
        registered_by=actor,
        registered_at=now,
    )
    for order, (upload, facts) in enumerate(checked):
        stored = LetterFile(letter=letter, order=order, uploaded_by=actor)
        stored.store(upload, facts)
        extract_file_text_task.delay(stored.pk)
    record_event(
        target=letter,
        verb="registered",
        actor=actor,
        to_state="registered",
        details={"agenda": letter.agenda_label, "source": source, "files": len(checked)},
    )
    for position in addressees:
        deliver(letter=letter, to=position, reason=InboxItem.Reason.ADDRESSEE, at=now)
    for position in copies:
        if position.pk in copy_ids:
            deliver(letter=letter, to=position, reason=InboxItem.Reason.COPY, at=now)
    return letter


def _check_details(details: LetterDetails, *, today: date) -> None:
    if details.letter_date > today:
        raise Refused("Tanggal surat tidak boleh setelah hari ini.", code="future_letter_date")
    if details.received_on > today:
        raise Refused("Tanggal diterima tidak boleh setelah hari ini.", code="future_received_on")
    if details.letter_date > details.received_on:
        raise Refused("Tanggal surat tidak boleh setelah tanggal diterima.", code="letter_after_receipt")
    if not details.sender.name.strip() or not details.subject.strip() or not details.sender_number.strip():
        raise Refused("Pengirim, nomor surat dan perihal wajib diisi.", code="missing_details")
    if not details.classification.active:
        raise Refused("Kode klasifikasi ini tidak aktif lagi.", code="inactive_classification")


def _remember_sender(*, opd: Opd, sender: Sender) -> Correspondent:
    """Find the sender in the OPD's address book, or add it, so the next operator gets a suggestion."""
    name = " ".join(sender.name.split())
    correspondent, created = Correspondent.objects.get_or_create(
        opd=opd,
        kind=sender.kind,
        name_key=Correspondent.key_for(name),
        defaults={"name": name, "address": sender.address.strip()},
    )
    if not created:
        if sender.address.strip() and sender.address.strip() != correspondent.address:
            correspondent.address = sender.address.strip()
        correspondent.save(update_fields=["address", "last_used_at"])
    return correspondent


def deliver(
    *,
    letter: IncomingLetter,
    to: Position,
    reason: str,
    parent: InboxItem | None = None,
    from_position: Position | None = None,
    due_on: date | None = None,
    priority: str = Priority.NORMAL,
    at: datetime | None = None,
) -> InboxItem:
    """Put `letter` in the inbox of `to`; its holders are told once the transaction commits."""
    item = InboxItem.objects.create(
        letter=letter,
        position=to,
        reason=reason,
        parent=parent,
        from_position=from_position,
        received_at=at or timezone.now(),
        due_on=due_on,
        priority=priority,
        urgency=letter.urgency,
        security_class=letter.security_class,
        classification_id=letter.classification_id,
        sender_id=letter.sender_id,
    )
    count_items(position_id=to.pk, delta=1)
    refresh_reach(letter_id=letter.pk)
    record_event(
        target=letter,
        verb="delivered",
        position=to,
        details={"item": item.pk, "reason": reason, "from": from_position.pk if from_position else None},
    )
    notify_delivery_task.delay(item.pk)
    return item


def acting_position_for(*, user: User, item: InboxItem) -> Position:
    """The item's position, if the user acts for it today; otherwise a refusal."""
    if item.position_id not in position_ids_for(user=user, on=timezone.localdate()):
        raise Refused("Anda tidak memegang jabatan penerima surat ini.", code="not_recipient")
    return item.position


@transaction.atomic
def mark_read(*, user: User, item: InboxItem) -> bool:
    """Record that `user` opened the item; the first reader moves the node from unread to read."""
    acting_position_for(user=user, item=item)
    now = timezone.now()
    _, first_time = InboxRead.objects.get_or_create(
        item=item, user=user, defaults={"position_id": item.position_id, "read_at": now}
    )
    if not first_time:
        return False
    count_first_read(user_id=user.pk, position_id=item.position_id)
    opened = InboxItem.objects.filter(pk=item.pk, status=InboxItem.Status.UNREAD).update(
        status=InboxItem.Status.READ, first_read_at=now
    )
    if opened:
        item.status, item.first_read_at = InboxItem.Status.READ, now
    record_event(
        target=item.letter,
        verb="read",
        actor=user,
        position=item.position,
        from_state=InboxItem.Status.UNREAD if opened else "",
        to_state=InboxItem.Status.READ if opened else "",
        details={"item": item.pk},
    )
    return True


def change_item_status(
    *,
    item: InboxItem,
    to: str,
    allowed_from: Sequence[str],
    refusal: Refused,
    actor: User,
    position: Position,
) -> InboxItem:
    """Move a node between states under a row lock: two people acting on one item cannot both win."""
    locked = InboxItem.objects.select_for_update().get(pk=item.pk)
    if locked.status not in allowed_from:
        raise refusal
    previous = locked.status
    locked.status = to
    fields = ["status"]
    if to == InboxItem.Status.DONE:
        locked.done_at = timezone.now()
        fields.append("done_at")
    locked.save(update_fields=fields)
    if to == InboxItem.Status.WITHDRAWN:
        count_items(position_id=locked.position_id, delta=-1)
        refresh_reach(letter_id=locked.letter_id)
    record_event(
        target=locked.letter,
        verb=f"item_{to}",
        actor=actor,
        position=position,
        from_state=previous,
        to_state=to,
        details={"item": locked.pk},
    )
    return locked


def record_file_opened(*, user: User, letter_file: LetterFile) -> None:
    """Opening a file of a rahasia or sangat rahasia letter is an event on its timeline."""
    if letter_file.letter.security_class in SecurityClass.narrowed():
        record_event(
            target=letter_file.letter,
            verb="file_opened",
            actor=user,
            details={"file": letter_file.pk, "name": letter_file.original_name},
        )


@transaction.atomic
def share_letter(*, actor: User, letter: IncomingLetter, with_user: User) -> None:
    """Let one more person read a letter. Rahasia letters go only where they are addressed or disposed."""
    from persuratan.selectors import letter_access

    if letter.is_narrowed:
        raise Refused("Surat rahasia tidak dapat dibagikan.", code="narrowed_letter")
    if not letter_access(user=actor, letter=letter).full:
        raise Refused("Anda tidak dapat membagikan surat ini.", code="no_access")
    if with_user.employment == User.Employment.PUBLIC or not with_user.is_active:
        raise Refused("Surat hanya dapat dibagikan kepada pegawai.", code="not_staff")
    assign_perm(VIEW_PERMISSION, with_user, letter)
    record_event(target=letter, verb="shared", actor=actor, details={"with": with_user.pk})
