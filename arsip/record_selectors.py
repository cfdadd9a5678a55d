"""Who may see one record, and how much of it: the archive follows the letter's own visibility."""

from arsip.models import Record
from arsip.selectors import keeper_scope
from organisasi.models import Opd, RoleGrant, User
from organisasi.selectors import role_scope
from persuratan.models import SecurityClass
from persuratan.outgoing_selectors import visible_outgoing
from persuratan.selectors import NO_ACCESS, Access, letter_access


def opds_archived_by(*, user: User):
    """OPDs whose records the user keeps as arsiparis: their own, or every OPD for the province's."""
    scope = role_scope(user=user, role=RoleGrant.Role.ARSIPARIS)
    opds = Opd.objects.order_by("name")
    return opds if scope.everywhere else opds.filter(pk__in=scope.opd_ids)


def is_arsiparis_of(*, user: User, opd_id: int) -> bool:
    return role_scope(user=user, role=RoleGrant.Role.ARSIPARIS).covers(opd_id)


def _letter_access(*, user: User, record: Record) -> Access:
    if record.incoming_id:
        return letter_access(user=user, letter=record.incoming)
    outgoing = visible_outgoing(user=user, pk=record.outgoing_id)
    return outgoing.access if outgoing is not None else NO_ACCESS


def _as_keeper(*, user: User, record: Record, letter: Access) -> Access:
    """A keeper of the OPD (its operator or arsiparis) sees a record's metadata always, and its
    contents unless it is rahasia (as arsip.selectors.records_readable_by)."""
    if not keeper_scope(user=user).covers(record.opd_id):
        return letter
    narrowed = record.security_class in SecurityClass.narrowed()
    return Access(metadata=True, full=letter.full or not narrowed)


def record_access(*, user: User, record: Record) -> Access:
    """What the user may see of a record: what they may see of its letter, widened for its keepers."""
    if not user.is_authenticated:
        return NO_ACCESS
    return _as_keeper(user=user, record=record, letter=_letter_access(user=user, record=record))


def visible_record(*, user: User, pk: int) -> Record | None:
    """The record with `record.access`, or None when missing or not the user's to see (the same answer)."""
    record = (
        Record.objects.select_related(
            "opd",
            "classification",
            "berkas",
            "incoming",
            "outgoing",
            "destroyed_by__berita_acara",
        )
        .filter(pk=pk)
        .first()
    )
    if record is None:
        return None
    # The letter's own page is linked only for those who may open it.
    record.letter_access = _letter_access(user=user, record=record)
    record.access = _as_keeper(user=user, record=record, letter=record.letter_access)
    return record if record.access.metadata else None


def is_lendable(record: Record) -> bool:
    """Only records still kept by the OPD can be lent: not destroyed, not handed over."""
    return record.state in (Record.State.ACTIVE, Record.State.INACTIVE)
