from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disposisi.models import Disposition, FollowUp, FollowUpFile, Instruction
from disposisi.services import dispose, report_follow_up
from kantor_virtual.timeline import timeline_for
from persuratan.models import InboxItem, SecurityClass
from persuratan.services import mark_read
from tests.disposisi.conftest import node

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]


def dispose_url(item) -> str:
    return reverse("disposisi:dispose", args=[item.pk])


def follow_up_url(item) -> str:
    return reverse("disposisi:follow_up", args=[item.pk])


def withdraw_url(item) -> str:
    return reverse("disposisi:withdraw", args=[item.pk])


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def send_to_kabid(letter, org) -> InboxItem:
    dispose(
        actor=org.people["kadis"],
        from_item=node(letter, org.kadis),
        to=[org.kabid],
        instructions=[Instruction.FOLLOW_UP],
    )
    return node(letter, org.kabid)


def test_the_dispose_page_lists_the_positions_right_below_with_their_holders_and_prefills_the_deadline(
    client, letter, org, today
):
    client.force_login(org.people["kadis"])
    page = client.get(dispose_url(node(letter, org.kadis))).content.decode()

    assert "Kepala Bidang Aplikasi" in page and "Budi Santoso" in page
    assert "Kepala Seksi Layanan Aplikasi" not in page, "two levels down is found by typing"
    assert "Untuk ditindaklanjuti" in page and "Pelajari dan laporkan" in page
    assert f'value="{(today + timedelta(days=7)).isoformat()}"' in page
    assert letter.subject in page


def test_disposing_through_the_form_lands_on_the_letter_with_a_message(client, letter, org, today):
    client.force_login(org.people["kadis"])
    response = client.post(
        dispose_url(node(letter, org.kadis)),
        {
            "targets": [org.kabid.pk, org.kabid_stat.pk],
            "instructions": ["follow_up", "give_opinion"],
            "note": "Mohon ditelaah.",
            "due_on": (today + timedelta(days=3)).isoformat(),
            "priority": "high",
        },
    )

    assert response.status_code == 302 and response.url == letter.get_absolute_url()
    assert flashed(response) == [
        "Surat didisposisikan kepada Kepala Bidang Aplikasi, Kepala Bidang Statistik."
    ]
    rows = Disposition.objects.filter(letter=letter)
    assert {row.item.position_id for row in rows} == {org.kabid.pk, org.kabid_stat.pk}
    assert {tuple(row.instructions) for row in rows} == {("follow_up", "give_opinion")}
    assert node(letter, org.kabid).due_on == today + timedelta(days=3)
    assert node(letter, org.kabid).priority == "high"


def test_a_form_without_instructions_keeps_what_was_typed_and_saves_nothing(client, letter, org):
    client.force_login(org.people["kadis"])
    response = client.post(
        dispose_url(node(letter, org.kadis)),
        {"targets": [org.kabid.pk], "note": "Catatan yang panjang", "due_on": "", "priority": "normal"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Pilih sedikitnya satu instruksi." in page and "Isi batas waktu." in page
    assert "Catatan yang panjang" in page
    assert f'value="{org.kabid.pk}" id="tujuan-{org.kabid.pk}" checked' in page
    assert not Disposition.objects.exists()


def test_a_position_outside_ones_authority_posted_by_hand_is_refused_by_name(client, letter, org, today):
    send_to_kabid(letter, org)
    client.force_login(org.people["kabid"])
    response = client.post(
        dispose_url(node(letter, org.kabid)),
        {
            "targets": [org.kabid_stat.pk],
            "instructions": ["follow_up"],
            "note": "Tolong dibantu",
            "due_on": today.isoformat(),
            "priority": "normal",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Kepala Bidang Statistik bukan bawahan Kepala Bidang Aplikasi" in page
    assert "Tolong dibantu" in page
    assert Disposition.objects.count() == 1


def test_a_deadline_in_the_past_is_refused_next_to_the_field(client, letter, org, today):
    client.force_login(org.people["kadis"])
    yesterday = (today - timedelta(days=1)).isoformat()
    response = client.post(
        dispose_url(node(letter, org.kadis)),
        {"targets": [org.kabid.pk], "instructions": ["follow_up"], "due_on": yesterday, "priority": "normal"},
    )
    page = response.content.decode()
    assert "Batas waktu tidak boleh sebelum hari ini." in page
    assert f'value="{yesterday}"' in page
    assert not Disposition.objects.exists()


@pytest.mark.parametrize("who", ["kabid_stat", "operator", "outsider"])
def test_people_who_do_not_hold_the_node_get_404_on_every_action_and_nothing_changes(
    client, opd, other_opd, letter, org, make_operator, make_user, make_position, make_scan, today, who
):
    kabid = send_to_kabid(letter, org)
    users = {
        "kabid_stat": org.people["kabid_stat"],
        "operator": make_operator(opd=opd),  # may read the letter, holds no node of it
        "outsider": make_user(holds=make_position(name="Kepala Dinas Sosial", opd=other_opd)),
    }
    client.force_login(users[who])
    before = (Disposition.objects.count(), FollowUp.objects.count(), len(timeline_for(target=letter)))
    dispose_data = {
        "targets": [org.kasi.pk],
        "instructions": ["follow_up"],
        "due_on": today.isoformat(),
        "priority": "normal",
    }

    answers = [
        client.get(dispose_url(kabid)).status_code,
        client.post(dispose_url(kabid), dispose_data).status_code,
        client.get(follow_up_url(kabid)).status_code,
        client.post(
            follow_up_url(kabid), {"text": "Selesai", "done": "on", "files": [make_scan()]}
        ).status_code,
        client.post(withdraw_url(kabid)).status_code,
        client.post(dispose_url(node(letter, org.kadis)), dispose_data).status_code,
    ]

    assert answers == [404] * 6
    assert (Disposition.objects.count(), FollowUp.objects.count(), len(timeline_for(target=letter))) == before
    assert node(letter, org.kabid).status == InboxItem.Status.UNREAD


def test_the_recipient_cannot_withdraw_what_they_received_and_ids_that_do_not_exist_are_404(
    client, letter, org
):
    kabid = send_to_kabid(letter, org)
    client.force_login(org.people["kabid"])
    assert client.post(withdraw_url(kabid)).status_code == 404
    assert client.post(reverse("disposisi:withdraw", args=[kabid.pk + 1000])).status_code == 404
    assert client.get(reverse("disposisi:dispose", args=[kabid.pk + 1000])).status_code == 404
    assert node(letter, org.kabid).status == InboxItem.Status.UNREAD


def test_the_sender_withdraws_through_the_button_until_the_recipient_reads_it(client, letter, org):
    kabid = send_to_kabid(letter, org)
    client.force_login(org.people["kadis"])

    response = client.post(withdraw_url(kabid))
    assert response.status_code == 302 and response.url == letter.get_absolute_url()
    assert flashed(response) == ["Disposisi kepada Kepala Bidang Aplikasi ditarik."]
    assert node(letter, org.kabid).status == InboxItem.Status.WITHDRAWN

    again = send_to_kabid(letter, org)
    mark_read(user=org.people["kabid"], item=again)
    response = client.post(withdraw_url(again))
    assert flashed(response)[-1:] == [
        "Disposisi ini sudah dibaca penerimanya, sehingga tidak dapat ditarik lagi."
    ]
    assert node(letter, org.kabid).status == InboxItem.Status.READ


def test_a_follow_up_with_a_file_is_reported_through_the_form(client, letter, org, make_scan):
    kabid = send_to_kabid(letter, org)
    client.force_login(org.people["kabid"])
    assert client.get(follow_up_url(kabid)).status_code == 200

    response = client.post(
        follow_up_url(kabid),
        {
            "text": "Telaahan terlampir.",
            "done": "on",
            "files": [make_scan(name="telaahan.pdf"), make_scan(name="b.pdf")],
        },
    )

    assert response.status_code == 302 and response.url == letter.get_absolute_url()
    assert flashed(response) == ["Tindak lanjut dilaporkan dan ditandai selesai."]
    report = FollowUp.objects.get()
    assert report.marks_done and report.text == "Telaahan terlampir."
    assert sorted(report.files.values_list("original_name", flat=True)) == ["b.pdf", "telaahan.pdf"]
    assert node(letter, org.kabid).status == InboxItem.Status.DONE


def test_a_bad_file_keeps_the_report_text_and_saves_nothing(client, letter, org):
    kabid = send_to_kabid(letter, org)
    client.force_login(org.people["kabid"])
    fake = SimpleUploadedFile(
        "laporan.pdf", b"<html><body>bukan pdf</body></html>", content_type="application/pdf"
    )

    response = client.post(follow_up_url(kabid), {"text": "Laporan saya yang panjang", "files": [fake]})

    page = response.content.decode()
    assert response.status_code == 200
    assert "bukan PDF, JPEG, PNG menurut isinya" in page
    assert "Laporan saya yang panjang" in page
    assert not FollowUp.objects.exists() and not FollowUpFile.objects.exists()
    assert node(letter, org.kabid).status == InboxItem.Status.UNREAD


def test_a_second_done_on_a_closed_node_gets_a_clear_message(client, letter, org):
    kabid = send_to_kabid(letter, org)
    client.force_login(org.people["kabid"])
    report_follow_up(actor=org.people["kabid"], item=kabid, text="Sudah.", done=True)

    response = client.post(follow_up_url(kabid), {"text": "Sudah juga.", "done": "on"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "sudah ditandai selesai" in page
    assert list(FollowUp.objects.values_list("text", flat=True)) == ["Sudah."]


@pytest.mark.parametrize("security_class", [SecurityClass.ORDINARY, SecurityClass.SECRET])
def test_a_follow_up_file_is_served_only_to_those_who_may_read_the_letter(
    client,
    opd,
    other_opd,
    org,
    register,
    make_operator,
    make_user,
    make_position,
    make_scan,
    pdf_bytes,
    security_class,
):
    letter = register(opd=opd, to=[org.kadis], security_class=security_class)
    kabid = send_to_kabid(letter, org)
    report_follow_up(
        actor=org.people["kabid"],
        item=kabid,
        text="Terlampir.",
        files=[make_scan(text="Hasil", name="hasil.pdf")],
    )
    url = reverse("disposisi:follow_up_file", args=[FollowUpFile.objects.get().pk])
    operator = make_operator(opd=opd)
    outsider = make_user(holds=make_position(name="Kepala Dinas Sosial", opd=other_opd))

    def answer(user):
        client.force_login(user)
        return client.get(url)

    response = answer(org.people["kadis"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes("Hasil")
    assert "hasil.pdf" in response["Content-Disposition"]
    assert answer(outsider).status_code == 404
    assert answer(org.people["kabid_stat"]).status_code == 404
    assert answer(operator).status_code == (200 if security_class == SecurityClass.ORDINARY else 404)
    opened = [event for event in timeline_for(target=letter) if event.verb == "file_opened"]
    assert len(opened) == (1 if security_class == SecurityClass.SECRET else 0), (
        "rahasia openings are recorded"
    )


def test_the_letter_page_shows_the_tree_and_the_buttons_of_ones_own_nodes(client, letter, org):
    kabid = send_to_kabid(letter, org)
    client.force_login(org.people["kadis"])

    page = client.get(letter.get_absolute_url()).content.decode()

    assert "Disposisi" in page and "Kepala Bidang Aplikasi" in page and "Belum dibaca" in page
    assert dispose_url(node(letter, org.kadis)) in page
    assert withdraw_url(kabid) in page
    client.force_login(org.people["kabid"])
    page = client.get(letter.get_absolute_url()).content.decode()
    assert follow_up_url(kabid) in page and dispose_url(kabid) in page
    assert withdraw_url(kabid) not in page
