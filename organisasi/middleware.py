from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from kantor_virtual.access import is_public
from organisasi.selectors import positions_for, requires_second_factor

ACTING_POSITION_SESSION_KEY = "acting_position_id"


class ActingPositionMiddleware:
    """Sets `request.acting_positions` and `request.acting_position`: what the user sees follows
    the position they act as, chosen in the header and kept in the session."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        positions = SimpleLazyObject(lambda: positions_for(user=request.user, on=timezone.localdate()))
        request.acting_positions = positions

        def chosen():
            wanted = request.session.get(ACTING_POSITION_SESSION_KEY)
            return next((p for p in positions if p.pk == wanted), positions[0] if positions else None)

        request.acting_position = SimpleLazyObject(chosen)
        return self.get_response(request)


def _open_without_second_factor(path: str, open_names: set[str]) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name in open_names or is_public(match.func)


class SecondFactorMiddleware:
    """Pimpinan and admins who have not confirmed a TOTP code this session reach only the OTP pages
    and the public ones (kantor_virtual.access.public)."""

    OPEN_URL_NAMES = {"otp_verify", "otp_setup", "logout"}

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.OTP_REQUIRED
            and user.is_authenticated
            and not user.is_verified()
            and not _open_without_second_factor(request.path_info, self.OPEN_URL_NAMES)
            and requires_second_factor(user=user)
        ):
            return redirect("organisasi:otp_verify")
        return self.get_response(request)
