from datetime import timedelta

import pytest

from disposisi.models import Instruction
from disposisi.services import dispose, withdraw
from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from organisasi.models import Assignment
from persuratan.models import InboxItem, InboxTally, ReadTally
from persuratan.search import search_letters
from persuratan.selectors import inbox_for, letter_access, letters_visible_to, unread_counts
from persuratan.services import mark_read
from persuratan.tallies import recount
from tests.disposisi.conftest import node

pytestmark = pytest.mark.django_db


@pytest.fixture
def disposed(letter, org):
    """The Kepala Dinas has disposed the letter to the Kepala Bidang Aplikasi, who has not opened it."""
    dispose(
        actor=org.people["kadis"],
        from_item=node(letter, org.kadis),
        to=[org.kabid],
        instructions=[Instruction.FOLLOW_UP],
    )
    return node(letter, org.kabid)


def test_the_sender_withdraws_an_unread_disposition_and_it_leaves_the_recipients_inbox(letter, org, disposed):
    recipient = org.people["kabid"]
    assert [item.pk for item in inbox_for(user=recipient, position_id=org.kabid.pk)] == [disposed.pk]

    withdrawn = withdraw(actor=org.people["kadis"], item=disposed)

    assert withdrawn.status == InboxItem.Status.WITHDRAWN
    assert node(letter, org.kabid).status == InboxItem.Status.WITHDRAWN
    assert inbox_for(user=recipient, position_id=org.kabid.pk) == []
    assert not letter_access(user=recipient, letter=letter).full
    assert not letters_visible_to(user=recipient).filter(pk=letter.pk).exists()
    assert search_letters(user=recipient, query="").hits == [], "the letter left the recipient's search too"
    event = [event for event in timeline_for(target=letter) if event.verb == "item_withdrawn"][-1]
    assert (event.actor, event.position_id, event.from_state) == (org.people["kadis"], org.kadis.pk, "unread")


def test_a_plh_of_the_senders_position_may_withdraw(letter, org, disposed, make_user, today):
    plh = make_user(acts_for=org.kadis, kind=Assignment.Kind.PLH, until=today + timedelta(days=1))
    withdraw(actor=plh, item=disposed)
    assert node(letter, org.kabid).status == InboxItem.Status.WITHDRAWN


def test_withdrawing_is_refused_once_the_recipient_has_read_it(letter, org, disposed):
    mark_read(user=org.people["kabid"], item=disposed)

    with pytest.raises(Refused) as refusal:
        withdraw(actor=org.people["kadis"], item=disposed)

    assert refusal.value.code == "already_read"
    assert node(letter, org.kabid).status == InboxItem.Status.READ


@pytest.mark.parametrize(
    "who", ["kabid", "kabid_stat", "sekdis"], ids=["the-recipient", "a-peer", "tembusan"]
)
def test_only_the_sender_may_withdraw(letter, org, disposed, who):
    with pytest.raises(Refused) as refusal:
        withdraw(actor=org.people[who], item=disposed)
    assert refusal.value.code == "not_sender"
    assert node(letter, org.kabid).status == InboxItem.Status.UNREAD


def test_an_addressee_node_is_not_a_disposition_and_cannot_be_withdrawn(letter, org):
    with pytest.raises(Refused) as refusal:
        withdraw(actor=org.people["kadis"], item=node(letter, org.kadis))
    assert refusal.value.code == "not_disposition"


def test_a_withdrawn_disposition_cannot_be_withdrawn_again_but_may_be_sent_anew(letter, org, disposed):
    withdraw(actor=org.people["kadis"], item=disposed)
    with pytest.raises(Refused) as refusal:
        withdraw(actor=org.people["kadis"], item=disposed)
    assert refusal.value.code == "already_withdrawn"

    dispose(
        actor=org.people["kadis"],
        from_item=node(letter, org.kadis),
        to=[org.kabid],
        instructions=[Instruction.FOR_INFORMATION],
    )
    assert node(letter, org.kabid).status == InboxItem.Status.UNREAD
    assert letter_access(user=org.people["kabid"], letter=letter).full


def test_the_unread_badge_counters_follow_deliveries_reads_and_withdrawals(letter, org, disposed):
    kabid, kadis = org.people["kabid"], org.people["kadis"]
    assert unread_counts(user=kabid, position_ids={org.kabid.pk}) == {org.kabid.pk: 1}
    mark_read(user=kadis, item=node(letter, org.kadis))
    withdraw(actor=kadis, item=disposed)

    assert unread_counts(user=kabid, position_ids={org.kabid.pk}) == {org.kabid.pk: 0}
    assert unread_counts(user=kadis, position_ids={org.kadis.pk}) == {org.kadis.pk: 0}
    assert (org.kabid.pk, 0) in set(InboxTally.objects.values_list("position_id", "items"))

    def tallies():
        return (
            set(InboxTally.objects.filter(items__gt=0).values_list("position_id", "items")),
            set(ReadTally.objects.values_list("user_id", "position_id", "reads")),
        )

    kept = tallies()
    recount()
    assert kept == tallies(), "the counters kept in each transaction equal a count of the rows"
    assert (kadis.pk, org.kadis.pk, 1) in kept[1]
