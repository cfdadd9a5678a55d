"""The portal follows the letters its submissions became: a disposition or a follow-up tells the
applicant, and a signed reply finishes the submission. persuratan and disposisi know nothing of it."""

from django.dispatch import receiver

from kantor_virtual.timeline import event_recorded
from layanan_publik.models import Submission
from layanan_publik.services.submissions import finish_with_reply
from layanan_publik.tasks import notify_applicant
from persuratan.models import IncomingLetter, OutgoingLetter

APPLICANT_STEPS = {"disposed", "follow_up"}


@receiver(event_recorded, sender=IncomingLetter, dispatch_uid="portal_letter_steps")
def letter_step(*, target: IncomingLetter, event, **_) -> None:
    if event.verb not in APPLICANT_STEPS or target.source != IncomingLetter.Source.PUBLIC:
        return
    submission_id = Submission.objects.filter(letter=target).values_list("pk", flat=True).first()
    if submission_id is not None:
        notify_applicant.delay(submission_id, f"event:{event.pk}")


@receiver(event_recorded, sender=OutgoingLetter, dispatch_uid="portal_reply_signed")
def reply_signed(*, target: OutgoingLetter, event, **_) -> None:
    if event.verb == "signed" and target.in_reply_to_id is not None:
        finish_with_reply(reply=OutgoingLetter.objects.get(pk=target.pk))
