"""Lupa kata sandi: the same answer for every address, an e-mail sent by a worker after commit only to
active accounts (those without a password yet included), limits per client and per address, and a
link that works once. E-mail goes to Django's locmem outbox: we cannot reach a mail server from here;
the task runs in-process (Celery eager)."""

import re
import smtplib
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kantor_virtual.timeline import timeline_for
from organisasi.models import User
from organisasi.services.passwords import send_password_email
from organisasi.tasks import send_password_link
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

RESET = "/akun/lupa-kata-sandi/"
NEW_PASSWORD = "Gudeg-Manggar-Pagi-2026"


@pytest.fixture
def person(make_user):
    return make_user(email="Rina.Kartika@Kominfos.go.id", full_name="Rina Kartika", nip="199007202015032003")


def ask(client, email: str, capture, **extra):
    with capture(execute=True):
        return client.post(RESET, {"email": email}, **extra)


def link_in(message) -> str:
    return re.search(r"https?://\S+/akun/atur-kata-sandi/\S+/", message.body).group(0)


def test_the_login_page_offers_the_way_back_in(client):
    page = client.get(reverse("organisasi:login")).content.decode()
    assert f'href="{RESET}"' in page and "Lupa kata sandi?" in page


def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_one_gets_mail(
    client, person, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://kantor.nusamandiri.go.id"
    unknown = ask(client, "tidak.ada@kominfos.go.id", django_capture_on_commit_callbacks)
    known = ask(client, "rina.kartika@KOMINFOS.go.id", django_capture_on_commit_callbacks)

    assert (
        (unknown.status_code, unknown.url)
        == (known.status_code, known.url)
        == (302, "/akun/lupa-kata-sandi/terkirim/")
    )
    done = client.get(known.url).content.decode()
    assert "Bila alamat itu terdaftar" in done
    [message] = mail.outbox
    assert message.to == ["Rina.Kartika@Kominfos.go.id"]
    assert message.subject == "[Kantor Virtual] Atur ulang kata sandi Anda"
    assert "Yth. Rina Kartika" in message.body and "berlaku 3 hari" in message.body
    assert link_in(message).startswith("https://kantor.nusamandiri.go.id/akun/atur-kata-sandi/")
    [event] = timeline_for(target=person).filter(verb="tautan_sandi_terkirim")
    assert event.actor is None and event.details["jenis"] == "atur_ulang"


def test_nothing_is_sent_before_the_commit_nor_to_an_inactive_account(
    client, person, make_user, django_capture_on_commit_callbacks, queued
):
    with django_capture_on_commit_callbacks():
        client.post(RESET, {"email": person.email})
    assert len(queued("send_password_link")) == 1 and not mail.outbox, "the e-mail waits for the commit"

    gone = make_user(email="pensiun@kominfos.go.id", is_active=False)
    answer = ask(client, gone.email, django_capture_on_commit_callbacks)
    assert answer.url == "/akun/lupa-kata-sandi/terkirim/"
    assert not mail.outbox


def test_a_bad_address_is_refused_in_indonesian_and_kept(client):
    page = client.post(RESET, {"email": "bukan surel"})
    assert page.status_code == 200
    assert "Masukkan alamat email yang valid." in page.content.decode()
    assert 'value="bukan surel"' in page.content.decode()


def test_an_imported_person_without_a_password_can_ask_for_a_first_one(
    client, django_capture_on_commit_callbacks
):
    imported = User.objects.create(
        username="198203152006041002", nip="198203152006041002", email="budi@kominfos.go.id"
    )
    imported.set_unusable_password()
    imported.save()

    ask(client, "budi@kominfos.go.id", django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.subject == "[Kantor Virtual] Atur kata sandi pertama Anda"
    path = urlsplit(link_in(message)).path
    form = client.get(path, follow=True)
    assert '<h1 class="h3">Atur kata sandi pertama</h1>' in form.content.decode()


def test_the_link_sets_a_password_once_and_the_person_signs_in_with_it(
    client, person, django_capture_on_commit_callbacks
):
    ask(client, person.email, django_capture_on_commit_callbacks)
    path = urlsplit(link_in(mail.outbox[0])).path

    opened = client.get(path)
    assert opened.status_code == 302, "the token leaves the address bar for the session"
    form_url = opened.url
    assert "Atur kata sandi baru" in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == "/akun/atur-kata-sandi/selesai/"
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    [event] = timeline_for(target=person).filter(verb="sandi_diatur")
    assert event.actor == person

    again = Client().get(path, follow=True).content.decode()
    assert "Tautan tidak berlaku" in again and "tidak berlaku lagi" in again
    assert "new_password1" not in again
    signed_in = Client().post("/masuk/", {"username": person.nip, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_passwords_are_checked_by_the_validators_in_indonesian_and_nothing_changes(
    client, person, django_capture_on_commit_callbacks
):
    ask(client, person.email, django_capture_on_commit_callbacks)
    form_url = client.get(urlsplit(link_in(mail.outbox[0])).path).url

    def refused(first: str, second: str | None = None) -> str:
        answer = client.post(form_url, {"new_password1": first, "new_password2": second or first})
        assert answer.status_code == 200
        return answer.content.decode()

    assert "Kata sandi terlalu pendek. Harus mengandung setidaknya 10 karakter." in refused("Abc-12")
    assert "Kata sandi ini seluruhnya terdiri dari angka." in refused("4829105736251")
    assert "Kata sandi ini terlalu umum." in refused("password123")
    assert "Kata sandi terlalu mirip dengan nama lengkap." in refused("RinaKartika")
    assert "Kedua kata sandi tidak sama." in refused(NEW_PASSWORD, NEW_PASSWORD + "x")
    assert "This password" not in refused("12345")
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)


def test_a_deactivated_account_cannot_use_a_link_it_was_sent(
    client, person, django_capture_on_commit_callbacks
):
    ask(client, person.email, django_capture_on_commit_callbacks)
    User.objects.filter(pk=person.pk).update(is_active=False)

    page = client.get(urlsplit(link_in(mail.outbox[0])).path).content.decode()

    assert "Tautan tidak berlaku" in page


def test_the_views_taking_passwords_hide_them_from_error_reports(
    client, person, django_capture_on_commit_callbacks
):
    ask(client, person.email, django_capture_on_commit_callbacks)
    form_url = client.get(urlsplit(link_in(mail.outbox[0])).path).url
    posts = [
        (form_url, {"new_password1": "x", "new_password2": "y"}),
        ("/masuk/", {"username": person.nip, "password": "salah"}),
    ]
    for url, data in posts:
        assert client.post(url, data).wsgi_request.sensitive_post_parameters, url
    client.force_login(person)
    changed = client.post("/akun/kata-sandi/", {"old_password": "x"})
    assert changed.wsgi_request.sensitive_post_parameters == "__ALL__"


# ── The task ─────────────────────────────────────────────────────────────────────────────────


def test_the_task_run_twice_for_one_request_sends_once(person):
    assert send_password_link.apply(args=[person.pk, "permintaan-1"]).get() is True
    assert send_password_link.apply(args=[person.pk, "permintaan-1"]).get() is False
    assert send_password_email(user_id=person.pk, request_id="permintaan-2") is True
    assert len(mail.outbox) == 2


def test_an_smtp_failure_is_retried_and_leaves_no_trace_until_it_succeeds(person):
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=smtplib.SMTPServerDisconnected("putus"),
        ),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        send_password_email(user_id=person.pk, request_id="permintaan-3")
    assert not timeline_for(target=person).filter(verb="tautan_sandi_terkirim").exists()
    assert issubclass(smtplib.SMTPException, send_password_link.autoretry_for), "retried with backoff"

    assert send_password_email(user_id=person.pk, request_id="permintaan-3") is True
    assert len(mail.outbox) == 1


# ── Rate limits ──────────────────────────────────────────────────────────────────────────────


def test_one_address_is_limited_in_any_letter_case_whoever_asks(
    person, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_RATE_EMAIL = "2/h"
    spellings = ["rina.kartika@kominfos.go.id", " RINA.KARTIKA@kominfos.go.id", "Rina.Kartika@Kominfos.Go.Id"]

    answers = [
        ask(Client(REMOTE_ADDR=f"10.9.0.{n}"), email, django_capture_on_commit_callbacks).status_code
        for n, email in enumerate(spellings, start=1)
    ]

    assert answers == [302, 302, 429]
    assert len(mail.outbox) == 2
    other = ask(
        Client(REMOTE_ADDR="10.9.0.1"), "orang.lain@kominfos.go.id", django_capture_on_commit_callbacks
    )
    assert other.status_code == 302, "another address has its own count"


def test_one_client_is_limited_across_addresses_and_an_unknown_address_counts_the_same(
    person, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_RATE_IP = "2/h"
    client = Client(REMOTE_ADDR="10.8.0.1")

    first = ask(client, "satu@contoh.id", django_capture_on_commit_callbacks)
    second = ask(client, "dua@contoh.id", django_capture_on_commit_callbacks)
    third = ask(client, person.email, django_capture_on_commit_callbacks)

    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)
    assert "Terlalu banyak permintaan" in third.content.decode()
    assert not mail.outbox
    assert (
        ask(Client(REMOTE_ADDR="10.8.0.2"), person.email, django_capture_on_commit_callbacks).status_code
        == 302
    )
