from datetime import timedelta

import pytest

from disposisi.models import Instruction
from disposisi.selectors import Actions, dispose_targets, letter_section, tree_for
from disposisi.services import dispose, report_follow_up, withdraw
from organisasi.models import Position
from persuratan.models import InboxItem
from persuratan.selectors import items_of_user
from persuratan.services import mark_read
from tests.disposisi.conftest import node

pytestmark = pytest.mark.django_db

FOLLOW = [Instruction.FOLLOW_UP]


def send(org, letter, sender: str, *targets: str, **options) -> None:
    dispose(
        actor=org.people[sender],
        from_item=node(letter, getattr(org, sender)),
        to=[getattr(org, target) for target in targets],
        instructions=options.pop("instructions", FOLLOW),
        **options,
    )


@pytest.fixture
def busy(letter, org, make_scan, today):
    """Every state at once: kadis → (kabid → kasi done, staf overdue), kabid_stat read, sekdis withdrawn."""
    send(org, letter, "kadis", "sekdis", "kabid", "kabid_stat", note="Mohon segera.")
    withdraw(actor=org.people["kadis"], item=node(letter, org.sekdis))
    mark_read(user=org.people["kabid_stat"], item=node(letter, org.kabid_stat))
    mark_read(user=org.people["kabid"], item=node(letter, org.kabid))
    send(org, letter, "kabid", "kasi", "staf", due_on=today)
    report_follow_up(
        actor=org.people["kasi"],
        item=node(letter, org.kasi),
        text="Bahan sudah disiapkan.",
        files=[make_scan(text="Bahan rapat", name="bahan.pdf")],
        done=True,
    )
    # Two days go by: the staff member's deadline has passed while the node is still open.
    InboxItem.objects.filter(pk=node(letter, org.staf).pk).update(due_on=today - timedelta(days=2))
    return letter


def test_the_tree_has_the_addressee_as_root_every_disposition_below_and_tembusan_apart(busy, org):
    tree = tree_for(letter=busy)

    assert [root.position for root in tree.roots] == [org.kadis]
    kadis = tree.roots[0]
    assert [child.position for child in kadis.children] == [org.sekdis, org.kabid, org.kabid_stat]
    kabid = kadis.children[1]
    assert [child.position for child in kabid.children] == [org.kasi, org.staf]
    assert [(copy.position, copy.item.reason) for copy in tree.copies] == [(org.sekdis, "copy")]
    assert kadis.holders == ["Siti Rahmawati"] and kabid.holders == ["Budi Santoso"]
    assert kadis.disposition is None
    assert kabid.disposition.from_position == org.kadis
    assert kabid.disposition.note == "Mohon segera."
    assert kabid.disposition.instruction_labels() == ["Untuk ditindaklanjuti"]
    kasi = kabid.children[0]
    [report] = kasi.follow_ups
    assert report.text == "Bahan sudah disiapkan." and report.marks_done
    assert [attachment.original_name for attachment in report.attachments] == ["bahan.pdf"]


def test_each_node_shows_its_state_and_a_parent_sees_the_roll_up_of_its_subtree(busy, org):
    tree = tree_for(letter=busy)
    states = {
        (node.position.name, node.item.reason): (node.state, node.state_label) for node in tree.nodes.values()
    }

    assert states == {
        (org.kadis.name, "addressee"): ("in_progress", "Dalam proses"),
        (org.sekdis.name, "copy"): ("unread", "Belum dibaca"),
        (org.sekdis.name, "disposition"): ("withdrawn", "Ditarik"),
        (org.kabid.name, "disposition"): ("in_progress", "Dalam proses"),
        (org.kabid_stat.name, "disposition"): ("read", "Dibaca"),
        (org.kasi.name, "disposition"): ("done", "Selesai"),
        (org.staf.name, "disposition"): ("overdue", "Lewat batas waktu"),
    }
    kadis = tree.roots[0]
    kabid = kadis.children[1]
    assert (kadis.below.total, kadis.below.done, kadis.below.overdue) == (4, 1, 1), (
        "the withdrawn node is left out"
    )
    assert (kabid.below.total, kabid.below.done, kabid.below.overdue) == (2, 1, 1)
    assert kabid.children[1].below.total == 0


def test_a_done_node_past_its_deadline_is_done_not_overdue(letter, org, today):
    send(org, letter, "kadis", "kabid", due_on=today)
    report_follow_up(actor=org.people["kabid"], item=node(letter, org.kabid), text="Beres.", done=True)
    InboxItem.objects.filter(letter=letter, position=org.kabid).update(due_on=today - timedelta(days=5))
    assert tree_for(letter=letter).roots[0].children[0].state == "done"


def test_the_tree_takes_the_same_number_of_queries_for_3_and_for_12_nodes(
    opd, org, register, make_position, make_user, make_scan, django_assert_num_queries
):
    small = register(opd=opd, to=[org.kadis], copies=[org.sekdis])
    send(org, small, "kadis", "kabid")
    report_follow_up(actor=org.people["kabid"], item=node(small, org.kabid), text="Ok.", files=[make_scan()])

    staff = [
        make_position(name=f"Statistisi {n}", parent=org.kabid_stat, kind="fungsional") for n in range(5)
    ]
    for position in staff:
        make_user(holds=position)
    large = register(opd=opd, to=[org.kadis], copies=[org.sekdis], sender_number="2/X")
    send(org, large, "kadis", "sekdis", "kabid", "kabid_stat")
    report_follow_up(actor=org.people["kabid"], item=node(large, org.kabid), text="Ok.", files=[make_scan()])
    send(org, large, "kabid", "kasi", "staf")
    dispose(
        actor=org.people["kabid_stat"],
        from_item=node(large, org.kabid_stat),
        to=staff,
        instructions=FOLLOW,
    )

    with django_assert_num_queries(4):
        small_tree = tree_for(letter=small)
    with django_assert_num_queries(4):
        large_tree = tree_for(letter=large)
    assert (len(small_tree.nodes), len(large_tree.nodes)) == (3, 12)


def test_dispose_targets_are_the_positions_right_below_in_tree_order_with_their_holders(
    letter, org, make_user, today
):
    plt = make_user(acts_for=org.kabid_stat, full_name="Gita Permata", until=today)
    targets = dispose_targets(user=org.people["kadis"], item=node(letter, org.kadis))

    assert targets == [org.sekdis, org.kabid, org.kabid_stat], "the Kasi below is found by typing"
    by_id = {target.pk: target for target in targets}
    assert by_id[org.kabid.pk].holder_names == "Budi Santoso"
    assert by_id[org.kabid_stat.pk].holder_names == f"Dewi Lestari, Plt. {plt.full_name}"
    assert not any(target.already_disposed for target in targets)

    send(org, letter, "kadis", "sekdis")
    Position.objects.filter(pk=org.kabid.pk).update(closed_on=today)
    targets = dispose_targets(user=org.people["kadis"], item=node(letter, org.kadis))
    assert targets == [org.sekdis, org.kasi, org.kabid_stat], "the Kasi takes the closed Kabid's place"
    assert [target.pk for target in targets if target.already_disposed] == [org.sekdis.pk]


def test_dispose_targets_are_empty_for_someone_else_a_tembusan_or_a_done_node(letter, org):
    kadis = node(letter, org.kadis)
    assert dispose_targets(user=org.people["kabid"], item=kadis) == []
    assert dispose_targets(user=org.people["sekdis"], item=node(letter, org.sekdis)) == []
    report_follow_up(actor=org.people["kadis"], item=kadis, text="Selesai.", done=True)
    assert dispose_targets(user=org.people["kadis"], item=node(letter, org.kadis)) == []


def test_the_letter_section_gives_each_user_the_buttons_of_their_own_nodes(letter, org):
    send(org, letter, "kadis", "kabid", "kabid_stat")
    mark_read(user=org.people["kabid"], item=node(letter, org.kabid))
    send(org, letter, "kabid", "staf")

    def section(who: str) -> dict:
        user = org.people[who]
        return letter_section(user=user, letter=letter, my_items=items_of_user(user=user, letter=letter))

    kadis_item, kabid_item = node(letter, org.kadis), node(letter, org.kabid)
    stat_item, staf_item = node(letter, org.kabid_stat), node(letter, org.staf)

    mine = section("kadis")
    assert mine["actions"] == {kadis_item.pk: Actions(dispose=True, report=True, withdraw=(stat_item.pk,))}
    kadis = mine["tree"][0]
    assert (kadis.can_dispose, kadis.can_report) == (True, True)
    assert [(child.position, child.can_withdraw) for child in kadis.children] == [
        (org.kabid, False),
        (org.kabid_stat, True),
    ], "the Kepala Bidang Aplikasi has already read it"
    assert [copy.position for copy in mine["copies"]] == [org.sekdis]

    mine = section("kabid")
    assert mine["actions"] == {kabid_item.pk: Actions(dispose=True, report=True, withdraw=(staf_item.pk,))}
    assert not mine["tree"][0].can_dispose and not mine["tree"][0].children[1].can_withdraw

    mine = section("staf")
    assert mine["actions"] == {staf_item.pk: Actions(dispose=False, report=True, withdraw=())}, "nobody below"

    mine = section("sekdis")
    assert mine["actions"] == {node(letter, org.sekdis).pk: Actions(dispose=False, report=False, withdraw=())}
