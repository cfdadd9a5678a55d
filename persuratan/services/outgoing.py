"""Outgoing letters: drafting with versions, the paraf chain, numbering and signing.

Signing runs in a Celery task (`persuratan.tasks.sign_outgoing`) in steps that each leave a mark
in the row — the number, then the signed PDF — so a task that dies halfway and runs again never
gives a second number or a second signed document.
"""

import base64
import hashlib
import logging
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import nh3
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import formats, timezone

from kantor_virtual.errors import Refused
from kantor_virtual.files import check_upload
from kantor_virtual.notifications import notify
from kantor_virtual.timeline import record_event
from organisasi.models import Assignment, Position, RoleGrant, User
from organisasi.selectors import active_assignments, position_ids_for, role_scope, superiors_of
from persuratan.letter_templates import check_placeholders
from persuratan.models import (
    Classification,
    DispatchMeans,
    DraftVersion,
    IncomingLetter,
    OutgoingAttachment,
    OutgoingCounter,
    OutgoingLetter,
    OutgoingRecipient,
    ReviewStep,
    SecurityClass,
    SigningMode,
    SigningRequest,
)
from persuratan.outgoing_selectors import current_turn, goes_by_print, latest_round
from persuratan.selectors import letter_access
from tte.backends import ServiceUnavailable, backend

logger = logging.getLogger(__name__)

# What the rich-text editor may leave in a body: paragraphs, emphasis, lists and simple tables.
BODY_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ol",
    "ul",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
BODY_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def sanitize_body(html: str) -> str:
    """The stored body: an allow-list of tags, no attributes that run code or load anything."""
    return nh3.clean(html or "", tags=BODY_TAGS, attributes=BODY_ATTRIBUTES).strip()


@dataclass(frozen=True)
class RecipientSpec:
    kind: str  # OutgoingRecipient.Kind
    position: Position | None = None
    name: str = ""
    institution: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class DraftDetails:
    letter_type: str
    subject: str
    security_class: str
    urgency: str
    classification: Classification
    signer_position: Position
    signing_mode: str = SigningMode.OWN
    on_behalf_of: Position | None = None
    attachment_count: int = 0
    in_reply_to: IncomingLetter | None = None
    # For "a.n. … u.b." only: the official between `on_behalf_of` and the signer.
    by_order_of: Position | None = None


def _acts_for(user: User, position: Position) -> bool:
    return position.pk in position_ids_for(user=user, on=timezone.localdate())


# ── Who may sign for whom: a.n. and u.b. ─────────────────────────────────────────────────────


def _on_behalf_targets(position: Position, superiors: Sequence[Position], day: date) -> list[Position]:
    """Whom the holder of `position` may sign a.n. for, nearest first, given its superiors.

    - the position it directly answers to, and each one above it in its own OPD up to the head of
      the OPD (a Kepala Seksi for the Kepala Bidang and the Kepala Dinas);
    - the top of the tree (the Gubernur) for a head of an OPD (the Sekda, a Kepala Dinas) and for an
      Asisten (a struktural position directly under the Sekda, the head who answers to the Gubernur).
    A head of an OPD signs a.n. nobody else: the Asisten above a Kepala Dinas is not the OPD's.
    """
    if not superiors or not position.is_open_on(day):
        return []
    top = superiors[-1]
    targets: list[Position] = []
    if not position.heads_opd:
        for depth, superior in enumerate(superiors):
            if depth > 0 and superior.opd_id != position.opd_id:
                break
            targets.append(superior)
            if superior.heads_opd:
                break
    # An Asisten: a struktural position right under the Sekda, the head of an OPD who answers to the top.
    asisten = position.is_struktural and len(superiors) == 2 and superiors[0].heads_opd
    if (position.heads_opd or asisten) and top not in targets:
        targets.append(top)
    return [target for target in targets if target.is_open_on(day)]


@dataclass(frozen=True)
class SigningAuthority:
    """What the holder of a position may sign beside its own name, on one day.

    `on_behalf_of`: the positions it may sign a.n. for, nearest first. `by_order_of`: the (a.n.,
    u.b.) pairs it may sign "a.n. A / M / u.b." with: M is one it may sign a.n. for, and A one that M
    may sign a.n. for ("a.n. Gubernur / Sekretaris Daerah / u.b. Kepala Biro Umum")."""

    position: Position
    on_behalf_of: tuple[Position, ...]
    by_order_of: tuple[tuple[Position, Position], ...]

    @property
    def modes(self) -> list[str]:
        """The signing modes open to this position, its own name first."""
        return [
            mode
            for mode, open_ in (
                (SigningMode.OWN, True),
                (SigningMode.ON_BEHALF, bool(self.on_behalf_of)),
                (SigningMode.ON_BEHALF_BY, bool(self.by_order_of)),
            )
            if open_
        ]

    def allows(self, *, mode: str, on_behalf_of: Position | None, by_order_of: Position | None) -> bool:
        if mode == SigningMode.OWN:
            return True
        if mode == SigningMode.ON_BEHALF:
            return on_behalf_of in self.on_behalf_of
        return (on_behalf_of, by_order_of) in self.by_order_of

    def explain(self, mode: str) -> str:
        """Who this position may sign for, as the refusal says it."""
        name = self.position.name
        if mode == SigningMode.ON_BEHALF_BY:
            if not self.by_order_of:
                return f"{name} tidak dapat menandatangani u.b. (untuk beliau) pejabat mana pun."
            lines = [f"a.n. {above.name} / {middle.name} / u.b. {name}" for above, middle in self.by_order_of]
            return f"{name} hanya dapat menandatangani u.b. dalam susunan: {_either(lines, sep='; ')}."
        if not self.on_behalf_of:
            return (
                f"{name} tidak dapat menandatangani a.n. (atas nama) jabatan lain; "
                "tanda tangani atas nama jabatan sendiri."
            )
        return f"{name} hanya dapat menandatangani a.n. {_either([p.name for p in self.on_behalf_of])}."


def _either(items: Sequence[str], *, sep: str = ", ", last: str = "atau") -> str:
    """Names joined as a sentence says them: "A, B atau C", or "A, B dan C" with `last="dan"`."""
    return items[0] if len(items) == 1 else f"{sep.join(items[:-1])} {last} {items[-1]}"


def signing_authority(*, signer_position: Position, on: date) -> SigningAuthority:
    """The one rule of a.n. and u.b. (DESIGN.md: "a.n."/"u.b." only for a superior in the tree),
    asked by drafting, by signing, by the worker before it signs and by the form's choices."""
    superiors = superiors_of(signer_position)
    direct = _on_behalf_targets(signer_position, superiors, on)
    pairs = []
    for middle in direct:
        above_middle = superiors[superiors.index(middle) + 1 :]
        pairs += [(above, middle) for above in _on_behalf_targets(middle, above_middle, on)]
    return SigningAuthority(position=signer_position, on_behalf_of=tuple(direct), by_order_of=tuple(pairs))


def check_signing_authority(
    *,
    signer_position: Position,
    signing_mode: str,
    on_behalf_of: Position | None,
    by_order_of: Position | None,
    on: date,
) -> None:
    """Refuses a signer, a.n. or u.b. that the organisation does not allow on `on`."""
    if not signer_position.is_open_on(on):
        raise Refused(f"Jabatan {signer_position.name} sudah ditutup.", code="signer_closed")
    if signing_mode == SigningMode.OWN:
        return
    if on_behalf_of is None:
        raise Refused("Pilih jabatan yang diwakili (a.n.).", code="missing_on_behalf")
    if signing_mode == SigningMode.ON_BEHALF_BY and by_order_of is None:
        raise Refused("Pilih pejabat yang ditandatangani u.b. (untuk beliau).", code="missing_by_order")
    authority = signing_authority(signer_position=signer_position, on=on)
    if not authority.allows(mode=signing_mode, on_behalf_of=on_behalf_of, by_order_of=by_order_of):
        code = "not_by_order" if signing_mode == SigningMode.ON_BEHALF_BY else "not_on_behalf"
        raise Refused(authority.explain(signing_mode), code=code)


def propose_review_chain(*, drafter_position: Position, signer_position: Position) -> list[Position]:
    """The superiors between drafter and signer, nearest first: who usually parafs a draft.

    They run up from the drafter to the signer, or, when the signer is not above the drafter, to
    the lowest position above both (excluded: it is the signer's superior, not the drafter's
    reviewer)."""
    signer_and_above = {signer_position.pk, *(p.pk for p in superiors_of(signer_position))}
    chain = []
    for superior in superiors_of(drafter_position):
        if superior.pk in signer_and_above:
            return chain
        chain.append(superior)
    return []  # drafter and signer share no superior: nobody stands between them


def _check_review_chain(
    *, drafter_position: Position, signer_position: Position, signing_mode: str, reviewers: Sequence[Position]
) -> None:
    """A letter signed a.n. or u.b. carries the authority of someone above the signer: every
    superior between the drafter and the signer parafs it first."""
    if signing_mode == SigningMode.OWN:
        return
    given = {reviewer.pk for reviewer in reviewers}
    missing = [
        position
        for position in propose_review_chain(
            drafter_position=drafter_position, signer_position=signer_position
        )
        if position.pk not in given
    ]
    if missing:
        raise Refused(
            "Surat yang ditandatangani a.n. atau u.b. harus diparaf oleh setiap atasan antara penyusun "
            f"dan penandatangan; tambahkan {_either([p.name for p in missing], last='dan')} ke rantai paraf.",
            code="missing_paraf",
        )


def reply_security_class(*, chosen: str, in_reply_to: IncomingLetter | None) -> str:
    """A reply is at least as secret as the letter it answers: the higher of the two sifat."""
    if in_reply_to is None:
        return chosen
    order = SecurityClass.values
    return max(chosen, in_reply_to.security_class, key=order.index)


@transaction.atomic
def create_draft(
    *,
    actor: User,
    position: Position,
    details: DraftDetails,
    recipients: Sequence[RecipientSpec],
    body_html: str,
    reviewers: Sequence[Position],
    attachments: Sequence[UploadedFile] = (),
) -> OutgoingLetter:
    """A staff member starts a naskah dinas as `position`; version 1 and the paraf chain are kept."""
    if not _acts_for(actor, position):
        raise Refused("Anda tidak memegang jabatan ini.", code="not_holder")
    _check_details(details, drafter_position=position, reviewers=reviewers)
    if details.in_reply_to is not None and not letter_access(user=actor, letter=details.in_reply_to).full:
        raise Refused("Anda tidak dapat membalas surat yang tidak dapat Anda baca.", code="reply_not_visible")
    if not any(recipient.kind == OutgoingRecipient.Kind.TO for recipient in recipients):
        raise Refused("Isi sedikitnya satu tujuan surat.", code="no_recipient")
    body = _checked_body(body_html)
    checked = [(upload, check_upload(upload)) for upload in attachments]
    letter = OutgoingLetter.objects.create(
        opd=position.opd,
        letter_type=details.letter_type,
        drafter=actor,
        drafter_position=position,
        subject=details.subject.strip(),
        security_class=reply_security_class(chosen=details.security_class, in_reply_to=details.in_reply_to),
        urgency=details.urgency,
        classification=details.classification,
        attachment_count=details.attachment_count,
        signer_position=details.signer_position,
        signing_mode=details.signing_mode,
        on_behalf_of=details.on_behalf_of if details.signing_mode != SigningMode.OWN else None,
        by_order_of=details.by_order_of if details.signing_mode == SigningMode.ON_BEHALF_BY else None,
        verification_code=secrets.token_urlsafe(18),
        in_reply_to=details.in_reply_to,
    )
    OutgoingRecipient.objects.bulk_create(
        OutgoingRecipient(
            letter=letter,
            kind=spec.kind,
            order=order,
            position=spec.position,
            name=spec.name.strip(),
            institution=spec.institution.strip(),
            address=spec.address.strip(),
            email=spec.email.strip(),
        )
        for order, spec in enumerate(recipients)
    )
    for order, (upload, facts) in enumerate(checked):
        OutgoingAttachment(letter=letter, order=order).store(upload, facts)
    DraftVersion.objects.create(letter=letter, number=1, body_html=body, author=actor)
    _set_chain(letter, reviewers, round_number=1)
    record_event(target=letter, verb="drafted", actor=actor, position=position, to_state=letter.status)
    return letter


def _checked_body(body_html: str) -> str:
    body = sanitize_body(body_html)
    if not body:
        raise Refused("Isi surat masih kosong.", code="empty_body")
    check_placeholders(body)
    return body


def _check_details(
    details: DraftDetails, *, drafter_position: Position, reviewers: Sequence[Position]
) -> None:
    """What a draft states about itself: a perihal, and a signer who may sign it as it says (a.n.
    and u.b. only for a superior in the tree, with the paraf of everyone in between)."""
    if not details.subject.strip():
        raise Refused("Perihal wajib diisi.", code="missing_subject")
    if details.signing_mode not in SigningMode.values:
        raise Refused("Cara tanda tangan tidak dikenal.", code="unknown_signing_mode")
    check_signing_authority(
        signer_position=details.signer_position,
        signing_mode=details.signing_mode,
        on_behalf_of=details.on_behalf_of,
        by_order_of=details.by_order_of,
        on=timezone.localdate(),
    )
    _check_review_chain(
        drafter_position=drafter_position,
        signer_position=details.signer_position,
        signing_mode=details.signing_mode,
        reviewers=reviewers,
    )


def _set_chain(letter: OutgoingLetter, reviewers: Sequence[Position], *, round_number: int) -> None:
    ReviewStep.objects.bulk_create(
        ReviewStep(letter=letter, order=order, round=round_number, position=position)
        for order, position in enumerate(reviewers, start=1)
    )


def _locked(letter: OutgoingLetter) -> OutgoingLetter:
    return OutgoingLetter.objects.select_for_update().get(pk=letter.pk)


def latest_version(letter: OutgoingLetter) -> DraftVersion:
    return letter.versions.order_by("-number").first()


@transaction.atomic
def revise_draft(*, actor: User, letter: OutgoingLetter, body_html: str, note: str = "") -> DraftVersion:
    """The drafter saves a new version while the draft is theirs (new, or returned to them)."""
    letter = _locked(letter)
    if actor.pk != letter.drafter_id:
        raise Refused("Hanya penyusun konsep yang dapat mengubahnya.", code="not_drafter")
    if letter.status not in (OutgoingLetter.Status.DRAFT, OutgoingLetter.Status.RETURNED):
        raise Refused("Konsep sedang diparaf atau sudah disetujui; tidak dapat diubah.", code="not_editable")
    body = _checked_body(body_html)
    version = DraftVersion.objects.create(
        letter=letter,
        number=latest_version(letter).number + 1,
        body_html=body,
        author=actor,
        note=note.strip(),
    )
    record_event(target=letter, verb="revised", actor=actor, details={"version": version.number})
    return version


@transaction.atomic
def submit_for_review(*, actor: User, letter: OutgoingLetter) -> OutgoingLetter:
    """Send the draft up the chain; after a return, the same chain starts again from the first reviewer."""
    letter = _locked(letter)
    if actor.pk != letter.drafter_id:
        raise Refused("Hanya penyusun konsep yang dapat mengajukannya.", code="not_drafter")
    if letter.status not in (OutgoingLetter.Status.DRAFT, OutgoingLetter.Status.RETURNED):
        raise Refused("Konsep ini sudah diajukan.", code="already_submitted")
    previous = letter.status
    if previous == OutgoingLetter.Status.RETURNED:
        round_number = latest_round(letter)
        chain = [step.position for step in letter.review_steps.filter(round=round_number).order_by("order")]
        _set_chain(letter, chain, round_number=round_number + 1)
    has_reviewers = letter.review_steps.filter(round=latest_round(letter)).exists()
    letter.status = OutgoingLetter.Status.IN_REVIEW if has_reviewers else OutgoingLetter.Status.APPROVED
    letter.save(update_fields=["status"])
    record_event(target=letter, verb="submitted", actor=actor, from_state=previous, to_state=letter.status)
    return letter


def _act(*, actor: User, letter: OutgoingLetter) -> tuple[OutgoingLetter, ReviewStep]:
    letter = _locked(letter)
    if letter.status != OutgoingLetter.Status.IN_REVIEW:
        raise Refused("Konsep ini tidak sedang menunggu paraf.", code="not_in_review")
    step = current_turn(letter)
    if step is None or not _acts_for(actor, step.position):
        raise Refused("Belum giliran Anda memaraf konsep ini.", code="not_your_turn")
    return letter, step


@transaction.atomic
def paraf(*, actor: User, letter: OutgoingLetter, note: str = "") -> ReviewStep:
    """The reviewer whose turn it is approves the current version; the last paraf makes it ready to sign."""
    letter, step = _act(actor=actor, letter=letter)
    step.status, step.acted_by, step.acted_at = ReviewStep.Status.APPROVED, actor, timezone.now()
    step.version, step.note = latest_version(letter), note.strip()
    step.save()
    if current_turn(letter) is None:
        letter.status = OutgoingLetter.Status.APPROVED
        letter.save(update_fields=["status"])
    record_event(
        target=letter,
        verb="paraf",
        actor=actor,
        position=step.position,
        to_state=letter.status,
        details={"version": step.version.number},
    )
    return step


@transaction.atomic
def return_draft(*, actor: User, letter: OutgoingLetter, note: str) -> ReviewStep:
    """The reviewer whose turn it is sends the draft back to the drafter, saying what to change."""
    if not note.strip():
        raise Refused("Tuliskan apa yang perlu diperbaiki.", code="missing_note")
    letter, step = _act(actor=actor, letter=letter)
    step.status, step.acted_by, step.acted_at = ReviewStep.Status.RETURNED, actor, timezone.now()
    step.version, step.note = latest_version(letter), note.strip()
    step.save()
    letter.status = OutgoingLetter.Status.RETURNED
    letter.save(update_fields=["status"])
    record_event(target=letter, verb="returned", actor=actor, position=step.position, to_state=letter.status)
    return step


# ── Signing ──────────────────────────────────────────────────────────────────────────────────


def _passphrase_box() -> Fernet:
    """Holds a passphrase only while its signing request waits (the national service may be down
    for days, at most TTE_REQUEST_TTL_HOURS); every end of the request wipes it (`_end_request`,
    `_store_signed`)."""
    key = hashlib.sha256(f"passphrase:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def signing_capacity(*, user: User, letter: OutgoingLetter) -> str | None:
    """How the user would sign today: "definitif", "plt" or "plh"; None if they may not sign."""
    for assignment in active_assignments(user=user, on=timezone.localdate()):
        if assignment.position_id == letter.signer_position_id:
            return assignment.kind
    return None


def _check_signing_as_drafted(letter: OutgoingLetter, *, on: date) -> None:
    """On the day of signing the letter is still lawful as drafted: its a.n./u.b. is allowed by the
    organisation of that day, and every superior between drafter and signer parafed this round."""
    check_signing_authority(
        signer_position=letter.signer_position,
        signing_mode=letter.signing_mode,
        on_behalf_of=letter.on_behalf_of,
        by_order_of=letter.by_order_of,
        on=on,
    )
    if letter.signing_mode == SigningMode.OWN:
        return
    approved = ReviewStep.objects.filter(
        letter=letter, round=latest_round(letter), status=ReviewStep.Status.APPROVED
    ).select_related("position")
    _check_review_chain(
        drafter_position=letter.drafter_position,
        signer_position=letter.signer_position,
        signing_mode=letter.signing_mode,
        reviewers=[step.position for step in approved],
    )


# What the signer reads on the letter when the worker finds the authority gone (the message is kept
# in SigningRequest.error, 255 characters).
_LAPSED = {
    "not_signer": "masa jabatan, Plt atau Plh penanda tangan sudah berakhir",
    "signer_closed": "jabatan penanda tangan sudah ditutup",
    "not_on_behalf": "a.n. pada surat ini tidak lagi sesuai struktur organisasi",
    "not_by_order": "u.b. pada surat ini tidak lagi sesuai struktur organisasi",
    "missing_paraf": "rantai paraf tidak lagi memuat setiap atasan antara penyusun dan penanda tangan",
}


def _lapse_reason(refusal: Refused) -> str:
    return _LAPSED.get(refusal.code, "penanda tangan tidak lagi berwenang")


def signing_lapse(*, letter: OutgoingLetter, on: date) -> str | None:
    """Why an approved letter can no longer be signed as drafted on `on` (its page says so instead of
    offering the sign form), or None while it can."""
    try:
        _check_signing_as_drafted(letter, on=on)
    except Refused as refusal:
        return _lapse_reason(refusal)
    return None


def check_still_may_sign(*, letter_id: int) -> None:
    """The worker signs on its own day, maybe days after the request (a national service that was
    down): refuses, in a few words for the letter's page, when the signer may no longer sign the
    letter as drafted (a Plt/Plh that has ended, an a.n./u.b. the organisation no longer allows),
    and the worker gives the letter back instead of signing it."""
    letter = OutgoingLetter.objects.select_related(
        "signer_position", "on_behalf_of", "by_order_of", "drafter_position", "signed_by"
    ).get(pk=letter_id)
    if letter.status != OutgoingLetter.Status.SIGNING:
        return  # signed already or given back: the steps that follow know what to do
    try:
        if signing_capacity(user=letter.signed_by, letter=letter) != letter.signed_as:
            raise Refused("", code="not_signer")
        _check_signing_as_drafted(letter, on=timezone.localdate())
    except Refused as refusal:
        reason = _lapse_reason(refusal)
        message = f"Surat tidak ditandatangani: {reason}. Periksa penanda tangan surat ini."
        raise Refused(message, code=refusal.code) from None


@transaction.atomic
def request_signature(*, actor: User, letter: OutgoingLetter, passphrase: str) -> OutgoingLetter:
    """The signer signs the approved draft; numbering, rendering and PAdES run in a worker."""
    from persuratan.tasks import (
        sign_outgoing as sign_outgoing_task,  # here: the tasks module imports this one
    )

    letter = _locked(letter)
    capacity = signing_capacity(user=actor, letter=letter)
    if capacity is None:
        raise Refused("Anda tidak berwenang menandatangani surat ini hari ini.", code="not_signer")
    if letter.status != OutgoingLetter.Status.APPROVED:
        raise Refused("Surat belum selesai diparaf atau sudah ditandatangani.", code="not_approved")
    _check_signing_as_drafted(letter, on=timezone.localdate())
    if not passphrase:
        raise Refused("Masukkan kata sandi TTE.", code="missing_passphrase")
    letter.status = OutgoingLetter.Status.SIGNING
    letter.signed_by, letter.signed_as = actor, capacity
    letter.save(update_fields=["status", "signed_by", "signed_as"])
    SigningRequest.objects.update_or_create(
        letter=letter,
        defaults={
            "passphrase_token": _passphrase_box().encrypt(passphrase.encode()).decode(),
            "state": SigningRequest.State.QUEUED,
            "error": "",
        },
    )
    record_event(target=letter, verb="signing_requested", actor=actor, to_state=letter.status)
    sign_outgoing_task.delay(letter.pk)
    return letter


def number_for(letter: OutgoingLetter) -> str:
    """classification code / sequence / OPD code / year (reference/letter-types.md §3a)."""
    return f"{letter.classification.code}/{letter.number_seq}/{letter.opd.code}/{letter.number_year}"


def assign_number(*, letter_id: int) -> OutgoingLetter:
    """Give the letter its number once: gapless per OPD per year under the counter's row lock."""
    with transaction.atomic():
        letter = (
            OutgoingLetter.objects.select_for_update()
            .select_related("opd", "classification")
            .get(pk=letter_id)
        )
        if letter.number_seq is not None:
            return letter  # a retried task: the number stays
        year = timezone.localdate().year
        letter.number_year, letter.number_seq = year, OutgoingCounter.take_next(opd=letter.opd, year=year)
        letter.number = number_for(letter)
        letter.save(update_fields=["number_year", "number_seq", "number"])
        record_event(target=letter, verb="numbered", details={"number": letter.number})
        return letter


def _live_request(letter_id: int) -> SigningRequest | None:
    return SigningRequest.objects.filter(letter_id=letter_id, state__in=SigningRequest.LIVE).first()


def sign_outgoing(*, letter_id: int) -> bool:
    """The worker's part: number, render, sign, store. Safe to run again at any point.

    A run works for the request it finds waiting and ends only that one: every end is a conditional
    update on the passphrase token the run read, so a run that lost a race (the request expired and
    the signer signed again meanwhile) changes nothing of the newer request. Every end wipes the
    passphrase: signed, refused (the signer's mistake), failed (any error but an unreachable
    service, never retried) and expired (TTE_REQUEST_TTL_HOURS after the request). An unreachable
    service raises ServiceUnavailable for the task to retry; a request that expired meanwhile does not.
    """
    request = _live_request(letter_id)
    if request is None:
        return False  # signed, refused, failed or expired already: a redelivered task signs nothing
    if request.expires_at <= timezone.now():
        _expire(request)
        return False
    try:
        return _sign(request)
    except Refused as refusal:
        _give_back(letter_id=letter_id, refusal=refusal, request=request)
        return False
    except ServiceUnavailable:
        # The signer sees "menunggu layanan TTE"; the task retries with backoff until the service
        # answers or the request expires.
        waiting = SigningRequest.objects.filter(
            pk=request.pk, passphrase_token=request.passphrase_token, state__in=SigningRequest.LIVE
        ).update(state=SigningRequest.State.WAITING_SERVICE, attempts=F("attempts") + 1)
        if waiting:
            raise
        return False  # ended meanwhile: nothing left to retry
    except Exception as error:
        # A fault of ours (rendering, storage, a bug): retrying the same input would fail the same
        # way while the passphrase waits. The request ends, the signer is told and may sign again.
        logger.exception("Penandatanganan surat keluar %s gagal", letter_id)
        _fail(request, error=error)
        return False


def _sign(request: SigningRequest) -> bool:
    from persuratan.rendering import render_outgoing_pdf

    letter_id = request.letter_id
    check_still_may_sign(letter_id=letter_id)
    letter = assign_number(letter_id=letter_id)
    if letter.status != OutgoingLetter.Status.SIGNING:
        return False
    try:
        passphrase = _passphrase_box().decrypt(request.passphrase_token.encode()).decode()
    except InvalidToken:  # SECRET_KEY changed since the request
        raise Refused(
            "Permintaan tanda tangan tidak dapat dibaca; tanda tangani lagi.", code="stale_request"
        ) from None
    started = SigningRequest.objects.filter(
        pk=request.pk, passphrase_token=request.passphrase_token, state__in=SigningRequest.LIVE
    ).update(state=SigningRequest.State.SIGNING)
    if not started:
        return False
    pdf = render_outgoing_pdf(letter=letter)
    signed = backend().sign(
        pdf=pdf, signer=letter.signed_by, passphrase=passphrase, reason=f"Menandatangani {letter.number}"
    )
    return _store_signed(letter_id=letter_id, signed=signed, request=request)


def next_signing_attempt_in(*, letter_id: int, backoff: int) -> int | None:
    """Seconds until the worker tries a request waiting for the service again: the task's backoff,
    but never past the request's expiry, so that the last try is the one that ends it. None when
    nothing waits any more: the request ended, or it has expired (and is ended here)."""
    request = _live_request(letter_id)
    if request is None:
        return None
    left = (request.expires_at - timezone.now()).total_seconds()
    if left <= 0:
        _expire(request)
        return None
    return max(1, min(backoff, math.ceil(left)))


def _end_request(
    *, letter_id: int, request: SigningRequest | None, state: str, error: str, verb: str, details: dict
) -> OutgoingLetter | None:
    """End the waiting request and give the letter back as "approved", so it can be signed again.

    The passphrase is wiped by the very statement that ends the request. With `request`, only if
    the row still holds that request's passphrase; without, whatever request waits. None when
    there was nothing to end (another run or the expiry job came first)."""
    with transaction.atomic():
        # The letter first, then the request: the order request_signature and _store_signed lock in.
        letter = OutgoingLetter.objects.select_for_update().select_related("opd").get(pk=letter_id)
        waiting = SigningRequest.objects.filter(letter_id=letter_id, state__in=SigningRequest.LIVE)
        if request is not None:
            waiting = waiting.filter(pk=request.pk, passphrase_token=request.passphrase_token)
        if not waiting.update(state=state, error=error[:255], passphrase_token=""):
            return None
        previous = letter.status
        if letter.status == OutgoingLetter.Status.SIGNING:
            letter.status = OutgoingLetter.Status.APPROVED
            letter.save(update_fields=["status"])
        record_event(target=letter, verb=verb, details=details, from_state=previous, to_state=letter.status)
        return letter


def _give_back(*, letter_id: int, refusal: Refused, request: SigningRequest | None = None) -> None:
    """A refusal (wrong passphrase, revoked certificate, lapsed authority) goes back to the signer
    on the letter's page at once; nothing is retried."""
    _end_request(
        letter_id=letter_id,
        request=request,
        state=SigningRequest.State.REFUSED,
        error=refusal.message,
        verb="signing_refused",
        details={"code": refusal.code},
    )


@transaction.atomic
def _fail(request: SigningRequest, *, error: Exception) -> None:
    letter = _end_request(
        letter_id=request.letter_id,
        request=request,
        state=SigningRequest.State.FAILED,
        error="Penandatanganan gagal karena kesalahan pada sistem; kata sandi TTE yang tersimpan sudah dihapus.",
        verb="signing_failed",
        details={"error": type(error).__name__},
    )
    if letter is not None:
        _tell_signer(
            letter,
            request,
            about="gagal",
            title=f"Tanda tangan gagal: {letter_label(letter)}",
            body=(
                "Penandatanganan gagal karena kesalahan pada sistem, dan kata sandi TTE yang tersimpan "
                "sudah dihapus. Surat kembali siap ditandatangani: buka surat dan tanda tangani lagi. "
                "Bila gagal lagi, hubungi admin SPBE."
            ),
        )


@transaction.atomic
def _expire(request: SigningRequest) -> bool:
    hours = settings.TTE_REQUEST_TTL_HOURS
    letter = _end_request(
        letter_id=request.letter_id,
        request=request,
        state=SigningRequest.State.EXPIRED,
        error=f"Tidak selesai dalam {hours} jam; kata sandi TTE yang tersimpan sudah dihapus.",
        verb="signing_expired",
        details={"hours": hours},
    )
    if letter is None:
        return False
    _tell_signer(
        letter,
        request,
        about="kedaluwarsa",
        title=f"Tanda tangan kedaluwarsa: {letter_label(letter)}",
        body=(
            f"Permintaan tanda tangan Anda tidak dapat diselesaikan dalam {hours} jam, sehingga kata "
            "sandi TTE yang tersimpan sudah dihapus. Surat kembali siap ditandatangani: buka surat dan "
            "tanda tangani lagi."
        ),
    )
    return True


def expire_signing_requests() -> int:
    """End every request still waiting TTE_REQUEST_TTL_HOURS after it was made (hourly, beat): the
    passphrase is wiped, the signer told, the letter back to "approved". A second run ends nothing."""
    cutoff = timezone.now() - timedelta(hours=settings.TTE_REQUEST_TTL_HOURS)
    stale = SigningRequest.objects.filter(state__in=SigningRequest.LIVE, requested_at__lte=cutoff)
    return sum(_expire(request) for request in stale.order_by("requested_at", "pk").iterator())


def _tell_signer(
    letter: OutgoingLetter, request: SigningRequest, *, about: str, title: str, body: str
) -> None:
    """One notice per request: its key names the request and the moment its passphrase was given."""
    if letter.signed_by_id is None:
        return
    notify(
        users=[letter.signed_by],
        key=f"tanda-tangan-{about}:{request.pk}:{request.requested_at:%Y%m%d%H%M%S%f}",
        title=title,
        body=body,
        url=reverse("surat_keluar:letter", args=[letter.pk]),
    )


def letter_label(letter: OutgoingLetter) -> str:
    """How a message names an outgoing letter: by its number, or by its type and the day it was
    drafted before it has one; never by its perihal, which a rahasia letter keeps to its readers."""
    kind = letter.get_letter_type_display()
    if letter.number:
        return f"{kind} nomor {letter.number}"
    return f"konsep {kind} tanggal {formats.date_format(timezone.localdate(letter.created_at))}"


@transaction.atomic
def _store_signed(*, letter_id: int, signed: bytes, request: SigningRequest) -> bool:
    from persuratan.tasks import deliver_outgoing as deliver_outgoing_task

    letter = OutgoingLetter.objects.select_for_update().get(pk=letter_id)
    if letter.status == OutgoingLetter.Status.SIGNED:
        return False  # another run stored its PDF first: keep that one
    done = SigningRequest.objects.filter(
        pk=request.pk, passphrase_token=request.passphrase_token, state__in=SigningRequest.LIVE
    ).update(state=SigningRequest.State.DONE, passphrase_token="", error="")
    if not done:
        return False  # the request ended while the service signed (it expired): this signature is dropped
    letter.signed_pdf.save(
        f"{letter.opd_id}/{letter.number_year}/{letter.verification_code}.pdf",
        ContentFile(signed),
        save=False,
    )
    letter.signed_sha256 = hashlib.sha256(signed).hexdigest()
    letter.signed_at = timezone.now()
    letter.status = OutgoingLetter.Status.SIGNED
    letter.save(update_fields=["signed_pdf", "signed_sha256", "signed_at", "status"])
    deliver_outgoing_task.delay(letter.pk)
    record_event(
        target=letter,
        verb="signed",
        actor=letter.signed_by,
        position=letter.signer_position,
        to_state=letter.status,
        details={"number": letter.number, "sha256": letter.signed_sha256, "as": letter.signed_as},
    )
    return True


def acting_prefix(kind: str) -> str:
    return {Assignment.Kind.PLT: "Plt. ", Assignment.Kind.PLH: "Plh. "}.get(kind, "")


def deliver_outgoing(*, letter_id: int) -> int:
    """Send a signed letter on: an incoming letter of each recipient OPD in the province (agenda
    number, inbox), an e-mail with the PDF to each outside recipient with an address, and a notice
    to the OPD's operators to print it for the others (all outside recipients of a rahasia letter).
    Safe to run again."""
    from persuratan.services.incoming import LetterDetails, Sender, receive_letter

    letter = OutgoingLetter.objects.select_related("opd", "classification").get(pk=letter_id)
    if letter.status != OutgoingLetter.Status.SIGNED:
        return 0
    with letter.signed_pdf.open("rb") as handle:
        signed = handle.read()
    lampiran = [_read(attachment) for attachment in letter.attachments.all()]
    waiting = list(letter.recipients.filter(delivered_at__isnull=True).select_related("position__opd"))
    by_opd: dict[int, list[OutgoingRecipient]] = {}
    for recipient in waiting:
        if recipient.position_id:
            by_opd.setdefault(recipient.position.opd_id, []).append(recipient)
    details = LetterDetails(
        sender=Sender(kind="institution", name=letter.opd.name, address=letter.opd.address),
        sender_number=letter.number,
        letter_date=timezone.localdate(letter.signed_at),
        received_on=timezone.localdate(),
        subject=letter.subject,
        letter_type=letter.letter_type,
        security_class=letter.security_class,
        urgency=letter.urgency,
        classification=letter.classification,
        attachment_count=letter.attachment_count,
    )
    delivered = 0
    for recipients in by_opd.values():
        opd = recipients[0].position.opd
        with transaction.atomic():
            receive_letter(
                opd=opd,
                details=details,
                addressees=[r.position for r in recipients if r.kind == OutgoingRecipient.Kind.TO],
                copies=[r.position for r in recipients if r.kind == OutgoingRecipient.Kind.COPY],
                files=[
                    ContentFile(signed, name=f"{letter.verification_code}.pdf"),
                    *(ContentFile(content, name=name) for name, content, _ in lampiran),
                ],
                source="internal",
                origin_key=f"outgoing:{letter.pk}:{opd.code}",
            )
            OutgoingRecipient.objects.filter(pk__in=[r.pk for r in recipients]).update(
                delivered_at=timezone.now()
            )
        delivered += len(recipients)
    printed = [recipient for recipient in waiting if goes_by_print(letter, recipient)]
    if printed:
        _ask_operators_to_print(letter, count=len(printed))
    for recipient in waiting:
        if recipient.position_id is not None or goes_by_print(letter, recipient):
            continue
        # Claim first: two runs never send the same letter twice. A send that fails gives the claim
        # back, so the task's retry sends it instead of skipping a recipient who got nothing.
        claim = OutgoingRecipient.objects.filter(pk=recipient.pk, delivered_at__isnull=True)
        if claim.update(delivered_at=timezone.now()):
            try:
                _email_letter(letter, recipient, signed, lampiran)
            except Exception:
                OutgoingRecipient.objects.filter(pk=recipient.pk).update(delivered_at=None)
                raise
            delivered += 1
    return delivered


def _ask_operators_to_print(letter: OutgoingLetter, *, count: int) -> None:
    """Once per letter and operator: the notice names the letter by number, never by perihal."""
    operators = User.objects.filter(
        is_active=True, role_grants__role=RoleGrant.Role.OPERATOR, role_grants__opd_id=letter.opd_id
    ).distinct()
    narrowed = letter.security_class in SecurityClass.narrowed()
    sifat = SecurityClass(letter.security_class).label.lower()
    how = "dalam amplop tertutup bertanda sifatnya" if narrowed else "lewat pos atau kurir"
    notify(
        users=operators,
        key=f"kirim-cetak:{letter.pk}",
        title=f"Kirim cetak: {letter_label(letter)}",
        body=(
            f"Surat {sifat} ini tidak dikirim lewat surel kepada {count} penerima di luar Kantor Virtual. "
            f"Cetak surat dan lampirannya, kirimkan {how}, lalu catat pengirimannya di halaman surat."
        ),
        url=reverse("surat_keluar:letter", args=[letter.pk]),
    )


def _read(attachment: OutgoingAttachment) -> tuple[str, bytes, str]:
    with attachment.file.open("rb") as handle:
        return attachment.original_name, handle.read(), attachment.content_type


def _email_letter(
    letter: OutgoingLetter,
    recipient: OutgoingRecipient,
    signed: bytes,
    lampiran: list[tuple[str, bytes, str]],
) -> None:
    """The letter by e-mail to an outside recipient. An e-mail crosses other people's servers: only
    a biasa letter's perihal is written in it (the PDF carries the rest), and a rahasia or sangat
    rahasia letter is never e-mailed at all."""
    from django.core.mail import EmailMessage

    if letter.security_class in SecurityClass.narrowed():
        raise ValueError(
            f"Surat keluar {letter.pk} bersifat {letter.security_class}: tidak dikirim lewat surel."
        )
    kind = letter.get_letter_type_display()
    ordinary = letter.security_class == SecurityClass.ORDINARY
    message = EmailMessage(
        subject=f"{kind} {letter.number}: {letter.subject}" if ordinary else f"{kind} {letter.number}",
        body=(
            f"Yth. {recipient.name},\n\nTerlampir {kind.lower()} dari {letter.opd.name} nomor {letter.number}"
            f"{f' perihal {letter.subject}' if ordinary else ''}, ditandatangani secara elektronik.\n"
        ),
        to=[recipient.email],
    )
    message.attach(f"{letter.number.replace('/', '-')}.pdf", signed, "application/pdf")
    for name, content, content_type in lampiran:
        message.attach(name, content, content_type)
    message.send()


def can_record_dispatch(*, user: User, letter: OutgoingLetter) -> bool:
    """Operators of the letter's OPD print its paper copies and record how they left."""
    return role_scope(user=user, role=RoleGrant.Role.OPERATOR).covers(letter.opd_id)


def _awaiting_print(letter: OutgoingLetter) -> bool:
    return any(
        goes_by_print(letter, recipient)
        for recipient in letter.recipients.filter(position__isnull=True, delivered_at__isnull=True)
    )


@transaction.atomic
def record_dispatch(
    *,
    actor: User,
    letter: OutgoingLetter,
    recipient: OutgoingRecipient,
    sent_on: date,
    means: str,
    note: str = "",
) -> OutgoingRecipient:
    """An operator of the letter's OPD records that the printed letter left for `recipient`: when,
    how (kurir, pos, …) and a note, on the letter's timeline; the recipient counts as delivered."""
    if not can_record_dispatch(user=actor, letter=letter):
        raise Refused(
            "Hanya operator perangkat daerah pengirim yang dapat mencatat pengiriman surat ini.",
            code="not_operator",
        )
    if means not in DispatchMeans.values:
        raise Refused("Pilih cara pengiriman dari daftar.", code="unknown_means")
    letter = _locked(letter)
    if letter.status != OutgoingLetter.Status.SIGNED:
        raise Refused("Surat belum ditandatangani, sehingga belum dapat dikirim.", code="not_signed")
    recipient = letter.recipients.select_for_update().filter(pk=recipient.pk).first()
    if recipient is None or not goes_by_print(letter, recipient):
        raise Refused(
            "Surat ini tidak dikirim dalam bentuk cetak kepada penerima tersebut.", code="not_printed"
        )
    if recipient.delivered_at is not None:
        raise Refused("Pengiriman kepada penerima ini sudah dicatat.", code="already_dispatched")
    if not timezone.localdate(letter.signed_at) <= sent_on <= timezone.localdate():
        raise Refused(
            "Tanggal kirim harus antara tanggal surat ditandatangani dan hari ini.", code="bad_dispatch_date"
        )
    recipient.delivered_at = timezone.now()
    recipient.save(update_fields=["delivered_at"])
    record_event(
        target=letter,
        verb="dispatched",
        actor=actor,
        details={
            "recipient": recipient.pk,
            "to": recipient.label,
            "on": sent_on,
            "means": means,
            "note": note.strip(),
        },
    )
    return recipient


def open_print_copy(
    *, actor: User, letter: OutgoingLetter, attachment_id: int | None = None
) -> tuple[FieldFile, str, str]:
    """The signed letter, or one of its lampiran (file, download name, content type), for an operator
    of its OPD to print while a paper copy still waits to be sent. An operator reads no rahasia letter otherwise, so each opening is
    recorded on the letter's timeline."""
    if not can_record_dispatch(user=actor, letter=letter):
        raise Refused(
            "Hanya operator perangkat daerah pengirim yang mencetak surat ini.", code="not_operator"
        )
    if letter.status != OutgoingLetter.Status.SIGNED or not letter.signed_pdf or not _awaiting_print(letter):
        raise Refused("Tidak ada surat cetak yang menunggu dikirim.", code="nothing_to_print")
    copy = (letter.signed_pdf, f"{letter.number.replace('/', '-')}.pdf", "application/pdf")
    if attachment_id is not None:
        attachment = letter.attachments.filter(pk=attachment_id).first()
        if attachment is None or not attachment.file:  # no file: destroyed with its archive record
            raise Refused("Lampiran tidak ditemukan.", code="no_attachment")
        copy = (attachment.file, attachment.original_name, attachment.content_type)
    record_event(
        target=letter,
        verb="print_copy_opened",
        actor=actor,
        details={"attachment": attachment_id} if attachment_id is not None else {},
    )
    return copy
