"""What the holders of a position are told when a letter reaches its inbox.

Rahasia and sangat rahasia letters travel in a closed envelope here too: their notices (and so
their e-mails) name only the sifat, the agenda number and the position, never the perihal or the
sender.
"""

from django.utils import formats, timezone

from kantor_virtual.notifications import notify
from organisasi.selectors import holders_of
from persuratan.models import InboxItem, SecurityClass


def notify_item_holders(*, item_id: int) -> int:
    """Tell whoever acts for the item's position today; returns how many notices were new.

    Safe to run twice (the key `inbox-item:<id>` is unique per person). A withdrawn item, or one
    deleted meanwhile, tells no one.
    """
    item = (
        InboxItem.objects.select_related("letter", "position", "from_position")
        .filter(pk=item_id)
        .exclude(status=InboxItem.Status.WITHDRAWN)
        .first()
    )
    if item is None:
        return 0
    holders = holders_of(position_ids=[item.position_id], on=timezone.localdate()).get(item.position_id, [])
    title, body = delivery_text(item)
    return len(
        notify(
            users=holders,
            key=f"inbox-item:{item.pk}",
            title=title,
            body=body,
            url=item.letter.get_absolute_url(),
        )
    )


def delivery_text(item: InboxItem) -> tuple[str, str]:
    """Title and body of the notice for a delivered item."""
    letter = item.letter
    if letter.is_narrowed:
        subject = f"surat {sifat_of(item)} nomor agenda {letter.agenda_label}"
        body = closed_envelope(item)
    else:
        subject = letter.subject
        body = (
            f"Dari {letter.sender_name}, nomor {letter.sender_number}, "
            f"tanggal {formats.date_format(letter.letter_date)}. Nomor agenda {letter.agenda_label}."
        )
    if item.reason == InboxItem.Reason.DISPOSITION:
        title = f"Disposisi dari {item.from_position}: {subject}"
        if item.due_on:
            body += f" Batas waktu {formats.date_format(item.due_on)}."
    elif item.reason == InboxItem.Reason.COPY:
        title = f"Tembusan: {subject}"
    else:
        title = f"Surat masuk: {subject}"
    return title, body


def sifat_of(item: InboxItem) -> str:
    return SecurityClass(item.letter.security_class).label.lower()


def closed_envelope(item: InboxItem) -> str:
    """The only body a secret letter's notice may carry."""
    return f"Surat {sifat_of(item)} baru untuk {item.position}. Buka Kantor Virtual untuk membacanya."
