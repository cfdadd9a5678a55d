"""What a signed letter leaves behind, for tests that must not see it doubled."""

from persuratan.models import InboxItem, IncomingLetter, OutgoingCounter, OutgoingLetter, SigningRequest


def outcome(letter_id: int) -> dict:
    """What the outage may not double: the number, the signed file, and what reached other OPDs."""
    letter = OutgoingLetter.objects.get(pk=letter_id)
    request = SigningRequest.objects.get(letter_id=letter_id)
    counters = OutgoingCounter.objects.filter(opd_id=letter.opd_id)
    incoming = IncomingLetter.objects.filter(origin_key__startswith=f"outgoing:{letter_id}:")
    return {
        "status": letter.status,
        "number": (letter.number, letter.number_seq),
        "numbers_taken": list(counters.values_list("last_number", flat=True)),
        "signed": (letter.signed_pdf.name, letter.signed_sha256, letter.signed_at),
        "request": (request.state, request.passphrase_token),
        "incoming": sorted(incoming.values_list("opd__code", "sender_number")),
        "inbox": sorted(
            InboxItem.objects.filter(letter__in=incoming).values_list("position__name", "reason")
        ),
    }
