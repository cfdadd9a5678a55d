"""The portal from end to end in a real browser, at desktop and 360 px, each screen checked by axe:
a citizen registers and submits with documents, the operator returns it as incomplete, the citizen
fixes it, the operator accepts it, the Kepala Dinas disposes it, the Kepala Bidang drafts the reply,
the Kepala Dinas signs it, the citizen downloads the reply and fills the survey, and the public
statistics page shows the service's IKM."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from layanan_publik.models import Applicant, Submission, SurveyResponse
from tests.browser import assert_accessible, log_in, open_menu
from tests.factories import UnitFactory
from tte.services import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Kopi-Tubruk-Pagi-2026"
PASSPHRASE = "sandi-tte-kadinsos"
EMAIL = "budi@contoh.id"


@pytest.fixture
def dinas_sosial(dinsos, dinsos_head, service, make_position, make_user, make_operator, make_applicant):
    unit = UnitFactory(opd=dinsos, name="Bidang Rehabilitasi Sosial")
    kabid = make_position(name="Kepala Bidang Rehabilitasi Sosial", opd=dinsos, parent=dinsos_head, unit=unit)
    people = {
        "head": dinsos_head.assignments.get().user,
        "kabid": make_user(holds=kabid, full_name="Agus Pranoto"),
        "operator": make_operator(opd=dinsos, full_name="Rina Operator"),
    }
    _four_earlier_ratings(service, make_applicant)
    return people


def _four_earlier_ratings(service, make_applicant):
    """Four finished and rated submissions: the fifth rating, the citizen's, makes the IKM public."""
    now = timezone.now()
    for n in range(4):
        submission = Submission.objects.create(
            service=service,
            opd=service.opd,
            applicant=make_applicant(),
            submitted_at=now - timedelta(days=10),
            due_on=timezone.localdate(),
            status=Submission.Status.REJECTED,  # no letter needed; the ratings are what count here
            finished_at=now - timedelta(days=2),
        )
        answers = dict.fromkeys(
            [
                "requirements",
                "procedure",
                "completion_time",
                "cost",
                "product",
                "staff_competence",
                "staff_behaviour",
                "complaint_handling",
                "facilities",
            ],
            3 + n % 2,
        )
        SurveyResponse.objects.create(
            submission=submission, service=service, opd=service.opd, answered_at=now, **answers
        )


def _switch_to(page: Page, user) -> None:
    page.context.clear_cookies()
    log_in(page, user)


def _as_citizen(page: Page) -> None:
    page.context.clear_cookies()
    log_in(page, None, password=PASSWORD, login=EMAIL)


def _pdf(path, text: str):
    from weasyprint import HTML

    path.write_bytes(HTML(string=f"<p>{text}</p>").write_pdf())
    return str(path)


def test_a_citizens_submission_goes_from_registration_to_a_rated_reply(
    page: Page, dinas_sosial, service, tmp_path
):
    # A citizen finds the service and registers.
    page.goto("/layanan/")
    page.get_by_label(re.compile("^Cari layanan")).fill("lembaga kesejahteraan")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name=re.compile(service.name)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(service.name)
    assert_accessible(page)
    page.get_by_role("link", name="Ajukan permohonan").click()
    page.get_by_role("link", name="daftar sebagai pemohon").click()
    page.get_by_role("link", name="Perorangan").click()
    page.get_by_label("Nama lengkap").fill("Budi Santoso")
    page.get_by_label("NIK").fill("3171010101900001")
    page.get_by_label("Alamat surel").fill(EMAIL)
    page.get_by_label("Nomor telepon/WhatsApp").fill("081234567890")
    page.get_by_label(re.compile("^Kata sandi")).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek surel Anda")
    link = re.search(r"https?://\S+/pemohon/verifikasi-surel/\S+/", mail.outbox[-1].body).group(0)
    page.goto(urlsplit(link).path)
    page.get_by_role("button", name="Verifikasi alamat surel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alamat surel sudah terverifikasi")

    # … and submits with documents.
    page.goto(f"/layanan/{service.opd.code}/{service.slug}/ajukan/")
    page.get_by_label("Nama lembaga").fill("LKS Kasih Bunda")
    page.get_by_label("Jumlah klien").fill("42")
    page.get_by_label("Surat permohonan").set_input_files(
        _pdf(tmp_path / "permohonan.pdf", "Surat permohonan")
    )
    page.get_by_label("Akta pendirian").set_input_files(_pdf(tmp_path / "akta.pdf", "Akta"))
    assert_accessible(page)
    page.get_by_role("button", name="Kirim permohonan").click()
    submission = Submission.objects.get(applicant__user__email=EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text(service.name)
    expect(page.get_by_text(submission.tracking_code).first).to_be_visible()
    expect(page.get_by_role("link", name="Unduh tanda terima (PDF)")).to_be_visible(timeout=15_000)
    assert_accessible(page)

    # The operator returns it as incomplete.
    _switch_to(page, dinas_sosial["operator"])
    open_menu(page)
    page.get_by_role("link", name="Verifikasi Permohonan").click()
    page.get_by_role("link", name=submission.tracking_code).click()
    expect(page.get_by_text("3171010101900001")).to_be_visible()  # the verifier sees the whole NIK
    page.get_by_label("Catatan untuk pemohon").fill("Akta pendirian belum dilegalisasi.")
    assert_accessible(page)
    page.get_by_role("button", name="Kembalikan untuk dilengkapi").click()
    expect(page.get_by_role("alert")).to_contain_text("dikembalikan kepada pemohon")

    # The citizen fixes it.
    _as_citizen(page)
    page.get_by_role("link", name=service.name).click()
    expect(page.get_by_text("Akta pendirian belum dilegalisasi.")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("3171010101900001")
    page.get_by_label("Akta pendirian").set_input_files(
        _pdf(tmp_path / "akta-legalisasi.pdf", "Akta dilegalisasi")
    )
    page.get_by_label("Apa yang Anda perbaiki?").fill("Akta sudah dilegalisasi notaris.")
    assert_accessible(page)
    page.get_by_role("button", name="Kirim perbaikan").click()
    expect(page.get_by_role("alert")).to_contain_text("Perbaikan terkirim")

    # The operator accepts it: it becomes an incoming letter of Dinas Sosial.
    _switch_to(page, dinas_sosial["operator"])
    page.goto("/verifikasi-permohonan/")
    page.get_by_role("link", name=submission.tracking_code).click()
    expect(page.get_by_role("heading", name=re.compile("^Perbaikan ke-1"))).to_be_visible()
    page.get_by_role("button", name="Terima (lengkap)").click()
    expect(page.get_by_role("alert")).to_contain_text("dicatat sebagai surat masuk")

    # The Kepala Dinas disposes it to the Kepala Bidang.
    _switch_to(page, dinas_sosial["head"])
    open_menu(page)
    page.get_by_role("link", name=re.compile("^Kotak Masuk")).click()
    page.get_by_role("link", name=re.compile(f"Permohonan {service.name}")).first.click()
    page.get_by_role("link", name="Teruskan").first.click()
    page.get_by_label("Kepala Bidang Rehabilitasi Sosial").check()
    page.get_by_label("Untuk ditindaklanjuti").check()
    page.get_by_role("button", name="Kirim disposisi").click()
    expect(page.get_by_role("alert")).to_contain_text("Surat didisposisikan")

    # The Kepala Bidang drafts the reply to the citizen.
    _switch_to(page, dinas_sosial["kabid"])
    page.goto(f"/surat-masuk/{Submission.objects.get(pk=submission.pk).letter_id}/")
    page.get_by_role("link", name="Buat surat balasan").click()
    page.get_by_role("link", name=re.compile("^Surat Dinas")).click()
    expect(page.get_by_label("Kepada (pihak luar): nama")).to_have_value("Budi Santoso")
    expect(page.get_by_label("Surel")).to_have_value(EMAIL)
    page.get_by_role("button", name="Simpan konsep").click()
    page.get_by_role("button", name="Ajukan konsep").click()
    expect(page.get_by_text("Siap ditandatangani").first).to_be_visible()

    # The Kepala Dinas signs it.
    enrol(user=dinas_sosial["head"], passphrase=PASSPHRASE)
    _switch_to(page, dinas_sosial["head"])
    page.goto("/surat-keluar/")
    page.get_by_role("link", name=re.compile("^Jawaban atas")).first.click()
    page.get_by_label("Kata sandi TTE").fill(PASSPHRASE)
    page.get_by_role("button", name="Tandatangani").click()
    expect(page.get_by_role("link", name="Halaman verifikasi")).to_be_visible(timeout=20_000)

    # The citizen follows it to the end, downloads the reply and rates the service.
    _as_citizen(page)
    page.get_by_role("link", name=service.name).click()
    expect(page.get_by_text("Didisposisikan kepada Bidang Rehabilitasi Sosial")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Agus Pranoto")
    reply = page.get_by_role("link", name=re.compile("^Unduh surat balasan"))
    assert page.request.get(reply.get_attribute("href")).body()[:5] == b"%PDF-"
    assert_accessible(page)
    page.get_by_role("link", name="isi survei kepuasan (SKM)").click()
    for number in range(1, 10):
        page.get_by_role("group", name=re.compile(f"^Unsur {number} ")).get_by_role("radio").nth(3).check()
    page.get_by_label("Saran dan masukan").fill("Pelayanan cepat dan ramah.")
    assert_accessible(page)
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih atas penilaian Anda")

    # The public statistics show the IKM of the service: (2×3.0 + 2×4.0 + 4.0) / 5 × 25 = 90.00, A.
    page.context.clear_cookies()
    page.goto("/statistik/")
    row = page.get_by_role("row", name=re.compile(service.name))
    expect(row).to_contain_text("90,00")
    expect(row).to_contain_text("A")
    expect(page.locator("body")).not_to_contain_text("Budi Santoso")
    assert_accessible(page)
    assert Applicant.objects.get(user__email=EMAIL).submissions.get().status == Submission.Status.FINISHED
