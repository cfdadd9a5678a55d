"""Reads for the public statistics page: submissions, completion time against the time limit and the
IKM, per service and per OPD, for a period.

Aggregates only, computed by PostgreSQL in a fixed number of queries whatever the number of
services, and kept in the cache until a submission is made or finished or a survey answered (the
key holds the latest of each), so the page costs the same in a province's tenth year as in its
first. `Figures` holds the exact numbers; `Figures.published` hides what could point at a person
(counts below MIN_SHOWN, and anything derived from so few) together with what `suppressed` adds so
that nothing hidden can be worked out from the totals, and pages only ever receive `Published` values.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import number_format

from kantor_virtual.fragments import drawn_values
from layanan_publik.ikm import CONVERSION, Ikm, ikm_of, nrr, rounded, weakest
from layanan_publik.models import SKM_ELEMENTS, Service, Submission, SurveyResponse
from organisasi.models import Opd

MIN_SHOWN = 5
STATISTICS_CACHE_SECONDS = 24 * 60 * 60  # the key changes with the data; this only bounds old entries
SMALL = f"< {MIN_SHOWN}"
ELEMENT_LABELS = dict(SKM_ELEMENTS)

# Weekdays from a Monday (1970-01-05) up to and including the date {day}: five per whole week, plus
# the days of the last week up to Friday.
_WEEKDAYS_UP_TO = (
    "(5 * ((({day}) - DATE '1970-01-05') / 7) + least(mod(({day}) - DATE '1970-01-05', 7) + 1, 5))"
)


class WorkingDaysBetween(Func):
    """The SQL twin of layanan_publik.workdays.working_days_between (a test holds them equal), so that
    the median completion time is one aggregate and not a loop over submissions."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        (start, start_params), (end, end_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = f"({_WEEKDAYS_UP_TO.format(day=end)} - {_WEEKDAYS_UP_TO.format(day=start)})"
        return sql, (*end_params, *end_params, *start_params, *start_params)


class Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year + 1, 1, 1))

    def bounds(self) -> tuple[datetime, datetime]:
        """The first and the first excluded moment, in the office's time zone."""
        return tuple(timezone.make_aware(datetime.combine(day, time.min)) for day in (self.start, self.end))


@dataclass(frozen=True)
class ElementScore:
    name: str
    label: str
    nrr: Decimal
    converted: Decimal


@dataclass(frozen=True)
class Published:
    """Figures as anyone may read them: a count below MIN_SHOWN reads "< 5", and nothing derived from
    fewer than MIN_SHOWN submissions or respondents is shown at all (None)."""

    submitted: str
    finished: str
    median_days: float | None
    in_time_percent: Decimal | None
    respondents: str
    ikm: Ikm | None
    elements: list[ElementScore]
    weakest: ElementScore | None


def shown_count(value: int) -> str:
    return SMALL if value < MIN_SHOWN else number_format(value, force_grouping=True)


@dataclass(frozen=True)
class Figures:
    """What one service or OPD did in the period, exact; for pages, see `published`."""

    submitted: int = 0  # submitted in the period
    finished: int = 0  # finished in the period
    finished_in_time: int = 0  # of those, on or before their time limit (due_on)
    median_days: float | None = None  # working days from submission to finish, of those finished
    respondents: int = 0  # SKM answered in the period
    totals: dict[str, int] = field(default_factory=dict)  # sum of the answers per element

    def nrrs(self) -> dict[str, Fraction]:
        return {name: nrr(total=self.totals[name], respondents=self.respondents) for name in ELEMENT_LABELS}

    def published(self, *, hidden: frozenset[str] = frozenset()) -> Published:
        """What anyone may read; `hidden` names further cells to hide (`suppressed`): counts among
        COUNTS, and "in_time" or "ikm" for what is derived from the finished or the respondents."""
        finished_shown = self.finished >= MIN_SHOWN and "finished" not in hidden
        in_time = (
            rounded(Fraction(100 * self.finished_in_time, self.finished), 0)
            if finished_shown and "in_time" not in hidden
            else None
        )
        ikm, elements, weakest_score = None, [], None
        if self.respondents >= MIN_SHOWN and not {"respondents", "ikm"} & hidden:
            nrrs = self.nrrs()
            ikm = ikm_of(nrrs)
            elements = [
                ElementScore(name, ELEMENT_LABELS[name], rounded(value), rounded(value * CONVERSION))
                for name, value in nrrs.items()
            ]
            weakest_score = next(score for score in elements if score.name == weakest(nrrs))
        return Published(
            submitted=SMALL if "submitted" in hidden else shown_count(self.submitted),
            finished=SMALL if "finished" in hidden else shown_count(self.finished),
            median_days=self.median_days if finished_shown else None,
            in_time_percent=in_time,
            respondents=SMALL if "respondents" in hidden else shown_count(self.respondents),
            ikm=ikm,
            elements=elements,
            weakest=weakest_score,
        )


# ── Complementary suppression ────────────────────────────────────────────────────────────────
# The page's figures add up: the province's are its OPDs', an OPD's are its services'. A lone hidden
# cell in such a group could be worked out from its total and the cells shown beside it, so each
# group hides either none of its cells or at least two, and what is derived from a total (the IKM,
# the share finished in time) is not shown beside hidden parts that together hold fewer than five.

COUNTS = ("submitted", "finished", "respondents")
DERIVED = {"in_time": "finished", "ikm": "respondents"}  # what is derived → the count it comes from
PROVINCE = ("province", 0)
Node = tuple[str, int]  # ("province", 0), ("opd", pk) or ("service", pk)


def _hide_complements(groups: dict[Node, list[Node]], value: dict[Node, int], hidden: set[Node]) -> set[Node]:
    """Counts: besides the cells below MIN_SHOWN, the fewest more so that in every group (a total
    and its parts) a hidden part holding someone has a hidden companion, and a hidden total a
    hidden part. The companion is the smallest part shown (the least taken from the reader)."""
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for total, parts in groups.items():
            shown = sorted(
                (part for part in parts if part not in hidden), key=lambda part: (value[part], part)
            )
            hidden_parts = [part for part in parts if part in hidden]
            # A part worked out as 0 tells nothing of anyone: only a positive one needs a companion.
            lone = len(hidden_parts) == 1 and value[hidden_parts[0]] > 0 and total not in hidden
            bare = total in hidden and parts and len(shown) == len(parts)
            if lone or bare:
                hidden.add(shown[0] if shown else total)
                changed = True
    return hidden


def _hide_derived(groups: dict[Node, list[Node]], base: dict[Node, int], hidden: set[Node]) -> set[Node]:
    """A total's IKM (or share in time) less those of the parts shown is the hidden parts' together:
    those parts must hold at least MIN_SHOWN respondents (or finished submissions) between them, or
    more is hidden."""
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for total, parts in groups.items():
            if total in hidden:
                continue
            pooled = sum(base[part] for part in parts if part in hidden)
            if 0 < pooled < MIN_SHOWN:
                shown = sorted(
                    (part for part in parts if part not in hidden), key=lambda part: (base[part], part)
                )
                hidden.add(shown[0] if shown else total)
                changed = True
    return hidden


def suppressed(
    *, by_service: dict[int, "Figures"], by_opd: dict[int, "Figures"], opd_of: dict[int, int]
) -> dict[Node, frozenset[str]]:
    """Which cells of each row (beyond its own small counts) the page hides, so that no hidden count
    and no lone respondent's answers can be worked out by subtracting what is shown from a total.
    `opd_of` maps each service to its OPD."""
    figures: dict[Node, Figures] = {("service", pk): f for pk, f in by_service.items()}
    figures |= {("opd", pk): f for pk, f in by_opd.items()}
    figures[PROVINCE] = _province(by_opd)
    groups: dict[Node, list[Node]] = {PROVINCE: [("opd", pk) for pk in by_opd]}
    for pk in by_service:
        groups.setdefault(("opd", opd_of[pk]), []).append(("service", pk))
    cells: dict[Node, set[str]] = defaultdict(set)
    hidden_counts = {}
    for column in COUNTS:
        value = {node: getattr(f, column) for node, f in figures.items()}
        small = {node for node, count in value.items() if count < MIN_SHOWN}
        hidden_counts[column] = _hide_complements(groups, value, small)
        for node in hidden_counts[column]:
            cells[node].add(column)
    for derived, column in DERIVED.items():
        base = {node: getattr(f, column) for node, f in figures.items()}
        for node in _hide_derived(groups, base, hidden_counts[column]):
            cells[node].add(derived)
    return {node: frozenset(columns) for node, columns in cells.items()}


def _submission_figures(period: Period, *, by: str) -> dict[int, dict]:
    """Counts and the median completion time, grouped by `by` (service_id or opd_id): one query.
    A submission counts where it was submitted and where it finished, which may be different periods."""
    start, end = period.bounds()
    made = Q(submitted_at__gte=start, submitted_at__lt=end)
    finished = Q(status=Submission.Status.FINISHED, finished_at__gte=start, finished_at__lt=end)
    rows = Submission.objects.filter(made | finished)
    took = WorkingDaysBetween(TruncDate("submitted_at"), TruncDate("finished_at"))
    grouped = (
        rows.values(by)
        .annotate(
            submitted=Count("pk", filter=made),
            finished=Count("pk", filter=finished),
            finished_in_time=Count("pk", filter=finished & Q(finished_at__date__lte=F("due_on"))),
            median_days=Median(took, filter=finished),
        )
        .order_by()
    )
    return {row.pop(by): row for row in grouped}


def _survey_totals(period: Period) -> list[dict]:
    """Respondents and the sum of each element's answers per service (and its OPD): one query."""
    start, end = period.bounds()
    rows = SurveyResponse.objects.filter(answered_at__gte=start, answered_at__lt=end)
    sums = {name: Sum(name) for name in ELEMENT_LABELS}
    return list(rows.values("service_id", "opd_id").annotate(respondents=Count("pk"), **sums).order_by())


def _added(survey_rows: list[dict]) -> dict:
    return {
        "respondents": sum(row["respondents"] for row in survey_rows),
        "totals": {name: sum(row[name] for row in survey_rows) for name in ELEMENT_LABELS},
    }


def _combined(counts: dict[int, dict], answers: dict[int, dict]) -> dict[int, Figures]:
    return {
        key: Figures(**counts.get(key, {}), **answers.get(key, {})) for key in counts.keys() | answers.keys()
    }


def _data_version() -> str:
    """What the figures depend on, in one query of three index lookups: a new submission, a new
    finish or a new survey answer changes it (none of them is ever edited afterwards)."""
    submissions, answers = Submission._meta.db_table, SurveyResponse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {submissions}), (SELECT max(finished_at) FROM {submissions}),"
            f" (SELECT max(id) FROM {answers})"
        )
        made, finished, answered = cursor.fetchone()
    return f"{made}:{finished.isoformat() if finished else ''}:{answered}"


@dataclass(frozen=True)
class PublishedFigures:
    """What the page shows of a period, published once per state of the data and then cached."""

    by_service: dict[int, Published]
    by_opd: dict[int, Published]
    overall: Published  # the province's, added up (a median does not add up: it has none)
    empty: Published


def published_key(*, period: Period) -> str:
    """What the published figures of a period depend on: the period and the data's version."""
    return f"{settings.STATISTICS_CACHE_PREFIX}published:{period.start}:{period.end}:{_data_version()}"


def _province(by_opd: dict[int, Figures]) -> Figures:
    everything = list(by_opd.values())
    return Figures(
        submitted=sum(f.submitted for f in everything),
        finished=sum(f.finished for f in everything),
        finished_in_time=sum(f.finished_in_time for f in everything),
        respondents=sum(f.respondents for f in everything),
        totals={name: sum(f.totals.get(name, 0) for f in everything) for name in ELEMENT_LABELS},
    )


def published_figures(*, key: str, period: Period) -> PublishedFigures:
    """The province's figures of a period, published (`suppressed`), from the cache while nothing
    they count has changed (`key`, from `published_key`): the IKM of every service is worked out
    with exact fractions, once, not on every visit. A page about one OPD shows its part of these,
    so that two pages never hide different cells of the same figures."""
    published = cache.get(key)
    if published is None:
        by_service, by_opd = figures_for(period=period)
        opd_of = dict(Service.objects.filter(pk__in=list(by_service)).values_list("pk", "opd_id"))
        hidden = suppressed(by_service=by_service, by_opd=by_opd, opd_of=opd_of)
        none = frozenset()
        published = PublishedFigures(
            by_service={
                pk: f.published(hidden=hidden.get(("service", pk), none)) for pk, f in by_service.items()
            },
            by_opd={pk: f.published(hidden=hidden.get(("opd", pk), none)) for pk, f in by_opd.items()},
            overall=_province(by_opd).published(hidden=hidden.get(PROVINCE, none)),
            empty=Figures().published(),
        )
        cache.set(key, published, timeout=STATISTICS_CACHE_SECONDS)
    return published


def figures_for(*, period: Period) -> tuple[dict[int, Figures], dict[int, Figures]]:
    """Exact figures by service id and by OPD id, in three queries. Survey sums add up from services to
    OPDs; medians do not, so the OPDs' come from a query of their own."""
    survey = _survey_totals(period)
    per_opd = defaultdict(list)
    for row in survey:
        per_opd[row["opd_id"]].append(row)
    by_service = _combined(
        _submission_figures(period, by="service_id"),
        {row["service_id"]: _added([row]) for row in survey},
    )
    by_opd = _combined(
        _submission_figures(period, by="opd_id"),
        {key: _added(rows) for key, rows in per_opd.items()},
    )
    return by_service, by_opd


@dataclass(frozen=True)
class ServiceRow:
    service: Service
    figures: Published


@dataclass(frozen=True)
class OpdRow:
    opd: Opd
    figures: Published
    services: list[ServiceRow]


@dataclass(frozen=True)
class PublicStatistics:
    period: Period
    opds: list[OpdRow]
    overall: Published  # everything shown, added up (a median does not add up: it has none)
    # Everything the tables draw: the figures' key and each service as shown. The page keeps its
    # rendered tables under it (kantor_virtual.fragments).
    drawn: tuple


# What the tables show of a service and its OPD (layanan_publik/statistics.html and its includes).
SERVICE_DRAWN = ("pk", "name", "sla_days", "opd.pk", "opd.code", "opd.name", "opd.short_name")


def public_statistics(*, period: Period, opd: Opd | None = None) -> PublicStatistics:
    """The statistics page: each OPD with its services (active ones, and any with figures in the
    period), already published. Five queries whatever the number of services, two when the figures
    come from the cache."""
    opd_id = opd.pk if opd is not None else None
    key = published_key(period=period)
    figures = published_figures(key=key, period=period)
    services = Service.objects.select_related("opd").filter(
        Q(active=True) | Q(pk__in=list(figures.by_service))
    )
    if opd_id is not None:
        services = services.filter(opd_id=opd_id)
    grouped: dict[int, list[Service]] = defaultdict(list)
    for service in services.order_by("opd__name", "-is_general", "name"):
        grouped[service.opd_id].append(service)
    rows = [
        OpdRow(
            opd=members[0].opd,
            figures=figures.by_opd.get(opd_key, figures.empty),
            services=[ServiceRow(s, figures.by_service.get(s.pk, figures.empty)) for s in members],
        )
        for opd_key, members in grouped.items()
    ]
    shown = [item.service for row in rows for item in row.services]
    overall = figures.overall if opd is None else figures.by_opd.get(opd.pk, figures.empty)
    return PublicStatistics(
        period=period, opds=rows, overall=overall, drawn=(key, opd_id, *drawn_values(shown, SERVICE_DRAWN))
    )
