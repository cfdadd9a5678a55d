from datetime import timedelta

import pytest
from django.core import mail

from kantor_virtual.errors import Refused
from kantor_virtual.models import Notification
from organisasi.models import Assignment
from persuratan.models import InboxItem, SecurityClass
from persuratan.services import Sender, change_item_status, deliver
from persuratan.tasks import notify_delivery

pytestmark = pytest.mark.django_db

SITE = "https://kantor.nusamandiri.go.id"


@pytest.fixture(autouse=True)
def _mail_to_the_outbox(settings):
    """E-mail goes to Django's locmem outbox: we cannot reach a mail server from here. Tasks run in
    this process (tests/conftest.py), so on-commit callbacks reach our real tasks."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = SITE


@pytest.fixture
def kadis(make_position):
    return make_position(name="Kepala Dinas Kominfos")


def test_a_delivered_letter_tells_the_holder_and_the_active_plt_only_after_commit(
    opd, kadis, make_position, make_user, register, today, django_capture_on_commit_callbacks
):
    holder = make_user(holds=kadis, email="kadis@nusamandiri.go.id")
    plt = make_user(
        acts_for=kadis, since=today, until=today + timedelta(days=5), email="plt@nusamandiri.go.id"
    )
    former_plh = make_user(
        acts_for=kadis,
        kind=Assignment.Kind.PLH,
        since=today - timedelta(days=9),
        until=today - timedelta(days=1),
    )
    bystander = make_user(holds=make_position(name="Sekretaris Dinas"))

    with django_capture_on_commit_callbacks(execute=True):
        letter = register(opd=opd, to=[kadis], subject="Undangan rapat koordinasi SPBE")
        assert not Notification.objects.exists(), "nobody is told before the letter is committed"

    notices = Notification.objects.filter(key=f"inbox-item:{letter.inbox_items.get().pk}")
    assert {notice.user_id for notice in notices} == {holder.pk, plt.pk}
    assert not Notification.objects.filter(user__in=[former_plh, bystander]).exists()
    assert {notice.title for notice in notices} == {"Surat masuk: Undangan rapat koordinasi SPBE"}
    assert {notice.url for notice in notices} == {letter.get_absolute_url()}

    assert sorted(message.to[0] for message in mail.outbox) == [
        "kadis@nusamandiri.go.id",
        "plt@nusamandiri.go.id",
    ]
    for message in mail.outbox:
        assert f"{SITE}{letter.get_absolute_url()}" in message.body
        assert "Undangan rapat koordinasi SPBE" in message.subject


def test_running_the_delivery_task_again_tells_nobody_twice(
    opd, kadis, make_user, register, django_capture_on_commit_callbacks, queued
):
    make_user(holds=kadis)
    with django_capture_on_commit_callbacks(execute=True):
        letter = register(opd=opd, to=[kadis])
    item = letter.inbox_items.get()
    assert (Notification.objects.count(), len(mail.outbox)) == (1, 1)

    with django_capture_on_commit_callbacks():
        assert notify_delivery.apply((item.pk,)).get() == 0
        assert notify_delivery.apply((item.pk,)).get() == 0

    assert queued("send_notification_email") == [], (
        "no e-mail task is queued for a notice that already exists"
    )
    assert (Notification.objects.count(), len(mail.outbox)) == (1, 1)


def test_tembusan_and_dispositions_are_titled_by_how_the_letter_arrived(
    opd, kadis, make_position, make_user, register, today, django_capture_on_commit_callbacks
):
    sekdis = make_position(name="Sekretaris Dinas")
    kabid = make_position(name="Kepala Bidang Statistik", parent=kadis)
    holders = {position.pk: make_user(holds=position) for position in (kadis, sekdis, kabid)}

    with django_capture_on_commit_callbacks(execute=True):
        letter = register(opd=opd, to=[kadis], copies=[sekdis], subject="Permintaan data statistik sektoral")
        deliver(
            letter=letter,
            to=kabid,
            reason=InboxItem.Reason.DISPOSITION,
            parent=letter.inbox_items.get(position=kadis),
            from_position=kadis,
            due_on=today + timedelta(days=3),
        )

    def notice_of(position):
        return Notification.objects.get(user=holders[position.pk])

    assert notice_of(kadis).title == "Surat masuk: Permintaan data statistik sektoral"
    assert notice_of(sekdis).title == "Tembusan: Permintaan data statistik sektoral"
    disposed = notice_of(kabid)
    assert disposed.title == "Disposisi dari Kepala Dinas Kominfos: Permintaan data statistik sektoral"
    assert "Batas waktu" in disposed.body and "Kementerian Dalam Negeri" in disposed.body


@pytest.mark.parametrize(
    ("security_class", "sifat"),
    [(SecurityClass.SECRET, "rahasia"), (SecurityClass.TOP_SECRET, "sangat rahasia")],
)
def test_a_secret_letter_names_neither_perihal_nor_sender_in_the_notice_or_the_mail(
    opd, kadis, make_user, register, django_capture_on_commit_callbacks, security_class, sifat
):
    holder = make_user(holds=kadis)
    with django_capture_on_commit_callbacks(execute=True):
        letter = register(
            opd=opd,
            to=[kadis],
            security_class=security_class,
            subject="Hasil audit investigasi pengadaan",
            sender=Sender(kind="institution", name="Inspektorat Jenderal"),
        )

    notice = Notification.objects.get(user=holder)
    assert notice.title == f"Surat masuk: surat {sifat} nomor agenda {letter.agenda_label}"
    assert (
        notice.body
        == f"Surat {sifat} baru untuk Kepala Dinas Kominfos. Buka Kantor Virtual untuk membacanya."
    )
    [message] = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.subject, message.body, html):
        assert "audit" not in text and "Inspektorat" not in text, "the secret leaked into the e-mail"


def test_a_disposition_withdrawn_before_the_task_runs_tells_no_one(
    opd, kadis, make_position, make_user, register, today, django_capture_on_commit_callbacks
):
    kabid = make_position(name="Kepala Bidang Statistik", parent=kadis)
    kadis_holder, kabid_holder = make_user(holds=kadis), make_user(holds=kabid)

    with django_capture_on_commit_callbacks(execute=True):
        letter = register(opd=opd, to=[kadis])
        item = deliver(
            letter=letter,
            to=kabid,
            reason=InboxItem.Reason.DISPOSITION,
            parent=letter.inbox_items.get(position=kadis),
            from_position=kadis,
        )
        change_item_status(
            item=item,
            to=InboxItem.Status.WITHDRAWN,
            allowed_from=[InboxItem.Status.UNREAD],
            refusal=Refused("Sudah dibaca.", code="already_read"),
            actor=kadis_holder,
            position=kadis,
        )

    assert Notification.objects.filter(user=kadis_holder).count() == 1
    assert not Notification.objects.filter(user=kabid_holder).exists()
