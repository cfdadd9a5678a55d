"""The attack: a rahasia letter with a perihal worth stealing goes its whole way — registered,
disposed, withdrawn, reported on, overdue; answered by a rahasia nota dinas that is parafed,
signed, delivered to another OPD and on paper outside, and whose signatures are refused and expire —
and not one flash message, refusal, notification or e-mail made along the way names it by its
perihal. Letters are named by their agenda number or their number."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from disposisi.models import Instruction
from disposisi.services import dispose, report_follow_up, withdraw
from kantor_virtual.errors import Refused
from kantor_virtual.models import Notification
from persuratan.models import InboxItem, OutgoingLetter, OutgoingRecipient, SecurityClass, SigningRequest
from persuratan.reminders import remind_overdue
from persuratan.services import mark_read, share_letter
from persuratan.services.outgoing import (
    DraftDetails,
    RecipientSpec,
    create_draft,
    expire_signing_requests,
    request_signature,
)
from tests.disposisi.conftest import node
from tte.services import enrol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]

PERIHAL = "Hasil audit investigasi dana hibah"
PASSPHRASE = "sandi-tte-kadis"


@pytest.fixture(autouse=True)
def _mail_to_the_outbox(settings):
    """E-mail goes to Django's locmem outbox: we cannot reach a mail server from here."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def leaks(text: str) -> bool:
    return "audit investigasi" in text.lower() or "dana hibah" in text.lower()


@pytest.mark.parametrize("security_class", [SecurityClass.SECRET, SecurityClass.TOP_SECRET])
def test_a_rahasia_letters_perihal_is_in_no_message_notice_or_email_along_its_way(
    client, opd, other_opd, org, register, make_operator, make_position, make_user, classification,
    today, django_capture_on_commit_callbacks, mailoutbox, security_class,
):  # fmt: skip
    shown: list[str] = []  # every flash message and every refusal someone was shown

    def committed(action):
        """Run `action` as if its transaction committed: the tasks it schedules run (in this process)."""
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    def post(user, url, data=None):
        client.force_login(user)
        response = committed(lambda: client.post(url, data or {}))
        shown.extend(str(message) for message in get_messages(response.wsgi_request))
        return response

    def refusal(action) -> str:
        with pytest.raises(Refused) as refused:
            action()
        shown.append(refused.value.message)
        return refused.value.code

    for person in org.people.values():
        person.email = f"{person.username}@nusamandiri.go.id"
        person.save(update_fields=["email"])
    operator = make_operator(opd=opd, email="tu@nusamandiri.go.id")
    outsider = make_user(holds=make_position(name="Kepala Bidang Umum"), email="umum@nusamandiri.go.id")
    other_head = make_position(name="Kepala Dinas Sosial", opd=other_opd, heads_opd=True)
    make_user(holds=other_head, email="kadinsos@nusamandiri.go.id")
    kadis, kabid, kasi = org.people["kadis"], org.people["kabid"], org.people["kasi"]

    # The incoming letter: registered, disposed down, one disposition withdrawn, reported on.
    letter = committed(
        lambda: register(
            opd=opd, to=[org.kadis], copies=[org.sekdis], security_class=security_class, subject=PERIHAL
        )
    )
    post(
        kadis,
        reverse("disposisi:dispose", args=[node(letter, org.kadis).pk]),
        {
            "targets": [org.kabid.pk, org.kabid_stat.pk],
            "instructions": [Instruction.FOLLOW_UP],
            "due_on": (today + timedelta(days=2)).isoformat(),
            "priority": "normal",
        },
    )
    post(kadis, reverse("disposisi:withdraw", args=[node(letter, org.kabid_stat).pk]))
    kabid_node = node(letter, org.kabid)
    mark_read(user=kabid, item=kabid_node)
    committed(
        lambda: dispose(
            actor=kabid,
            from_item=kabid_node,
            to=[org.kasi],
            instructions=[Instruction.FOLLOW_UP],
            due_on=today,
        )
    )
    post(
        kabid, reverse("disposisi:follow_up", args=[kabid_node.pk]), {"text": "Sudah ditelaah.", "done": "on"}
    )
    assert (
        refusal(lambda: share_letter(actor=operator, letter=letter, with_user=outsider)) == "narrowed_letter"
    )
    assert refusal(lambda: mark_read(user=outsider, item=node(letter, org.kadis))) == "not_recipient"
    assert refusal(lambda: withdraw(actor=kasi, item=node(letter, org.kasi))) == "not_sender"
    copy = node(letter, org.sekdis)
    assert refusal(lambda: dispose(actor=org.people["sekdis"], from_item=copy, to=[org.kasi], instructions=["follow_up"])) == "copy_only"  # fmt: skip
    assert (
        refusal(lambda: report_follow_up(actor=kabid, item=node(letter, org.kabid), text="Lagi."))
        == "item_closed"
    )
    committed(lambda: remind_overdue(today=today + timedelta(days=3)))

    # The answer: a rahasia nota dinas with the same perihal, parafed, signed and delivered.
    enrol(user=kadis, passphrase=PASSPHRASE)
    to, tembusan = OutgoingRecipient.Kind.TO, OutgoingRecipient.Kind.COPY

    def draft() -> OutgoingLetter:
        return create_draft(
            actor=kasi,
            position=org.kasi,
            details=DraftDetails(
                letter_type="internal_memo",
                subject=PERIHAL,
                security_class=security_class,
                urgency="normal",
                classification=classification,
                signer_position=org.kadis,
            ),
            recipients=[
                RecipientSpec(kind=to, position=other_head),
                RecipientSpec(kind=to, name="Kepala Kejaksaan Tinggi", email="kejati@contoh.go.id"),
                RecipientSpec(kind=tembusan, name="Inspektur Provinsi", address="Jl. Merdeka 2"),
            ],
            body_html="<p>Bersama ini kami sampaikan hasilnya.</p>",
            reviewers=[org.kabid],
        )

    answer = draft()
    letter_url = reverse("surat_keluar:letter", args=[answer.pk])
    post(kasi, reverse("surat_keluar:submit", args=[answer.pk]))
    post(kabid, reverse("surat_keluar:review", args=[answer.pk]), {"action": "paraf"})
    post(kadis, reverse("surat_keluar:sign", args=[answer.pk]), {"passphrase": PASSPHRASE})
    answer.refresh_from_db()
    assert answer.status == OutgoingLetter.Status.SIGNED
    kejati = answer.recipients.get(name="Kepala Kejaksaan Tinggi")
    client.force_login(operator)
    assert client.get(reverse("surat_keluar:print_copy", args=[answer.pk])).status_code == 200
    post(
        operator,
        reverse("surat_keluar:dispatch", args=[answer.pk, kejati.pk]),
        {"sent_on": today.isoformat(), "means": "kurir"},
    )
    assert (
        refusal(lambda: request_signature(actor=kadis, letter=answer, passphrase=PASSPHRASE))
        == "not_approved"
    )

    # Two more drafts: one signed with a wrong passphrase, one whose request expires.
    refused, expiring = draft(), draft()
    for each in (refused, expiring):
        post(kasi, reverse("surat_keluar:submit", args=[each.pk]))
        post(kabid, reverse("surat_keluar:review", args=[each.pk]), {"action": "paraf"})
    post(kadis, reverse("surat_keluar:sign", args=[refused.pk]), {"passphrase": "bukan-sandinya"})
    request_signature(actor=kadis, letter=expiring, passphrase=PASSPHRASE)  # not committed: no worker runs
    SigningRequest.objects.filter(letter=expiring).update(requested_at=timezone.now() - timedelta(days=30))
    assert committed(expire_signing_requests) == 1
    shown.append(SigningRequest.objects.get(letter=refused).error)
    shown.append(SigningRequest.objects.get(letter=expiring).error)

    notices = list(Notification.objects.all())
    keys = {notice.key.split(":")[0] for notice in notices}
    assert {"inbox-item", "overdue", "kirim-cetak", "tanda-tangan-kedaluwarsa"} <= keys, (
        "the attack went its whole way"
    )
    assert any(letter.agenda_label in notice.title for notice in notices), "named by agenda number"
    assert any(answer.number in notice.title for notice in notices), "named by number"
    assert len(shown) >= 12 and len(mailoutbox) >= len(notices)
    assert not [message.to for message in mailoutbox if message.attachments], "no letter left by e-mail"
    for text in shown:
        assert not leaks(text), f"a message showed the perihal: {text!r}"
    for notice in notices:
        assert not leaks(f"{notice.title}\n{notice.body}\n{notice.url}"), (
            f"a notice named the perihal: {notice.key}"
        )
    for message in mailoutbox:
        html = "".join(body for body, _ in message.alternatives)
        assert not leaks(f"{message.subject}\n{message.body}\n{html}"), (
            f"an e-mail named the perihal: {message.to}"
        )
    assert InboxItem.objects.filter(letter=letter).exists() and letter_url
