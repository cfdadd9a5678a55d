"""Redis is a helper, not a pillar (kantor_virtual.cache_health): with a real Redis of this test's
own killed (SIGKILL), every page answers from PostgreSQL, people stay and get signed in, rate limits
and the sign-in lockout still hold, and when Redis is started again on the same socket it is used
again without any restart."""

import logging
import signal
import time
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from kantor_virtual.cache_health import OncePerMinute
from kantor_virtual.models import RateCounter
from persuratan.models import Classification, IncomingLetter
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

INBOX = reverse("persuratan:inbox")
LOGIN = reverse("organisasi:login")


@pytest.fixture
def caches_on_own_redis(redis_server, settings):
    """Every Redis cache (sessions, the organisation's facts, kept pages and fragments, statistics,
    rate limits) on this test's server. Changing CACHES closes the open clients and builds new ones
    (Django's setting_changed handler)."""
    fragments = settings.CACHES["template_fragments"]
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": redis_server.url},
        "ratelimit": {**settings.CACHES["ratelimit"], "LOCATION": redis_server.url},
        # Kept also where the suite runs with DEBUG (which keeps nothing rendered).
        "template_fragments": {
            **settings.CACHES["default"],
            "KEY_PREFIX": fragments.get("KEY_PREFIX", "fragmen:test"),
            "TIMEOUT": 3600,
            "LOCATION": redis_server.url,
        },
    }
    assert caches["default"].set("hidup", 1) and caches["default"].get("hidup") == 1
    return redis_server


@pytest.fixture
def office(opd, make_position, make_user, make_operator, register):
    """A Kepala Dinas with a letter in the inbox, and an operator of the OPD."""
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    holder = make_user(holds=kadis)
    letter = register(opd=opd, to=[kadis], subject="Permohonan data kependudukan triwulan")
    return {"kadis": kadis, "holder": holder, "letter": letter, "operator": make_operator(opd=opd)}


def _sign_in(client: Client, user) -> None:
    client.get(LOGIN)  # the browser gets its CSRF secret, so pages are kept for it
    response = client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def _pages(office) -> dict[str, str]:
    return {
        "inbox": INBOX,
        "letter": office["letter"].get_absolute_url(),
        "search": "/surat-masuk/cari/?q=kependudukan",
        "catalogue": "/layanan/",
        "tracking": "/lacak/",
        "statistics": "/statistik/",
    }


def _register_form(office, make_scan) -> dict:
    today = office["letter"].received_on
    return {
        "sender_kind": "institution",
        "sender_name": "Badan Pusat Statistik Provinsi",
        "sender_address": "Kota Mandala",
        "sender_number": "B-77/BPS/2026",
        "letter_date": (today - timedelta(days=1)).isoformat(),
        "received_on": today.isoformat(),
        "subject": "Permintaan data statistik sektoral",
        "letter_type": "official_letter",
        "security_class": "ordinary",
        "urgency": "normal",
        "classification": str(Classification.objects.get(code="000.1.2").pk),
        "attachment_count": "1",
        "summary": "Data untuk publikasi tahunan.",
        "addressees": [str(office["kadis"].pk)],
        "scans": [make_scan(text="Permintaan data statistik")],
    }


def test_every_page_answers_from_postgresql_while_redis_is_down(
    caches_on_own_redis, office, client, make_scan
):
    redis_server = caches_on_own_redis
    _sign_in(client, office["holder"])
    pages = _pages(office)
    for name, url in pages.items():  # drawn once with Redis: sessions, facts, pages kept there
        assert client.get(url).status_code == 200, name
    assert redis_server.keys("*django.contrib.sessions*"), "the session was kept in Redis"
    assert redis_server.keys("*halaman:*"), "the inbox was kept whole in Redis"

    redis_server.kill()

    timings = {}
    for name, url in pages.items():
        started = time.perf_counter()
        response = client.get(url)
        timings[name] = time.perf_counter() - started
        assert response.status_code == 200, f"{name} answered {response.status_code} without Redis"
    inbox = client.get(INBOX).content.decode()
    assert "Permohonan data kependudukan triwulan" in inbox, "still signed in, the inbox drawn afresh"
    found = client.get(pages["search"]).content.decode()
    assert "<mark>kependudukan</mark>" in found and "1 surat cocok" in found, "search reads PostgreSQL"
    assert max(timings.values()) < 5, timings

    # Signing in writes the session to PostgreSQL only; the next page reads it from there.
    operator = Client()
    _sign_in(operator, office["operator"])
    assert operator.get(INBOX).status_code == 200
    registered = operator.post(reverse("persuratan:register"), _register_form(office, make_scan))
    letter = IncomingLetter.objects.get(subject="Permintaan data statistik sektoral")
    assert registered.status_code == 302 and registered.url == letter.get_absolute_url()
    assert operator.get(registered.url).status_code == 200
    assert "Permintaan data statistik sektoral" in client.get(INBOX).content.decode()

    # Signing out deletes the session in PostgreSQL though Redis cannot be told.
    assert operator.post(reverse("organisasi:logout")).status_code == 302
    assert operator.get(INBOX).status_code == 302


def test_a_failing_redis_is_logged_once_a_minute_not_once_per_call(
    caches_on_own_redis, office, client, caplog
):
    _sign_in(client, office["holder"])
    caches_on_own_redis.kill()

    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            assert client.get(INBOX).status_code == 200
            assert client.get("/lacak/").status_code == 200
    from_redis = [
        r for r in caplog.records if r.name in ("django_redis.cache", "kantor_virtual.cache_health")
    ]
    # Dozens of cache calls failed; each logger says so at most once in a minute (none when an
    # earlier test of this process already did).
    assert len(from_redis) <= 2, [r.getMessage() for r in from_redis]


def test_once_per_minute_lets_one_message_through_and_then_says_how_many_were_held_back():
    once = OncePerMinute(seconds=0.2)

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("django_redis.cache", logging.ERROR, __file__, 1, message, None, None)

    assert [once.filter(record("Exception ignored")) for _ in range(4)] == [True, False, False, False]
    assert once.filter(record("another message")), "each message is counted apart"
    time.sleep(0.25)
    later = record("Exception ignored")
    assert once.filter(later) and "3 more like this" in later.getMessage()


def test_rate_limits_count_in_postgresql_while_redis_is_down_and_in_redis_again_after(
    caches_on_own_redis, settings
):
    redis_server = caches_on_own_redis
    settings.PORTAL_RATE_TRACKING_IP = "3/h"

    def track(address: str = "10.9.9.9") -> int:
        return Client(REMOTE_ADDR=address).get("/lacak/").status_code

    assert track() == 200
    assert not RateCounter.objects.exists(), "with Redis up, nothing is counted in PostgreSQL"

    redis_server.kill()
    assert [track() for _ in range(4)] == [200, 200, 200, 429], "a window of its own in PostgreSQL"
    assert track("10.8.8.8") == 200, "another address has its own count"
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 4]

    redis_server.start()
    assert [track() for _ in range(4)] == [200, 200, 200, 429], "counting in Redis again, no restart"
    assert RateCounter.objects.get(count=4), "PostgreSQL's counters were left alone"
    assert redis_server.keys(f"*{settings.RATELIMIT_CACHE_PREFIX}*")


def test_failed_sign_ins_are_limited_and_accounts_locked_while_redis_is_down(
    caches_on_own_redis, office, settings
):
    caches_on_own_redis.kill()
    settings.PORTAL_RATE_LOGIN_FAILURES_IP = "2/h"
    settings.AXES_FAILURE_LIMIT = 3
    holder, operator = office["holder"], office["operator"]

    def sign_in(user, password: str, address: str) -> int:
        client = Client(REMOTE_ADDR=address)
        return client.post(LOGIN, {"username": user.email, "password": password}).status_code

    # Per address (kantor_virtual.protection, counted in PostgreSQL): two failures, then a wait.
    assert [sign_in(holder, "salah-sandi", "10.1.1.1") for _ in range(2)] == [200, 200]
    assert sign_in(operator, TEST_PASSWORD, "10.1.1.1") == 429
    assert sign_in(operator, TEST_PASSWORD, "10.1.1.2") == 302
    # Per account (django-axes, in its own tables): the third failure locks it, from any address.
    assert sign_in(holder, "salah-sandi", "10.2.2.2") == 429
    assert sign_in(holder, TEST_PASSWORD, "10.3.3.3") == 429
    assert sign_in(operator, TEST_PASSWORD, "10.3.3.3") == 302, "another account signs in from there"


def test_pages_keep_and_sessions_go_to_redis_again_once_it_is_back(caches_on_own_redis, office, client):
    redis_server = caches_on_own_redis
    redis_server.kill()
    _sign_in(client, office["holder"])
    assert client.get(INBOX).status_code == 200

    redis_server.start()  # empty: what was kept before is gone, as after any restart
    assert redis_server.keys() == []
    assert client.get(INBOX).status_code == 200, "the session read from PostgreSQL"
    assert client.get(INBOX).status_code == 200

    kept = redis_server.keys()
    assert any("django.contrib.sessions" in key for key in kept), "the session is kept in Redis again"
    assert any("halaman:" in key for key in kept), "the inbox is kept whole again"
    assert any("organisasi:" in key for key in kept), "the organisation's facts are kept again"
    assert caches["default"].get("nonexistent", "missing") == "missing"


def test_health_reports_redis_degraded_but_answers_200_while_it_is_down(client, caches_on_own_redis):
    assert client.get(reverse("kesehatan")).json()["redis"]["status"] == "ok"
    caches_on_own_redis.kill()

    response = client.get(reverse("kesehatan"))

    assert response.status_code == 200
    assert response.json()["redis"]["status"] == "degraded" and "redis" in response.json()["degraded"]
    caches_on_own_redis.start()
    assert client.get(reverse("kesehatan")).json()["redis"]["status"] == "ok"


def test_a_hung_redis_is_skipped_for_a_while_after_one_timeout_then_tried_again(
    caches_on_own_redis, settings
):
    settings.REDIS_RETRY_SECONDS = 60
    cache = caches["default"]
    caches_on_own_redis.process.send_signal(signal.SIGSTOP)  # hangs: accepts, never answers
    try:
        assert cache.get("ada") is None, "one call waits out the timeout and misses"
        assert cache.set("sesudah", 1) is None, "the next ones do not reach Redis at all"
    finally:
        caches_on_own_redis.process.send_signal(signal.SIGCONT)
    assert cache.set("dilewati", 1) is None and caches_on_own_redis.keys("*dilewati*") == [], (
        "skipped while the failure is fresh, though Redis answers again"
    )

    settings.REDIS_RETRY_SECONDS = 0
    assert cache.set("kembali", 1) and cache.get("kembali") == 1, "tried again once the time is up"
