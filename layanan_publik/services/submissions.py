"""Submissions: an applicant applies to a service, the OPD's operator verifies, the letter is
answered. An accepted submission enters the OPD's agenda through the same service as a letter the
operator registers (persuratan.services.receive_letter), so it is disposed and answered like any.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from kantor_virtual.errors import Refused
from kantor_virtual.files import check_upload
from kantor_virtual.timeline import record_event
from layanan_publik.models import (
    Applicant,
    Service,
    ServiceDocument,
    ServiceField,
    Submission,
    SubmissionDocument,
    SubmissionVersion,
)
from layanan_publik.services.accounts import require_verified
from layanan_publik.tasks import notify_applicant, render_receipt
from layanan_publik.workdays import add_working_days
from organisasi.models import RoleGrant, User
from organisasi.selectors import role_scope
from persuratan.models import LetterType, OutgoingLetter, SecurityClass, Urgency
from persuratan.services.incoming import LetterDetails, Sender, receive_letter


@dataclass(frozen=True)
class Upload:
    """A document the applicant sends, for one of the service's requirements (or none: extra)."""

    file: UploadedFile
    requirement: ServiceDocument | None = None


def _applicant_of(actor: User) -> Applicant:
    applicant = Applicant.objects.filter(user=actor).first()
    if applicant is None:
        raise Refused("Masuk sebagai pemohon untuk mengajukan permohonan.", code="not_applicant")
    require_verified(applicant)
    return applicant


def clean_answers(service: Service, answers: dict[str, str]) -> dict[str, str]:
    """The answers to the service's questions, checked against each question: required, number,
    date, one of the choices. Keys that are not questions are dropped."""
    cleaned, problems = {}, []
    for field in service.fields.all():
        value = str(answers.get(field.key, "")).strip()
        if not value:
            if field.required:
                problems.append(f"{field.label} wajib diisi.")
            continue
        if field.kind == ServiceField.Kind.NUMBER and not value.lstrip("-").isdigit():
            problems.append(f"{field.label} harus berupa angka.")
        elif field.kind == ServiceField.Kind.DATE and not _is_date(value):
            problems.append(f"{field.label} harus berupa tanggal.")
        elif field.kind == ServiceField.Kind.CHOICE and value not in field.choices.splitlines():
            problems.append(f"Pilih {field.label.lower()} dari daftar.")
        cleaned[field.key] = value
    if problems:
        raise Refused(" ".join(problems), code="bad_answers")
    return cleaned


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _checked_uploads(service: Service, uploads: Sequence[Upload], *, carried: set[int]) -> list:
    """Every required document present (sent now or kept from the previous version), each file
    checked by content and size, no more than PORTAL_MAX_DOCUMENTS."""
    if len(uploads) + len(carried) > settings.PORTAL_MAX_DOCUMENTS:
        raise Refused(
            f"Paling banyak {settings.PORTAL_MAX_DOCUMENTS} berkas dalam satu permohonan.",
            code="too_many_files",
        )
    sent = {upload.requirement.pk for upload in uploads if upload.requirement is not None} | carried
    missing = [doc.name for doc in service.documents.all() if doc.required and doc.pk not in sent]
    if missing:
        raise Refused(f"Unggah dokumen wajib: {', '.join(missing)}.", code="missing_document")
    foreign = [u for u in uploads if u.requirement is not None and u.requirement.service_id != service.pk]
    if foreign:
        raise Refused("Dokumen tidak sesuai dengan layanan ini.", code="foreign_document")
    try:
        return [(upload, check_upload(upload.file)) for upload in uploads]
    except ValidationError as error:
        raise Refused(" ".join(error.messages), code="bad_file") from None


def _store_version(
    submission: Submission, number: int, answers: dict, checked: list, note: str = ""
) -> SubmissionVersion:
    version = SubmissionVersion.objects.create(
        submission=submission, number=number, answers=answers, note=note
    )
    for upload, facts in checked:
        SubmissionDocument(version=version, requirement=upload.requirement).store(upload.file, facts)
    return version


def _send_receipt(submission: Submission) -> None:
    """Once committed, a worker renders the tanda terima of this version and e-mails it."""
    render_receipt.delay(submission.pk, submission.version)


def submit(
    *, actor: User, service: Service, answers: dict[str, str], uploads: Sequence[Upload]
) -> Submission:
    """An applicant with a verified e-mail applies; the time limit runs from today."""
    applicant = _applicant_of(actor)
    if not service.active:
        raise Refused("Layanan ini sedang tidak menerima permohonan.", code="inactive_service")
    cleaned = clean_answers(service, answers)
    checked = _checked_uploads(service, uploads, carried=set())
    for _ in range(3):  # a tracking code collision is astronomically rare; try a fresh code
        try:
            return _create(applicant, service, cleaned, checked)
        except IntegrityError as error:
            if "tracking_code" not in str(error):
                raise
    raise Refused("Permohonan belum dapat disimpan; coba sekali lagi.", code="code_collision")


@transaction.atomic
def _create(applicant: Applicant, service: Service, answers: dict, checked: list) -> Submission:
    now = timezone.now()
    submission = Submission.objects.create(
        service=service,
        opd_id=service.opd_id,
        applicant=applicant,
        submitted_at=now,
        due_on=add_working_days(timezone.localdate(now), service.sla_days),
    )
    _store_version(submission, 1, answers, checked)
    record_event(target=submission, verb="submitted", actor=applicant.user, to_state=submission.status)
    _send_receipt(submission)
    return submission


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("service", "applicant__user")
        .get(pk=submission.pk)
    )


@transaction.atomic
def resubmit(
    *, actor: User, submission: Submission, answers: dict[str, str], uploads: Sequence[Upload], note: str = ""
) -> SubmissionVersion:
    """The applicant fixes a returned submission: a new version; documents not sent again are kept."""
    submission = _locked(submission)
    if submission.applicant.user_id != actor.pk:
        raise Refused("Permohonan ini bukan milik Anda.", code="not_owner")
    if submission.status != Submission.Status.RETURNED:
        raise Refused("Permohonan ini tidak sedang menunggu perbaikan.", code="not_returned")
    service = submission.service
    cleaned = clean_answers(service, answers)
    previous = submission.versions.order_by("-number").first()
    replaced = {upload.requirement.pk for upload in uploads if upload.requirement is not None}
    kept = [
        doc for doc in previous.documents.all() if doc.requirement_id and doc.requirement_id not in replaced
    ]
    checked = _checked_uploads(service, uploads, carried={doc.requirement_id for doc in kept})
    submission.version += 1
    version = _store_version(submission, submission.version, cleaned, checked, note=note.strip())
    SubmissionDocument.objects.bulk_create(
        SubmissionDocument(
            version=version,
            requirement_id=doc.requirement_id,
            file=doc.file.name,
            original_name=doc.original_name,
            content_type=doc.content_type,
            size=doc.size,
            sha256=doc.sha256,
        )
        for doc in kept
    )
    previous_status = submission.status
    submission.status, submission.submitted_at = Submission.Status.SUBMITTED, timezone.now()
    submission.due_on = add_working_days(timezone.localdate(), service.sla_days)
    submission.save(update_fields=["version", "status", "submitted_at", "due_on"])
    record_event(
        target=submission,
        verb="resubmitted",
        actor=actor,
        from_state=previous_status,
        to_state=submission.status,
        details={"version": version.number},
    )
    _send_receipt(submission)
    return version


def _verifying(actor: User, submission: Submission) -> Submission:
    """The submission, locked, if the actor is an operator of its OPD and it waits for verification."""
    if not role_scope(user=actor, role=RoleGrant.Role.OPERATOR).covers(submission.opd_id):
        raise Refused(
            "Hanya operator OPD tujuan yang dapat memverifikasi permohonan ini.", code="not_operator"
        )
    submission = _locked(submission)
    if submission.status != Submission.Status.SUBMITTED:
        raise Refused("Permohonan ini sudah diverifikasi.", code="already_decided")
    return submission


def _decide(actor: User, submission: Submission, status: str, note: str, verb: str) -> Submission:
    previous = submission.status
    submission.status, submission.decided_at, submission.decision_note = status, timezone.now(), note.strip()
    submission.save(update_fields=["status", "decided_at", "decision_note", "letter"])
    record_event(target=submission, verb=verb, actor=actor, from_state=previous, to_state=status)
    notify_applicant.delay(submission.pk, verb)
    return submission


@transaction.atomic
def accept(*, actor: User, submission: Submission) -> Submission:
    """Complete: the submission becomes an incoming letter of the OPD, addressed as the service says."""
    submission = _verifying(actor, submission)
    service, applicant = submission.service, submission.applicant
    version = submission.versions.order_by("-number").first()
    labels = {field.key: field.label for field in service.fields.all()}
    summary = "\n".join(f"{labels.get(key, key)}: {value}" for key, value in version.answers.items())
    documents = list(version.documents.all())
    today = timezone.localdate()
    details = LetterDetails(
        sender=Sender(
            kind="person" if applicant.kind == Applicant.Kind.PERSON else "institution",
            name=applicant.display_name,
            email=applicant.user.email,
        ),
        sender_number=submission.tracking_code,
        letter_date=timezone.localdate(submission.submitted_at),
        received_on=today,
        subject=f"Permohonan {service.name}",
        summary=summary,
        letter_type=LetterType.APPLICATION,
        security_class=SecurityClass.ORDINARY,
        urgency=Urgency.NORMAL,
        classification=service.classification,
        attachment_count=len(documents),
    )
    submission.letter = receive_letter(
        opd=service.opd,
        details=details,
        addressees=[service.addressee],
        files=[ContentFile(_read(doc), name=doc.original_name) for doc in documents],
        source="public",
        actor=actor,
        origin_key=f"submission:{submission.pk}",
    )
    return _decide(actor, submission, Submission.Status.ACCEPTED, "", "accepted")


def _read(document: SubmissionDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


@transaction.atomic
def return_incomplete(*, actor: User, submission: Submission, note: str) -> Submission:
    """Incomplete: back to the applicant, saying what to fix."""
    if not note.strip():
        raise Refused("Tuliskan apa yang perlu dilengkapi pemohon.", code="missing_note")
    submission = _verifying(actor, submission)
    return _decide(actor, submission, Submission.Status.RETURNED, note, "returned")


@transaction.atomic
def reject(*, actor: User, submission: Submission, reason: str) -> Submission:
    if not reason.strip():
        raise Refused("Tuliskan alasan penolakan.", code="missing_reason")
    submission = _verifying(actor, submission)
    return _decide(actor, submission, Submission.Status.REJECTED, reason, "rejected")


@transaction.atomic
def finish_with_reply(*, reply: OutgoingLetter) -> Submission | None:
    """A signed letter that answers a submission's letter finishes it. Safe to call twice."""
    if reply.status != OutgoingLetter.Status.SIGNED or reply.in_reply_to_id is None:
        return None
    submission = Submission.objects.select_for_update().filter(letter_id=reply.in_reply_to_id).first()
    if submission is None or submission.status == Submission.Status.FINISHED:
        return None
    previous = submission.status
    submission.status, submission.reply, submission.finished_at = (
        Submission.Status.FINISHED,
        reply,
        reply.signed_at,
    )
    submission.save(update_fields=["status", "reply", "finished_at"])
    record_event(
        target=submission,
        verb="finished",
        from_state=previous,
        to_state=submission.status,
        details={"reply": reply.pk},
    )
    notify_applicant.delay(submission.pk, "finished")
    return submission
