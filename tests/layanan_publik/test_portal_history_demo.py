"""The demo portal's history: earlier submissions to a Diskominfos and a Dinas Sosial service, played
through the services, enough of them finished with a signed reply and rated for the public statistics
to show each service's IKM, and a second run that writes nothing."""

import hashlib
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kantor_virtual.models import Event
from layanan_publik.demo import (
    FINISHED,
    HISTORY,
    IN_PROGRESS,
    NIK_REGION,
    REJECTED,
    RETURNED,
    WAITING,
    history_applicants,
    seed_demo_portal_history,
    seed_demo_services,
)
from layanan_publik.models import Applicant, Service, Submission, SurveyResponse
from layanan_publik.selectors import applicant_timeline, verification_queue
from layanan_publik.services.submissions import finish_with_reply
from layanan_publik.statistics import MIN_SHOWN, Period, public_statistics
from layanan_publik.workdays import add_working_days
from organisasi.demo import DEMO_PASSWORD, seed_demo_province
from organisasi.selectors import holders_of
from persuratan.models import InboxItem, IncomingLetter, OutgoingLetter
from persuratan.tasks import sign_outgoing as sign_outgoing_task
from tte.demo import seed_demo_certificates
from tte.signing import verify_pdf

pytestmark = pytest.mark.django_db

STATUS_OF_STAGE = {
    WAITING: Submission.Status.SUBMITTED,
    RETURNED: Submission.Status.RETURNED,
    REJECTED: Submission.Status.REJECTED,
    IN_PROGRESS: Submission.Status.ACCEPTED,
    FINISHED: Submission.Status.FINISHED,
}
MODELS = (Applicant, Submission, SurveyResponse, IncomingLetter, InboxItem, OutgoingLetter, Event)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The province, its heads' certificates, the catalogue and the history, seeded once for this module
    (the replies are rendered and signed) inside a transaction rolled back after its last test; each
    test runs in a savepoint."""
    today = timezone.localdate()
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo_province(today=today)
        seed_demo_certificates()
        seed_demo_services()
        yield seed_demo_portal_history(today=today)
        transaction.set_rollback(True)


def _service(item) -> Service:
    return Service.objects.select_related("opd", "addressee").get(opd__code=item.opd, slug=item.slug)


def _snapshot() -> dict[str, tuple[int, int | None]]:
    return {
        model.__name__: (model.objects.count(), model.objects.aggregate(m=Max("pk"))["m"]) for model in MODELS
    }


def test_every_story_is_played_to_its_end(seeded):
    stories = [story for item in HISTORY for story in item.stories]
    assert (seeded.submissions, seeded.created, seeded.skipped) == (len(stories), len(stories), 0)
    assert {item.opd for item in HISTORY} == {"DISKOMINFOS", "DINSOS"}
    people = history_applicants()
    for item in HISTORY:
        statuses = dict(
            Submission.objects.filter(service=_service(item)).values_list(
                "applicant__user__username", "status"
            )
        )
        assert statuses == {people[story.key].email: STATUS_OF_STAGE[story.stage] for story in item.stories}


def test_each_service_has_enough_rated_submissions_each_finished_by_a_reply_its_head_signed(seeded, today):
    for item in HISTORY:
        service = _service(item)
        finished = list(
            Submission.objects.filter(service=service, status=Submission.Status.FINISHED).select_related(
                "reply__signed_by"
            )
        )
        rated = SurveyResponse.objects.filter(submission__in=finished)
        assert rated.count() >= MIN_SHOWN, item.slug
        assert (
            len({tuple(getattr(r, name) for name in ("requirements", "procedure", "cost")) for r in rated})
            > 1
        )
        heads = holders_of(position_ids=[service.addressee_id], on=today)[service.addressee_id]
        for submission in finished:
            reply = submission.reply
            assert reply.status == OutgoingLetter.Status.SIGNED and reply.number, submission.tracking_code
            assert reply.in_reply_to_id == submission.letter_id
            assert reply.signer_position_id == service.addressee_id and reply.signed_by in heads
            assert submission.finished_at == reply.signed_at
            with reply.signed_pdf.open("rb") as handle:
                signed = handle.read()
            assert hashlib.sha256(signed).hexdigest() == reply.signed_sha256
    reply = Submission.objects.filter(status=Submission.Status.FINISHED).first().reply
    with reply.signed_pdf.open("rb") as handle:
        verdict = verify_pdf(handle.read())
    assert verdict.valid and verdict.signer == reply.signed_by.full_name


def test_the_public_statistics_show_each_services_ikm_completion_time_and_lateness(seeded, today):
    stats = public_statistics(period=Period.year(today.year))
    shown = {row.service.slug: row.figures for opd in stats.opds for row in opd.services}

    for item in HISTORY:
        figures = shown[item.slug]
        assert figures.ikm is not None and figures.ikm.mutu in {"A", "B"}, item.slug
        assert figures.median_days is not None and figures.median_days > 0, item.slug
        # One reply of each service came after its time limit.
        assert figures.in_time_percent is not None and 50 < figures.in_time_percent < 100, item.slug


def test_the_operators_lists_hold_waiting_returned_and_rejected_submissions(seeded, today):
    for item in HISTORY:
        service = _service(item)
        queue = verification_queue(opd=service.opd, today=today)
        waiting = [story for story in item.stories if story.stage == WAITING]
        assert len(queue) == len(waiting) >= 2
        assert all(0 <= row.days_left <= service.sla_days for row in queue)
        returned = Submission.objects.get(service=service, status=Submission.Status.RETURNED)
        rejected = Submission.objects.get(service=service, status=Submission.Status.REJECTED)
        assert returned.decision_note and rejected.decision_note
        for submission in Submission.objects.filter(service=service):
            sent = timezone.localdate(submission.submitted_at)
            assert sent.year == today.year and submission.submitted_at <= timezone.now()
            assert submission.due_on == add_working_days(sent, service.sla_days)
    assert (
        Counter(Submission.objects.values_list("submitted_at__date", flat=True)).most_common(1)[0][1] < 6
    ), "the submissions are spread over the past weeks"


def test_the_applicant_follows_a_finished_story_from_submission_to_reply(seeded):
    submission = Submission.objects.filter(status=Submission.Status.FINISHED).first()
    assert [step.title for step in applicant_timeline(submission)] == [
        "Permohonan diterima",
        "Diverifikasi dan dicatat sebagai surat masuk",
        "Didisposisikan",
        "Sedang diproses",
        "Selesai: surat balasan terbit",
    ]
    assert submission.letter.letter_date == timezone.localdate(submission.submitted_at)


def test_demo_applicants_are_verified_and_share_one_password_hash(seeded, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # as the seed hashed it
    emails = [person.email for person in history_applicants().values()]
    applicants = list(Applicant.objects.filter(user__username__in=emails).select_related("user"))

    assert len(applicants) == len(set(emails)) == seeded.submissions
    assert all(applicant.email_verified_at is not None for applicant in applicants)
    people = [a for a in applicants if a.kind == Applicant.Kind.PERSON]
    assert people and all(a.nik.startswith(NIK_REGION) and len(a.nik) == 16 for a in people)
    assert [a.business_name for a in applicants if a.kind == Applicant.Kind.BUSINESS] == [
        "Perkumpulan Jurnalis Data Nusa Mandiri"
    ]
    hashes = {applicant.user.password for applicant in applicants}
    assert len(hashes) == 1 and check_password(DEMO_PASSWORD, hashes.pop())


def test_the_tasks_queued_while_seeding_find_the_work_done(seeded):
    reply = Submission.objects.filter(status=Submission.Status.FINISHED).first().reply
    before = _snapshot()

    assert sign_outgoing_task(reply.pk) is False
    assert finish_with_reply(reply=reply) is None
    assert _snapshot() == before


def test_a_second_run_writes_nothing(seeded, today):
    before = _snapshot()
    with CaptureQueriesContext(connection) as queries:
        again = seed_demo_portal_history(today=today + timedelta(days=1))

    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert len(queries) == 1
    assert _snapshot() == before
    assert again == replace(seeded, created=0)


def test_the_command_reports_the_history_and_a_restart_adds_none(seeded, capsys):
    call_command("seed_demo")

    output = capsys.readouterr().out
    assert (
        f"Riwayat permohonan portal: {seeded.submissions} (0 baru), {seeded.finished} selesai dengan balasan"
        f" bertanda tangan, {seeded.rated} dinilai (SKM)."
    ) in output
