"""Complaints (pengaduan): an applicant complains to an OPD, about a submission or in general; an
operator of that OPD answers, and the applicant is told."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.errors import Refused
from kantor_virtual.notifications import notify
from kantor_virtual.timeline import record_event
from layanan_publik.models import Applicant, Complaint, Submission
from layanan_publik.services.accounts import require_verified
from organisasi.models import Opd, RoleGrant, User
from organisasi.selectors import role_scope


def _complainant(actor: User) -> Applicant:
    applicant = Applicant.objects.filter(user=actor).first()
    if applicant is None:
        raise Refused("Masuk dengan akun pemohon untuk menyampaikan pengaduan.", code="not_applicant")
    require_verified(applicant)  # the answer goes by e-mail: to an address its owner confirmed
    return applicant


@transaction.atomic
def file_complaint(
    *, actor: User, opd: Opd, subject: str, body: str, submission: Submission | None = None
) -> Complaint:
    """The complaint lands in the queue of the OPD's operators and gets its own tracking code."""
    applicant = _complainant(actor)
    if not subject.strip() or not body.strip():
        raise Refused("Tuliskan pokok dan uraian pengaduan.", code="empty_complaint")
    if submission is not None:
        if submission.applicant_id != applicant.pk:
            raise Refused("Permohonan itu bukan milik Anda.", code="not_own_submission")
        if submission.opd_id != opd.pk:
            raise Refused(
                f"Permohonan {submission.tracking_code} ditujukan kepada perangkat daerah lain; "
                "pilih perangkat daerah tujuan permohonan itu.",
                code="submission_of_other_opd",
            )
    complaint = Complaint.objects.create(
        opd=opd, applicant=applicant, submission=submission, subject=subject.strip(), body=body.strip()
    )
    record_event(target=complaint, verb="complaint_filed", actor=actor, to_state=complaint.status)
    return complaint


@transaction.atomic
def answer_complaint(*, actor: User, complaint: Complaint, answer: str) -> Complaint:
    """An operator of the complaint's OPD answers it, once; the complainant is told by a notice and an
    e-mail, sent by the worker after commit (kantor_virtual.notifications)."""
    if not role_scope(user=actor, role=RoleGrant.Role.OPERATOR).covers(complaint.opd_id):
        raise Refused(
            "Hanya operator perangkat daerah yang diadukan yang dapat menanggapi.", code="not_operator"
        )
    if not answer.strip():
        raise Refused("Tuliskan tanggapan atas pengaduan ini.", code="empty_answer")
    # Locked: two operators answering at once are decided one after the other, and the second is told.
    complaint = Complaint.objects.select_for_update().select_related("applicant__user").get(pk=complaint.pk)
    if complaint.status != Complaint.Status.OPEN:
        raise Refused("Pengaduan ini sudah ditanggapi.", code="already_answered")
    complaint.status = Complaint.Status.ANSWERED
    complaint.answer, complaint.answered_by, complaint.answered_at = answer.strip(), actor, timezone.now()
    complaint.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    record_event(
        target=complaint,
        verb="complaint_answered",
        actor=actor,
        from_state=Complaint.Status.OPEN,
        to_state=complaint.status,
    )
    notify(
        users=[complaint.applicant.user],
        key=f"pengaduan:{complaint.pk}:answered",
        title=f"Pengaduan {complaint.tracking_code} telah ditanggapi",
        body=complaint.answer,
        url=reverse("skm:complaint", args=[complaint.tracking_code]),
    )
    return complaint
