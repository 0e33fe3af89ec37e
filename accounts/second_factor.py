"""The second factor (tweede factor) of local accounts: its devices and recovery codes.

Services: every change to a user's authenticator app or recovery codes goes through here.
"""

import time

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_DEVICE_NAME = "backup"  # the name django-two-factor-auth's login step looks for
RECOVERY_CODE_COUNT = 10


def recovery_codes_remaining(user) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_DEVICE_NAME, device__confirmed=True
    ).count()


@transaction.atomic
def recovery_codes_renew(user) -> list[str]:
    """A new set of single-use recovery codes (herstelcodes); the old set stops working.
    The codes are returned once, to be shown once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def authenticator_remove(user) -> None:
    """Forget the user's authenticator app and recovery codes (lost or new telephone); the
    next page asks to set up a new one."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the authenticator app of this device shows now (or at a Unix time)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"
