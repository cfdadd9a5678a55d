"""What the applicant is told when their submission changes: a notice in the portal and an e-mail
(kantor_virtual.notifications, one per key, so a retried task tells nothing twice)."""

from django.urls import reverse

from kantor_virtual.models import Event
from kantor_virtual.notifications import notify
from layanan_publik.models import Submission
from layanan_publik.selectors import describe

_MESSAGES = {
    "returned": "Permohonan {code} perlu dilengkapi: {note}",
    "accepted": "Permohonan {code} telah diverifikasi dan sedang diproses oleh {opd}.",
    "rejected": "Permohonan {code} ditolak. Alasan: {note}",
    "finished": "Permohonan {code} selesai. Surat balasan dapat diunduh di halaman permohonan.",
}


def tell_applicant(*, submission_id: int, what: str) -> int:
    """`what` is a decision ("returned", "accepted", …) or "event:<id>" for a step of its letter."""
    submission = Submission.objects.select_related("applicant__user", "opd").get(pk=submission_id)
    values = {"code": submission.tracking_code, "opd": submission.opd.name, "note": submission.decision_note}
    if what.startswith("event:"):
        step = describe(Event.objects.get(pk=int(what.removeprefix("event:"))))
        if step is None:
            return 0
        body = f"Permohonan {submission.tracking_code}: {step.title.lower()} {step.detail}".strip()
    else:
        body = _MESSAGES[what].format(**values)
    notices = notify(
        users=[submission.applicant.user],
        key=f"permohonan:{submission.pk}:{what}",
        title=f"Permohonan {submission.tracking_code}",
        body=body,
        url=reverse("permohonan:detail", args=[submission.tracking_code]),
    )
    return len(notices)
