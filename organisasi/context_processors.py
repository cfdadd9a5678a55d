from django.http import HttpRequest

from organisasi.selectors import opds_administered_by


def acting_position(request: HttpRequest) -> dict:
    """The header's position switcher reads these."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "acting_positions": request.acting_positions,
        "acting_position": request.acting_position,
        # A callable: the template evaluates it (one query) only where the menu is drawn.
        "can_edit_org_chart": lambda: opds_administered_by(user=request.user).exists(),
    }
