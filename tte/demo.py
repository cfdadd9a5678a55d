"""Demo signing certificates: every demo pimpinan, Plt and Plh can sign from the first run.

Runs after `organisasi.demo.seed_demo_province()`. Each person acting today for a struktural
position gets a certificate of the installation's authority, its key under one demo passphrase
(printed with the demo logins). A second run finds them all and issues nothing.
"""

from django.db.models import Q
from django.utils import timezone

from organisasi.models import Position, User
from tte.models import Certificate
from tte.services import enrol

DEMO_TTE_PASSPHRASE = "TandaTangan-Demo-2026"


def seed_demo_certificates() -> int:
    """Certificates issued by this call (0 on a second run)."""
    today = timezone.localdate()
    signers = (
        # One filter() call: the three conditions hold for the same assignment.
        User.objects.filter(
            Q(assignments__end__isnull=True) | Q(assignments__end__gte=today),
            is_active=True,
            assignments__position__kind=Position.Kind.STRUKTURAL,
            assignments__start__lte=today,
        )
        .exclude(pk__in=Certificate.objects.filter(revoked_at__isnull=True).values("user_id"))
        .distinct()
        .order_by("pk")
    )
    issued = 0
    for user in signers:
        enrol(user=user, passphrase=DEMO_TTE_PASSPHRASE)
        issued += 1
    return issued
