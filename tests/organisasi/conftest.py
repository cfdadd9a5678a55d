"""The administrators of these tests: an admin OPD of the test OPD and an admin SPBE."""

import pytest

from organisasi.models import RoleGrant


@pytest.fixture
def admin(make_admin_opd, opd):
    return make_admin_opd(opd=opd, full_name="Admin Kominfos")


@pytest.fixture
def spbe(make_user, grant_role):
    return grant_role(make_user(full_name="Tim SPBE"), RoleGrant.Role.ADMIN)
