"""The archive follows the letters it keeps: a signed berita acara carries out its proposal.
persuratan knows nothing of it."""

from django.dispatch import receiver

from arsip.models import Proposal
from arsip.tasks import carry_out_proposal
from kantor_virtual.timeline import event_recorded
from persuratan.models import OutgoingLetter


@receiver(event_recorded, sender=OutgoingLetter, dispatch_uid="arsip_berita_acara_signed")
def berita_acara_signed(*, target: OutgoingLetter, event, **_) -> None:
    if event.verb != "signed":
        return
    proposal_id = Proposal.objects.filter(berita_acara_id=target.pk).values_list("pk", flat=True).first()
    if proposal_id is not None:
        # Queued with the signature: the worker runs it once the letter is signed for good.
        carry_out_proposal.delay(proposal_id)
