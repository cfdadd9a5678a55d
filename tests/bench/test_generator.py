"""The benchmark's data generator, run small (300 letters, 400 staff) into the test database.

Loading takes a while (the demo province first), so one load serves the whole module: it is
committed outside the tests' transactions and the database is emptied again afterwards, as a
transactional test would leave it.
"""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from bench.generator import BENCH_PASSWORD
from bench.models import Dataset
from disposisi.models import Disposition, FollowUp
from kantor_virtual.models import Event
from layanan_publik.demo import APPLICANT_DOMAIN
from layanan_publik.models import Submission, SurveyResponse
from organisasi.models import Assignment, Position, RoleGrant, User
from persuratan.models import (
    AgendaCounter,
    Classification,
    InboxItem,
    InboxRead,
    IncomingLetter,
    OutgoingCounter,
    OutgoingLetter,
)
from persuratan.reach import token as reach_token
from persuratan.search import search_letters
from persuratan.selectors import unread_counts
from persuratan.services import LetterDetails, Sender, register_incoming

pytestmark = pytest.mark.django_db

LETTERS, USERS = 300, 400


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    from kantor_virtual.celery import app

    eager = {"task_always_eager": True, "task_eager_propagates": True}
    before = {name: app.conf[name] for name in eager}
    app.conf.update(eager)  # the demo's scans are read in this process, as in the other tests
    with django_db_blocker.unblock():
        output = StringIO()
        call_command("bench_data", letters=LETTERS, users=USERS, stdout=output)
        yield output.getvalue()
        call_command("flush", interactive=False, verbosity=0)
    app.conf.update(before)


@pytest.fixture
def generated(dataset):
    """The generated letters: the demo's own came in through the services, with an origin key or
    from the demo portal history's applicants."""
    return IncomingLetter.objects.exclude(origin_key__startswith="demo:").exclude(
        submission__applicant__user__email__endswith=f"@{APPLICANT_DOMAIN}"
    )


@pytest.fixture
def busiest_head(generated):
    """The Kepala of the OPD with the most mail, and the user holding the post."""
    opd_id = generated.values("opd").annotate(n=Count("id")).order_by("-n")[0]["opd"]
    head = Position.objects.get(opd_id=opd_id, heads_opd=True, closed_on=None)
    holder = Assignment.objects.get(position=head, kind="definitif", end=None).user
    return head, holder


def test_each_table_gets_its_share_of_the_province(dataset, generated):
    assert Dataset.objects.get().letters == LETTERS
    assert generated.count() == LETTERS
    assert Assignment.objects.filter(kind="definitif", end=None).count() == pytest.approx(USERS, abs=10)
    per_letter = Disposition.objects.filter(letter__in=generated).count() / LETTERS
    assert 2 <= per_letter <= 4, "about three dispositions per letter"
    items = InboxItem.objects.filter(letter__in=generated)
    assert items.filter(reason="addressee").count() == LETTERS
    assert items.filter(reason="copy").exists()
    done = items.filter(status="done")
    assert FollowUp.objects.filter(marks_done=True, item__in=done).count() == done.count()
    assert InboxRead.objects.filter(item__in=items).count() == items.exclude(status="unread").count()
    signed = OutgoingLetter.objects.filter(status="signed", verification_code__gt="").exclude(
        in_reply_to__submission__applicant__user__email__endswith=f"@{APPLICANT_DOMAIN}"
    )
    assert signed.count() == pytest.approx(LETTERS * 0.3, abs=5)
    public = generated.filter(source="public")
    assert Submission.objects.filter(letter__in=public).count() == public.count() > 0
    finished = Submission.objects.filter(letter__in=public, status="finished")
    assert finished.exclude(finished_at=None).count() == finished.count() > 0
    assert SurveyResponse.objects.filter(submission__in=finished).count() <= finished.count()
    assert Event.objects.filter(verb="registered").count() >= LETTERS
    assert "persuratan_incomingletter" in dataset


def test_agenda_and_outgoing_numbers_are_gapless_per_opd_and_year(dataset):
    for model, field in ((IncomingLetter, "agenda_number"), (OutgoingLetter, "number_seq")):
        year = "agenda_year" if model is IncomingLetter else "number_year"
        numbers = model.objects.exclude(**{field: None}).values_list("opd_id", year, field)
        series: dict[tuple, list[int]] = {}
        for opd, in_year, number in numbers:
            series.setdefault((opd, in_year), []).append(number)
        assert len(series) > 9 * 5, "ten years of several OPDs"
        for key, taken in series.items():
            assert sorted(taken) == list(range(1, len(taken) + 1)), f"gap or twin in {model.__name__} {key}"
    for counter_model, model, year in (
        (AgendaCounter, IncomingLetter, "agenda_year"),
        (OutgoingCounter, OutgoingLetter, "number_year"),
    ):
        for counter in counter_model.objects.all():
            last = model.objects.filter(opd_id=counter.opd_id, **{year: counter.year}).count()
            assert counter.last_number == last


def test_every_disposition_node_hangs_under_a_node_of_the_same_letter(dataset, generated):
    nodes = InboxItem.objects.filter(letter__in=generated, reason="disposition")
    assert nodes.exists()
    assert not nodes.exclude(parent__letter_id=F("letter_id")).exists()
    assert not nodes.exclude(disposition__parent_item_id=F("parent_id")).exists()
    assert not nodes.exclude(from_position_id=F("parent__position_id")).exists()
    assert not nodes.exclude(sender_id=F("letter__sender_id")).exists()
    tree_tops = Counter(
        InboxItem.objects.filter(letter__in=generated, parent=None).values_list("reason", flat=True)
    )
    assert set(tree_tops) <= {"addressee", "copy"}


def test_the_busiest_heads_inbox_lists_the_generated_letters(client, settings, busiest_head, generated):
    settings.OTP_REQUIRED = False
    head, holder = busiest_head
    newest = InboxItem.objects.filter(position=head).order_by("-received_at", "-id").first()
    client.force_login(holder)

    page = client.get(reverse("persuratan:inbox"))

    assert page.status_code == 200
    assert newest.letter.subject in page.content.decode()


def test_each_letter_carries_the_positions_it_reached(generated):
    reached = {}
    for letter_id, position_id in InboxItem.objects.filter(letter__in=generated).values_list(
        "letter_id", "position_id"
    ):
        reached.setdefault(letter_id, set()).add(reach_token(position_id))
    assert {letter.pk: set(letter.reach.split()) for letter in generated} == reached


def test_the_unread_badges_count_the_loaded_items_and_reads(busiest_head):
    head, holder = busiest_head
    items = InboxItem.objects.filter(position=head).exclude(status=InboxItem.Status.WITHDRAWN).count()
    reads = InboxRead.objects.filter(position=head, user=holder).count()
    assert unread_counts(user=holder, position_ids={head.pk}) == {head.pk: items - reads}


def test_every_account_signs_in_with_the_benchmark_password(settings, busiest_head):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # what the load used
    _, holder = busiest_head
    assert not User.objects.exclude(password=holder.password).exists(), "one hash for every account"
    assert holder.check_password(BENCH_PASSWORD)


def test_full_text_search_finds_a_letter_by_a_word_of_its_subject(busiest_head, generated):
    head, holder = busiest_head
    subjects = list(generated.filter(inbox_items__position=head).values_list("id", "subject"))
    frequency = Counter(word for _, subject in subjects for word in set(subject.lower().split()))
    # The rarest long word of any subject: its letter is sure to be on the first page of results.
    letter_id, subject = min(subjects, key=lambda row: min(frequency[w] for w in row[1].lower().split()))
    word = min((w for w in subject.lower().split() if len(w) > 4), key=lambda w: frequency[w])

    found = search_letters(user=holder, query=word)

    assert letter_id in {hit.letter.pk for hit in found.hits}


def test_the_timeline_chains_verify(dataset):
    output = StringIO()
    call_command("verify_events", stdout=output)
    assert "Rantai utuh" in output.getvalue()


def test_the_next_registration_continues_after_the_loaded_agenda_numbers(busiest_head, make_scan):
    head, _ = busiest_head
    operator = RoleGrant.objects.filter(role="operator", opd_id=head.opd_id).order_by("-id").first().user
    year = timezone.localdate().year
    last = IncomingLetter.objects.filter(opd_id=head.opd_id, agenda_year=year).count()
    today = timezone.localdate()

    letter = register_incoming(
        actor=operator,
        opd=head.opd,
        details=LetterDetails(
            sender=Sender(kind="institution", name="Kementerian Dalam Negeri"),
            sender_number="000.1/1/SJ",
            letter_date=today - timedelta(days=1),
            received_on=today,
            subject="Undangan rapat koordinasi",
            letter_type="invitation_letter",
            security_class="ordinary",
            urgency="normal",
            classification=Classification.objects.get(code="000.1.2"),
        ),
        addressees=[head],
        scans=[make_scan()],
    )

    assert letter.agenda_number == last + 1


def test_a_second_dataset_is_refused_on_top_of_the_first(dataset):
    with pytest.raises(CommandError, match="sudah berisi data tolok ukur"):
        call_command("bench_data", letters=10, stdout=StringIO())
    assert Dataset.objects.count() == 1
