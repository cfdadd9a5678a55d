"""Pemberkasan: finished letters become records (arsip) filed in a berkas.

A record is made only here, when a keeper of the OPD (its operator or arsiparis) files a finished
letter: an incoming letter whose addressee and disposition nodes are all done, or a signed
outgoing one. It is closed on the day of filing, and its retention dates come from the letter's
classification code (its own row of the JRA or its nearest ancestor's, arsip.retention); it starts
in the active state. All letters filed together share one code, the code of their berkas.

What the archive search reads: a record's title and number, and its `text`. An outgoing letter's
text is fixed once signed, so its body is copied into `text`. An incoming letter's scans are read
after registration (text layer, OCR), possibly after filing: the archive search reads those words
from the letter's own tsvector instead of a copy that could fall behind (arsip.search).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import strip_tags

from arsip.models import Berkas, BerkasCounter, Record
from arsip.retention import RetentionDates, dates_for
from arsip.selectors import finished_incoming, keeper_scope, rule_book, signed_outgoing
from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from organisasi.models import Opd, Unit, User
from persuratan.models import DraftVersion, InboxItem, IncomingLetter, OutgoingLetter


@dataclass(frozen=True)
class NewBerkas:
    """A berkas to open for the letters: its uraian and, optionally, the unit that keeps it."""

    title: str
    unit: Unit | None = None


@transaction.atomic
def file_letters(
    *,
    actor: User,
    opd: Opd,
    into: Berkas | NewBerkas,
    incoming: Sequence[IncomingLetter] = (),
    outgoing: Sequence[OutgoingLetter] = (),
) -> Berkas:
    """File finished letters of the OPD into a berkas (an existing one, or a new one numbered per OPD
    per year); every letter becomes an active record. All or nothing."""
    if not keeper_scope(user=actor).covers(opd.pk):
        raise Refused("Anda bukan operator atau arsiparis perangkat daerah ini.", code="not_keeper")
    if not incoming and not outgoing:
        raise Refused("Pilih sedikitnya satu surat untuk diberkaskan.", code="no_letters")
    if isinstance(into, NewBerkas) and not into.title.strip():
        raise Refused("Tuliskan uraian berkas baru.", code="no_title")
    if isinstance(into, NewBerkas) and into.unit is not None and into.unit.opd_id != opd.pk:
        raise Refused(f"Unit {into.unit} bukan bagian dari {opd}.", code="foreign_unit")
    if isinstance(into, Berkas) and into.opd_id != opd.pk:
        raise Refused("Berkas itu milik perangkat daerah lain.", code="foreign_berkas")

    # Lock the letters, in id order so that two keepers filing overlapping choices cannot deadlock:
    # the second waits, then finds the letters filed and is refused instead of failing on a unique key.
    incoming = list(
        IncomingLetter.objects.select_for_update().filter(pk__in=[x.pk for x in incoming]).order_by("pk")
    )
    outgoing = list(
        OutgoingLetter.objects.select_for_update().filter(pk__in=[x.pk for x in outgoing]).order_by("pk")
    )
    _check_ready(
        opd,
        incoming,
        finished_incoming(),
        field="incoming",
        not_ready="Surat masuk {} belum selesai ditindaklanjuti.",
    )
    _check_ready(
        opd, outgoing, signed_outgoing(), field="outgoing", not_ready="Surat keluar {} belum ditandatangani."
    )

    codes = {letter.classification_id for letter in [*incoming, *outgoing]}
    if len(codes) > 1:
        raise Refused(
            "Surat yang diberkaskan bersama harus berkode klasifikasi sama; pilih surat satu kode saja.",
            code="mixed_classification",
        )
    classification_id = codes.pop()
    if isinstance(into, Berkas) and into.classification_id != classification_id:
        raise Refused(
            f"Berkas {into.number}/{into.year} berkode {into.classification.code}; surat yang dipilih berkode lain.",
            code="other_classification",
        )
    today = timezone.localdate()
    dates = dates_for(rule_book(), classification_id, closed_on=today)  # no rule: refused here

    berkas = into if isinstance(into, Berkas) else _open_berkas(actor, opd, into, classification_id, today)
    copies = _only_copied(incoming)
    bodies = _signed_bodies(outgoing)
    for letter in incoming:
        _make_record(
            actor=actor,
            berkas=berkas,
            dates=dates,
            closed_on=today,
            letter=letter,
            number=letter.sender_number,
            letter_date=letter.letter_date,
            original=letter.pk not in copies,
        )
    for letter in outgoing:
        _make_record(
            actor=actor,
            berkas=berkas,
            dates=dates,
            closed_on=today,
            letter=letter,
            number=letter.number,
            letter_date=timezone.localdate(letter.signed_at),
            text=bodies.get(letter.pk, ""),
        )
    return berkas


def _named(letter: IncomingLetter | OutgoingLetter) -> str:
    """How a refusal names a letter: by its agenda or its number, never by its perihal, which a keeper
    may not read (a rahasia letter) or is not theirs at all (a letter of another OPD)."""
    if isinstance(letter, IncomingLetter):
        return f"agenda {letter.agenda_label}"
    return f"nomor {letter.number}" if letter.number else "yang belum bernomor"


def _check_ready(opd: Opd, letters: list, ready_rows: QuerySet, *, field: str, not_ready: str) -> None:
    """Refuse a letter of another OPD, one filed already, or one not finished (`ready_rows`)."""
    ids = [letter.pk for letter in letters]
    ready = set(ready_rows.filter(pk__in=ids).values_list("pk", flat=True))
    filed = set(Record.objects.filter(**{f"{field}__in": ids}).values_list(f"{field}_id", flat=True))
    for letter in letters:
        if letter.opd_id != opd.pk:
            raise Refused(f"Surat {_named(letter)} bukan surat {opd}.", code="foreign_letter")
        if letter.pk in filed:
            raise Refused(f"Surat {_named(letter)} sudah diberkaskan.", code="already_filed")
        if letter.pk not in ready:
            raise Refused(not_ready.format(_named(letter)), code="not_finished")


def _open_berkas(actor: User, opd: Opd, spec: NewBerkas, classification_id: int, today: date) -> Berkas:
    berkas = Berkas.objects.create(
        opd=opd,
        unit=spec.unit,
        classification_id=classification_id,
        year=today.year,
        number=BerkasCounter.take_next(opd=opd, year=today.year),
        title=spec.title.strip(),
        created_by=actor,
    )
    record_event(target=berkas, verb="berkas_opened", actor=actor, details={"number": berkas.number})
    return berkas


def _only_copied(letters: list[IncomingLetter]) -> set[int]:
    """Letters that reached the OPD only as tembusan: the OPD holds a copy (salinan), not the original."""
    addressed = InboxItem.objects.filter(letter__in=letters, reason=InboxItem.Reason.ADDRESSEE).exclude(
        status=InboxItem.Status.WITHDRAWN
    )
    return {letter.pk for letter in letters} - set(addressed.values_list("letter_id", flat=True))


def _signed_bodies(letters: list[OutgoingLetter]) -> dict[int, str]:
    """The text of each letter's last version, the one that was signed: one query."""
    versions = (
        DraftVersion.objects.filter(letter__in=letters)
        .order_by("letter_id", "-number")
        .distinct("letter_id")
        .values_list("letter_id", "body_html")
    )
    return {letter_id: " ".join(strip_tags(body).split()) for letter_id, body in versions}


def _make_record(
    *,
    actor: User,
    berkas: Berkas,
    dates: RetentionDates,
    closed_on: date,
    letter: IncomingLetter | OutgoingLetter,
    number: str,
    letter_date: date,
    original: bool = True,
    text: str = "",
) -> Record:
    record = Record.objects.create(
        opd_id=berkas.opd_id,
        berkas=berkas,
        **({"incoming": letter} if isinstance(letter, IncomingLetter) else {"outgoing": letter}),
        classification_id=letter.classification_id,
        number=number,
        title=letter.subject,
        letter_date=letter_date,
        security_class=letter.security_class,
        original=original,
        closed_on=closed_on,
        active_until=dates.active_until,
        inactive_until=dates.inactive_until,
        final_disposition=dates.final_disposition,
        text=text,
    )
    record_event(
        target=record,
        verb="filed",
        actor=actor,
        to_state=Record.State.ACTIVE,
        details={"berkas": berkas.pk, "rule": dates.rule_code},
    )
    return record
