"""A Dinas with its Kepala Dinas (who signs), a Plt, staff who do not sign, an admin OPD and the
province's admin SPBE (the registration authority of certificates)."""

import pytest

from organisasi.models import RoleGrant

PASSPHRASE = "Pintu-Merah-2026"
NEW_PASSPHRASE = "Jendela-Biru-2027"
KADIS_NIK = "5371011203750001"


@pytest.fixture
def office(opd, make_position, make_user, grant_role, make_admin_opd):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    kabid = make_position(name="Kepala Bidang Statistik", parent=kadis)
    staf = make_position(name="Pranata Komputer", parent=kabid, kind="fungsional")
    return {
        "kadis": make_user(holds=kadis, full_name="Hendra Siregar", nip="197408151999031001"),
        "plt_kabid": make_user(acts_for=kabid, full_name="Yohanes Manafe"),
        "staf": make_user(holds=staf, full_name="Made Wirawan"),
        "admin_opd": make_admin_opd(opd=opd, full_name="Rizky Pratama"),
        "admin": grant_role(make_user(full_name="Admin SPBE"), RoleGrant.Role.ADMIN),
        "kadis_position": kadis,
        "kabid_position": kabid,
    }


@pytest.fixture
def ask(office):
    """`ask(user, **changes)`: request_certificate with a valid identity and passphrase, changed as told."""
    from tte.services import request_certificate

    def make(user=None, **changes):
        user = user or office["kadis"]
        fields = {
            "nik": KADIS_NIK if user == office["kadis"] else f"5371{user.pk:012d}",
            "email": user.email,
            "passphrase": PASSPHRASE,
            "passphrase_again": PASSPHRASE,
        }
        fields.update(changes)
        return request_certificate(actor=user, **fields)

    return make
