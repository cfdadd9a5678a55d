"""Business actions on the organisation: positions (jabatan), who holds them, Plt/Plh, CSV import.

Each public function is one action of an admin_opd (or of the province's admin): keyword-only, one
transaction, checks the actor, records the event on the timeline and says no with `Refused`.
"""

from organisasi.services.assignments import appoint_acting, assign_definitive, end_assignment
from organisasi.services.common import SYSTEM
from organisasi.services.org_chart_import import ImportReport, RowError, import_org_chart
from organisasi.services.positions import close_position, create_position, move_position

__all__ = [
    "SYSTEM",
    "ImportReport",
    "RowError",
    "appoint_acting",
    "assign_definitive",
    "close_position",
    "create_position",
    "end_assignment",
    "import_org_chart",
    "move_position",
]
