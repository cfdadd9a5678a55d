"""One lockout per account: failures count against the account a login names, however it is spelt."""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("organisasi:login")


@pytest.fixture
def officer(make_user):
    return make_user(email="dewi.lestari@nusamandiri.go.id", nip="198605122010012003")


def _fail(client, login: str):
    return client.post(LOGIN, {"username": login, "password": "bukan-sandinya"})


def test_failures_spelt_in_six_letter_cases_lock_the_account_for_the_right_password(
    client, officer, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    spellings = [
        "dewi.lestari@nusamandiri.go.id",
        "Dewi.Lestari@nusamandiri.go.id",
        "DEWI.LESTARI@NUSAMANDIRI.GO.ID",
        "dewi.LESTARI@nusamandiri.go.id",
        " Dewi.lestari@Nusamandiri.go.id ",
    ]
    for spelling in spellings:
        _fail(client, spelling)

    for login in ("dEWI.lestari@nusamandiri.go.id", officer.nip):
        response = client.post(LOGIN, {"username": login, "password": TEST_PASSWORD})
        assert response.status_code == 429, f"signed in with {login!r} after {len(spellings)} failures"
        assert "_auth_user_id" not in client.session


def test_failures_by_nip_and_by_e_mail_add_up_on_the_one_account(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 4
    for login in (officer.nip, officer.email.upper(), officer.nip, officer.email):
        _fail(client, login)

    assert client.post(LOGIN, {"username": officer.email, "password": TEST_PASSWORD}).status_code == 429


def test_a_login_that_names_nobody_is_counted_by_its_text_and_locks_no_real_account(
    client, officer, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for spelling in ("orang.lain@contoh.id", "ORANG.LAIN@contoh.id", "Orang.Lain@Contoh.id"):
        _fail(client, spelling)

    assert _fail(client, "orang.lain@contoh.id").status_code == 429
    response = client.post(LOGIN, {"username": officer.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(officer.pk)
