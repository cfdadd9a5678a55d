"""The daily reminder for inbox items past their deadline."""

from datetime import date

from django.db.models import Q
from django.utils import formats, timezone

from kantor_virtual.notifications import Notice, notify_each
from organisasi.selectors import holders_of
from persuratan.models import InboxItem
from persuratan.notifications import sifat_of

CHUNK_SIZE = 500


def remind_overdue(*, today: date | None = None) -> int:
    """Remind the holders of every open item whose deadline has passed; returns the new reminders.

    The key `overdue:<item>:<day>` is unique per person, so however often the job runs, each holder
    gets one reminder per item per day. Items are read in keyset chunks along the partial index
    `inbox_open_due` (due_on, open items only): three queries per chunk, whatever its size.
    """
    today = today or timezone.localdate()
    overdue = (
        InboxItem.objects.filter(status__in=InboxItem.OPEN_STATUSES, due_on__lt=today)
        .select_related("letter", "position")
        .order_by("due_on", "id")
    )
    created = 0
    last: tuple[date, int] | None = None
    while True:
        rows = overdue
        if last is not None:
            rows = rows.filter(Q(due_on__gt=last[0]) | Q(due_on=last[0], id__gt=last[1]))
        chunk = list(rows[:CHUNK_SIZE])
        if not chunk:
            return created
        holders = holders_of(position_ids={item.position_id for item in chunk}, on=today)
        notices = []
        for item in chunk:
            title, body = reminder_text(item, today=today)
            key = f"overdue:{item.pk}:{today.isoformat()}"
            url = item.letter.get_absolute_url()
            notices += [
                Notice(user=user, key=key, title=title, body=body, url=url)
                for user in holders.get(item.position_id, [])
            ]
        created += len(notify_each(notices=notices))
        last = (chunk[-1].due_on, chunk[-1].pk)


def reminder_text(item: InboxItem, *, today: date) -> tuple[str, str]:
    """Title and body of an overdue reminder; a secret letter's names neither perihal nor sender."""
    what = "Disposisi" if item.reason == InboxItem.Reason.DISPOSITION else "Surat"
    late = (today - item.due_on).days
    deadline = f"Batas waktunya {formats.date_format(item.due_on)}, sudah lewat {late} hari."
    if item.letter.is_narrowed:
        subject = f"surat {sifat_of(item)} nomor agenda {item.letter.agenda_label} untuk {item.position}"
        body = f"{deadline} Buka Kantor Virtual untuk membacanya."
    else:
        subject = item.letter.subject
        body = f"{deadline} Status: {item.get_status_display().lower()}. Nomor agenda {item.letter.agenda_label}."
    return f"{what} melewati batas waktu: {subject}", body
