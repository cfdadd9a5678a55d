from datetime import timedelta

import pytest
from django.urls import reverse

from persuratan.models import InboxItem, SecurityClass, Urgency
from persuratan.selectors import PAGE_SIZE, InboxFilters, inbox_for, unread_counts
from persuratan.services import Sender, deliver, mark_read

pytestmark = pytest.mark.django_db


def test_inbox_reaches_holders_and_acting_officials_only(opd, make_position, make_user, register, today):
    kadis, sekdis = make_position(name="Kepala Dinas"), make_position(name="Sekretaris Dinas")
    holder, plt = make_user(holds=kadis), make_user(acts_for=kadis, until=today)
    former_plh = make_user(acts_for=kadis, kind="plh", until=today - timedelta(days=8))
    future_plh = make_user(
        acts_for=kadis, kind="plh", since=today + timedelta(days=40), until=today + timedelta(days=45)
    )
    bystander = make_user(holds=sekdis)
    letter = register(opd=opd, to=[kadis])

    def seen_by(user):
        return {item.letter_id for item in inbox_for(user=user, position_id=kadis.pk)}

    assert seen_by(holder) == seen_by(plt) == {letter.pk}
    assert seen_by(former_plh) == set(), "delegation ended last week"
    assert seen_by(future_plh) == set(), "delegation has not started"
    assert seen_by(bystander) == set(), "letter leaked to another position"


def test_read_state_is_per_person_and_unread_counts_follow_it(opd, make_position, make_user, register, today):
    kadis = make_position(name="Kepala Dinas")
    holder, plh = make_user(holds=kadis), make_user(acts_for=kadis, kind="plh")
    first, second = register(opd=opd, to=[kadis]), register(opd=opd, to=[kadis], sender_number="2/X")
    assert unread_counts(user=holder, position_ids={kadis.pk}) == {kadis.pk: 2}

    mark_read(user=holder, item=first.inbox_items.get())

    assert unread_counts(user=holder, position_ids={kadis.pk}) == {kadis.pk: 1}
    assert unread_counts(user=plh, position_ids={kadis.pk}) == {kadis.pk: 2}, "the Plh has read nothing"
    rows = {item.letter_id: item.is_read for item in inbox_for(user=holder, position_id=kadis.pk)}
    assert rows == {first.pk: True, second.pk: False}
    assert first.inbox_items.get().status == InboxItem.Status.READ
    assert not mark_read(user=holder, item=first.inbox_items.get()), "a second opening records nothing"


def test_keyset_pages_walk_the_whole_inbox_without_repeats(opd, make_position, make_user, register):
    kadis = make_position(name="Kepala Dinas")
    holder = make_user(holds=kadis)
    letters = [register(opd=opd, to=[kadis], sender_number=f"{n}/X") for n in range(7)]
    seen, after = [], None
    while True:
        page = inbox_for(user=holder, position_id=kadis.pk, after=after, limit=3)
        if not page:
            break
        seen += [item.letter_id for item in page]
        after = (page[-1].received_at, page[-1].pk)
    assert seen == [letter.pk for letter in reversed(letters)]


def test_each_filter_narrows_the_inbox(opd, make_position, make_user, register, today):
    from persuratan.models import Classification

    kadis = make_position(name="Kepala Dinas")
    holder = make_user(holds=kadis)
    plain = register(opd=opd, to=[kadis])
    urgent = register(
        opd=opd,
        to=[kadis],
        urgency=Urgency.VERY_URGENT,
        sender_number="9/Y",
        classification=Classification.objects.get(code="000.1.1"),
    )
    secret = register(
        opd=opd,
        to=[kadis],
        security_class=SecurityClass.SECRET,
        sender_number="10/Z",
        sender=Sender(kind="person", name="Budi Santoso"),
    )
    mark_read(user=holder, item=plain.inbox_items.get())

    def found(**filters):
        return {
            item.letter_id
            for item in inbox_for(user=holder, position_id=kadis.pk, filters=InboxFilters(**filters))
        }

    assert found(status="new") == {urgent.pk, secret.pk}
    assert found(status="read") == {plain.pk}
    assert found(urgency=Urgency.VERY_URGENT) == {urgent.pk}
    assert found(security_class=SecurityClass.SECRET) == {secret.pk}
    assert found(sender="budi") == {secret.pk}
    assert found(classification=urgent.classification.code) == {urgent.pk}
    assert found(classification="000.1.2") == {plain.pk, secret.pk}
    assert found(classification="000.1") == {plain.pk, urgent.pk, secret.pk}, "a code finds its children"
    assert found(received_from=today, received_to=today) == {plain.pk, urgent.pk, secret.pk}
    assert found(received_to=today - timedelta(days=1)) == set()


def test_overdue_filter_finds_open_items_past_their_deadline(opd, make_position, make_user, register, today):
    kadis, kabid = make_position(name="Kepala Dinas"), make_position(name="Kepala Bidang")
    kabid.parent = kadis
    kabid.save()
    holder = make_user(holds=kabid)
    letter = register(opd=opd, to=[kadis])
    root = letter.inbox_items.get()
    late = deliver(
        letter=letter,
        to=kabid,
        reason="disposition",
        parent=root,
        from_position=kadis,
        due_on=today - timedelta(days=1),
    )
    found = inbox_for(user=holder, position_id=kabid.pk, filters=InboxFilters(status="overdue"))
    assert [item.pk for item in found] == [late.pk]


def test_inbox_page_makes_the_same_number_of_queries_for_5_rows_and_a_full_page(
    client, opd, make_position, make_user, register, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.OTP_REQUIRED = False
    kadis = make_position(name="Kepala Dinas")
    holder = make_user(holds=kadis)
    client.force_login(holder)
    url = reverse("persuratan:inbox")

    def draw_page(sender_number: str) -> tuple[int, int]:
        """The queries and rows of the page drawn after a new letter arrives."""
        client.get(url)  # who the user is and what they hold: kept from then on
        register(opd=opd, to=[kadis], sender_number=sender_number)  # a new row: the page is drawn again
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200 and response.context is not None, "drawn, not kept"
        return len(captured), len(response.context["items"])

    for n in range(4):
        register(opd=opd, to=[kadis], sender_number=f"{n}/A")
    few, rows = draw_page("4/A")
    assert rows == 5
    for n in range(PAGE_SIZE):
        register(opd=opd, to=[kadis], sender_number=f"{n}/B")
    assert draw_page("25/B") == (few, PAGE_SIZE)
