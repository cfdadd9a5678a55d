"""The portal on the demo data in a real browser, at desktop and 360 px, each screen checked by axe:
the demo citizen asks Diskominfos for public information, the demo operator accepts it, the demo
Kepala Dinas finds it in the inbox, drafts the reply and signs it with his demo certificate, the
citizen downloads the signed reply and rates the service, and the public statistics show the
service's IKM with that rating among the demo's earlier ones."""

import re
import threading
from fractions import Fraction

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from playwright.sync_api import Page, expect

from layanan_publik.demo import INFO, seed_demo_applicant, seed_demo_portal_history, seed_demo_services
from layanan_publik.ikm import ikm_of
from layanan_publik.models import SKM_ELEMENTS, Service, Submission, SurveyResponse
from organisasi.demo import CITIZEN, DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo_province
from organisasi.models import User
from persuratan.models import InboxItem
from tests.browser import assert_accessible, log_in, open_menu
from tte.demo import DEMO_TTE_PASSPHRASE, seed_demo_certificates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The citizen's answers to the nine unsur, 1–4 (the fourth radio button is 4).
RATING = (4, 4, 3, 4, 4, 4, 4, 3, 4)


def _seed_demo() -> None:
    """What `seed_demo` loads, except the demo letters (nothing here reads them)."""
    seed_demo_province()
    seed_demo_certificates()
    seed_demo_services()
    seed_demo_applicant()
    seed_demo_portal_history()


def _in_own_thread(work) -> None:
    """The history's replies are signed with pyHanko, which runs an event loop of its own; Playwright
    keeps one running in the test's thread, so the seeding runs beside it."""
    failures = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed to the test's thread
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="seed-demo")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


@pytest.fixture
def demo(transactional_db, no_second_factor):
    """The demo as `./kantor run` loads it, the TOTP second factor optional as there.

    What the seeding leaves to a worker (the history's receipts, notices and e-mails) is queued to the
    broker, as under `./kantor run`, and this test process's queue is emptied afterwards: nothing on
    these screens reads it, and running it here would take minutes. The journey's own tasks run in
    process again."""
    from kantor_virtual.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        _in_own_thread(_seed_demo)
    finally:
        app.conf.task_always_eager = eager
        with app.connection_for_write() as broker:
            broker.default_channel.queue_purge(app.conf.task_default_queue)
    return Service.objects.select_related("opd", "addressee").get(opd__code="DISKOMINFOS", slug=INFO)


def _demo_user(role: str) -> User:
    login = next(account["login"] for account in DEMO_ACCOUNTS if account["role"] == role)
    return User.objects.get(Q(nip=login) | Q(email=login))


def _switch_to(page: Page, role: str) -> None:
    page.context.clear_cookies()
    log_in(page, _demo_user(role), password=DEMO_PASSWORD)


def _pdf(path, text: str) -> str:
    from weasyprint import HTML

    path.write_bytes(HTML(string=f"<p>{text}</p>").write_pdf())
    return str(path)


def _expected_ikm(service: Service, year: int):
    answers = SurveyResponse.objects.filter(service=service, answered_at__year=year)
    names = [name for name, _ in SKM_ELEMENTS]
    count = answers.count()
    return count, ikm_of({name: Fraction(sum(getattr(a, name) for a in answers), count) for name in names})


def test_the_demo_citizen_gets_a_signed_reply_rates_it_and_sees_the_ikm(page: Page, demo, tmp_path):
    service = demo
    earlier_respondents, _ = _expected_ikm(service, timezone.localdate().year)
    assert earlier_respondents >= 5, "the demo's history already shows an IKM"

    # The demo citizen signs in, finds the service and asks for information.
    log_in(page, None, login=CITIZEN.email, password=DEMO_PASSWORD)
    page.goto(f"/layanan/{service.opd.code}/{service.slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(service.name)
    assert_accessible(page)
    page.get_by_role("link", name="Ajukan permohonan").click()
    page.get_by_label("Rincian informasi yang dibutuhkan").fill(
        "Daftar lokasi Wi-Fi publik di Kecamatan Mandala Barat dan jam layanannya"
    )
    page.get_by_label("Tujuan penggunaan informasi").fill("Informasi bagi warga RT kami")
    page.get_by_label("Cara memperoleh informasi").select_option("Mendapatkan salinan")
    page.get_by_label("Bentuk salinan").select_option("Salinan elektronik (softcopy)")
    page.get_by_label("KTP (perorangan) atau akta badan hukum (organisasi)").set_input_files(
        _pdf(tmp_path / "ktp.pdf", "KTP Rahmat Hidayat")
    )
    assert_accessible(page)
    page.get_by_role("button", name="Kirim permohonan").click()
    submission = Submission.objects.get(applicant__user__username=CITIZEN.email)
    expect(page.get_by_text(submission.tracking_code).first).to_be_visible()
    assert_accessible(page)

    # The demo operator of Diskominfos finds it beside the demo's waiting submissions and accepts it.
    _switch_to(page, "Operator")
    open_menu(page)
    page.get_by_role("link", name="Verifikasi Permohonan").click()
    expect(page.get_by_role("link", name=submission.tracking_code)).to_be_visible()
    assert page.get_by_role("link", name=re.compile(r"^[2-9A-Z]{10}$")).count() >= 3
    assert_accessible(page)
    page.get_by_role("link", name=submission.tracking_code).click()
    assert_accessible(page)
    page.get_by_role("button", name="Terima (lengkap)").click()
    expect(page.get_by_role("alert")).to_contain_text("dicatat sebagai surat masuk")
    letter_id = Submission.objects.get(pk=submission.pk).letter_id
    assert InboxItem.objects.filter(letter_id=letter_id, position=service.addressee).exists()

    # The demo Kepala Dinas finds it in his inbox, drafts the reply and signs it with the demo passphrase.
    _switch_to(page, "Pimpinan")
    open_menu(page)
    page.get_by_role("link", name=re.compile("^Kotak Masuk")).click()
    row = page.get_by_role("listitem").filter(has_text=submission.tracking_code)
    expect(row).to_contain_text(CITIZEN.full_name)
    assert_accessible(page)
    row.get_by_role("link").click()
    page.get_by_role("link", name="Buat surat balasan").click()
    page.get_by_role("link", name=re.compile("^Surat Dinas")).click()
    expect(page.get_by_label("Kepada (pihak luar): nama")).to_have_value(CITIZEN.full_name)
    expect(page.get_by_label("Surel")).to_have_value(CITIZEN.email)
    editor = page.locator(".ProseMirror").first
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Daftar lokasi Wi-Fi publik yang Saudara minta kami sampaikan bersama surat ini.")
    assert_accessible(page)
    page.get_by_role("button", name="Simpan konsep").click()
    page.get_by_role("button", name="Ajukan konsep").click()
    expect(page.get_by_text("Siap ditandatangani").first).to_be_visible()
    page.get_by_label("Kata sandi TTE").fill(DEMO_TTE_PASSPHRASE)
    assert_accessible(page)
    page.get_by_role("button", name="Tandatangani").click()
    expect(page.get_by_role("link", name="Halaman verifikasi")).to_be_visible(timeout=20_000)
    assert_accessible(page)

    # The citizen downloads the signed reply and rates the service.
    page.context.clear_cookies()
    log_in(page, None, login=CITIZEN.email, password=DEMO_PASSWORD)
    page.get_by_role("link", name=service.name).click()
    expect(page.get_by_text("Selesai: surat balasan terbit")).to_be_visible()
    reply = page.get_by_role("link", name=re.compile("^Unduh surat balasan"))
    signed = page.request.get(reply.get_attribute("href")).body()
    assert signed[:5] == b"%PDF-" and b"/ByteRange" in signed, "the reply carries a PAdES signature"
    assert_accessible(page)
    page.get_by_role("link", name="isi survei kepuasan (SKM)").click()
    for number, score in enumerate(RATING, start=1):
        unsur = page.get_by_role("group", name=re.compile(f"^Unsur {number} "))
        unsur.get_by_role("radio").nth(score - 1).check()
    page.get_by_label("Saran dan masukan").fill("Balasan cepat, terima kasih.")
    assert_accessible(page)
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih atas penilaian Anda")

    # The public statistics show the service's IKM and mutu, the citizen's rating counted in.
    respondents, ikm = _expected_ikm(service, timezone.localdate().year)
    assert respondents == earlier_respondents + 1
    page.context.clear_cookies()
    page.goto("/statistik/")
    row = page.get_by_role("row", name=re.compile(f"^{service.name}"))
    expect(row).to_contain_text(f"{ikm.score:.2f}".replace(".", ","))
    expect(row).to_contain_text(f"{ikm.mutu} ({ikm.kinerja})")
    expect(page.locator("body")).not_to_contain_text(CITIZEN.full_name)
    assert_accessible(page)
