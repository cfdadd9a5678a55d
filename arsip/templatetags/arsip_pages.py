"""Small helpers of the archive's pages: its part of the navigation and its timeline wording."""

from django import template

from kantor_virtual.models import Event
from organisasi.models import RoleGrant
from organisasi.selectors import has_role

register = template.Library()

EVENT_LABELS = {
    "filed": "Diberkaskan",
    "proposed": "Diusulkan",
    "approved": "Disetujui",
    "rejected": "Ditolak",
    "carried_out": "Dilaksanakan setelah berita acara ditandatangani",
    "transferred": "Dipindahkan ke unit kearsipan",
    "destroyed": "Dimusnahkan",
    "handed_over": "Diserahkan kepada lembaga kearsipan daerah",
    "requested": "Peminjaman diajukan",
    "handed_out": "Diserahkan kepada peminjam",
    "returned": "Dikembalikan",
}


@register.simple_tag(takes_context=True)
def archive_menu(context) -> dict[str, bool]:
    """Which archive pages the menu offers: one query for the arsiparis role; the positions the user
    acts for are loaded already for the header."""
    request = context["request"]
    positions = request.acting_positions
    return {
        "keeps": has_role(user=request.user, role=RoleGrant.Role.ARSIPARIS),
        "decides": any(position.heads_opd for position in positions),
        "works": bool(positions),
    }


@register.filter
def archive_event(event: Event) -> str:
    return EVENT_LABELS.get(event.verb, event.verb.replace("_", " ").capitalize())
