"""The second factor of one's own account: confirming an authenticator app, and recovery codes.

Recovery codes are the tokens of a django-otp static device: ten of them, shown once when the
authenticator is confirmed and whenever the person makes a new set (the old set then stops working).
Each works once, in place of the 6-digit code, for someone whose phone is not at hand.
"""

from __future__ import annotations

import re

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from organisasi.models import User

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Kode cadangan"
# StaticToken.random_token(): 8 characters of lower-case base32. Shown as "abcd-efgh".
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


def normal_recovery_code(text: str) -> str:
    """What the person typed, as the code is stored: spaces and dashes dropped, lower case."""
    return re.sub(r"[\s-]", "", text).lower()


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def make_recovery_codes(*, user: User) -> list[str]:
    """A new set of codes for `user`, to be shown once; every code of the earlier set stops working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in sorted(codes))
    record_event(target=user, verb="kode_cadangan_dibuat", actor=user, details={"jumlah": len(codes)})
    return [shown(code) for code in sorted(codes)]


@transaction.atomic
def confirm_authenticator(*, user: User, device: TOTPDevice) -> list[str]:
    """The first right code from a new authenticator app: it is confirmed, and its recovery codes made."""
    if device.user_id != user.pk:
        raise Refused("Perangkat ini bukan milik Anda.", code="not_own_device")
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    record_event(target=user, verb="verifikasi_diaktifkan", actor=user)
    return make_recovery_codes(user=user)


def use_recovery_code(*, user: User, code: str) -> StaticDevice:
    """Sign-in with a recovery code in place of the authenticator's: the code is used up. Refused
    for a wrong or used code, and while django-otp's throttle makes the person wait after failures."""
    with transaction.atomic():
        # Locked: the same code sent twice at once is accepted once.
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise Refused(
                "Akun Anda tidak memiliki kode cadangan. Masukkan kode 6 angka dari aplikasi autentikator.",
                code="no_recovery_codes",
            )
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise Refused(
                "Terlalu banyak percobaan. Tunggu beberapa detik, lalu coba lagi.", code="throttled"
            )
        accepted = device.verify_token(normal_recovery_code(code))  # deletes the token it accepts
        if accepted:
            left = device.token_set.count()
            record_event(target=user, verb="kode_cadangan_dipakai", actor=user, details={"sisa": left})
    # Refused after the commit: a failure's throttle step is kept, so the next try waits longer.
    if not accepted:
        raise Refused("Kode cadangan salah atau sudah pernah dipakai.", code="wrong_recovery_code")
    return device
