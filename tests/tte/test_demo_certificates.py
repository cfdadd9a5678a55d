"""The demo province signs from its first run: every pimpinan, Plt and Plh holds a certificate
under the demo passphrase, and a second run issues none."""

import pytest
from django.utils import timezone

from organisasi.demo import seed_demo_province
from organisasi.models import User
from organisasi.selectors import is_pimpinan
from tte.backends import backend
from tte.demo import DEMO_TTE_PASSPHRASE, seed_demo_certificates
from tte.models import Certificate
from tte.signing import verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_province(db):
    """The demo province, and how many certificates its first seeding issued."""
    seed_demo_province()
    return seed_demo_certificates()


def test_every_demo_pimpinan_and_acting_official_can_sign_with_the_demo_passphrase(demo_province, pdf_bytes):
    today = timezone.localdate()
    signers = [user for user in User.objects.filter(is_active=True) if is_pimpinan(user=user, on=today)]
    holders = set(Certificate.objects.filter(revoked_at__isnull=True).values_list("user_id", flat=True))

    assert demo_province == len(signers) > 0
    assert {user.pk for user in signers} == holders
    plh = User.objects.get(email="nurul.hidayati@nusamandiri.go.id")  # Plh. Kepala Dinas Kesehatan
    signed = backend().sign(pdf=pdf_bytes("Surat demo"), signer=plh, passphrase=DEMO_TTE_PASSPHRASE)
    assert verify_pdf(signed).valid
    assert seed_demo_certificates() == 0
