import pytest
from playwright.sync_api import expect

from disposisi.models import FollowUp
from disposisi.services import dispose
from persuratan.models import InboxItem
from tests.browser import assert_accessible, log_in
from tests.disposisi.conftest import node

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_staff_member_reports_done_with_a_file_and_the_kepala_dinas_disposes_further(
    page, letter, org, pdf_bytes, tmp_path
):
    dispose(
        actor=org.people["kadis"],
        from_item=node(letter, org.kadis),
        to=[org.kabid],
        instructions=["follow_up"],
    )
    dispose(
        actor=org.people["kabid"],
        from_item=node(letter, org.kabid),
        to=[org.staf],
        instructions=["draft_reply"],
    )
    report = tmp_path / "konsep-balasan.pdf"
    report.write_bytes(pdf_bytes("Konsep balasan"))

    log_in(page, org.people["staf"])
    page.goto(letter.get_absolute_url())
    staf = page.locator(f"#simpul-{node(letter, org.staf).pk}")
    expect(staf).to_contain_text("Siapkan konsep balasan")
    assert_accessible(page)
    staf.get_by_role("link", name="Laporkan tindak lanjut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporkan tindak lanjut")
    assert_accessible(page)
    page.get_by_label("Laporan tindak lanjut").fill("Konsep balasan sudah disiapkan.")
    page.get_by_label("Berkas pendukung").set_input_files(str(report))
    page.get_by_label("Tandai selesai").check()
    page.get_by_role("button", name="Kirim laporan").click()

    expect(page.get_by_role("alert")).to_contain_text("Tindak lanjut dilaporkan dan ditandai selesai.")
    expect(staf).to_contain_text("Selesai")
    expect(staf.get_by_role("link", name="konsep-balasan.pdf")).to_be_visible()
    assert FollowUp.objects.get().files.get().original_name == "konsep-balasan.pdf"

    page.context.clear_cookies()
    log_in(page, org.people["kadis"])
    page.goto(letter.get_absolute_url())
    kadis = page.locator(f"#simpul-{node(letter, org.kadis).pk}")
    expect(kadis).to_contain_text("1 dari 2 selesai")
    kadis.get_by_role("link", name="Teruskan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teruskan disposisi")
    expect(page.get_by_label("Kepala Bidang Aplikasi")).to_be_disabled()
    assert_accessible(page)
    page.get_by_label("Kepala Bidang Statistik").check()
    page.get_by_label("Catatan").fill("Siapkan data pendukung.")
    page.get_by_role("button", name="Kirim disposisi").click()

    expect(page.get_by_text("Pilih sedikitnya satu instruksi.")).to_be_visible()
    expect(page.get_by_label("Catatan")).to_have_value("Siapkan data pendukung.")
    expect(page.get_by_label("Kepala Bidang Statistik")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Siapkan bahan").check()
    page.get_by_role("button", name="Kirim disposisi").click()

    expect(page.get_by_role("alert")).to_contain_text("Surat didisposisikan kepada Kepala Bidang Statistik.")
    stat = page.locator(f"#simpul-{node(letter, org.kabid_stat).pk}")
    expect(stat).to_contain_text("Belum dibaca")
    expect(stat).to_contain_text("Siapkan data pendukung.")
    assert_accessible(page)
    stat.get_by_role("button", name="Tarik disposisi").click()
    expect(page.get_by_role("alert")).to_contain_text("Disposisi kepada Kepala Bidang Statistik ditarik.")
    expect(stat).to_contain_text("Ditarik")
    assert node(letter, org.kabid_stat).status == InboxItem.Status.WITHDRAWN
