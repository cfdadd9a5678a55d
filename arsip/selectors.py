"""Reads of the archive's keepers: who keeps which OPD's records, the schedule as filing reads it,
letters waiting to be filed, berkas and the daftar arsip of an OPD.

The records of an OPD are kept by its operators (tata usaha, who file what they registered and
sent) and its arsiparis; a province-wide arsiparis keeps every OPD's, and alone with the
administrators keeps the province-wide classification codes and retention schedule. Keepers see
the metadata of every record of their OPDs; what a record says (its perihal, words, files) follows
the letter's own visibility, so a rahasia record stays with those the letter reached.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Case, CharField, Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from arsip.models import Berkas, FinalDisposition, Record
from arsip.retention import Code, Rule, applicable_rule
from organisasi.models import Opd, RoleGrant, User
from organisasi.selectors import RoleScope, is_admin, role_grants_of, role_scope
from persuratan.models import Classification, InboxItem, IncomingLetter, OutgoingLetter, SecurityClass
from persuratan.outgoing_selectors import outgoing_letters_visible_to
from persuratan.selectors import classification_ids, letters_visible_to

PAGE_SIZE = 50
# Letters of each kind waiting to be filed shown at once; the classification filter narrows them.
FILING_LIMIT = 50
# What a list, an export or a berita acara shows instead of the title (the perihal) of a rahasia or
# sangat rahasia record to someone who may not read its letter.
WITHHELD_TITLE = "[rahasia]"


# ── Keepers ──────────────────────────────────────────────────────────────────────────────────


def keeper_scope(*, user: User) -> RoleScope:
    """The OPDs whose records the user keeps, as operator or arsiparis."""
    if not user.is_authenticated:
        return RoleScope(frozenset())
    keepers = {RoleGrant.Role.OPERATOR, RoleGrant.Role.ARSIPARIS}
    grants = [grant for grant in role_grants_of(user=user) if grant[0] in keepers]
    return RoleScope(
        frozenset(opd_id for _, opd_id in grants if opd_id is not None),
        everywhere=(RoleGrant.Role.ARSIPARIS, None) in grants,
    )


def keeps_any(*, user: User) -> bool:
    scope = keeper_scope(user=user)
    return scope.everywhere or bool(scope.opd_ids)


def opds_kept_by(*, user: User) -> QuerySet[Opd]:
    scope = keeper_scope(user=user)
    opds = Opd.objects.order_by("name")
    return opds if scope.everywhere else opds.filter(pk__in=scope.opd_ids)


def keeps_schedule(*, user: User) -> bool:
    """Codes and the JRA are the province's: its arsiparis and the administrators keep them."""
    return is_admin(user=user) or role_scope(user=user, role=RoleGrant.Role.ARSIPARIS).everywhere


# ── The schedule as filing reads it ─────────────────────────────────────────────────────────


def rule_book() -> dict[int, Code]:
    """Every code with its parent and its own row of the schedule, for arsip.retention: one query.

    The classification table is small (a few thousand codes at most), so reading it whole is
    cheaper than walking each code's ancestors.
    """
    rows = Classification.objects.values_list(
        "pk",
        "code",
        "parent_id",
        "retention__active_years",
        "retention__inactive_years",
        "retention__final_disposition",
    )
    return {
        pk: Code(
            code=code,
            parent_id=parent_id,
            rule=Rule(code, active, inactive, disposition) if disposition else None,
        )
        for pk, code, parent_id, active, inactive, disposition in rows
    }


@dataclass(frozen=True)
class ScheduleRow:
    classification: Classification
    rule: Rule | None  # the applicable rule: the code's own, or inherited (rule.code differs)

    @property
    def inherited(self) -> bool:
        return self.rule is not None and self.rule.code != self.classification.code

    @property
    def disposition_label(self) -> str:
        return FinalDisposition(self.rule.final_disposition).label if self.rule else ""


def schedule_rows(*, prefix: str = "") -> list[ScheduleRow]:
    """The codes (those under `prefix`, with it) and the rule each follows: two queries."""
    book = rule_book()
    codes = Classification.objects.order_by("code")
    prefix = prefix.strip()
    if prefix:
        codes = codes.filter(Q(code=prefix) | Q(code__startswith=f"{prefix}."))
    return [ScheduleRow(code, applicable_rule(book, code.pk)) for code in codes]


# ── Letters waiting to be filed ─────────────────────────────────────────────────────────────


def finished_incoming() -> QuerySet[IncomingLetter]:
    """Incoming letters whose work is over: every addressee and disposition node done (withdrawn
    ones do not count), and not yet filed. Tembusan are for information and never "done": a letter
    that reached the OPD only as tembusan may be filed at once."""
    nodes = InboxItem.objects.filter(letter=OuterRef("pk")).exclude(status=InboxItem.Status.WITHDRAWN)
    open_work = nodes.filter(
        reason__in=[InboxItem.Reason.ADDRESSEE, InboxItem.Reason.DISPOSITION],
        status__in=InboxItem.OPEN_STATUSES,
    )
    return IncomingLetter.objects.filter(
        Exists(nodes), ~Exists(open_work), ~Exists(Record.objects.filter(incoming=OuterRef("pk")))
    )


def signed_outgoing() -> QuerySet[OutgoingLetter]:
    """Signed outgoing letters not yet filed."""
    return OutgoingLetter.objects.filter(status=OutgoingLetter.Status.SIGNED).filter(
        ~Exists(Record.objects.filter(outgoing=OuterRef("pk")))
    )


@dataclass(frozen=True)
class FilingCandidates:
    incoming: list[IncomingLetter]
    outgoing: list[OutgoingLetter]
    limit: int = FILING_LIMIT

    @property
    def cut_short(self) -> bool:
        """Whether more letters wait than are shown: the page says how to reach them."""
        return self.limit in (len(self.incoming), len(self.outgoing))


# What a row of the filing page shows of every letter (its perihal as `shown_subject`).
_FILING_ROW = ("opd", "security_class", "subject", "classification__code", "classification__name")


def letters_to_file(*, user: User, opd: Opd, classification: str = "") -> FilingCandidates:
    """The OPD's finished letters not yet filed, newest first, for its keepers, each with
    `shown_subject`: three queries (the user's grants and positions, then each kind), one more for
    a classification filter."""
    if not keeper_scope(user=user).covers(opd.pk):
        return FilingCandidates([], [])
    # Each letter's perihal as the keeper may see it (`shown_subject`), as records' titles are shown.
    narrowed = Q(security_class__in=SecurityClass.narrowed())
    readable_in = letters_visible_to(user=user, full_only=True).filter(pk=OuterRef("pk"))
    readable_out = outgoing_letters_visible_to(user=user, full_only=True).filter(pk=OuterRef("pk"))
    incoming = (
        finished_incoming()
        .filter(opd=opd)
        .select_related("classification")
        .only(*_FILING_ROW, "agenda_year", "agenda_number", "sender_name", "sender_number", "registered_at")
        .annotate(shown_subject=_withheld_unless(Exists(readable_in), narrowed=narrowed, title="subject"))
    )
    outgoing = (
        signed_outgoing()
        .filter(opd=opd)
        .select_related("classification")
        .only(*_FILING_ROW, "number", "signed_at")
        .annotate(shown_subject=_withheld_unless(Exists(readable_out), narrowed=narrowed, title="subject"))
    )
    if classification.strip():
        ids = classification_ids(classification)
        incoming, outgoing = (
            incoming.filter(classification_id__in=ids),
            outgoing.filter(classification_id__in=ids),
        )
    return FilingCandidates(
        incoming=list(incoming.order_by("-registered_at", "-id")[:FILING_LIMIT]),
        outgoing=list(outgoing.order_by("-signed_at", "-id")[:FILING_LIMIT]),
    )


def berkas_choices(*, opd: Opd, today: date | None = None) -> QuerySet[Berkas]:
    """Berkas of this year and the last that letters may still be filed into."""
    year = (today or timezone.localdate()).year
    return (
        Berkas.objects.filter(opd=opd, year__gte=year - 1)
        .select_related("classification")
        .order_by("-year", "-number")
    )


# ── Berkas and records ──────────────────────────────────────────────────────────────────────


def records_readable_by(*, user: User) -> QuerySet[Record]:
    """Records whose contents the user may read: those whose letter they may read in full, and as a
    keeper of the OPD every record that is not rahasia (as arsip.record_selectors.record_access)."""
    scope = keeper_scope(user=user)
    not_narrowed = ~Q(security_class__in=SecurityClass.narrowed())
    by_role = not_narrowed if scope.everywhere else not_narrowed & Q(opd_id__in=scope.opd_ids)
    return Record.objects.filter(
        by_role
        | Q(incoming_id__in=letters_visible_to(user=user, full_only=True).values("pk"))
        | Q(outgoing_id__in=outgoing_letters_visible_to(user=user, full_only=True).values("pk"))
    )


def _withheld_unless(readable, *, narrowed: Q, title: str) -> Case:
    """`title`, or WITHHELD_TITLE on a rahasia or sangat rahasia row (`narrowed`) the user may not read
    (`readable`, looked up per row by primary key; CASE asks it of the rahasia rows only)."""
    return Case(
        When(narrowed & ~readable, then=Value(WITHHELD_TITLE)), default=F(title), output_field=CharField()
    )


def shown_title(*, user: User, via: str = "") -> Case:
    """A record's title as `user` may see it, an expression to annotate the rows of a list with: the
    title, or WITHHELD_TITLE for a rahasia or sangat rahasia record whose letter the user may not read
    in full. Keepers and a proposal's approver see such a record's register entry, not its perihal.

    `via` is the way from the rows to their record (`"record__"` for loans). The lists that name
    records to people who may not read them all (due lists, proposals and their berita acara, loans,
    a berkas) take their titles from here, so the rule is decided once, in the list's own query: the
    letter's visibility (persuratan) is looked up by its primary key, for the rahasia rows only,
    whatever the page size. For those rows it is the rule of `records_readable_by`: the letter
    reached the user (or, outgoing, they drafted, reviewed or signed it). The archive search and the
    berkas zip hold only records their user may read (`records_readable_by`, downloads.may_export).
    """
    incoming = letters_visible_to(user=user, full_only=True).filter(pk=OuterRef(f"{via}incoming_id"))
    outgoing = outgoing_letters_visible_to(user=user, full_only=True).filter(pk=OuterRef(f"{via}outgoing_id"))
    return _withheld_unless(
        Exists(incoming) | Exists(outgoing),
        narrowed=Q(**{f"{via}security_class__in": SecurityClass.narrowed()}),
        title=f"{via}title",
    )


def kept_berkas(*, user: User, pk: int) -> Berkas | None:
    """A berkas for a keeper of its OPD; None for anyone else (the same answer as a missing one)."""
    berkas = (
        Berkas.objects.select_related("opd", "unit", "classification", "created_by").filter(pk=pk).first()
    )
    if berkas is None or not keeper_scope(user=user).covers(berkas.opd_id):
        return None
    return berkas


def records_in(*, user: User, berkas: Berkas) -> list[Record]:
    """The berkas's records in filing order, each with `shown_title` (a rahasia record shows only its
    metadata to those who may not read it): one query, after the user's positions and grants."""
    return list(
        berkas.records.annotate(shown_title=shown_title(user=user))
        .select_related("classification")
        .defer("search", "text")
        .order_by("letter_date", "id")
    )


# ── Daftar arsip aktif / inaktif ─────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class RegisterFilters:
    state: str = Record.State.ACTIVE
    year: int | None = None
    classification: str = ""  # a code; its children match too
    unit_id: int | None = None


@dataclass(frozen=True)
class RegisterRow:
    """One line of the daftar: a berkas and what it holds in the state listed."""

    berkas: Berkas
    count: int
    first_date: date
    last_date: date
    originals: int
    kept_until: date  # the last day of the state listed, over its records
    dispositions: list[str]

    @property
    def period(self) -> str:
        """Tahun/kurun waktu: one year, or the first and last years of its letters."""
        first, last = self.first_date.year, self.last_date.year
        return str(first) if first == last else f"{first}–{last}"

    @property
    def disposition_labels(self) -> str:
        return ", ".join(FinalDisposition(value).label for value in self.dispositions)

    @property
    def copy_status(self) -> str:
        if self.originals == self.count:
            return "Asli"
        return "Salinan" if self.originals == 0 else "Asli dan salinan"


RegisterCursor = tuple[int, int]  # (year, number) of the last berkas shown


def parse_register_cursor(raw: str | None) -> RegisterCursor | None:
    """`2026-17` → (2026, 17); anything else means the first page."""
    year, _, number = (raw or "").partition("-")
    return (int(year), int(number)) if year.isdigit() and number.isdigit() and len(year) == 4 else None


def register_rows(
    *,
    user: User,
    opd: Opd,
    filters: RegisterFilters = RegisterFilters(),
    after: RegisterCursor | None = None,
    limit: int | None = PAGE_SIZE,
) -> list[RegisterRow]:
    """The daftar arsip of the OPD for its keepers; nothing for anyone else (see `daftar_rows`)."""
    if not keeper_scope(user=user).covers(opd.pk):
        return []
    return daftar_rows(opd=opd, filters=filters, after=after, limit=limit)


def daftar_rows(
    *,
    opd: Opd,
    filters: RegisterFilters = RegisterFilters(),
    after: RegisterCursor | None = None,
    limit: int | None = PAGE_SIZE,
) -> list[RegisterRow]:
    """The OPD's berkas holding records in the state asked for, newest year first and by number
    within a year, each with its count, period and retention. Unchecked: the printing worker reads
    it for whoever asked; people go through `register_rows`.

    Keyset on (year, number), the berkas_number_per_opd_year index; `limit=None` gives every row
    (the printed daftar). One query, one more for a classification filter.
    """
    in_state = Q(records__state=filters.state)
    kept_until = (
        "records__inactive_until" if filters.state == Record.State.INACTIVE else "records__active_until"
    )
    rows = Berkas.objects.filter(opd=opd)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.unit_id:
        rows = rows.filter(unit_id=filters.unit_id)
    if filters.classification.strip():
        rows = rows.filter(classification_id__in=classification_ids(filters.classification))
    if after is not None:
        year, number = after
        rows = rows.filter(Q(year__lt=year) | Q(year=year, number__gt=number))
    rows = (
        rows.annotate(
            count=Count("records", filter=in_state),
            originals=Count("records", filter=in_state & Q(records__original=True)),
            first_date=Min("records__letter_date", filter=in_state),
            last_date=Max("records__letter_date", filter=in_state),
            kept_until=Max(kept_until, filter=in_state),
            dispositions=ArrayAgg("records__final_disposition", filter=in_state, distinct=True, default=[]),
        )
        .filter(count__gt=0)
        .select_related("classification", "unit")
        .order_by("-year", "number")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        RegisterRow(
            berkas=row,
            count=row.count,
            first_date=row.first_date,
            last_date=row.last_date,
            originals=row.originals,
            kept_until=row.kept_until,
            dispositions=sorted(row.dispositions),
        )
        for row in rows
    ]
