"""Penyusutan arsip: the arsiparis proposes to transfer, destroy or hand over records that are due; the
head of the OPD approves it, which drafts the berita acara for them to sign, or rejects it; the
signed berita acara carries the proposal out (arsip.receivers)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from arsip.disposal_selectors import due_condition, head_of, in_open_proposal
from arsip.loan_selectors import OPEN_LOANS
from arsip.models import FinalDisposition, Loan, Proposal, Record
from arsip.record_selectors import is_arsiparis_of
from arsip.selectors import shown_title
from kantor_virtual.errors import Refused
from kantor_virtual.notifications import notify
from kantor_virtual.timeline import record_event
from organisasi.models import Opd, User
from organisasi.selectors import holders_of, position_ids_for
from persuratan.models import (
    Classification,
    DraftVersion,
    IncomingLetter,
    LetterFile,
    LetterType,
    OutgoingAttachment,
    OutgoingLetter,
    OutgoingRecipient,
    SecurityClass,
    Urgency,
)
from persuratan.services.outgoing import DraftDetails, RecipientSpec, create_draft, submit_for_review


@dataclass(frozen=True)
class Action:
    """What a kind of proposal does: the berita acara's perihal and code, and where records end."""

    title: str
    classification: str  # Permendagri 83/2022: 000.5.6.x, penyusutan arsip
    done: str  # what the berita acara says was done, after "telah"
    state: str  # the records' state once the berita acara is signed
    verb: str  # the records' timeline event


ACTIONS = {
    Proposal.Kind.TRANSFER: Action(
        "Pemindahan Arsip Inaktif",
        "000.5.6.1",
        "memindahkan arsip inaktif dari unit pengolah ke unit kearsipan",
        Record.State.INACTIVE,
        "transferred",
    ),
    Proposal.Kind.DESTROY: Action(
        "Pemusnahan Arsip",
        "000.5.6.2",
        "memusnahkan arsip yang telah habis masa retensinya dan berketerangan musnah",
        Record.State.DESTROYED,
        "destroyed",
    ),
    Proposal.Kind.HAND_OVER: Action(
        "Penyerahan Arsip Statis",
        "000.5.6.3",
        "menyerahkan arsip statis kepada lembaga kearsipan daerah",
        Record.State.HANDED_OVER,
        "handed_over",
    ),
}


def _numbers(records: Sequence[Record]) -> str:
    """How a refusal names the records it is about: a few numbers, then how many more."""
    shown = ", ".join(record.number for record in records[:5])
    return f"{shown} dan {len(records) - 5} lainnya" if len(records) > 5 else shown


def _refuse_unsafe(*, kind: str, records: Sequence[Record]) -> None:
    """A permanent record or one held for a legal case is never destroyed (the database refuses it too)."""
    if kind != Proposal.Kind.DESTROY:
        return
    permanent = [r for r in records if r.final_disposition == FinalDisposition.PERMANENT]
    if permanent:
        raise Refused(
            f"Arsip berketerangan permanen tidak boleh dimusnahkan; usulkan penyerahan: {_numbers(permanent)}.",
            code="permanent_record",
        )
    held = [r for r in records if r.legal_hold]
    if held:
        raise Refused(
            f"Arsip yang ditahan karena perkara hukum tidak boleh dimusnahkan: {_numbers(held)}.",
            code="held_record",
        )


def _check_records(*, kind: str, opd: Opd, ids: list[int], records: list[Record]) -> None:
    if len(records) != len(ids) or any(record.opd_id != opd.pk for record in records):
        raise Refused("Sebagian arsip yang dipilih bukan arsip perangkat daerah ini.", code="foreign_record")
    _refuse_unsafe(kind=kind, records=records)
    chosen = Record.objects.filter(pk__in=ids)
    due = set(
        chosen.filter(due_condition(kind=kind, today=timezone.localdate())).values_list("pk", flat=True)
    )
    not_due = [record for record in records if record.pk not in due]
    if not_due:
        raise Refused(
            f"Arsip berikut belum waktunya untuk {ACTIONS[kind].title.lower()}: {_numbers(not_due)}.",
            code="not_due",
        )
    busy = list(chosen.filter(in_open_proposal()).order_by("pk"))
    if busy:
        raise Refused(
            f"Arsip berikut sudah ada dalam usul yang belum selesai: {_numbers(busy)}.", code="proposed"
        )
    if kind == Proposal.Kind.TRANSFER:
        return  # a lent record may move: it is returned to the records centre instead
    lent = set(
        Loan.objects.filter(record_id__in=ids, status__in=OPEN_LOANS).values_list("record_id", flat=True)
    )
    on_loan = [record for record in records if record.pk in lent]
    if on_loan:
        raise Refused(f"Arsip berikut sedang dipinjam: {_numbers(on_loan)}.", code="on_loan")


def _proposal_url(proposal: Proposal) -> str:
    return reverse("arsip:proposal", args=[proposal.pk])


@transaction.atomic
def propose(*, actor: User, opd: Opd, kind: str, records: Sequence[Record], note: str = "") -> Proposal:
    """The OPD's arsiparis proposes records that are due; the head of the OPD is asked to decide."""
    if not is_arsiparis_of(user=actor, opd_id=opd.pk):
        raise Refused("Anda bukan arsiparis perangkat daerah ini.", code="not_arsiparis")
    if kind not in ACTIONS:
        raise Refused("Jenis usul tidak dikenal.", code="unknown_kind")
    ids = sorted({record.pk for record in records})
    if not ids:
        raise Refused("Pilih sedikitnya satu arsip.", code="no_records")
    approver = head_of(opd_id=opd.pk, on=timezone.localdate())
    if approver is None:
        raise Refused(
            "Perangkat daerah ini belum memiliki jabatan kepala yang menyetujui usul.", code="no_head"
        )
    # Locked in id order: two proposals made at once wait for each other here, and the second then
    # sees the first one's records as already proposed.
    locked = list(Record.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    _check_records(kind=kind, opd=opd, ids=ids, records=locked)
    proposal = Proposal.objects.create(
        opd=opd, kind=kind, proposed_by=actor, note=note.strip(), approver_position=approver
    )
    proposal.records.set(ids)
    record_event(
        target=proposal, verb="proposed", actor=actor, to_state=proposal.status, details={"records": ids}
    )
    notify(
        users=holders_of(position_ids=[approver.pk], on=timezone.localdate()).get(approver.pk, []),
        key=f"proposal:{proposal.pk}:proposed",
        title=f"Usul {ACTIONS[kind].title.lower()} menunggu keputusan Anda",
        body=f"{len(ids)} arsip {opd.short_name}, diusulkan oleh {actor}.",
        url=_proposal_url(proposal),
    )
    return proposal


def _decidable(*, actor: User, proposal: Proposal) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("opd", "approver_position")
        .get(pk=proposal.pk)
    )
    if proposal.approver_position_id not in position_ids_for(user=actor, on=timezone.localdate()):
        raise Refused(f"Usul ini diputuskan oleh {proposal.approver_position.name}.", code="not_approver")
    if proposal.status != Proposal.Status.PROPOSED:
        raise Refused("Usul ini sudah diputuskan.", code="already_decided")
    return proposal


def _decide(*, actor: User, proposal: Proposal, status: str, note: str) -> None:
    proposal.status, proposal.decided_by, proposal.decided_at = status, actor, timezone.now()
    proposal.decision_note = note.strip()
    proposal.save()
    record_event(
        target=proposal,
        verb=status,
        actor=actor,
        position=proposal.approver_position,
        from_state=Proposal.Status.PROPOSED,
        to_state=status,
        details={"berita_acara": proposal.berita_acara_id} if proposal.berita_acara_id else {},
    )


@transaction.atomic
def approve(*, actor: User, proposal: Proposal, note: str = "") -> Proposal:
    """The head of the OPD approves; the berita acara is drafted as theirs, ready for them to sign."""
    proposal = _decidable(actor=actor, proposal=proposal)
    # The berita acara is the approver's: it names each record with the title they may see.
    records = list(
        proposal.records.select_for_update(of=("self",))
        .select_related("classification")
        .annotate(shown_title=shown_title(user=actor))
        .order_by("pk")
    )
    _refuse_unsafe(kind=proposal.kind, records=records)  # a hold may have come since it was proposed
    proposal.berita_acara = _draft_berita_acara(actor=actor, proposal=proposal, records=records)
    _decide(actor=actor, proposal=proposal, status=Proposal.Status.APPROVED, note=note)
    return proposal


@transaction.atomic
def reject(*, actor: User, proposal: Proposal, note: str) -> Proposal:
    """The head of the OPD rejects, saying why; the records can be proposed again."""
    if not note.strip():
        raise Refused("Tuliskan alasan penolakan.", code="missing_note")
    proposal = _decidable(actor=actor, proposal=proposal)
    _decide(actor=actor, proposal=proposal, status=Proposal.Status.REJECTED, note=note)
    notify(
        users=[proposal.proposed_by],
        key=f"proposal:{proposal.pk}:rejected",
        title=f"Usul {ACTIONS[proposal.kind].title.lower()} ditolak",
        body=proposal.decision_note,
        url=_proposal_url(proposal),
    )
    return proposal


def _text(value: str) -> str:
    """Escaped for the body, whose `$` would otherwise start a placeholder."""
    return escape(value).replace("$", "$$")


def berita_acara_body(*, proposal: Proposal, records: Sequence[Record]) -> str:
    """The berita acara: who did what by which rule, and the list of the records (daftar arsip), each
    with the title its drafter may see (`shown_title`, arsip.selectors)."""
    rows = "".join(
        "<tr>"
        f"<td>{number}</td><td>{_text(record.classification.code)}</td><td>{_text(record.shown_title)}</td>"
        f"<td>{record.letter_date.year}</td>"
        f"<td>Nomor {_text(record.number)}; {_text(record.get_final_disposition_display().lower())}</td>"
        "</tr>"
        for number, record in enumerate(records, start=1)
    )
    proposed_on = date_format(timezone.localdate(proposal.proposed_at), "j F Y")
    return (
        "<p>Pada hari ini, ${tanggal}, bertempat di ${kota}, kami yang bertanda tangan di bawah ini, "
        "${jabatan_penandatangan} ${opd}, berdasarkan Jadwal Retensi Arsip dan usul arsiparis tanggal "
        f"{proposed_on}, telah {ACTIONS[proposal.kind].done} sebanyak {len(records)} arsip "
        "sebagaimana tercantum dalam daftar berikut:</p>"
        "<table><thead><tr><th>No.</th><th>Kode klasifikasi</th><th>Uraian</th><th>Tahun</th>"
        f"<th>Keterangan</th></tr></thead><tbody>{rows}</tbody></table>"
        "<p>Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.</p>"
    )


def highest_security_class(records: Sequence[Record]) -> str:
    """The highest sifat among the records (biasa below terbatas below rahasia below sangat rahasia,
    the order SecurityClass declares them in); biasa for none."""
    order = SecurityClass.values
    return max((record.security_class for record in records), key=order.index, default=SecurityClass.ORDINARY)


def _draft_berita_acara(*, actor: User, proposal: Proposal, records: Sequence[Record]) -> OutgoingLetter:
    """A naskah dinas of the OPD like any other, drafted by the approver as the signer, without paraf:
    it is ready to sign on the outgoing letter's page with their TTE passphrase.

    It takes the highest sifat of the records it lists: one listing a rahasia record is rahasia, and
    from then on follows the rules of rahasia outgoing letters (the OPD's operators see its register
    entry, not its body; the archive hands its PDF only to those who may read it)."""
    action = ACTIONS[proposal.kind]
    letter = create_draft(
        actor=actor,
        position=proposal.approver_position,
        details=DraftDetails(
            letter_type=LetterType.OFFICIAL_RECORD,
            subject=action.title,
            security_class=highest_security_class(records),
            urgency=Urgency.NORMAL,
            classification=Classification.objects.get(code=action.classification),
            signer_position=proposal.approver_position,
        ),
        recipients=[
            RecipientSpec(
                kind=OutgoingRecipient.Kind.TO, name="Unit Kearsipan", institution=proposal.opd.name
            )
        ],
        body_html=berita_acara_body(proposal=proposal, records=records),
        reviewers=[],
    )
    return submit_for_review(actor=actor, letter=letter)


# ── Carrying out a proposal once its berita acara is signed ──────────────────────────────────


def _file_fields(model: type[models.Model]) -> list[str]:
    """Every stored file of a letter's rows, the OCR copy of a scan included."""
    return [field.name for field in model._meta.get_fields() if isinstance(field, models.FileField)]


def _wipe_contents(records: Sequence[Record]) -> list[str]:
    """Empty what the destroyed records held — files, their text, the bodies of drafts — and keep every
    row with its metadata. Returns the stored names to delete once the transaction commits."""
    incoming_ids = [record.incoming_id for record in records if record.incoming_id]
    outgoing_ids = [record.outgoing_id for record in records if record.outgoing_id]
    names: list[str] = []
    for rows in (
        LetterFile.objects.filter(letter_id__in=incoming_ids),
        OutgoingAttachment.objects.filter(letter_id__in=outgoing_ids),
        OutgoingLetter.objects.filter(pk__in=outgoing_ids),
    ):
        fields = _file_fields(rows.model)
        names += [name for stored in rows.values_list(*fields) for name in stored if name]
        rows.update(**dict.fromkeys(fields, ""))
    LetterFile.objects.filter(letter_id__in=incoming_ids).update(text="")
    IncomingLetter.objects.filter(pk__in=incoming_ids).update(scan_text="")
    DraftVersion.objects.filter(letter_id__in=outgoing_ids).update(body_html="")
    return names


@transaction.atomic
def carry_out(*, proposal_id: int) -> bool:
    """Move the records of an approved proposal whose berita acara is signed; safe to run again.

    A destroyed record keeps its metadata and names the proposal; its files leave storage after
    commit. A record put on hold since the approval is left as it is (the database would refuse it)
    and named in the proposal's event."""
    from arsip.tasks import delete_stored_files as delete_stored_files_task  # the tasks import services

    proposal = (
        Proposal.objects.select_for_update(of=("self",)).select_related("berita_acara").get(pk=proposal_id)
    )
    if (
        proposal.status != Proposal.Status.APPROVED
        or proposal.berita_acara.status != OutgoingLetter.Status.SIGNED
    ):
        return False
    action = ACTIONS[proposal.kind]
    records = list(proposal.records.select_for_update(of=("self",)).order_by("pk"))
    moving = [record for record in records if record.state != action.state]
    if proposal.kind == Proposal.Kind.DESTROY:
        moving = [r for r in moving if r.final_disposition == FinalDisposition.DESTROY and not r.legal_hold]
    now = timezone.now()
    changes = {"state": action.state}
    if proposal.kind == Proposal.Kind.DESTROY:
        changes.update(destroyed_at=now, destroyed_by=proposal, text="")
        names = _wipe_contents(moving)
        delete_stored_files_task.delay(names)
    Record.objects.filter(pk__in=[record.pk for record in moving]).update(**changes)
    berita_acara = proposal.berita_acara
    for record in moving:
        record_event(
            target=record,
            verb=action.verb,
            from_state=record.state,
            to_state=action.state,
            details={"proposal": proposal.pk, "berita_acara": berita_acara.number},
        )
    proposal.status, proposal.executed_at = Proposal.Status.DONE, now
    proposal.save(update_fields=["status", "executed_at"])
    moved = {record.pk for record in moving}
    record_event(
        target=proposal,
        verb="carried_out",
        from_state=Proposal.Status.APPROVED,
        to_state=proposal.status,
        details={
            "berita_acara": berita_acara.number,
            "records": sorted(moved),
            "kept": [record.pk for record in records if record.pk not in moved],
        },
    )
    notify(
        users=[proposal.proposed_by],
        key=f"proposal:{proposal.pk}:done",
        title=f"{action.title} selesai: berita acara {berita_acara.number} ditandatangani",
        url=_proposal_url(proposal),
    )
    return True
