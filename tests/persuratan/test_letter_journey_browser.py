"""The core loop in a real browser: register → inbox → dispose twice down the chain → follow-up → done."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(opd, make_position, make_user, make_operator, classification):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True)
    aptika = make_position(name="Kepala Bidang Aplikasi Informatika", parent=kadis, order=1)
    ikp = make_position(name="Kepala Bidang Informasi Publik", parent=kadis, order=2)
    programmer = make_position(name="Pranata Komputer Ahli Muda", parent=aptika, kind="fungsional")
    return {
        "operator": make_operator(opd=opd, full_name="Rina Operator"),
        "kadis": make_user(holds=kadis, full_name="Budi Kepala"),
        "aptika": make_user(holds=aptika, full_name="Sari Aptika"),
        "ikp": make_user(holds=ikp, full_name="Joko Ikp"),
        "programmer": make_user(holds=programmer, full_name="Dewi Programmer"),
    }


def _check_once(page: Page, screen: str, checked: set[str]) -> None:
    """axe on each kind of screen once per viewport: the journey revisits them with other users."""
    if screen not in checked:
        checked.add(screen)
        assert_accessible(page)


def _switch_user(page: Page, user) -> None:
    page.context.clear_cookies()
    log_in(page, user)


def _open_letter_from_inbox(page: Page, subject: str, checked: set[str]) -> None:
    open_menu(page)
    page.get_by_role("link", name="Kotak Masuk").click()
    expect(page.get_by_role("heading", name="Kotak Masuk")).to_be_visible()
    _check_once(page, "inbox", checked)
    page.get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", level=1, name=subject)).to_be_visible()


def _dispose(page: Page, *, to: list[str], instruction: str, checked: set[str]) -> None:
    page.get_by_role("link", name="Teruskan").first.click()
    for name in to:
        page.get_by_label(name).check()
    page.get_by_label(instruction).check()
    page.get_by_label("Catatan").fill("Mohon segera ditindaklanjuti.")
    _check_once(page, "dispose", checked)
    page.get_by_role("button", name="Kirim disposisi").click()
    expect(page.get_by_role("heading", name="Disposisi", exact=True)).to_be_visible()


def _report_done(page: Page, text: str, checked: set[str], file_path=None) -> None:
    page.get_by_role("link", name="Laporkan tindak lanjut").first.click()
    page.get_by_label("Laporan tindak lanjut").fill(text)
    if file_path is not None:
        page.get_by_label("Berkas pendukung").set_input_files(str(file_path))
    page.get_by_label("Tandai selesai").check()
    _check_once(page, "follow-up", checked)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_text(text)).to_be_visible()


def test_a_letter_travels_down_the_chain_and_comes_back_done(page: Page, office, pdf_bytes, tmp_path):
    subject = "Undangan rapat koordinasi Satu Data Indonesia"
    scan = tmp_path / "undangan.pdf"
    scan.write_bytes(pdf_bytes("Undangan rapat koordinasi"))
    report = tmp_path / "laporan.pdf"
    report.write_bytes(pdf_bytes("Notulen rapat"))
    checked: set[str] = set()

    # The operator registers the letter with its scan.
    log_in(page, office["operator"])
    open_menu(page)
    page.get_by_role("link", name="Agenda Surat").click()
    page.get_by_role("link", name="Catat surat masuk").click()
    page.locator("#id_sender_name").fill("Kementerian Dalam Negeri")
    page.locator("#id_sender_number").fill("000.1.2/4512/SJ")
    page.locator("#id_letter_date").fill("2026-11-20")
    page.locator("#id_subject").fill(subject)
    page.locator("#id_classification").select_option(label="000.1.2 — Perjalanan Dinas Dalam Negeri")
    page.locator("#id_scans").set_input_files(str(scan))
    assert_accessible(page)
    page.get_by_role("button", name="Simpan dan beri nomor agenda").click()
    expect(page.get_by_text("Surat dicatat dengan nomor agenda")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=subject)).to_be_visible()

    # The Kepala Dinas finds it unread in the inbox and disposes it to both Kepala Bidang.
    _switch_user(page, office["kadis"])
    _open_letter_from_inbox(page, subject, checked)
    expect(page.locator("iframe[title='Pratinjau pindaian surat']")).to_be_visible()
    assert_accessible(page)
    _dispose(
        page,
        to=["Kepala Bidang Aplikasi Informatika", "Kepala Bidang Informasi Publik"],
        instruction="Untuk ditindaklanjuti",
        checked=checked,
    )

    # One Kepala Bidang disposes further down to a staff member.
    _switch_user(page, office["aptika"])
    _open_letter_from_inbox(page, subject, checked)
    _dispose(page, to=["Pranata Komputer Ahli Muda"], instruction="Siapkan bahan", checked=checked)

    # The staff member reports the follow-up with a file and closes their part.
    _switch_user(page, office["programmer"])
    _open_letter_from_inbox(page, subject, checked)
    _report_done(page, "Bahan paparan sudah disiapkan.", checked, report)
    expect(page.get_by_role("link", name="laporan.pdf")).to_be_visible()

    # Both Kepala Bidang close theirs.
    for who in ("aptika", "ikp"):
        _switch_user(page, office[who])
        _open_letter_from_inbox(page, subject, checked)
        _report_done(page, f"Sudah ditindaklanjuti ({office[who].full_name}).", checked)

    # The Kepala Dinas sees the whole tree done.
    _switch_user(page, office["kadis"])
    _open_letter_from_inbox(page, subject, checked)
    tree = page.locator(".kv-disposition")
    expect(tree.get_by_text("3 dari 3 selesai")).to_be_visible()
    expect(tree.locator(".badge", has_text="Selesai")).to_have_count(3)
    assert_accessible(page)
