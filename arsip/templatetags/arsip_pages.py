"""Small helpers of the archive's pages: its part of the navigation and its timeline wording."""

from django import template

from arsip.disposal_selectors import may_read_berita_acara
from kantor_virtual.models import Event
from organisasi.models import RoleGrant
from organisasi.selectors import role_grants_of

register = template.Library()

EVENT_LABELS = {
    "filed": "Diberkaskan",
    "berkas_opened": "Berkas dibuka",
    "export_requested": "Ekspor berkas diminta",
    "code_created": "Kode ditambahkan",
    "code_changed": "Kode diubah",
    "code_deactivated": "Kode dinonaktifkan",
    "retention_set": "Jadwal retensi diisi",
    "retention_removed": "Jadwal retensi dihapus; mengikuti induk",
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
    """Which archive pages the menu offers, from the roles and positions read once for the request."""
    request = context["request"]
    positions = request.acting_positions
    roles = [RoleGrant.Role.ARSIPARIS, RoleGrant.Role.OPERATOR, RoleGrant.Role.ADMIN]
    grants = {grant for grant in role_grants_of(user=request.user) if grant[0] in roles}
    held = {role for role, _ in grants}
    return {
        "keeps": RoleGrant.Role.ARSIPARIS in held,
        # Operators and arsiparis file an OPD's letters and keep its daftar arsip.
        "files": bool(held & {RoleGrant.Role.ARSIPARIS, RoleGrant.Role.OPERATOR}),
        # The province's arsiparis and the administrators keep the codes and the JRA.
        "schedule": (RoleGrant.Role.ARSIPARIS, None) in grants
        or RoleGrant.Role.ADMIN in held
        or request.user.is_superuser,
        "decides": any(position.heads_opd for position in positions),
        "works": bool(positions),
    }


@register.filter
def archive_event(event: Event) -> str:
    return EVENT_LABELS.get(event.verb, event.verb.replace("_", " ").capitalize())


@register.simple_tag(takes_context=True)
def berita_acara_readable(context, letter) -> bool:
    """Whether the page offers the berita acara's PDF to the person reading it: the same answer as its
    download (arsip.disposal_selectors.may_read_berita_acara)."""
    return may_read_berita_acara(user=context["request"].user, letter=letter)
