"""Abuse protection of public pages (kantor_virtual.protection): the bot check of forms, rate limits
per client address and per account, the client address behind proxies, and CSRF."""

import time

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from kantor_virtual.protection import HONEYPOT_FIELD, STAMP_FIELD, STAMP_MAX_AGE, client_ip, new_stamp
from layanan_publik.models import Applicant
from organisasi.models import User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
REGISTER_URL = "/pemohon/daftar/perorangan/"


def _person(n: int = 1, **overrides) -> dict:
    return {
        "full_name": "Budi Santoso",
        "nik": f"317101010190{n:04d}",
        "email": f"budi{n}@contoh.id",
        "phone": "0812 3456 7890",
        "password": "Kopi-Tubruk-Pagi-2026",
        "password_again": "Kopi-Tubruk-Pagi-2026",
        STAMP_FIELD: new_stamp(),
    } | overrides


def _stamp_shown(seconds_ago: float, monkeypatch) -> str:
    shown_at = time.time() - seconds_ago
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: shown_at)
        return new_stamp()


def _errors(response) -> list[str]:
    return [str(error) for error in response.context["form"].non_field_errors()]


# ── Bot check ────────────────────────────────────────────────────────────────────────────────


def test_a_form_filled_by_a_person_at_human_speed_is_accepted(client, settings, monkeypatch):
    settings.PORTAL_MIN_FILL_SECONDS = 3
    response = client.post(REGISTER_URL, _person(**{STAMP_FIELD: _stamp_shown(20, monkeypatch)}))
    assert response.status_code == 302
    assert Applicant.objects.count() == 1


def test_a_filled_honeypot_is_refused_and_nothing_is_created(client):
    response = client.post(REGISTER_URL, _person(**{HONEYPOT_FIELD: "http://obat-murah.example"}))

    assert response.status_code == 200
    assert "kiriman otomatis" in " ".join(_errors(response))
    assert (
        not Applicant.objects.exists() and not User.objects.filter(employment=User.Employment.PUBLIC).exists()
    )
    page = response.content.decode()
    assert "Budi Santoso" in page, "what the person typed is kept"
    assert "obat-murah" not in page, "the honeypot comes back empty, so a person can send again"


def test_a_form_sent_sooner_than_the_minimum_fill_time_is_refused(client, settings):
    settings.PORTAL_MIN_FILL_SECONDS = 3
    response = client.post(REGISTER_URL, _person())  # the stamp was made a moment ago

    assert "terlalu cepat" in " ".join(_errors(response))
    assert not Applicant.objects.exists()
    form = response.context["form"]
    assert form[STAMP_FIELD].value() != form.data[STAMP_FIELD], "shown again with a new stamp"


@pytest.mark.parametrize(
    "stamp",
    [
        pytest.param(lambda mp: "", id="missing"),
        pytest.param(lambda mp: new_stamp().replace(":", ":x", 1), id="altered"),
        pytest.param(lambda mp: f"{time.time() - 60:.3f}:forged", id="forged"),
        pytest.param(lambda mp: _stamp_shown(STAMP_MAX_AGE + 60, mp), id="expired"),
    ],
)
def test_a_missing_altered_or_expired_stamp_is_refused(client, monkeypatch, stamp):
    response = client.post(REGISTER_URL, _person(**{STAMP_FIELD: stamp(monkeypatch)}))

    assert "kedaluwarsa" in " ".join(_errors(response))
    assert not Applicant.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    page = client.get(REGISTER_URL).content.decode()
    trap = page[page.index('aria-hidden="true"') : page.index(f'name="{STAMP_FIELD}"')]
    assert 'class="visually-hidden"' in page
    assert f'name="{HONEYPOT_FIELD}"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert "Jangan diisi" in trap


# ── Rate limits ──────────────────────────────────────────────────────────────────────────────


def test_registrations_beyond_the_rate_of_one_address_get_429_and_create_nothing(settings):
    settings.PORTAL_RATE_REGISTER_IP = "2/h"

    def register(n: int, address: str = "10.1.1.1"):
        return Client(REMOTE_ADDR=address).post(REGISTER_URL, _person(n))

    assert [register(1).status_code, register(2).status_code] == [302, 302]
    refused = register(3)

    assert refused.status_code == 429
    assert "Terlalu banyak permintaan. Coba lagi dalam beberapa menit" in refused.content.decode()
    assert "Layanan Publik" in refused.content.decode(), "drawn in the portal's frame"
    assert int(refused["Retry-After"]) > 0
    assert Applicant.objects.count() == 2
    assert register(4, address="10.2.2.2").status_code == 302, "another address has its own count"


def test_a_signed_in_account_is_limited_whatever_address_it_comes_from(settings, make_applicant):
    settings.PORTAL_RATE_RESEND_ACCOUNT = "1/h"
    applicant = make_applicant(verified=False)
    url = reverse("pemohon:resend")

    def resend(address: str):
        client = Client(REMOTE_ADDR=address)
        client.force_login(applicant.user)
        return client.post(url)

    assert resend("10.3.3.1").status_code == 302
    assert resend("10.3.3.2").status_code == 429


def test_failed_sign_ins_are_limited_per_address_and_successful_ones_are_not_counted(settings, make_user):
    settings.PORTAL_RATE_LOGIN_FAILURES_IP = "2/h"
    user = make_user(email="rina@nusamandiri.go.id")
    login_url = reverse("organisasi:login")

    def sign_in(password: str, address: str = "10.4.4.4"):
        return Client(REMOTE_ADDR=address).post(login_url, {"username": user.email, "password": password})

    assert [sign_in(TEST_PASSWORD).status_code for _ in range(4)] == [302] * 4, "an office signs in freely"
    assert [sign_in("salah-sandi").status_code for _ in range(2)] == [200, 200]
    assert sign_in(TEST_PASSWORD).status_code == 429, "even the right password waits out the window"
    assert sign_in(TEST_PASSWORD, address="10.5.5.5").status_code == 302


def test_behind_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PORTAL_RATE_REGISTER_IP = "1/h"

    def register(n: int, forged: str):
        # The client forges the left part; our proxy appends the address it really saw.
        forwarded = f"{forged}, 203.0.113.7"
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded).post(REGISTER_URL, _person(n))

    assert register(1, "198.51.100.1").status_code == 302
    assert register(2, "198.51.100.2").status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.9, 203.0.113.7", "10.0.0.1"),
        (1, "198.51.100.9, 203.0.113.7", "203.0.113.7"),
        (2, "198.51.100.9, 203.0.113.7", "198.51.100.9"),
        (3, "198.51.100.9, 203.0.113.7", "10.0.0.1"),  # fewer entries than proxies: not through them
        (1, "", "10.0.0.1"),
        (1, "198.51.100.9, bukan-alamat", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_counted_from_the_right_of_x_forwarded_for(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_verification_upload_is_limited_by_the_same_mechanism(settings, client):
    settings.PORTAL_RATE_VERIFICATION_IP = "1/h"
    url = reverse("verifikasi:upload")
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 429
    assert client.get(url).status_code == 200, "reading the page is not counted"


# ── CSRF ─────────────────────────────────────────────────────────────────────────────────────


def test_registration_requires_the_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(REGISTER_URL).status_code == 200
    assert browser.post(REGISTER_URL, _person()).status_code == 403
    assert not Applicant.objects.exists()
    token = browser.cookies["csrftoken"].value
    assert browser.post(REGISTER_URL, _person() | {"csrfmiddlewaretoken": token}).status_code == 302
