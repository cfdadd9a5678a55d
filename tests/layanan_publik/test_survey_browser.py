"""In a real browser at desktop and 360 px, every screen checked by axe: the applicant of a finished
submission fills the SKM questionnaire (a question left out is asked again), then complains to the
OPD about the same submission; the OPD's operator answers, and the applicant reads the answer."""

import re

import pytest
from playwright.sync_api import Page, expect

from layanan_publik.models import SKM_ELEMENTS, Complaint, SurveyResponse
from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
APPLICANT_PASSWORD = "Sandi-Pemohon-2026"  # make_applicant's
CHOSEN = ["Sangat sesuai", "Mudah", "Kurang cepat", "Gratis", "Sesuai", "Kompeten", "Sangat sopan dan ramah"]
CHOSEN += ["Berfungsi kurang maksimal", "Baik"]


def test_the_applicant_rates_the_service_and_gets_an_answer_to_a_complaint(
    page: Page, make_submission, service, applicant, make_operator, dinsos
):
    submission = make_submission(service=service, applicant=applicant)
    operator = make_operator(opd=dinsos, full_name="Operator Dinsos")

    log_in(page, applicant.user, password=APPLICANT_PASSWORD, login=applicant.user.email)
    page.goto(f"/permohonan/{submission.tracking_code}/survei/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Survei Kepuasan Masyarakat")
    assert_accessible(page)
    for number, answer in enumerate(CHOSEN[:-1], start=1):
        page.get_by_role("group", name=re.compile(f"^Unsur {number} ")).get_by_label(
            answer, exact=True
        ).check()
    page.get_by_label("Saran dan masukan").fill("Mohon dipercepat.")
    page.get_by_role("button", name="Kirim penilaian").click()

    last = page.get_by_role("group", name=re.compile("^Unsur 9 "))
    expect(last).to_contain_text("Pilih salah satu jawaban.")
    expect(
        page.get_by_role("group", name=re.compile("^Unsur 3 ")).get_by_label("Kurang cepat")
    ).to_be_checked()
    expect(page.get_by_label("Saran dan masukan")).to_have_value("Mohon dipercepat.")
    assert_accessible(page)
    last.get_by_label(CHOSEN[-1], exact=True).check()
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih atas penilaian Anda")
    assert_accessible(page)
    response = SurveyResponse.objects.get(submission=submission)
    assert [getattr(response, name) for name, _ in SKM_ELEMENTS] == [4, 3, 2, 4, 3, 3, 4, 3, 3]

    page.get_by_role("link", name="Sampaikan pengaduan").click()
    page.get_by_label("Perangkat daerah yang diadukan").select_option(label="Dinas Sosial")
    page.get_by_label("Terkait permohonan").select_option(value=submission.tracking_code)
    page.get_by_label("Pokok pengaduan").fill("Tanda daftar belum diterima")
    page.get_by_label("Uraian pengaduan").fill("Sudah dua minggu sejak dinyatakan selesai.")
    assert_accessible(page)
    page.get_by_role("button", name="Kirim pengaduan").click()
    complaint = Complaint.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pengaduan {complaint.tracking_code}")
    expect(page.get_by_text("Menunggu tanggapan")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    log_in(page, operator)
    open_menu(page)
    page.get_by_role("link", name="Pengaduan Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pengaduan Masuk")
    assert_accessible(page)
    page.get_by_role("link", name=complaint.tracking_code).click()
    page.get_by_label("Tanggapan").fill("Tanda daftar dikirim hari ini melalui pos.")
    assert_accessible(page)
    page.get_by_role("button", name="Kirim tanggapan").click()
    expect(page.get_by_text(f"Tanggapan atas pengaduan {complaint.tracking_code} terkirim.")).to_be_visible()
    expect(page.get_by_role("region", name="Menunggu tanggapan")).to_contain_text("Tidak ada pengaduan")

    page.context.clear_cookies()
    log_in(page, applicant.user, password=APPLICANT_PASSWORD, login=applicant.user.email)
    page.goto(f"/pengaduan/{complaint.tracking_code}/")
    expect(page.get_by_text("Tanda daftar dikirim hari ini melalui pos.")).to_be_visible()
    expect(page.get_by_text("Ditanggapi", exact=True)).to_be_visible()
    assert_accessible(page)
