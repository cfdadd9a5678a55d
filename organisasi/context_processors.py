from django.http import HttpRequest

from organisasi.selectors import administers_an_opd, is_admin


def acting_position(request: HttpRequest) -> dict:
    """The header's position switcher reads these."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "acting_positions": request.acting_positions,
        "acting_position": request.acting_position,
        "can_edit_org_chart": lambda: administers_an_opd(user=request.user),
        "is_admin_spbe": lambda: is_admin(user=request.user),
    }
