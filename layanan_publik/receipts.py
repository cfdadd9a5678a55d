"""The tanda terima of a submission: a PDF with the OPD's kop, the tracking code, what was sent
(with each file's SHA-256) and the time limit — for download and by e-mail."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kantor_virtual.pdf import render_pdf
from layanan_publik.models import Submission


def receipt_name(submission: Submission, version: int) -> str:
    return f"{submission.opd_id}/{submission.tracking_code}-v{version}.pdf"


def store_receipt(*, submission_id: int, version: int) -> bool:
    """Render the receipt of `version` once and e-mail it; False when a later version or an
    earlier run already did (a retried or redelivered task sends nothing twice)."""
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
    _email_receipt(submission, pdf, first=version == 1)
    return True


def _email_receipt(submission: Submission, pdf: bytes, *, first: bool) -> None:
    user = submission.applicant.user
    what = "diterima" if first else "perbaikannya diterima"
    message = EmailMessage(
        subject=f"[Layanan Publik] Tanda terima permohonan {submission.tracking_code}",
        body=(
            f"Yth. {submission.applicant.display_name},\n\n"
            f"Permohonan {submission.service.name} kepada {submission.opd.name} {what} dengan kode lacak "
            f"{submission.tracking_code}. Tanda terima terlampir.\n\n"
            f"Batas waktu penyelesaian: {submission.due_on:%d-%m-%Y} ({submission.service.sla_days} hari kerja).\n"
            f"Lacak permohonan Anda di {settings.SITE_URL.rstrip('/')}{reverse('permohonan:track')}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach(f"tanda-terima-{submission.tracking_code}.pdf", pdf, "application/pdf")
    message.send()
