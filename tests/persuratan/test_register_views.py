from datetime import timedelta

import pytest
from django.urls import reverse

from persuratan.models import Classification, IncomingLetter

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, opd, make_position, make_operator, classification, settings):
    """An operator at the register page of their OPD, with the Kepala Dinas to address letters to."""
    settings.OTP_REQUIRED = False
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    client.force_login(make_operator(opd=opd))
    return {"client": client, "kadis": kadis, "url": reverse("persuratan:register")}


def _form(desk, today, make_scan, **overrides):
    data = {
        "sender_kind": "institution",
        "sender_name": "Badan Pusat Statistik Provinsi",
        "sender_address": "Kota Mandala",
        "sender_number": "B-123/BPS/2026",
        "letter_date": (today - timedelta(days=2)).isoformat(),
        "received_on": today.isoformat(),
        "subject": "Permintaan data statistik sektoral",
        "letter_type": "official_letter",
        "security_class": "ordinary",
        "urgency": "urgent",
        "classification": str(Classification.objects.get(code="000.1.2").pk),
        "attachment_count": "1",
        "summary": "Data untuk publikasi tahunan.",
        "addressees": [str(desk["kadis"].pk)],
        "scans": [make_scan(text="Permintaan data statistik")],
    }
    data.update(overrides)
    return data


def test_operator_registers_a_letter_and_lands_on_its_page(desk, today, make_scan):
    response = desk["client"].post(desk["url"], _form(desk, today, make_scan))
    letter = IncomingLetter.objects.get()
    assert response.status_code == 302 and response.url == letter.get_absolute_url()
    assert letter.subject == "Permintaan data statistik sektoral" and letter.files.count() == 1
    assert letter.inbox_items.get().position == desk["kadis"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"letter_date": "2099-01-01"}, "Tanggal surat tidak boleh setelah hari ini."),
        ({"subject": ""}, "Bidang ini tidak boleh kosong."),
        ({"addressees": []}, "Bidang ini tidak boleh kosong."),
    ],
    ids=["future-date", "no-subject", "no-addressee"],
)
def test_bad_input_is_explained_keeps_what_was_typed_and_saves_nothing(
    desk, today, make_scan, overrides, message
):
    response = desk["client"].post(desk["url"], _form(desk, today, make_scan, **overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "B-123/BPS/2026" in body and "Badan Pusat Statistik Provinsi" in body
    assert not IncomingLetter.objects.exists()


def test_a_disguised_file_is_refused_by_its_content(desk, today, make_scan):
    html = make_scan(content=b"<html><script>alert(1)</script></html>", name="surat.pdf")
    response = desk["client"].post(desk["url"], _form(desk, today, make_scan, scans=[html]))
    assert "bukan PDF, JPEG, PNG menurut isinya" in response.content.decode()
    assert not IncomingLetter.objects.exists()


def test_a_possible_duplicate_is_flagged_and_saved_only_when_confirmed(desk, today, make_scan):
    desk["client"].post(desk["url"], _form(desk, today, make_scan))
    again = desk["client"].post(desk["url"], _form(desk, today, make_scan))
    assert "Mungkin duplikat" in again.content.decode()
    assert IncomingLetter.objects.count() == 1
    confirmed = desk["client"].post(desk["url"], _form(desk, today, make_scan, confirm_duplicate="on"))
    assert confirmed.status_code == 302
    assert IncomingLetter.objects.count() == 2


def test_duplicate_check_and_sender_suggestions_answer_while_typing(desk, today, make_scan, opd):
    desk["client"].post(desk["url"], _form(desk, today, make_scan))
    check = desk["client"].get(
        reverse("persuratan:duplicate_check"),
        {
            "sender_name": "badan pusat statistik provinsi",
            "sender_number": "b-123/bps/2026",
            "letter_date": (today - timedelta(days=2)).isoformat(),
        },
    )
    assert "Mungkin duplikat" in check.content.decode()
    suggestions = desk["client"].get(reverse("persuratan:sender_suggestions"), {"sender_name": "badan pu"})
    assert 'value="Badan Pusat Statistik Provinsi"' in suggestions.content.decode()


def test_someone_who_is_not_an_operator_cannot_open_the_register(client, make_user, settings):
    settings.OTP_REQUIRED = False
    client.force_login(make_user())
    assert client.get(reverse("persuratan:register")).status_code == 403
    assert client.get(reverse("persuratan:agenda")).status_code == 403
