"""Small template helpers for letters: the inbox counter in the navigation and timeline wording."""

from django import template
from django.utils import timezone

from kantor_virtual.models import Event
from organisasi.models import RoleGrant
from organisasi.selectors import has_any_role
from persuratan.models import InboxItem
from persuratan.selectors import unread_counts

register = template.Library()

EVENT_LABELS = {
    "registered": "Dicatat di agenda",
    "delivered": "Masuk ke kotak masuk",
    "read": "Dibaca",
    "disposed": "Didisposisikan",
    "follow_up": "Tindak lanjut dilaporkan",
    "file_opened": "Berkas dibuka",
    "file_unreadable": "Berkas gagal dibaca (OCR)",
    "shared": "Dibagikan",
    "item_in_progress": "Mulai diproses",
    "item_done": "Ditandai selesai",
    "item_withdrawn": "Disposisi ditarik",
}


@register.simple_tag(takes_context=True)
def inbox_unread(context) -> int:
    """Unread items of the position the user acts as: two index counts, only where the menu is drawn."""
    request = context["request"]
    position = getattr(request, "acting_position", None)
    if not position:
        return 0
    return unread_counts(user=request.user, position_ids={position.pk}).get(position.pk, 0)


@register.simple_tag(takes_context=True)
def keeps_register(context) -> bool:
    """Operators and arsiparis see the agenda register in the menu."""
    roles = [RoleGrant.Role.OPERATOR, RoleGrant.Role.ARSIPARIS]
    return has_any_role(user=context["request"].user, roles=roles)


@register.filter
def event_label(event: Event) -> str:
    return EVENT_LABELS.get(event.verb, event.verb.replace("_", " ").capitalize())


@register.filter
def reason_label(reason: str) -> str:
    return InboxItem.Reason(reason).label


@register.filter
def overdue(item: InboxItem) -> bool:
    return item.is_overdue_on(timezone.localdate())
