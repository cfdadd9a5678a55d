"""The demo mail: every demo account opens a living inbox, and restarting the demo adds nothing."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disposisi.demo import LETTERS, seed_demo_letters
from disposisi.models import Disposition, FollowUp, FollowUpFile
from kantor_virtual.models import Event
from organisasi.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo_province
from organisasi.models import Opd, Position, User
from organisasi.selectors import positions_for, subordinates_among
from persuratan.models import InboxItem, InboxRead, IncomingLetter, LetterFile, SecurityClass
from persuratan.selectors import inbox_for

pytestmark = pytest.mark.django_db

MODELS = (IncomingLetter, LetterFile, InboxItem, InboxRead, Disposition, FollowUp, FollowUpFile, Event)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The province and its mail, seeded once for this module (seeding takes seconds) inside a
    transaction that is rolled back after the module's last test; each test runs in a savepoint."""
    today = timezone.localdate()
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo_province(today=today)
        yield seed_demo_letters(today=today)
        transaction.set_rollback(True)


def snapshot() -> dict[str, tuple[int, int | None]]:
    return {
        model.__name__: (model.objects.count(), model.objects.aggregate(m=Max("pk"))["m"]) for model in MODELS
    }


def demo_user(role: str) -> User:
    login = next(account["login"] for account in DEMO_ACCOUNTS if account["role"] == role)
    return User.objects.get(Q(nip=login) | Q(email=login))


def inbox_of(user: User, today: date) -> list[InboxItem]:
    return [
        item
        for position in positions_for(user=user, on=today)
        for item in inbox_for(user=user, position_id=position.pk)
    ]


def test_seeding_twice_makes_each_letter_once_and_the_second_run_writes_nothing(seeded, today):
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        again = seed_demo_letters(today=today)

    assert snapshot() == before, "the second run created rows (letters, nodes, reads or events)"
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert len(queries) <= 5
    assert seeded.created == seeded.letters == again.letters == len(LETTERS)
    assert again.created == 0
    assert (again.dispositions, again.follow_ups) == (seeded.dispositions, seeded.follow_ups)
    assert IncomingLetter.objects.count() == len(LETTERS)


def test_diskominfos_gets_a_dozen_letters_and_every_other_opd_three_or_four(seeded):
    per_opd = {opd.code: opd.incoming_letters.count() for opd in Opd.objects.all()}

    assert 10 <= per_opd.pop("DISKOMINFOS") <= 14
    assert set(per_opd.values()) <= {3, 4}
    letters = IncomingLetter.objects.all()
    assert letters.filter(security_class=SecurityClass.SECRET).count() == 1
    assert letters.filter(security_class=SecurityClass.ORDINARY).count() > letters.count() / 2
    assert letters.filter(sender__kind="person").exists(), "a citizen writes in their own name"
    assert all(letter.files.get().is_pdf for letter in letters.prefetch_related("files"))
    heads = set(Position.objects.filter(heads_opd=True).values_list("pk", flat=True))
    addressed = InboxItem.objects.filter(reason=InboxItem.Reason.ADDRESSEE)
    assert set(addressed.values_list("position_id", flat=True)) <= heads


def test_every_demo_account_of_the_chain_opens_a_living_inbox(seeded, today):
    kadis, kabid, staf = demo_user("Pimpinan"), demo_user("Kepala Bidang"), demo_user("Staf")

    kadis_inbox = inbox_of(kadis, today)
    assert len(kadis_inbox) >= 10
    assert any(item.status == InboxItem.Status.UNREAD for item in kadis_inbox)
    assert any(item.status == InboxItem.Status.IN_PROGRESS for item in kadis_inbox)
    assert len(inbox_of(kabid, today)) >= 3
    staf_statuses = {item.status for item in inbox_of(staf, today)}
    assert {InboxItem.Status.UNREAD, InboxItem.Status.IN_PROGRESS, InboxItem.Status.DONE} <= staf_statuses
    for role in ("Plt", "Plh", "Arsiparis"):
        assert inbox_of(demo_user(role), today), f"the {role} demo account has an empty inbox"
    plh = demo_user("Plh")
    assert Disposition.objects.filter(actor=plh, from_position__code="DINKES.KADIS").exists(), (
        "the Plh disposes while the Kepala Dinas is away"
    )


def test_trees_run_down_the_hierarchy_to_the_staff_and_some_are_reported_done(seeded, today):
    for disposition in Disposition.objects.select_related("item"):
        below = subordinates_among(
            superior_id=disposition.from_position_id, candidate_ids=[disposition.item.position_id]
        )
        assert below == {disposition.item.position_id}, "a disposition went up or sideways"

    staf_node = InboxItem.objects.get(
        position__code="DISKOMINFOS.STAF-APTIKA-1",
        parent__position__code="DISKOMINFOS.KABID-APTIKA",
        parent__parent__position__code="DISKOMINFOS.KADIS",
        parent__parent__parent=None,
        status=InboxItem.Status.DONE,
    )
    report = staf_node.follow_ups.get(marks_done=True)
    assert report.files.get().content_type == "application/pdf"
    whole_tree = InboxItem.objects.filter(letter=staf_node.letter).exclude(reason=InboxItem.Reason.COPY)
    assert set(whole_tree.values_list("status", flat=True)) == {InboxItem.Status.DONE}


def test_the_command_reports_the_demo_mail_and_a_restart_adds_none(seeded, capsys):
    call_command("seed_demo")

    output = capsys.readouterr().out
    assert f"Surat masuk demo: {len(LETTERS)} (0 baru), {seeded.dispositions} disposisi" in output
    assert "Baris baru: 0." in output
    assert DEMO_PASSWORD in output
    assert all(account["login"] in output for account in DEMO_ACCOUNTS)
