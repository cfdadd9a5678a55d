from datetime import timedelta

import pytest
from django.conf import settings as project_settings

from kantor_virtual.errors import Refused
from kantor_virtual.models import Notification
from persuratan import reminders
from persuratan.models import InboxItem, SecurityClass
from persuratan.reminders import remind_overdue
from persuratan.services import change_item_status, deliver
from persuratan.tasks import remind_overdue_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def kadis(make_position):
    return make_position(name="Kepala Dinas Kominfos")


@pytest.fixture
def kabid(make_position, kadis):
    return make_position(name="Kepala Bidang Statistik", parent=kadis)


@pytest.fixture
def dispose(opd, kadis, kabid, register, today):
    """`dispose(due_in=-2, **details)`: a letter to the Kepala Dinas, disposed to the Kepala Bidang."""

    def make(*, due_in: int | None = -2, **details):
        letter = register(opd=opd, to=[kadis], **details)
        return deliver(
            letter=letter,
            to=kabid,
            reason=InboxItem.Reason.DISPOSITION,
            parent=letter.inbox_items.get(position=kadis),
            from_position=kadis,
            due_on=None if due_in is None else today + timedelta(days=due_in),
        )

    return make


def reminders_of(user):
    return Notification.objects.filter(user=user, key__startswith="overdue:")


def test_the_job_run_twice_the_same_day_reminds_each_holder_once_per_item_and_again_the_next_day(
    kabid, make_user, dispose, today
):
    holder, plt = (
        make_user(holds=kabid),
        make_user(acts_for=kabid, since=today, until=today + timedelta(days=5)),
    )
    first, second = dispose(subject="Permintaan data sektoral"), dispose(due_in=-9)

    assert remind_overdue(today=today) == 4
    assert remind_overdue(today=today) == 0, "the second run the same day reminds nobody"
    for user in (holder, plt):
        assert set(reminders_of(user).values_list("key", flat=True)) == {
            f"overdue:{first.pk}:{today.isoformat()}",
            f"overdue:{second.pk}:{today.isoformat()}",
        }
    notice = reminders_of(holder).get(key__startswith=f"overdue:{first.pk}:")
    assert notice.title == "Disposisi melewati batas waktu: Permintaan data sektoral"
    assert "sudah lewat 2 hari" in notice.body
    assert notice.url == first.letter.get_absolute_url()

    tomorrow = today + timedelta(days=1)
    assert remind_overdue(today=tomorrow) == 4
    assert remind_overdue(today=tomorrow) == 0
    assert reminders_of(holder).count() == reminders_of(plt).count() == 4


def test_done_withdrawn_and_not_yet_late_items_get_no_reminder(kadis, kabid, make_user, dispose, today):
    kadis_holder, kabid_holder = make_user(holds=kadis), make_user(holds=kabid)
    done, withdrawn = dispose(), dispose()
    dispose(due_in=0), dispose(due_in=3), dispose(due_in=None)
    late = dispose()
    for item, status in ((done, InboxItem.Status.DONE), (withdrawn, InboxItem.Status.WITHDRAWN)):
        change_item_status(
            item=item,
            to=status,
            allowed_from=InboxItem.OPEN_STATUSES,
            refusal=Refused("Tidak bisa.", code="closed"),
            actor=kadis_holder,
            position=kadis,
        )

    assert remind_overdue(today=today) == 1
    assert list(reminders_of(kabid_holder).values_list("key", flat=True)) == [
        f"overdue:{late.pk}:{today.isoformat()}"
    ]
    assert not reminders_of(kadis_holder).exists(), "the addressee's own node has no deadline"


def test_a_secret_letters_reminder_names_no_perihal(kabid, make_user, dispose, today):
    holder = make_user(holds=kabid)
    item = dispose(security_class=SecurityClass.SECRET, subject="Hasil audit investigasi")

    remind_overdue(today=today)

    notice = reminders_of(holder).get()
    assert notice.title == (
        f"Disposisi melewati batas waktu: surat rahasia nomor agenda {item.letter.agenda_label} "
        "untuk Kepala Bidang Statistik"
    )
    assert "audit" not in notice.body and "Kementerian" not in notice.body


def test_the_job_makes_the_same_queries_for_two_items_as_for_six(
    kabid, make_user, dispose, today, django_assert_num_queries
):
    make_user(holds=kabid), make_user(acts_for=kabid, since=today, until=today + timedelta(days=5))
    for _ in range(2):
        dispose()
    # One chunk: read items, read holders, insert notices, queue their e-mails; then an empty read
    # ends the walk.
    with django_assert_num_queries(5):
        assert remind_overdue(today=today) == 4

    for _ in range(4):
        dispose()
    with django_assert_num_queries(5):
        assert remind_overdue(today=today + timedelta(days=1)) == 12


def test_the_walk_crosses_chunk_boundaries_without_skipping_items(
    kabid, make_user, dispose, today, monkeypatch
):
    holder = make_user(holds=kabid)
    items = [dispose(due_in=-days) for days in (1, 3, 3, 3, 2)]
    monkeypatch.setattr(reminders, "CHUNK_SIZE", 2)

    assert remind_overdue(today=today) == 5
    assert {int(key.split(":")[1]) for key in reminders_of(holder).values_list("key", flat=True)} == {
        item.pk for item in items
    }


def test_the_daily_task_runs_the_job_at_seven_office_time(kabid, make_user, dispose):
    make_user(holds=kabid)
    dispose()

    assert remind_overdue_items.apply().get() == 1
    assert remind_overdue_items.apply().get() == 0

    entry = project_settings.CELERY_BEAT_SCHEDULE["remind-overdue-items"]
    assert entry["task"] == "persuratan.tasks.remind_overdue_items"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})
    assert project_settings.CELERY_TIMEZONE == "Asia/Jakarta"
