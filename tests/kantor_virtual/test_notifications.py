import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from kantor_virtual.context_processors import notifications as notifications_context
from kantor_virtual.models import Notification
from kantor_virtual.notifications import (
    mark_read,
    notifications_for,
    notify,
    send_notification_email,
    unread_count,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://kantor.nusamandiri.go.id"
    settings.OTP_REQUIRED = False  # these tests are about notifications; TOTP has its own tests


def test_notify_tells_each_person_once_per_key_and_mails_only_after_commit(
    make_user, django_capture_on_commit_callbacks, queued
):
    ani, budi = make_user(), make_user()
    no_mail = make_user(email="")

    with django_capture_on_commit_callbacks():
        created = notify(
            users=[ani, budi, no_mail], key="rapat:7", title="Rapat pukul 09.00", url="/rapat/7/"
        )
    again = notify(users=[ani, budi, no_mail], key="rapat:7", title="Rapat pukul 09.00", url="/rapat/7/")

    assert {row.user_id for row in created} == {ani.pk, budi.pk, no_mail.pk}
    assert again == [], "a second call with the same key creates nothing"
    assert Notification.objects.filter(key="rapat:7").count() == 3
    [(_, [mailed])] = queued("send_notification_emails")
    assert sorted(mailed) == sorted(row.pk for row in created if row.user_id != no_mail.pk), (
        "one task for the e-mails of the new notices to people with an address"
    )
    assert not mail.outbox, "nothing is sent before the transaction commits"


def test_the_email_goes_once_with_an_absolute_link(make_user):
    ani = make_user(full_name="Ani Lestari", email="ani@nusamandiri.go.id")
    [notice] = notify(
        users=[ani], key="rapat:7", title="Rapat pukul 09.00", body="Di ruang rapat.", url="/rapat/7/"
    )

    assert send_notification_email(notification_id=notice.pk) is True
    assert send_notification_email(notification_id=notice.pk) is False

    [message] = mail.outbox
    assert message.to == ["ani@nusamandiri.go.id"]
    assert message.subject == "[Kantor Virtual] Rapat pukul 09.00"
    assert "Yth. Ani Lestari" in message.body
    assert "https://kantor.nusamandiri.go.id/rapat/7/" in message.body
    html, content_type = message.alternatives[0]
    assert content_type == "text/html" and 'href="https://kantor.nusamandiri.go.id/rapat/7/"' in html
    assert Notification.objects.get(pk=notice.pk).emailed_at is not None


def test_a_failed_send_releases_the_claim_so_the_retry_sends(make_user, settings):
    ani = make_user()
    [notice] = notify(users=[ani], key="rapat:7", title="Rapat")
    # A real SMTP backend aimed at a closed port: the connection is refused, as when the server is down.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    with pytest.raises(OSError):
        send_notification_email(notification_id=notice.pk)
    assert Notification.objects.get(pk=notice.pk).emailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_email(notification_id=notice.pk) is True
    assert len(mail.outbox) == 1


def test_mark_read_marks_one_or_all_of_ones_own_notices(make_user):
    ani, budi = make_user(), make_user()
    first, _ = (notify(users=[ani, budi], key=f"k{i}", title=f"Judul {i}")[0] for i in (1, 2))

    assert unread_count(user=ani) == 2
    assert mark_read(user=budi, notification_id=first.pk) == 0, "not budi's notice"
    assert mark_read(user=ani, notification_id=first.pk) == 1
    assert unread_count(user=ani) == 1
    assert mark_read(user=ani) == 1
    assert (unread_count(user=ani), unread_count(user=budi)) == (0, 2)


def test_notifications_page_through_by_keyset_newest_first(make_user):
    ani = make_user()
    for number in range(5):
        notify(users=[ani], key=f"k{number}", title=f"Judul {number}")

    first = notifications_for(user=ani, limit=3)
    rest = notifications_for(user=ani, after=(first[-1].created_at, first[-1].pk), limit=3)

    assert [row.title for row in first + rest] == [f"Judul {number}" for number in (4, 3, 2, 1, 0)]


def test_the_list_shows_only_ones_own_notices_and_marks_them_all_read(client, make_user):
    ani, budi = make_user(), make_user()
    notify(users=[ani], key="a", title="Untuk Ani")
    notify(users=[budi], key="b", title="Untuk Budi")
    client.force_login(ani)

    page = client.get(reverse("notifications")).content.decode()
    assert "Untuk Ani" in page and "Untuk Budi" not in page
    assert "Tandai semua dibaca" in page

    response = client.post(reverse("notifications"))
    assert response.status_code == 302
    assert (unread_count(user=ani), unread_count(user=budi)) == (0, 1)
    assert "Tandai semua dibaca" not in client.get(reverse("notifications")).content.decode()


def test_load_more_link_reaches_older_notices_and_bad_cursors_show_the_first_page(client, make_user):
    ani = make_user()
    for number in range(31):
        notify(users=[ani], key=f"k{number}", title=f"Judul nomor {number}.")
    client.force_login(ani)

    first = client.get(reverse("notifications"))
    assert "Judul nomor 1." in first.content.decode() and "Judul nomor 0." not in first.content.decode()
    older = client.get(reverse("notifications"), {"after": first.context["next_after"]}).content.decode()
    assert "Judul nomor 0." in older and "Judul nomor 1." not in older
    for bad in (
        "bukan-kursor",
        "2026-11-25T10:00:00_5",
        f"{first.context['next_after']}0000000000000000000000",
    ):
        assert (
            client.get(reverse("notifications"), {"after": bad}).context["notifications"][0].title
            == "Judul nomor 30."
        )


def test_opening_a_notice_marks_it_read_and_leads_to_its_page_but_not_another_persons(client, make_user):
    ani, budi = make_user(), make_user()
    [mine] = notify(users=[ani], key="a", title="Untuk Ani", url="/surat-masuk/1/")
    [theirs] = notify(users=[budi], key="b", title="Untuk Budi", url="/surat-masuk/2/")
    client.force_login(ani)

    response = client.get(reverse("notification", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/surat-masuk/1/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None

    assert client.get(reverse("notification", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_notice_pointing_off_site_lands_on_the_list_instead(client, make_user):
    ani = make_user()
    [notice] = notify(users=[ani], key="a", title="Aneh", url="https://contoh.invalid/")
    client.force_login(ani)

    response = client.get(reverse("notification", args=[notice.pk]))
    assert response["Location"] == reverse("notifications")


def test_the_bell_in_the_navigation_shows_the_unread_count(client, make_user):
    ani = make_user()
    notify(users=[ani], key="a", title="Satu")
    notify(users=[ani], key="b", title="Dua")
    client.force_login(ani)

    page = client.get(reverse("beranda")).content.decode()
    assert 'aria-label="Notifikasi (2 belum dibaca)"' in page

    mark_read(user=ani)
    assert 'aria-label="Notifikasi"' in client.get(reverse("beranda")).content.decode()


def test_the_bell_stops_counting_at_a_hundred(client, make_user):
    ani = make_user()
    Notification.objects.bulk_create(Notification(user=ani, key=f"k{n}", title="Surat") for n in range(120))
    client.force_login(ani)

    assert unread_count(user=ani) == 100
    page = client.get(reverse("beranda")).content.decode()
    assert 'aria-label="Notifikasi (lebih dari 99 belum dibaca)"' in page
    assert ">99+</span>" in page


def test_the_counter_costs_no_query_until_a_page_draws_it(make_user, django_assert_num_queries):
    ani = make_user()
    notify(users=[ani], key="a", title="Satu")
    request = RequestFactory().get("/")
    request.user = ani

    with django_assert_num_queries(0):
        context = notifications_context(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"] == 1
        assert context["unread_notifications"] > 0, "evaluated once, then remembered"


def test_anonymous_visitors_get_no_counter():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert notifications_context(request) == {}
