"""Archive pages: the due lists and proposing, the decision, the record page of a destroyed record (and
the letter page that points to its berita acara), and who may open what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from arsip.models import FinalDisposition, Loan, Proposal, Record
from arsip.services.filing import NewBerkas, file_letters
from arsip.services.proposals import propose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.OTP_REQUIRED = False


def _due_url(opd, slug="pemusnahan"):
    return reverse("arsip:due") + f"?opd={opd.code}&jenis={slug}"


def test_the_arsiparis_ticks_due_records_and_proposes_them(client, office, make_record):
    keep = make_record(title="Laporan pengadaan 2015")
    make_record(title="Nota pembayaran 2015")
    client.force_login(office["arsiparis"])

    page = client.get(_due_url(keep.opd))
    assert page.status_code == 200
    assert [record.title for record in page.context["records"]] == [
        "Laporan pengadaan 2015",
        "Nota pembayaran 2015",
    ]
    assert ("pemusnahan", "Pemusnahan Arsip", 2) in page.context["tabs"]
    assert "Usulkan pemusnahan arsip" in page.text

    response = client.post(
        reverse("arsip:due"),
        {"opd": keep.opd.code, "jenis": "pemusnahan", "records": [keep.pk], "note": "Retensi habis."},
    )
    proposal = Proposal.objects.get()
    assert response.url == reverse("arsip:proposal", args=[proposal.pk])
    assert (proposal.kind, list(proposal.records.all()), proposal.note) == (
        Proposal.Kind.DESTROY,
        [keep],
        "Retensi habis.",
    )


def test_a_refused_proposal_keeps_the_ticks_and_the_note(client, office, make_record):
    ordinary = make_record()
    permanent = make_record(final_disposition=FinalDisposition.PERMANENT)
    client.force_login(office["arsiparis"])

    page = client.post(
        reverse("arsip:due"),
        {
            "opd": ordinary.opd.code,
            "jenis": "pemusnahan",
            "records": [ordinary.pk, permanent.pk],
            "note": "Usul",
        },
    )
    assert page.status_code == 200 and not Proposal.objects.exists()
    assert "permanen tidak boleh dimusnahkan" in page.text
    assert page.context["chosen"] == {ordinary.pk, permanent.pk}
    assert page.context["form"]["note"].value() == "Usul"


def test_the_due_lists_are_for_the_opds_arsiparis_only(client, office, make_record):
    record = make_record()
    for outsider in (office["staf_user"], office["kadis_user"], office["dinsos_arsiparis"]):
        client.force_login(outsider)
        assert client.get(_due_url(record.opd)).status_code == 403
        client.post(
            reverse("arsip:due"), {"opd": record.opd.code, "jenis": "pemusnahan", "records": [record.pk]}
        )
    assert not Proposal.objects.exists()


def test_the_head_approves_on_the_proposal_page_and_is_sent_to_sign(client, office, make_record):
    record = make_record()
    proposal = propose(
        actor=office["arsiparis"], opd=record.opd, kind=Proposal.Kind.DESTROY, records=[record]
    )
    url = reverse("arsip:proposal", args=[proposal.pk])

    client.force_login(office["arsiparis"])
    assert "Keputusan Anda" not in client.get(url).text, "the arsiparis follows, the head decides"
    for outsider in (office["sekdis_user"], office["dinsos_head_user"], office["staf_user"]):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "approve"}).status_code == 404

    client.force_login(office["kadis_user"])
    assert "Keputusan Anda" in client.get(url).text
    page = client.post(url, {"action": "approve", "note": "Setuju."}, follow=True)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    assert reverse("surat_keluar:letter", args=[proposal.berita_acara_id]) in page.text
    assert "berita acara siap Anda tandatangani" in page.text


def test_a_rejection_without_a_reason_is_refused_on_the_page(client, office, make_record):
    record = make_record()
    proposal = propose(
        actor=office["arsiparis"], opd=record.opd, kind=Proposal.Kind.DESTROY, records=[record]
    )
    client.force_login(office["kadis_user"])
    page = client.post(reverse("arsip:proposal", args=[proposal.pk]), {"action": "reject", "note": ""})
    assert "Tuliskan alasan penolakan." in page.text
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED


def test_a_destroyed_record_shows_its_berita_acara_and_the_letter_page_points_to_it(
    client, office, make_record, carried_out
):
    record = make_record(title="Laporan pengadaan 2015")
    proposal = carried_out(Proposal.Kind.DESTROY, [record])
    berita_acara = proposal.berita_acara
    client.force_login(office["sekdis_user"])  # the letter was addressed to the Sekretaris

    page = client.get(reverse("arsip:record", args=[record.pk]))
    signed_on = date_format(timezone.localdate(berita_acara.signed_at), "j F Y")
    assert (
        f"Dimusnahkan berdasarkan Berita Acara nomor {berita_acara.number} tanggal {signed_on}" in page.text
    )
    assert "Laporan pengadaan 2015" in page.text and record.number in page.text
    pdf = client.get(reverse("arsip:record_berita_acara", args=[record.pk]))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert not page.context["can_borrow"], "a destroyed record is not lent"

    letter_page = client.get(reverse("persuratan:letter", args=[record.incoming_id]))
    assert f"Berita Acara nomor {berita_acara.number}" in letter_page.text
    assert reverse("arsip:record_berita_acara", args=[record.pk]) in letter_page.text
    file_pk = record.incoming.files.get().pk
    assert (
        client.get(reverse("persuratan:letter_file", args=[record.incoming_id, file_pk])).status_code == 404
    )


def test_a_destroyed_outgoing_letter_keeps_its_page_without_its_contents(
    client, office, signed_letter, carried_out, today
):
    letter = signed_letter(subject="Rencana pengadaan 2015")
    file_letters(
        actor=office["arsiparis"], opd=letter.opd, into=NewBerkas(title="Pengadaan"), outgoing=[letter]
    )
    record = Record.objects.get(outgoing=letter)
    Record.objects.filter(pk=record.pk).update(
        active_until=today - timedelta(days=400), inactive_until=today - timedelta(days=1)
    )
    berita_acara = carried_out(Proposal.Kind.DESTROY, [record]).berita_acara
    client.force_login(office["kadis_user"])

    page = client.get(reverse("surat_keluar:letter", args=[letter.pk]))
    assert f"Berita Acara nomor {berita_acara.number}" in page.text
    assert letter.number in page.text and "Rencana pengadaan 2015" in page.text, "the metadata stays"
    assert "telah <strong>selesai</strong>" not in page.text, "the body is gone"
    assert client.get(reverse("surat_keluar:signed_pdf", args=[letter.pk])).status_code == 404


def test_the_record_page_is_for_those_who_may_see_its_letter_and_its_keepers(client, office, make_record):
    record = make_record(title="Laporan pengadaan 2015")
    url = reverse("arsip:record", args=[record.pk])
    for reader in (office["sekdis_user"], office["arsiparis"], office["province_arsiparis"]):
        client.force_login(reader)
        assert client.get(url).status_code == 200
    for outsider in (office["staf_user"], office["dinsos_arsiparis"], office["dinsos_head_user"]):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(reverse("arsip:record_berita_acara", args=[record.pk])).status_code == 404


def test_staff_ask_for_a_loan_on_the_record_page_and_the_arsiparis_serves_it(
    client, office, make_record, today
):
    record = make_record(inactive_until=today + timedelta(days=300))
    client.force_login(office["sekdis_user"])
    blank = client.post(reverse("arsip:borrow", args=[record.pk]), {"purpose": ""})
    assert blank.status_code == 200 and not Loan.objects.exists()
    client.post(reverse("arsip:borrow", args=[record.pk]), {"purpose": "Bahan pemeriksaan BPK"})
    loan = Loan.objects.get()
    assert client.get(reverse("arsip:my_loans")).context["loans"] == [loan]
    assert client.post(reverse("arsip:loan_action", args=[loan.pk]), {}).status_code == 404, (
        "not for the borrower"
    )

    client.force_login(office["arsiparis"])
    desk = client.get(reverse("arsip:loan_desk"))
    assert desk.context["loans"] == [loan]
    prefix = f"pinjam-{loan.pk}"
    refused = client.post(reverse("arsip:loan_action", args=[loan.pk]), {f"{prefix}-action": "approve"})
    assert "Isi batas pengembalian." in refused.text
    due_on = (today + timedelta(days=7)).isoformat()
    client.post(
        reverse("arsip:loan_action", args=[loan.pk]),
        {f"{prefix}-action": "approve", f"{prefix}-due_on": due_on},
    )
    client.post(reverse("arsip:loan_action", args=[loan.pk]), {f"{prefix}-action": "hand_out"})
    loan.refresh_from_db()
    assert loan.status == Loan.Status.HANDED_OUT and str(loan.due_on) == due_on
