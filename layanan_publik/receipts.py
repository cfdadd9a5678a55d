"""The tanda terima of a submission: a PDF with the OPD's kop, the tracking code, what was sent
(with each file's SHA-256) and the time limit — for download and by e-mail. Storing and e-mailing
are tasks of their own: a mail server that fails delays the e-mail, never the receipt, and a
retried e-mail finds the receipt stored."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.mail import send_once
from kantor_virtual.pdf import render_pdf
from layanan_publik.models import Submission
from layanan_publik.tasks import email_receipt as email_receipt_task


def receipt_name(submission: Submission, version: int) -> str:
    return f"{submission.opd_id}/{submission.tracking_code}-v{version}.pdf"


def store_receipt(*, submission_id: int, version: int) -> bool:
    """Render the receipt of `version` once and queue its e-mail; False when a later version or an
    earlier run already did (a retried or redelivered task stores nothing twice)."""
    submission = Submission.objects.select_related("service", "opd__province", "applicant__user").get(
        pk=submission_id
    )
    name = receipt_name(submission, version)
    if submission.version != version or submission.receipt.name.endswith(name):
        return False
    version_row = submission.versions.get(number=version)
    pdf = render_pdf(
        template="pdf/tanda_terima.html",
        context={
            "opd": submission.opd,
            "submission": submission,
            "version": version_row,
            "documents": list(version_row.documents.select_related("requirement")),
            "track_url": f"{settings.SITE_URL.rstrip('/')}{reverse('permohonan:track')}?kode={submission.tracking_code}",
            "printed_at": timezone.localtime(),
        },
    )
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission_id)
        if locked.version != version or locked.receipt.name.endswith(name):
            return False
        locked.receipt.save(name, ContentFile(pdf), save=True)
        email_receipt_task.delay(submission_id, version)
    return True


def email_receipt(*, submission_id: int, version: int) -> bool:
    """E-mail the stored receipt of `version` to the applicant, once; False when it went already or a
    later version replaced it (whose own e-mail goes instead)."""
    submission = Submission.objects.select_related("service", "opd", "applicant__user").get(pk=submission_id)
    name = receipt_name(submission, version)
    if not submission.receipt.name.endswith(name):
        return False
    with submission.receipt.open("rb") as stored:
        pdf = stored.read()
    return send_once(
        target=submission,
        request_id=f"tanda-terima:{name}",
        verb="receipt_emailed",
        to=submission.applicant.user.email,
        template="layanan_publik/email/receipt",
        context={
            "submission": submission,
            "first": version == 1,
            "track_url": f"{settings.SITE_URL.rstrip('/')}{reverse('permohonan:track')}",
        },
        details={"versi": version},
        attachments=((f"tanda-terima-{submission.tracking_code}.pdf", pdf, "application/pdf"),),
    )
