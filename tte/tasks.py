"""Thin tasks: load, call a service, safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True)
def announce_expiring_certificates() -> int:
    """Daily (beat, 07:00 office time); each certificate's notification key makes a second run a no-op."""
    from tte.services import announce_expiring  # here, as in the other apps' task modules

    return announce_expiring()
