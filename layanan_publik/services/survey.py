"""The satisfaction survey (SKM, PermenPANRB 14/2017): the applicant rates a finished service once."""

from django.db import transaction
from django.utils import timezone

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import record_event
from layanan_publik.models import SKM_ELEMENTS, Submission, SurveyResponse
from organisasi.models import User

ELEMENT_NAMES = [name for name, _ in SKM_ELEMENTS]
SCALE = range(1, 5)


@transaction.atomic
def answer_survey(
    *, actor: User, submission: Submission, answers: dict[str, int], comment: str = ""
) -> SurveyResponse:
    """The applicant answers the nine unsur (1–4) and may add a comment, once per finished submission."""
    if set(answers) != set(ELEMENT_NAMES) or any(
        type(answers[name]) is not int or answers[name] not in SCALE for name in ELEMENT_NAMES
    ):
        raise Refused("Jawab kesembilan pertanyaan dengan salah satu dari empat pilihan.", code="bad_answers")
    # Locked, so that two answers sent at once are decided one after the other; the one-to-one
    # constraint on SurveyResponse.submission would refuse the second anyway.
    submission = Submission.objects.select_for_update().select_related("applicant").get(pk=submission.pk)
    if submission.applicant.user_id != actor.pk:
        raise Refused("Survei ini hanya dapat diisi oleh pemohon.", code="not_applicant")
    if submission.status != Submission.Status.FINISHED:
        raise Refused("Survei dapat diisi setelah permohonan selesai.", code="not_finished")
    if SurveyResponse.objects.filter(submission=submission).exists():
        raise Refused("Anda sudah mengisi survei untuk permohonan ini.", code="already_answered")
    response = SurveyResponse.objects.create(
        submission=submission,
        service_id=submission.service_id,
        opd_id=submission.opd_id,
        comment=comment.strip(),
        answered_at=timezone.now(),
        **{name: answers[name] for name in ELEMENT_NAMES},
    )
    # The answers stay out of the timeline: operators read the event, the SKM is reported in aggregate.
    record_event(target=submission, verb="survey_answered", actor=actor)
    return response
