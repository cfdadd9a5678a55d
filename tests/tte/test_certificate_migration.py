"""Certificates issued before the lifecycle existed stay valid: issued (or revoked), with their holder's
identity, and still the one live certificate of their holder."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tte.models import Certificate

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("tte", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_certificates_stay_issued_with_their_identity(office):
    kadis, plt = office["kadis"], office["plt_kabid"]
    kadis.nik = "5371011203750001"
    kadis.save(update_fields=["nik"])
    try:
        old = _migrate(BEFORE)
        authority = old.get_model("tte", "Authority").objects.create(
            name="Kantor Virtual Root CA",
            certificate_pem="-",
            key_pem="-",
            tsa_certificate_pem="-",
            tsa_key_pem="-",
        )
        now = timezone.now()
        old_certificate = old.get_model("tte", "Certificate")
        common = {"authority_id": authority.pk, "certificate_pem": "-", "key_pem": "-", "subject": "CN=x"}
        old_certificate.objects.create(
            user_id=kadis.pk, serial="a1", not_before=now, not_after=now + timedelta(days=730), **common
        )
        old_certificate.objects.create(
            user_id=plt.pk,
            serial="b2",
            not_before=now - timedelta(days=9),
            not_after=now + timedelta(days=720),
            revoked_at=now,
            revocation_reason="key_compromise",
            **common,
        )
    finally:
        _migrate(_leaves())  # the rest of the suite runs on the latest schema

    issued, revoked = Certificate.objects.get(serial="a1"), Certificate.objects.get(serial="b2")
    assert (issued.status, issued.issuer, issued.can_sign) == ("issued", "local", True)
    assert (issued.nik, issued.nip, issued.full_name, issued.email) == (
        "5371011203750001",
        "197408151999031001",
        "Hendra Siregar",
        kadis.email,
    )
    assert issued.requested_at == issued.decided_at == issued.not_before and issued.decided_by is None
    assert (revoked.status, revoked.state_label, revoked.nik) == ("issued", "Dicabut", "")
    assert list(Certificate.objects.filter(user=kadis, revoked_at__isnull=True)) == [issued]


def _leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
