"""The inbox rows, their filters and the menu are cached rendered, and the unfiltered inbox is kept
whole (kantor_virtual.fragments): a page drawn once must still show every later change, to the
person and to no one else."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisasi.models import RoleGrant
from persuratan.models import InboxItem, IncomingLetter
from persuratan.services import mark_read

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor", "returning_browser")]

INBOX_URL = reverse("persuratan:inbox")


def test_a_row_drawn_once_shows_the_letters_later_changes(client, opd, kadis, make_user, register):
    holder = make_user(holds=kadis)
    letter = register(opd=opd, to=[kadis], subject="Undangan rapat koordinasi", urgency="normal")
    client.force_login(holder)
    assert "Undangan rapat koordinasi" in client.get(INBOX_URL).content.decode()

    IncomingLetter.objects.filter(pk=letter.pk).update(subject="Undangan rapat evaluasi")
    InboxItem.objects.filter(letter=letter).update(status=InboxItem.Status.IN_PROGRESS, urgency="urgent")
    page = client.get(INBOX_URL).content.decode()

    assert "Undangan rapat evaluasi" in page and "Undangan rapat koordinasi" not in page
    assert "Dalam proses" in page and "Segera" in page


def test_reading_a_letter_clears_its_new_mark_and_the_menu_counter_for_the_reader_only(
    client, opd, kadis, make_user, register
):
    holder, plh = make_user(holds=kadis), make_user(acts_for=kadis, kind="plh")
    first = register(opd=opd, to=[kadis], sender_number="1/X")
    register(opd=opd, to=[kadis], sender_number="2/X")
    client.force_login(holder)
    before = client.get(INBOX_URL).content.decode()
    assert before.count(">Baru</span>") == 2 and '>2<span class="visually-hidden"> belum dibaca' in before

    mark_read(user=holder, item=first.inbox_items.get())
    after = client.get(INBOX_URL).content.decode()

    assert after.count(">Baru</span>") == 1 and '>1<span class="visually-hidden"> belum dibaca' in after
    client.force_login(plh)
    theirs = client.get(INBOX_URL).content.decode()
    assert theirs.count(">Baru</span>") == 2, "the Plh has opened nothing"


def test_the_menu_follows_a_role_granted_after_it_was_drawn(client, opd, kadis, make_user):
    holder = make_user(holds=kadis)
    client.force_login(holder)
    agenda = reverse("persuratan:agenda")
    assert agenda not in client.get(INBOX_URL).content.decode()

    RoleGrant.objects.create(user=holder, role=RoleGrant.Role.OPERATOR, opd=opd)

    assert agenda in client.get(INBOX_URL).content.decode()


def test_the_filters_keep_what_each_request_asked(client, opd, kadis, make_user):
    client.force_login(make_user(holds=kadis))
    client.get(INBOX_URL)

    page = client.get(INBOX_URL, {"urgency": "urgent", "received_from": "2026-13-40"}).content.decode()

    assert '<option value="urgent" selected>' in page
    assert 'value="2026-13-40"' in page, "the typed value is kept beside its error"
    assert '<option value="urgent" selected>' not in client.get(INBOX_URL).content.decode()


def test_an_unchanged_inbox_is_kept_whole_and_reads_only_versions_and_counters(
    client, opd, kadis, make_user, register
):
    register(opd=opd, to=[kadis], subject="Undangan rapat koordinasi")
    client.force_login(make_user(holds=kadis))
    drawn = client.get(INBOX_URL)
    assert drawn.context is not None

    with CaptureQueriesContext(connection) as captured:
        kept = client.get(INBOX_URL)

    assert kept.context is None and kept.content == drawn.content
    assert "persuratan_inboxitem" not in " ".join(query["sql"] for query in captured.captured_queries)


def test_a_letter_delivered_or_withdrawn_after_the_page_was_kept_shows_on_the_next(
    client, opd, kadis, make_user, register
):
    first = register(opd=opd, to=[kadis], subject="Undangan rapat koordinasi")
    client.force_login(make_user(holds=kadis))
    client.get(INBOX_URL)

    register(opd=opd, to=[kadis], subject="Laporan realisasi anggaran")
    assert "Laporan realisasi anggaran" in client.get(INBOX_URL).content.decode()

    InboxItem.objects.filter(letter=first).update(status=InboxItem.Status.WITHDRAWN)
    assert "Undangan rapat koordinasi" not in client.get(INBOX_URL).content.decode()


def test_a_page_kept_for_one_holder_never_reaches_another(client, opd, kadis, make_user, register):
    register(opd=opd, to=[kadis])
    holder = make_user(holds=kadis, full_name="Rahmat Hidayat")
    plh = make_user(acts_for=kadis, kind="plh", full_name="Sri Wahyuni")
    client.force_login(holder)
    client.get(INBOX_URL)

    client.force_login(plh)
    page = client.get(INBOX_URL).content.decode()

    assert "Sri Wahyuni" in page and "Rahmat Hidayat" not in page


def test_a_message_waiting_is_shown_and_not_kept(client, kadis, make_user, make_position):
    holder = make_user(holds=kadis, acts_for=make_position(name="Sekretaris"))
    client.force_login(holder)
    client.get(INBOX_URL)

    response = client.post(
        reverse("organisasi:switch_position"), {"position": kadis.pk, "next": INBOX_URL}, follow=True
    )

    assert "Sekarang Anda bertindak sebagai Kepala Dinas" in response.content.decode()
    assert "Sekarang Anda bertindak" not in client.get(INBOX_URL).content.decode()


def test_a_kept_page_carries_a_token_its_reader_can_send_forms_with(opd, kadis, make_user):
    """The same person on a phone and a desktop: each browser has its own CSRF secret."""
    holder = make_user(holds=kadis)
    desktop, phone = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (desktop, phone):
        browser.force_login(holder)
        first = browser.get(INBOX_URL)
        assert first.context is not None and "csrftoken" in first.cookies, "drawn: the browser had no secret"
        browser.get(INBOX_URL)
    kept = phone.get(INBOX_URL)
    assert kept.context is None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept.content.decode()).group(1)

    assert phone.post(reverse("organisasi:logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert phone.get(INBOX_URL).status_code == 302, "signed out"
