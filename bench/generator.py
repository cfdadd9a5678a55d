"""The benchmark's province: ten years of mail for 20,000 staff, loaded with PostgreSQL COPY.

The ORM would need hours for a million letters and their trees; COPY from generators needs minutes.
Rows are written as COPY text straight from Python, their ids taken by us from where each table's
ids end, and the big tables lose their secondary indexes and foreign keys while they fill and get
them back afterwards (rebuilt once instead of updated row by row, and validated whole). Everything
happens in one transaction, so a failed load leaves the database as it was, indexes included.

The data follow the office's rules as the services would have written them: agenda and outgoing
numbers gapless per OPD and year with their counters set after them, disposition trees down the
position tree, every node's state consistent with its follow-ups and reads, and each object's
timeline a valid hash chain (`kantor_virtual.timeline.compute_hash`).

A seed gives the same dataset on the same day (dates count back from today; only whether the last
hours' letters are read yet depends on the hour). Verification and tracking codes come from the
seeded generator too, in the shape the services give them, so they are reproducible as well.
"""

import base64
import heapq
import json
import multiprocessing
import random
import time
import traceback
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, count, islice
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from bench import wording
from bench.models import Dataset
from disposisi.models import Disposition, FollowUp, Instruction
from kantor_virtual.models import Event
from kantor_virtual.timeline import GENESIS_HASH, compute_hash
from layanan_publik.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    SKM_ELEMENTS,
    Applicant,
    Service,
    ServiceField,
    Submission,
    SubmissionVersion,
    SurveyResponse,
)
from layanan_publik.workdays import add_working_days
from organisasi.demo import DOMAIN, kind_of
from organisasi.models import Assignment, Opd, Position, RoleGrant, Unit, User
from persuratan.models import (
    AgendaCounter,
    Classification,
    Correspondent,
    InboxItem,
    InboxRead,
    IncomingLetter,
    OutgoingCounter,
    OutgoingLetter,
    OutgoingRecipient,
    Urgency,
)
from persuratan.reach import token as reach_token
from persuratan.services.outgoing import number_for
from persuratan.tallies import recount as recount_inbox_tallies

BENCH_PASSWORD = "tolokukur-2026"
HOUR, DAY = 3600, 86400
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
DEFAULT_SEED = 20260101
DEFAULT_USERS = 20_000
FIRST_YEAR = 2017
CHUNK = 20_000  # letters per round of COPY statements: bounds memory, keeps progress lines coming

# Tables that grow with the letters: filled without secondary indexes and foreign keys.
BIG_TABLES = (
    IncomingLetter,
    InboxItem,
    InboxRead,
    Disposition,
    FollowUp,
    Event,
    OutgoingLetter,
    OutgoingRecipient,
)

# Every table the generator writes rows to.
LOADED = (
    *BIG_TABLES,
    User,
    Unit,
    Position,
    Assignment,
    RoleGrant,
    Correspondent,
    Applicant,
    Submission,
    SubmissionVersion,
    SurveyResponse,
)

# How busy each demo OPD is (share of the mail) and how many staff it has.
MAIL_WEIGHT = {
    "SETDA": 25, "DISDIK": 16, "DINKES": 14, "DINSOS": 11, "DPMPTSP": 9,
    "BKD": 8, "BAPPEDA": 7, "DISKOMINFOS": 6, "DISPUSIP": 4,
}  # fmt: skip
STAFF_WEIGHT = {
    "SETDA": 12, "DISDIK": 20, "DINKES": 16, "DINSOS": 10, "DPMPTSP": 8,
    "BKD": 8, "BAPPEDA": 6, "DISKOMINFOS": 7, "DISPUSIP": 5,
}  # fmt: skip
LETTER_TYPES = {
    "official_letter": 44, "invitation_letter": 26, "circular": 5, "report": 6, "cover_letter": 4,
    "application": 5, "decree": 2, "announcement": 2, "recommendation": 2, "certificate_letter": 1,
    "internal_memo": 2, "assignment_letter": 1,
}  # fmt: skip
OUTGOING_TYPES = {
    "official_letter": 40, "internal_memo": 25, "invitation_letter": 20, "circular": 5,
    "assignment_letter": 5, "decree": 3, "announcement": 2,
}  # fmt: skip
SECURITY = {"ordinary": 880, "restricted": 80, "secret": 35, "top_secret": 5}
URGENCY = {"normal": 75, "urgent": 20, "very_urgent": 5}
PRIORITY = {"normal": 80, "high": 15, "top": 5}
INSTRUCTIONS_FOR_INVITATION = ("attend", "represent", "accompany", "schedule", "prepare_material")
USER_COLUMNS = (
    "id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, "
    "full_name, nip, employment, phone, opd_id"
)
INSTRUCTIONS = tuple(
    code for code in Instruction.values if code not in ("attend", "represent", "accompany", "schedule")
)

STUCK = 0.02  # nodes never closed: every inbox keeps some overdue work, as real ones do
PUBLIC_SHARE = 0.05
OUTGOING_SHARE = 0.30


@dataclass(frozen=True)
class Plan:
    """What to load: `letters` incoming letters for `users` staff, reproducibly from `seed`."""

    size: str
    letters: int
    users: int = DEFAULT_USERS
    seed: int = DEFAULT_SEED


# ── COPY machinery ───────────────────────────────────────────────────────────────────────────────


class RowStream:
    """A file object whose text comes from a generator of COPY lines, pulled as COPY reads."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.error: Exception | None = None  # psycopg2 reports a failing read only as an aborted COPY

    def read(self, size: int = -1) -> str:
        parts, length = [], 0
        try:
            for line in self._lines:
                parts.append(line)
                length += len(line)
                if length >= size > 0:
                    break
        except Exception as error:
            self.error = error
            raise
        return "".join(parts)


def text(value: str) -> str:
    """A value as COPY's text format reads it: backslash, tab and line ends escaped."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    return value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


NULL = "\\N"


def opt(value: object) -> str:
    return NULL if value is None else str(value)


class Stamp(str):
    """A UTC moment as `datetime.isoformat()` writes it: COPY reads it, and `compute_hash` gets the
    very text it would get from the datetime the database gives back."""

    def isoformat(self) -> str:
        return str(self)


_DAYS: dict[int, str] = {}


def stamp(epoch: int) -> str:
    """Millions of these: the day's text is made once, the time of day by arithmetic."""
    days, seconds = divmod(epoch, DAY)
    day = _DAYS.get(days)
    if day is None:
        day = _DAYS[days] = datetime.fromtimestamp(days * DAY, UTC).date().isoformat()
    hours, seconds = divmod(seconds, HOUR)
    minutes, seconds = divmod(seconds, 60)
    return f"{day}T{hours:02d}:{minutes:02d}:{seconds:02d}+00:00"


def dumps(value: object) -> str:
    return text(json.dumps(value, ensure_ascii=False))


class Loader:
    """COPY into tables through one cursor, counting rows and seconds per table."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)
        self._ids: dict[type[models.Model], Iterator[int]] = {}

    def start_ids(self, tables: Iterable[type[models.Model]]) -> None:
        """Ids continue after each table's last; sequences are moved past them when the load ends.
        Read before any COPY: no other statement may run on the connection while one streams."""
        for model in tables:
            self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            self._ids[model] = count(self.cursor.fetchone()[0] + 1)

    def next_id(self, model: type[models.Model]) -> int:
        return next(self._ids[model])

    def copy(self, model: type[models.Model], columns: str, lines: Iterable[str]) -> None:
        table = model._meta.db_table
        counted = 0

        def counting() -> Iterator[str]:
            nonlocal counted
            for line in lines:
                counted += line.count("\n")  # a line, or a producer's chunk of many (text escapes its own)
                yield line

        quoted = ", ".join(f'"{column.strip()}"' for column in columns.split(","))
        started = time.monotonic()
        stream = RowStream(counting())
        try:
            self.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", stream, size=1 << 18)
        except Exception:
            if stream.error is not None:
                raise stream.error from None
            raise
        self.rows[table] += counted
        self.seconds[table] += time.monotonic() - started


class QueueSink:
    """The producer process's side of `Loader.copy`: each table's rows as one chunk of COPY text."""

    def __init__(self, jobs) -> None:
        self.jobs = jobs

    def copy(self, model: type[models.Model], columns: str, lines: Iterable[str]) -> None:
        self.jobs.put(("copy", model._meta.label, columns, "".join(lines)))


def without_secondary_indexes(cursor, tables: Iterable[type[models.Model]]) -> list[str]:
    """Drop the tables' foreign keys, unique constraints and other indexes; return the SQL that
    brings them back (indexes and unique constraints first, then foreign keys, validated whole)."""
    names = [model._meta.db_table for model in tables]
    # Deferred foreign-key checks still pending would make ALTER TABLE refuse: run them now, and
    # check the small tables' rows as they come from here on.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype DESC, conname""",
        [names],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
           WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT EXISTS (
               SELECT 1 FROM pg_constraint c WHERE c.conindid = indexrelid AND c.contype IN ('p', 'u', 'x'))
           ORDER BY 1""",
        [names],
    )
    indexes = cursor.fetchall()
    for table, name, _, _ in constraints:  # foreign keys first ('f' sorts after 'u', DESC)
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    uniques = [(t, n, d) for t, n, kind, d in constraints if kind == "u"]
    foreign = [(t, n, d) for t, n, kind, d in constraints if kind == "f"]
    return [
        *(definition for _, definition in indexes),
        *(f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in uniques),
        *(f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in foreign),
    ]


# ── Picking ──────────────────────────────────────────────────────────────────────────────────────


class Weighted:
    """rng.choices with cumulative weights computed once."""

    def __init__(self, weights: dict) -> None:
        self.values = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


def skewed(rng: random.Random, items: list, power: float = 2.5):
    """Early items far more often than late ones: a few senders write most of the mail."""
    return items[int(len(items) * rng.random() ** power)]


def random_code(rng: random.Random) -> str:
    """A tracking code as `layanan_publik.models.new_code` makes it, from the seeded generator."""
    return "".join(rng.choices(CODE_ALPHABET, k=CODE_LENGTH))


def verification_code(rng: random.Random) -> str:
    """As `secrets.token_urlsafe(18)` in persuratan.services.outgoing, from the seeded generator."""
    return base64.urlsafe_b64encode(rng.randbytes(18)).rstrip(b"=").decode()


# ── The office: positions, holders, senders ──────────────────────────────────────────────────────


@dataclass
class OpdOffice:
    id: int
    code: str
    head: int
    operator: int = 0
    topics: tuple[str, ...] = ()
    classifications: list[tuple[int, str]] = field(default_factory=list)
    senders: list[tuple[int, str, str, str]] = field(default_factory=list)  # id, name, suffix, kind
    services: list[Service] = field(default_factory=list)


@dataclass
class Office:
    opds: dict[int, OpdOffice]
    holder: dict[int, int]  # position → the user acting for it
    names: dict[int, str]
    children: dict[int, list[int]]  # position → subordinates with a holder, in its OPD
    weights: dict[int, list[int]]  # position → cumulative weights of its children
    correspondents: dict[tuple[int, str, str], int]

    def subordinates(self, rng: random.Random, position: int, wanted: int) -> list[int]:
        """Up to `wanted` positions right below `position` to dispose to (fewer when a pick repeats)."""
        below = self.children.get(position, [])
        if not below or wanted <= 0:
            return []
        picked = set(rng.choices(below, cum_weights=self.weights[position], k=wanted))
        return sorted(picked)


@dataclass(slots=True)
class PublicLetter:
    """A letter that came through the portal: its submission rows wait until its reply has an id."""

    submission: int
    service: Service
    opd: OpdOffice
    applicant: int
    tracking_code: str
    letter: int
    registered: int
    closed: int | None  # when the addressee's node was closed: the reply may be signed after it
    email: str
    sender_name: str
    reply: int | None = None
    finished: int | None = None


# ── The generator ────────────────────────────────────────────────────────────────────────────────


class Generator:
    """Makes the rows from one random generator, in one fixed order, so a seed is a dataset."""

    def __init__(self, plan: Plan, *, say: Callable[[str], None]) -> None:
        self.plan = plan
        self.say = say
        self.rng = random.Random(plan.seed)
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.now = int(timezone.now().timestamp())
        self.today = timezone.localdate()
        self.password = make_password(BENCH_PASSWORD)
        self.started = time.monotonic()
        self.taken_nips: set[str] = set()
        self.taken_codes: set[str] = set()
        self.granted: set[int] = set()  # OPDs whose operator this run made
        self.applicants: list[tuple] = []  # id, user, name, email, kind, display
        self.public: list[PublicLetter] = []
        self.jobs = None  # in the producer process: where its COPY jobs and messages go

    def progress(self, message: str) -> None:
        if self.jobs is not None:
            self.jobs.put(("progress", message))
        else:
            self.say(f"  [{time.monotonic() - self.started:6.0f} dtk] {message}")

    def announce(self, message: str) -> None:
        if self.jobs is not None:
            self.jobs.put(("say", message))
        else:
            self.say(message)

    # ── entry point ──

    def run(self, *, processes: int = 2) -> dict[str, tuple[int, float]]:
        """Load everything; with two processes, one makes the rows while this one feeds them to
        PostgreSQL, so making and loading overlap. Returns rows and seconds per table."""
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            self.loader = self.sink = Loader(cursor)
            self.loader.start_ids(LOADED)
            self.office = self._organisation()
            self._read_numbering()
            restore = without_secondary_indexes(cursor, BIG_TABLES)
            self.progress("Indeks sekunder dan kunci asing tabel besar dilepas selama pemuatan.")
            if processes > 1:
                self._produce_elsewhere()
            else:
                self._produce()
            self._counters(cursor)
            self._rebuild(cursor, restore)
            recount_inbox_tallies()  # the unread badges' counters, which COPY does not keep
            for model in LOADED:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            # One password for every account, the demo's included: a load runner signs in as anyone.
            cursor.execute(f"UPDATE {User._meta.db_table} SET password = %s", [self.password])
        return {table: (rows, self.loader.seconds[table]) for table, rows in self.loader.rows.items()}

    def _read_numbering(self) -> None:
        """What producing rows needs from the database, read before it starts: the producer
        process must never touch the connection it shares with this one."""
        self.agenda = dict(
            ((opd, year), last)
            for opd, year, last in AgendaCounter.objects.values_list("opd_id", "year", "last_number")
        )
        self.numbers = dict(
            ((opd, year), last)
            for opd, year, last in OutgoingCounter.objects.values_list("opd_id", "year", "last_number")
        )
        self.ct_incoming = ContentType.objects.get_for_model(IncomingLetter).pk
        self.ct_submission = ContentType.objects.get_for_model(Submission).pk
        self.ct_outgoing = ContentType.objects.get_for_model(OutgoingLetter).pk

    def _produce(self) -> None:
        self._incoming()
        self._outgoing()
        self._submissions()

    def _produce_elsewhere(self) -> None:
        """Rows made in a forked process, COPYed here in the order it made them. The child only
        computes: it inherits the ids and numbering read so far and sends back the final numbers."""
        context = multiprocessing.get_context("fork")
        jobs = context.Queue(maxsize=24)
        producer = context.Process(target=self._producer, args=(jobs,), daemon=True)
        producer.start()
        try:
            while True:
                kind, *payload = jobs.get()
                if kind == "copy":
                    label, columns, chunk = payload
                    self.loader.copy(apps.get_model(label), columns, [chunk])
                elif kind == "say":
                    self.say(payload[0])
                elif kind == "progress":
                    self.progress(payload[0])
                elif kind == "failed":
                    raise RuntimeError(f"Proses pembuat baris gagal:\n{payload[0]}")
                else:
                    self.agenda, self.numbers = payload
                    break
        finally:
            if producer.is_alive():
                producer.terminate()
            producer.join()

    def _producer(self, jobs) -> None:
        self.jobs = jobs
        self.sink = QueueSink(jobs)
        try:
            self._produce()
        except BaseException:
            jobs.put(("failed", traceback.format_exc()))
        else:
            jobs.put(("done", self.agenda, self.numbers))

    def record(self, seconds: float) -> Dataset:
        return Dataset.objects.create(
            size=self.plan.size, letters=self.plan.letters, seed=self.plan.seed, seconds=round(seconds, 1)
        )

    # ── time ──

    def epoch(self, day: date, seconds: float = 0) -> int:
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        return int(midnight.timestamp() + seconds)

    def local_day(self, epoch: int) -> date:
        return datetime.fromtimestamp(epoch, self.zone).date()

    def schedule(self, total: int) -> Iterator[int]:
        """`total` moments over working days since 2017, office hours, later years a little busier,
        in order: numbering in generation order is numbering by date."""
        days = []
        day = date(FIRST_YEAR, 1, 1)
        while day < self.today:
            if day.weekday() < 5:
                days.append((day, 1 + 0.12 * (day.year - FIRST_YEAR)))
            day += timedelta(days=1)
        whole = sum(weight for _, weight in days)
        index, before = 0, 0.0
        for number in range(total):
            target = (number + 0.5) * whole / total
            while before + days[index][1] < target:
                before += days[index][1]
                index += 1
            day, weight = days[index]
            within = (target - before) / weight  # the share of the day gone: the time of day
            yield self.epoch(day, 7.5 * HOUR + within * 8.5 * HOUR)

    # ── organisation ──

    def _organisation(self) -> Office:
        opds = {opd.id: opd for opd in Opd.objects.order_by("id")}
        positions = list(
            Position.objects.filter(closed_on__isnull=True).values(
                "id", "opd_id", "parent_id", "name", "heads_opd", "order"
            )
        )
        self.holder = self._holders()
        self.names = {p["id"]: p["name"] for p in positions}
        self.opd_of = {p["id"]: p["opd_id"] for p in positions}
        self.parent_of = {p["id"]: p["parent_id"] for p in positions}
        self.orders: dict[int, int] = defaultdict(int)
        for p in positions:
            self.orders[p["opd_id"]] = max(self.orders[p["opd_id"]], p["order"])
        demo_positions = set(self.names)
        operators = dict(
            RoleGrant.objects.filter(role=RoleGrant.Role.OPERATOR)
            .order_by("-user_id")
            .values_list("opd_id", "user_id")
        )
        offices = {}
        for opd in opds.values():
            head = next((p["id"] for p in positions if p["opd_id"] == opd.id and p["heads_opd"]), None)
            if head is not None and head in self.holder:
                offices[opd.id] = OpdOffice(
                    id=opd.id, code=opd.code, head=head, operator=operators.get(opd.id, 0),
                    topics=wording.TOPICS.get(opd.code, ()),
                )  # fmt: skip
        self.taken_nips = set(User.objects.exclude(nip=None).values_list("nip", flat=True))

        existing = Assignment.objects.filter(kind=Assignment.Kind.DEFINITIVE).count()
        wanted = max(self.plan.users - existing, 0)
        share = sum(STAFF_WEIGHT.get(o.code, 5) for o in offices.values())
        rows = defaultdict(list)
        for office in offices.values():
            budget = max(round(wanted * STAFF_WEIGHT.get(office.code, 5) / share), 6) if wanted else 0
            self._technical_units(rows, office, budget)
        loader = self.loader
        loader.copy(User, USER_COLUMNS, rows["users"])
        loader.copy(Unit, "id, opd_id, parent_id, code, name", rows["units"])
        loader.copy(
            Position,
            "id, opd_id, unit_id, parent_id, code, name, kind, eselon, heads_opd, order, closed_on",
            rows["posts"],
        )
        loader.copy(
            Assignment,
            "id, user_id, position_id, kind, start, end, decree_number, created_at",
            rows["assignments"],
        )
        loader.copy(RoleGrant, "id, user_id, role, opd_id", rows["grants"])
        self.progress(
            f"Organisasi: {_n(len(rows['users']))} pegawai baru di {_n(len(rows['units']))} unit pelaksana "
            f"teknis ({_n(len(self.holder))} jabatan terisi)."
        )

        children: dict[int, list[int]] = defaultdict(list)
        for position, parent in self.parent_of.items():
            same_opd = self.opd_of.get(parent) == self.opd_of[position]
            if parent is not None and position in self.holder and same_opd:
                children[parent].append(position)
        weights = {}
        for parent, below in children.items():
            below.sort()
            # The head's own sekretaris and kepala bidang get most dispositions; the UPTs get some.
            weights[parent] = list(accumulate(4 if p in demo_positions else 1 for p in below))
        office = Office(
            opds=offices,
            holder=self.holder,
            names=self.names,
            children=dict(children),
            weights=weights,
            correspondents={},
        )
        self._classifications(office)
        self._services(office)
        self._senders(office)
        return office

    def _technical_units(self, rows: dict[str, list], office: OpdOffice, budget: int) -> None:
        """UPTs under the OPD's head, each Kepala → Kasubbag TU and two Kasi → staff, until
        `budget` posts are made; the first staff post of the first is the OPD's operator."""
        rng = self.rng
        number = Unit.objects.filter(opd_id=office.id, code__startswith="UPT-").count()
        kinds = wording.UPT_KINDS.get(office.code, ("UPT",))
        while budget > 0:
            number += 1
            unit_name = f"{kinds[number % len(kinds)]} Wilayah {number}"
            unit = self.loader.next_id(Unit)
            rows["units"].append(f"{unit}\t{office.id}\t{NULL}\tUPT-{number:03d}\t{text(unit_name)}\n")
            prefix = f"{office.code}.UPT{number:03d}"
            chief = self._post(
                rows, office, unit, f"Kepala {unit_name}", office.head, "III.b", f"{prefix}-KEPALA"
            )
            leads = [
                self._post(
                    rows,
                    office,
                    unit,
                    f"Kepala Subbagian Tata Usaha {unit_name}",
                    chief,
                    "IV.a",
                    f"{prefix}-KASUBBAG",
                ),
            ]
            for n, section in enumerate(rng.sample(wording.UPT_SECTIONS, 2), start=1):
                leads.append(
                    self._post(
                        rows,
                        office,
                        unit,
                        f"Kepala {section} {unit_name}",
                        chief,
                        "IV.a",
                        f"{prefix}-KASI{n}",
                    )
                )
            staff = max(min(budget - 4, rng.randint(35, 60)), 1)
            for n in range(1, staff + 1):
                name = "Pengelola Surat" if n == 1 else rng.choice(wording.STAFF_POSTS)
                position = self._post(
                    rows,
                    office,
                    unit,
                    f"{name} {unit_name}",
                    leads[n % 3],
                    "",
                    f"{prefix}-STAF{n:03d}",
                    kind_of(name),
                )
                if n == 1 and office.id not in self.granted:
                    self.granted.add(office.id)
                    office.operator = self.holder[position]
                    rows["grants"].append(
                        f"{self.loader.next_id(RoleGrant)}\t{office.operator}\toperator\t{office.id}\n"
                    )
            budget -= 4 + staff

    def _post(
        self,
        rows,
        office: OpdOffice,
        unit: int,
        name: str,
        parent: int,
        eselon: str,
        code: str,
        kind="struktural",
    ) -> int:
        """A new position, its holder (a new ASN) and their definitive assignment since ten years ago."""
        position = self.loader.next_id(Position)
        self.orders[office.id] += 1
        rows["posts"].append(
            f"{position}\t{office.id}\t{unit}\t{parent}\t{code}\t{text(name)}\t{kind}\t{eselon}\tf\t"
            f"{self.orders[office.id]}\t{NULL}\n"
        )
        self.names[position], self.opd_of[position], self.parent_of[position] = name, office.id, parent
        user = self.holder[position] = self._staff_user(rows["users"], opd_id=office.id)
        since = self.today.replace(year=self.today.year - 10, day=min(self.today.day, 28))
        rows["assignments"].append(
            f"{self.loader.next_id(Assignment)}\t{user}\t{position}\tdefinitif\t{since}\t{NULL}\t"
            f"821.2/{self.rng.randint(100, 999)}/BKD/{since.year}\t{stamp(self.now)}\n"
        )
        return position

    def _holders(self) -> dict[int, int]:
        """Who acts for each position today: its definitive holder, else its Plt/Plh."""
        today = self.today
        active = Assignment.objects.filter(start__lte=today).filter(Q(end__isnull=True) | Q(end__gte=today))
        holder = dict(active.exclude(kind="definitif").values_list("position_id", "user_id"))
        holder.update(active.filter(kind="definitif").values_list("position_id", "user_id"))
        return holder

    def _staff_user(self, users: list[str], *, opd_id: int) -> int:
        rng = self.rng
        first, last, sex = wording.person_name(rng)
        while True:
            born = date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28))
            cpns = f"{min(born.year + rng.randint(20, 28), 2024)}{rng.choice((1, 2, 3, 4, 12)):02d}"
            nip = f"{born:%Y%m%d}{cpns}{sex}{rng.randint(1, 999):03d}"
            if nip not in self.taken_nips:
                self.taken_nips.add(nip)
                break
        degree = rng.choice(wording.DEGREES)
        full_name = f"{first} {last}, {degree}" if degree else f"{first} {last}"
        user = self.loader.next_id(User)
        email = f"{first}.{last}.{user}@{DOMAIN}".lower().replace(" ", "")
        users.append(
            f"{user}\t{self.password}\tf\t{nip}\t{text(first)}\t{text(last)}\t{email}\tf\tt\t{stamp(self.now)}\t"
            f"{text(full_name)}\t{nip}\tasn\t\t{opd_id}\n"
        )
        return user

    def _classifications(self, office: Office) -> None:
        codes = list(Classification.objects.filter(active=True).values_list("id", "code").order_by("code"))

        def under(prefixes: tuple[str, ...]) -> list[tuple[int, str]]:
            return [(i, c) for i, c in codes if any(c == p or c.startswith(p + ".") for p in prefixes)]

        general = under(wording.CLASSIFICATION_PREFIXES["UMUM"]) or codes
        for opd in office.opds.values():
            own = under(wording.CLASSIFICATION_PREFIXES.get(opd.code, ())) or general
            # Seven letters in ten are about the OPD's own matters, the rest about running an office.
            opd.classifications = own * 3 + general

    def _services(self, office: Office) -> None:
        services = Service.objects.filter(active=True).select_related("classification").order_by("id")
        labels = defaultdict(list)
        for field_row in ServiceField.objects.order_by("service_id", "order", "id"):
            labels[field_row.service_id].append((field_row.key, field_row.label))
        for service in services:
            if service.opd_id in office.opds and service.addressee_id in office.holder:
                service.field_labels = labels[service.id]
                office.opds[service.opd_id].services.append(service)

    def _senders(self, office: Office) -> None:
        """Each OPD's address book: national bodies first (they write most), then a sample of the rest."""
        rng = self.rng
        universe = wording.sender_universe()
        national = len(wording.NATIONAL)
        existing = Correspondent.objects.values_list("opd_id", "kind", "name_key", "id")
        office.correspondents = {(opd, kind, key): pk for opd, kind, key, pk in existing}
        whole = sum(MAIL_WEIGHT.get(o.code, 5) for o in office.opds.values())
        rows = []
        for opd in office.opds.values():
            letters = self.plan.letters * MAIL_WEIGHT.get(opd.code, 5) / whole
            size = int(min(max(letters / 25, 40), 4000, len(universe)))
            chosen = universe[:national] + rng.sample(universe[national:], max(size - national, 0))
            for kind, name, suffix in chosen:
                key = Correspondent.key_for(name)
                pk = office.correspondents.get((opd.id, kind, key))
                if pk is None:
                    pk = office.correspondents[opd.id, kind, key] = self.loader.next_id(Correspondent)
                    rows.append(f"{pk}\t{opd.id}\t{kind}\t{text(name)}\t{text(key)}\t\t{stamp(self.now)}\n")
                opd.senders.append((pk, name, suffix, kind))
        self.loader.copy(Correspondent, "id, opd_id, kind, name, name_key, address, last_used_at", rows)
        self.progress(f"Buku alamat: {_n(len(rows))} pengirim.")

    # ── incoming letters ──

    def _incoming(self) -> None:
        total = self.plan.letters
        self.announce(f"Memuat {_n(total)} surat masuk…")
        self.opd_pick = Weighted({o.id: MAIL_WEIGHT.get(o.code, 5) for o in self.office.opds.values()})
        self.type_pick = Weighted(LETTER_TYPES)
        self.security_pick = Weighted(SECURITY)
        self.urgency_pick = Weighted(URGENCY)
        self.priority_pick = Weighted(PRIORITY)
        moments = self.schedule(total)
        done = 0
        while done < total:
            batch = list(islice(moments, CHUNK))
            self._incoming_chunk(batch)
            done += len(batch)
            self.progress(f"surat masuk {_n(done)}/{_n(total)}")

    def _incoming_chunk(self, moments: list[int]) -> None:
        out = defaultdict(list)
        self.sink.copy(
            IncomingLetter,
            "id, opd_id, agenda_year, agenda_number, source, origin_key, sender_id, sender_name, sender_address, "
            "sender_email, sender_number, letter_date, received_on, subject, summary, letter_type, security_class, "
            "urgency, classification_id, attachment_count, registered_by_id, registered_at, scan_text, reach",
            (self._letter(moment, out) for moment in moments),
        )
        loader = self.sink
        loader.copy(User, USER_COLUMNS, out["users"])
        loader.copy(Applicant, "id, user_id, kind, nik, business_name, nib, email_verified_at, created_at",
                    out["applicants"])  # fmt: skip
        loader.copy(RoleGrant, "id, user_id, role, opd_id", out["grants"])
        loader.copy(Correspondent, "id, opd_id, kind, name, name_key, address, last_used_at", out["senders"])
        loader.copy(
            InboxItem,
            "id, letter_id, position_id, reason, parent_id, from_position_id, status, received_at, due_on, "
            "priority, first_read_at, done_at, urgency, security_class, classification_id, sender_id",
            out["items"],
        )
        loader.copy(
            Disposition,
            "id, letter_id, parent_item_id, item_id, batch, from_position_id, actor_id, instructions, note, created_at",
            out["dispositions"],
        )
        loader.copy(
            FollowUp, "id, item_id, author_id, position_id, text, marks_done, created_at", out["follow_ups"]
        )
        loader.copy(InboxRead, "id, item_id, user_id, position_id, read_at", out["reads"])
        self._copy_events(out["events"])

    def _copy_events(self, lines: list[str]) -> None:
        self.sink.copy(
            Event,
            "id, target_type_id, target_id, seq, actor_id, position_id, position_name, verb, from_state, "
            "to_state, at, details, prev_hash, hash",
            lines,
        )

    def chain(self, out: list[str], target_type: int, target_id: int, events: list[tuple]) -> None:
        """Append one object's events in time order as a hash chain, hashed by the timeline's own
        `compute_hash` (it reads attributes only, so a namespace stands in for the model)."""
        previous = GENESIS_HASH
        names = self.office.names
        for seq, (at, verb, actor, position, from_state, to_state, details) in enumerate(
            sorted(events, key=_first), start=1
        ):
            moment = Stamp(stamp(at))
            position_name = names[position] if position is not None else ""
            event = SimpleNamespace(
                target_type_id=target_type, target_id=str(target_id), seq=seq, actor_id=actor,
                position_id=position, position_name=position_name, verb=verb, from_state=from_state,
                to_state=to_state, at=moment, details=details, prev_hash=previous,
            )  # fmt: skip
            digest = compute_hash(event)
            out.append(
                f"{self.loader.next_id(Event)}\t{target_type}\t{target_id}\t{seq}\t{opt(actor)}\t{opt(position)}\t"
                f"{text(position_name)}\t{verb}\t{from_state}\t{to_state}\t{moment}\t{dumps(details)}\t"
                f"{previous}\t{digest}\n"
            )
            previous = digest

    def _letter(self, registered: int, out: dict[str, list]) -> str:
        """One letter's row; its inbox tree, timeline and portal rows go to `out`."""
        rng, office = self.rng, self.office
        opd = office.opds[self.opd_pick.pick(rng)]
        letter = self.loader.next_id(IncomingLetter)
        day = self.local_day(registered)
        year = day.year
        number = self.agenda[opd.id, year] = self.agenda.get((opd.id, year), 0) + 1
        letter_date = day - timedelta(days=int(rng.random() ** 2 * 14))
        addressee = opd.head
        service = rng.choice(opd.services) if opd.services and rng.random() < PUBLIC_SHARE else None
        if service is not None:
            source, security, urgency = "public", "ordinary", "normal"
            letter_type, classification = "application", service.classification_id
            submission = self.loader.next_id(Submission)
            origin = f"submission:{submission}"
            applicant, sender_kind, sender_name, email = self._applicant(out, registered)
            sender = self._public_sender(out, opd, sender_kind, sender_name)
            tracking = self._tracking_code()
            sender_number = tracking
            subject = f"Permohonan {service.name}"
            summary = "\n".join(
                f"{label}: {rng.choice(opd.topics or wording.TOPICS['UMUM'])}"
                for _, label in service.field_labels
            )
            addressee = service.addressee_id
        else:
            source, origin, email = "registered", None, ""
            letter_type = self.type_pick.pick(rng)
            security = self.security_pick.pick(rng)
            urgency = self.urgency_pick.pick(rng)
            classification, class_code = rng.choice(opd.classifications)
            sender, sender_name, suffix, sender_kind = skewed(rng, opd.senders)
            if sender_kind == "person":
                letter_type, sender_number = "application", "-"
            else:
                sender_number = f"{class_code}/{rng.randint(1, 3000)}/{suffix}/{letter_date.year}"
            topics = opd.topics + wording.TOPICS["UMUM"] if rng.random() < 0.3 else opd.topics
            subject, summary = wording.letter_text(
                rng, letter_type=letter_type, topics=topics or wording.TOPICS["UMUM"], year=year
            )
        filters = f"{urgency}\t{security}\t{classification}\t{sender}\n"
        first_item = len(out["items"])
        events = [
            (registered, "registered", opd.operator, None, "", "registered",
             {"agenda": f"{number:04d}/{year}", "source": source, "files": 0}),
        ]  # fmt: skip
        _, root = self._tree(
            out,
            letter,
            addressee,
            "addressee",
            None,
            None,
            registered,
            None,
            "normal",
            urgency,
            filters,
            events,
        )
        if rng.random() < 0.1:
            copies = [p for p in office.children.get(opd.head, []) if p != addressee]
            if copies:
                self._copy_item(out, letter, rng.choice(copies), registered, filters)
        self.chain(out["events"], self.ct_incoming, letter, events)
        reached = {line.split("\t", 3)[2] for line in out["items"][first_item:]}
        reach = " ".join(sorted(reach_token(int(position)) for position in reached))
        if service is not None:
            self.public.append(
                PublicLetter(
                    submission,
                    service,
                    opd,
                    applicant,
                    tracking,
                    letter,
                    registered,
                    root,
                    email,
                    sender_name,
                )
            )
        received = day.isoformat()
        return (
            f"{letter}\t{opd.id}\t{year}\t{number}\t{source}\t{opt(origin)}\t{sender}\t{text(sender_name)}\t\t"
            f"{email}\t{text(sender_number)}\t{letter_date.isoformat()}\t{received}\t{text(subject)}\t{text(summary)}\t"
            f"{letter_type}\t{security}\t{urgency}\t{classification}\t{rng.randint(0, 3)}\t{opd.operator}\t"
            f"{stamp(registered)}\t\t{reach}\n"
        )

    def _tree(
        self,
        out,
        letter,
        position,
        reason,
        parent,
        from_position,
        received,
        due_on,
        priority,
        urgency,
        filters,
        events,
        depth=0,
    ) -> tuple[int, int | None]:
        """One inbox node and, once its holder has read it, the dispositions below it. Returns the
        node's id and when it was closed (None while open): a parent closes after all its children."""
        rng, office = self.rng, self.office
        item = self.loader.next_id(InboxItem)
        user = office.holder[position]
        read_at = received + self._reading_delay()
        status, first_read, done_at = "unread", None, None
        if read_at <= self.now:
            status, first_read = "read", read_at
            out["reads"].append(
                f"{self.loader.next_id(InboxRead)}\t{item}\t{user}\t{position}\t{stamp(read_at)}\n"
            )
            targets = office.subordinates(rng, position, self._fan_out(depth))
            if targets:
                disposed = read_at + int(rng.expovariate(1 / (2 * HOUR))) + 60
                if disposed <= self.now:
                    status = "in_progress"
                    closed = self._dispose(out, letter, item, position, user, targets, disposed, urgency, filters,
                                           events, depth)  # fmt: skip
                    finish = max(closed) + int(rng.expovariate(1 / DAY)) + 600 if None not in closed else None
                    if finish is not None and finish <= self.now and rng.random() > STUCK:
                        done_at = finish
            else:
                finish = read_at + int(rng.expovariate(1 / (3 * DAY))) + 1800
                if finish <= self.now and rng.random() > STUCK:
                    done_at = finish
                elif read_at + HOUR <= self.now and rng.random() < 0.5:
                    status = "in_progress"
                    out["follow_ups"].append(
                        f"{self.loader.next_id(FollowUp)}\t{item}\t{user}\t{position}\t"
                        f"{rng.choice(wording.PROGRESS_TEXTS)}\tf\t{stamp(read_at + HOUR)}\n"
                    )
            if done_at is not None:
                status = "done"
                out["follow_ups"].append(
                    f"{self.loader.next_id(FollowUp)}\t{item}\t{user}\t{position}\t"
                    f"{rng.choice(wording.FOLLOW_UP_TEXTS)}\tt\t{stamp(done_at)}\n"
                )
        out["items"].append(
            f"{item}\t{letter}\t{position}\t{reason}\t{opt(parent)}\t{opt(from_position)}\t{status}\t{stamp(received)}\t"
            f"{opt(due_on)}\t{priority}\t{stamp(first_read) if first_read else NULL}\t"
            f"{stamp(done_at) if done_at else NULL}\t{filters}"
        )
        return item, done_at

    def _reading_delay(self) -> int:
        """Most nodes are opened within hours; one in six waits days (leave, travel, a busy week),
        so the last fortnight's inboxes hold unread letters as well as read and open ones."""
        delay = self.rng.expovariate(1 / (5 * HOUR)) + 120
        if self.rng.random() < 1 / 6:
            delay += self.rng.expovariate(1 / (5 * DAY))
        return int(delay)

    def _fan_out(self, depth: int) -> int:
        """How many positions a node disposes to: the head one or two, each of those about one."""
        if depth == 0:
            return self.rng.choice((1, 2))
        return self.rng.choice((0, 1, 1, 2)) if depth == 1 else 0

    def _dispose(
        self, out, letter, item, position, user, targets, at, urgency, filters, events, depth
    ) -> list:
        rng = self.rng
        batch = uuid.UUID(int=rng.getrandbits(128), version=4)
        invitation = rng.random() < 0.3
        pool = INSTRUCTIONS_FOR_INVITATION if invitation else INSTRUCTIONS
        instructions = sorted(set(rng.sample(pool, rng.choice((1, 1, 2)))))
        note = rng.choice(wording.DISPOSITION_NOTES)
        due = Urgency(urgency).default_deadline(self.local_day(at)).isoformat()
        priority = self.priority_pick.pick(rng)
        closed = []
        for target in targets:
            child, child_closed = self._tree(
                out,
                letter,
                target,
                "disposition",
                item,
                position,
                at,
                due,
                priority,
                urgency,
                filters,
                events,
                depth + 1,
            )
            closed.append(child_closed)
            out["dispositions"].append(
                f"{self.loader.next_id(Disposition)}\t{letter}\t{item}\t{child}\t{batch}\t{position}\t"
                f"{user}\t{{{','.join(instructions)}}}\t{text(note)}\t{stamp(at)}\n"
            )
        events.append(
            (at, "disposed", user, position, "", "",
             {"item": item, "batch": str(batch), "targets": targets, "instructions": instructions,
              "due_on": due, "priority": priority}),
        )  # fmt: skip
        return closed

    def _copy_item(self, out, letter, position, received, filters) -> None:
        """A tembusan: read in time, never disposed or closed (tembusan is for information)."""
        item = self.loader.next_id(InboxItem)
        read_at = received + self._reading_delay()
        status, first_read = "unread", NULL
        if read_at <= self.now:
            status, first_read = "read", stamp(read_at)
            out["reads"].append(
                f"{self.loader.next_id(InboxRead)}\t{item}\t{self.office.holder[position]}\t{position}\t{first_read}\n"
            )
        out["items"].append(
            f"{item}\t{letter}\t{position}\tcopy\t{NULL}\t{NULL}\t{status}\t{stamp(received)}\t{NULL}\tnormal\t"
            f"{first_read}\t{NULL}\t{filters}"
        )

    # ── the public portal ──

    def _tracking_code(self) -> str:
        while True:
            code = random_code(self.rng)
            if code not in self.taken_codes:
                self.taken_codes.add(code)
                return code

    def _applicant(self, out, at: int) -> tuple[int, str, str, str]:
        """An applicant who applies again (one in four), or a new citizen or business with an account."""
        rng = self.rng
        if self.applicants and rng.random() < 0.25:
            pk, _, _, email, kind, display = rng.choice(self.applicants)
            return pk, kind, display, email
        first, last, _ = wording.person_name(rng)
        user = self.loader.next_id(User)
        pk = self.loader.next_id(Applicant)
        email = f"{first}.{last}.{user}@surel.contoh.id".lower().replace(" ", "")
        full_name = f"{first} {last}"
        joined = stamp(at - 3 * DAY)
        out["users"].append(
            f"{user}\t{self.password}\tf\t{email}\t{text(first)}\t{text(last)}\t{email}\tf\tt\t{joined}\t"
            f"{text(full_name)}\t{NULL}\tpublic\t\t{NULL}\n"
        )
        out["grants"].append(f"{self.loader.next_id(RoleGrant)}\t{user}\tpemohon\t{NULL}\n")
        if rng.random() < 0.8:
            nik = f"{rng.randint(11, 94)}{rng.randint(0, 10**14 - 1):014d}"
            out["applicants"].append(f"{pk}\t{user}\tperson\t{nik}\t\t\t{joined}\t{joined}\n")
            kind, display = "person", full_name
        else:
            business = f"{rng.choice(wording.COMPANY_FORMS)} {rng.choice(wording.COMPANY_WORDS)} {rng.choice(wording.COMPANY_WORDS)}"
            nib = f"{rng.randint(10**12, 10**13 - 1)}"
            out["applicants"].append(
                f"{pk}\t{user}\tbusiness\t\t{text(business)}\t{nib}\t{joined}\t{joined}\n"
            )
            kind, display = "institution", f"{business} (u.p. {full_name})"
        self.applicants.append((pk, user, full_name, email, kind, display))
        return pk, kind, display, email

    def _public_sender(self, out, opd: OpdOffice, kind: str, name: str) -> int:
        key = Correspondent.key_for(name)
        pk = self.office.correspondents.get((opd.id, kind, key))
        if pk is None:
            pk = self.office.correspondents[opd.id, kind, key] = self.loader.next_id(Correspondent)
            out["senders"].append(f"{pk}\t{opd.id}\t{kind}\t{text(name)}\t{text(key)}\t\t{stamp(self.now)}\n")
        return pk

    def _submissions(self) -> None:
        """The portal's side of the public letters, written once their replies have ids."""
        rng = self.rng
        rows, versions, surveys, events = [], [], [], []
        applicant_user = {pk: user for pk, user, *_ in self.applicants}
        for public in self.public:
            submission, service, opd, registered = (
                public.submission,
                public.service,
                public.opd,
                public.registered,
            )
            submitted = registered - rng.randint(HOUR, 3 * DAY)
            due = add_working_days(self.local_day(submitted), service.sla_days)
            user = applicant_user[public.applicant]
            reply, finished = public.reply, public.finished
            status = "finished" if reply else "accepted"
            rows.append(
                f"{submission}\t{service.id}\t{opd.id}\t{public.applicant}\t{public.tracking_code}\t{status}\t1\t"
                f"{stamp(submitted)}\t{due}\t{stamp(registered)}\t\t{public.letter}\t{opt(reply)}\t"
                f"{stamp(finished) if finished else NULL}\t\n"
            )
            answers = {
                key: rng.choice(opd.topics or wording.TOPICS["UMUM"]) for key, _ in service.field_labels
            }
            versions.append(
                f"{self.loader.next_id(SubmissionVersion)}\t{submission}\t1\t{dumps(answers)}\t\t{stamp(submitted)}\n"
            )
            story = [
                (submitted, "submitted", user, None, "", "submitted", {}),
                (registered, "accepted", opd.operator, None, "submitted", "accepted", {}),
            ]
            if finished:
                story.append((finished, "finished", None, None, "accepted", "finished", {"reply": reply}))
                answered = finished + rng.randint(HOUR, 2 * DAY)
                if rng.random() < 0.5 and answered <= self.now:
                    scores = "\t".join(str(rng.choice((2, 3, 3, 3, 4, 4))) for _ in SKM_ELEMENTS)
                    surveys.append(
                        f"{self.loader.next_id(SurveyResponse)}\t{submission}\t{service.id}\t{opd.id}\t{scores}\t"
                        f"{rng.choice(wording.SURVEY_COMMENTS)}\t{stamp(answered)}\n"
                    )
                    story.append((answered, "survey_answered", user, None, "", "", {}))
            self.chain(events, self.ct_submission, submission, story)
        loader = self.sink
        loader.copy(
            Submission,
            "id, service_id, opd_id, applicant_id, tracking_code, status, version, submitted_at, due_on, "
            "decided_at, decision_note, letter_id, reply_id, finished_at, receipt",
            rows,
        )
        loader.copy(SubmissionVersion, "id, submission_id, number, answers, note, submitted_at", versions)
        elements = ", ".join(name for name, _ in SKM_ELEMENTS)
        loader.copy(
            SurveyResponse,
            f"id, submission_id, service_id, opd_id, {elements}, comment, answered_at",
            surveys,
        )
        self._copy_events(events)
        self.progress(f"Layanan publik: {_n(len(rows))} permohonan, {_n(len(surveys))} jawaban SKM.")

    # ── outgoing letters ──

    def _outgoing(self) -> None:
        rng = self.rng
        # Replies answer the finished public letters: a submission finishes when its reply is signed.
        replies = []
        for public in self.public:
            if public.closed is not None:
                finished = public.closed + rng.randint(HOUR, 3 * DAY)
                if finished <= self.now:
                    replies.append((finished, public))
        replies.sort(key=lambda pair: pair[0])
        total = max(round(self.plan.letters * OUTGOING_SHARE), len(replies))
        self.announce(f"Memuat {_n(total)} surat keluar…")
        self.type_out = Weighted(OUTGOING_TYPES)
        self.codes: set[str] = set()
        regular = ((moment, None) for moment in self.schedule(total - len(replies)))
        merged = heapq.merge(regular, replies, key=lambda pair: pair[0])
        done = 0
        while True:
            batch = list(islice(merged, CHUNK))
            if not batch:
                break
            out = defaultdict(list)
            self.sink.copy(
                OutgoingLetter,
                "id, opd_id, letter_type, status, drafter_id, drafter_position_id, subject, security_class, urgency, "
                "classification_id, attachment_count, signer_position_id, signing_mode, on_behalf_of_id, created_at, "
                "in_reply_to_id, number_year, number_seq, number, signed_at, signed_by_id, signed_as, signed_pdf, "
                "signed_sha256, verification_code",
                (self._outgoing_letter(signed, reply_to, out) for signed, reply_to in batch),
            )
            self.sink.copy(
                OutgoingRecipient,
                "id, letter_id, kind, order, position_id, name, institution, address, email, delivered_at",
                out["recipients"],
            )
            self._copy_events(out["events"])
            done += len(batch)
            self.progress(f"surat keluar {_n(done)}/{_n(total)}")

    def _outgoing_letter(self, signed: int, reply_to: tuple | None, out: dict[str, list]) -> str:
        rng, office = self.rng, self.office
        letter = self.loader.next_id(OutgoingLetter)
        if reply_to is None:
            opd = office.opds[self.opd_pick.pick(rng)]
            letter_type = self.type_out.pick(rng)
            classification, class_code = rng.choice(opd.classifications)
            subject, _ = wording.letter_text(
                rng,
                letter_type=letter_type,
                topics=opd.topics or wording.TOPICS["UMUM"],
                year=self.local_day(signed).year,
            )
            security, urgency, in_reply_to = self.security_pick.pick(rng), self.urgency_pick.pick(rng), None
            from_position = opd.head
        else:
            service, opd = reply_to.service, reply_to.opd
            letter_type, security, urgency = "official_letter", "ordinary", "normal"
            in_reply_to = reply_to.letter
            classification = service.classification_id
            class_code = service.classification.code
            subject = f"Jawaban atas permohonan {service.name}"
            from_position = service.addressee_id
        second = office.subordinates(rng, opd.head, 1)
        drafter_position = (office.subordinates(rng, second[0], 1) or second)[0] if second else opd.head
        drafter = office.holder[drafter_position]
        if second and rng.random() < 0.25:
            mode, signer, on_behalf = "an", second[0], str(opd.head)
        else:
            mode, signer, on_behalf = "own", from_position, NULL
        year = self.local_day(signed).year
        seq = self.numbers[opd.id, year] = self.numbers.get((opd.id, year), 0) + 1
        number = number_for(
            SimpleNamespace(
                classification=SimpleNamespace(code=class_code),
                opd=SimpleNamespace(code=opd.code),
                number_seq=seq,
                number_year=year,
            )
        )
        code = verification_code(rng)
        while code in self.codes:
            code = verification_code(rng)
        self.codes.add(code)
        created = signed - rng.randint(HOUR, 10 * DAY)
        delivered = stamp(signed + 120)
        recipient = self.loader.next_id
        if reply_to is not None:
            out["recipients"].append(
                f"{recipient(OutgoingRecipient)}\t{letter}\tto\t0\t{NULL}\t{text(reply_to.sender_name)}\t\t\t{reply_to.email}\t{delivered}\n"
            )
        elif letter_type == "internal_memo" and second:
            out["recipients"].append(
                f"{recipient(OutgoingRecipient)}\t{letter}\tto\t0\t{second[0]}\t\t\t\t\t{delivered}\n"
            )
        elif rng.random() < 0.5:
            other = rng.choice(list(office.opds.values()))
            out["recipients"].append(
                f"{recipient(OutgoingRecipient)}\t{letter}\tto\t0\t{other.head}\t\t\t\t\t{delivered}\n"
            )
        else:
            _, name, _, kind = skewed(rng, opd.senders)
            label = ("Kepala", name) if kind == "institution" else (name, "")
            out["recipients"].append(
                f"{recipient(OutgoingRecipient)}\t{letter}\tto\t0\t{NULL}\t{text(label[0])}\t{text(label[1])}\t\t\t{delivered}\n"
            )
        if rng.random() < 0.6:
            copy_to = rng.choice(list(office.opds.values())).head
            out["recipients"].append(
                f"{recipient(OutgoingRecipient)}\t{letter}\tcopy\t1\t{copy_to}\t\t\t\t\t{delivered}\n"
            )
        self.chain(
            out["events"],
            self.ct_outgoing,
            letter,
            [
                (created, "drafted", drafter, drafter_position, "", "draft", {}),
                (
                    signed,
                    "signed",
                    office.holder[signer],
                    signer,
                    "",
                    "signed",
                    {"number": number, "sha256": "", "as": "definitif"},
                ),
            ],
        )
        if reply_to is not None:
            reply_to.reply, reply_to.finished = letter, signed
        return (
            f"{letter}\t{opd.id}\t{letter_type}\tsigned\t{drafter}\t{drafter_position}\t{text(subject)}\t{security}\t"
            f"{urgency}\t{classification}\t{rng.randint(0, 2)}\t{signer}\t{mode}\t{on_behalf}\t{stamp(created)}\t"
            f"{opt(in_reply_to)}\t{year}\t{seq}\t{text(number)}\t{stamp(signed)}\t{office.holder[signer]}\tdefinitif\t\t\t"
            f"{code}\n"
        )

    # ── after the rows ──

    def _counters(self, cursor) -> None:
        """New registrations and signatures continue after the loaded numbers."""
        for model, numbers in ((AgendaCounter, self.agenda), (OutgoingCounter, self.numbers)):
            table = model._meta.db_table
            cursor.executemany(
                f"INSERT INTO {table} (opd_id, year, last_number) VALUES (%s, %s, %s) "
                "ON CONFLICT (opd_id, year) DO UPDATE SET last_number = GREATEST("
                f"{table}.last_number, EXCLUDED.last_number)",
                [(opd, year, last) for (opd, year), last in numbers.items()],
            )

    def _rebuild(self, cursor, restore: list[str]) -> None:
        self.say("Membangun kembali indeks dan kunci asing…")
        for statement in restore:
            started = time.monotonic()
            cursor.execute(statement)
            seconds = time.monotonic() - started
            if seconds >= 1:
                self.progress(f"{statement[:90]}… ({seconds:.0f} dtk)")
        self.progress("Indeks dan kunci asing lengkap kembali.")


def vacuum_analyze(say: Callable[[str], None]) -> None:
    """Fresh statistics and visibility maps for the loaded tables. VACUUM cannot run inside a
    transaction: inside one (a test), ANALYZE alone."""
    tables = [model._meta.db_table for model in (*BIG_TABLES, User, Correspondent, Submission, Position)]
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}" if connection.in_atomic_block else f"VACUUM ANALYZE {table}")
    say(f"  VACUUM ANALYZE {len(tables)} tabel ({time.monotonic() - started:.0f} dtk).")


def _first(row: tuple) -> int:
    return row[0]


def _n(number: int) -> str:
    """1.000.000, as Indonesian writes it."""
    return f"{number:,}".replace(",", ".")
