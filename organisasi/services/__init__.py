"""Business actions on the organisation: positions (jabatan), who holds them, Plt/Plh, CSV import,
people's accounts, passwords and the second factor.

Each public function is one action of an admin_opd (or of the province's admin), or of a person on
their own account: keyword-only, one transaction, checks the actor, records the event on the timeline
and says no with `Refused`.
"""

from organisasi.services.assignments import appoint_acting, assign_definitive, end_assignment
from organisasi.services.common import SYSTEM
from organisasi.services.org_chart_import import ImportReport, RowError, import_org_chart
from organisasi.services.passwords import request_password_reset, set_password_by_link
from organisasi.services.people import (
    NewPerson,
    PasswordLink,
    can_manage_person,
    create_person,
    deactivate_person,
    reactivate_person,
    reset_second_factor,
    send_password_link,
    unlock_person,
)
from organisasi.services.positions import close_position, create_position, move_position
from organisasi.services.second_factor import confirm_authenticator, make_recovery_codes, use_recovery_code

__all__ = [
    "SYSTEM",
    "ImportReport",
    "NewPerson",
    "PasswordLink",
    "RowError",
    "appoint_acting",
    "assign_definitive",
    "can_manage_person",
    "close_position",
    "confirm_authenticator",
    "create_person",
    "create_position",
    "deactivate_person",
    "end_assignment",
    "import_org_chart",
    "make_recovery_codes",
    "move_position",
    "reactivate_person",
    "request_password_reset",
    "reset_second_factor",
    "send_password_link",
    "set_password_by_link",
    "unlock_person",
    "use_recovery_code",
]
