"""Browser journey for notifications. Kept in its own file: a transactional (live server) test
flushes the data migrations' rows, so with `--dist loadfile` it must not share a file with
ordinary database tests that run before other files."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kantor_virtual.models import Notification
from kantor_virtual.notifications import notify, unread_count
from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_follows_the_bell_to_the_list_and_marks_everything_read(page, make_user):
    ani = make_user(full_name="Ani Lestari")
    for number in range(3):
        notify(users=[ani], key=f"k{number}", title=f"Surat masuk: Undangan rapat {number}", url="/")
    old = notify(users=[ani], key="lama", title="Pemberitahuan lama")[0]
    Notification.objects.filter(pk=old.pk).update(
        read_at=timezone.now(), created_at=timezone.now() - timedelta(days=2)
    )

    log_in(page, ani)
    open_menu(page)
    page.get_by_role("link", name="Notifikasi (3 belum dibaca)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifikasi")
    expect(page.get_by_text("Baru", exact=True)).to_have_count(3)
    assert_accessible(page)

    page.get_by_role("button", name="Tandai semua dibaca").click()
    expect(page.get_by_text("Baru", exact=True)).to_have_count(0)
    open_menu(page)
    expect(page.get_by_role("link", name="Notifikasi", exact=True)).to_be_visible()
    assert_accessible(page)
    assert unread_count(user=ani) == 0
