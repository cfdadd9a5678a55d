"""The SKM questionnaire: the applicant of a finished submission rates it once, on the nine unsur."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from layanan_publik.models import SKM_ELEMENTS, Submission, SurveyResponse
from layanan_publik.services.survey import answer_survey

pytestmark = pytest.mark.django_db
NAMES = [name for name, _ in SKM_ELEMENTS]
ANSWERS = dict(zip(NAMES, [4, 3, 3, 4, 3, 3, 4, 2, 3], strict=True))


@pytest.fixture
def finished(make_submission, service, applicant):
    return make_submission(service=service, applicant=applicant)


def _form_data(answers=ANSWERS, comment=""):
    return {name: str(value) for name, value in answers.items()} | {"comment": comment}


def test_the_applicant_rates_a_finished_submission_once(finished, applicant):
    response = answer_survey(
        actor=applicant.user, submission=finished, answers=ANSWERS, comment=" Antre lama. "
    )

    response.refresh_from_db()
    assert {name: getattr(response, name) for name in NAMES} == ANSWERS
    assert (response.service_id, response.opd_id, response.comment) == (
        finished.service_id,
        finished.opd_id,
        "Antre lama.",
    )
    assert [event.verb for event in timeline_for(target=finished)] == ["survey_answered"]

    with pytest.raises(Refused) as refusal:
        answer_survey(actor=applicant.user, submission=finished, answers=ANSWERS)
    assert refusal.value.code == "already_answered"
    assert SurveyResponse.objects.count() == 1


def test_another_applicant_and_an_unfinished_submission_are_refused(
    make_submission, service, applicant, make_applicant
):
    finished = make_submission(service=service, applicant=applicant)
    accepted = make_submission(service=service, applicant=applicant, status=Submission.Status.ACCEPTED)

    with pytest.raises(Refused) as refusal:
        answer_survey(actor=make_applicant().user, submission=finished, answers=ANSWERS)
    assert refusal.value.code == "not_applicant"
    with pytest.raises(Refused) as refusal:
        answer_survey(actor=applicant.user, submission=accepted, answers=ANSWERS)
    assert refusal.value.code == "not_finished"
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "answers",
    [
        ANSWERS | {"cost": 0},
        ANSWERS | {"cost": 5},
        ANSWERS | {"cost": "3"},
        ANSWERS | {"cost": True},
        {name: ANSWERS[name] for name in NAMES[:-1]},
        ANSWERS | {"transparansi": 4},
    ],
    ids=["zero", "five", "text", "boolean", "missing", "extra"],
)
def test_only_the_nine_unsur_on_the_1_to_4_scale_are_accepted(finished, applicant, answers):
    with pytest.raises(Refused) as refusal:
        answer_survey(actor=applicant.user, submission=finished, answers=answers)
    assert refusal.value.code == "bad_answers"
    assert not SurveyResponse.objects.exists()


def test_the_database_holds_the_scale_and_one_response_per_submission(finished):
    fields = {"submission": finished, "service_id": finished.service_id, "opd_id": finished.opd_id}
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(
            **fields, **(ANSWERS | {"facilities": 5}), answered_at=finished.finished_at
        )
    SurveyResponse.objects.create(**fields, **ANSWERS, answered_at=finished.finished_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(**fields, **ANSWERS, answered_at=finished.finished_at)


# ── Pages ────────────────────────────────────────────────────────────────────────────────────


def test_the_questionnaire_asks_each_unsur_in_its_own_group_with_the_four_answers(
    client, finished, applicant
):
    client.force_login(applicant.user)

    page = client.get(reverse("skm:survey", args=[finished.tracking_code])).content.decode()

    assert page.count("<fieldset") == 9 and page.count("<legend") == 9
    assert page.count('type="radio"') == 36
    for label in ("Persyaratan", "Sangat sesuai", "Gratis", "Sangat mahal", "Dikelola dengan baik", "Buruk"):
        assert label in page


def test_the_applicant_sends_the_questionnaire_and_is_thanked(client, finished, applicant):
    client.force_login(applicant.user)
    url = reverse("skm:survey", args=[finished.tracking_code])

    sent = client.post(url, _form_data(comment="Petugas ramah."))

    thanks = reverse("skm:survey_thanks", args=[finished.tracking_code])
    assert sent.status_code == 302 and sent.url == thanks
    assert SurveyResponse.objects.get(submission=finished).comment == "Petugas ramah."
    assert "Terima kasih" in client.get(thanks).content.decode()
    assert client.get(url).url == thanks  # answered: the questionnaire is not offered again


def test_a_question_left_out_is_asked_again_and_nothing_typed_is_lost(client, finished, applicant):
    client.force_login(applicant.user)
    data = _form_data(comment="Ruang tunggu panas.")
    del data["facilities"]

    page = client.post(reverse("skm:survey", args=[finished.tracking_code]), data)

    assert page.status_code == 200 and not SurveyResponse.objects.exists()
    html = page.content.decode()
    assert "Pilih salah satu jawaban." in html and "Ruang tunggu panas." in html
    assert 'value="4" checked' in html  # requirements: 4, still chosen


def test_an_unfinished_submission_shows_no_questionnaire(client, make_submission, service, applicant):
    accepted = make_submission(service=service, applicant=applicant, status=Submission.Status.ACCEPTED)
    client.force_login(applicant.user)

    page = client.get(reverse("skm:survey", args=[accepted.tracking_code])).content.decode()

    assert "setelah permohonan selesai" in page and "<fieldset" not in page


def test_another_applicant_cannot_open_or_answer_the_survey_and_strangers_must_sign_in(
    client, finished, applicant, make_applicant, make_operator, dinsos
):
    url = reverse("skm:survey", args=[finished.tracking_code])
    thanks = reverse("skm:survey_thanks", args=[finished.tracking_code])

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("organisasi:login"))
    for stranger in (make_applicant().user, make_operator(opd=dinsos)):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        assert client.post(url, _form_data()).status_code == 404
        assert client.get(thanks).status_code == 404
    assert not SurveyResponse.objects.exists()
    client.force_login(applicant.user)
    assert client.get(url).status_code == 200
