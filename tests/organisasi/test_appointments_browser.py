import re
from datetime import timedelta

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from kantor_virtual.models import Notification
from organisasi.models import Assignment, RoleGrant
from tests.browser import assert_accessible, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_opd_appoints_a_plh_on_a_decree_and_admin_spbe_sees_it_among_recent_appointments(
    page, opd, make_position, make_admin_opd, make_user, grant_role, today
):
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True, eselon="II.a")
    holder = make_user(holds=kadis, full_name="Siti Rahmawati")
    admin = make_admin_opd(opd=opd, full_name="Admin Kominfos")
    spbe = grant_role(make_user(full_name="Tim SPBE"), RoleGrant.Role.ADMIN)
    stand_in = make_user(full_name="Budi Santoso")
    first_day, last_day = today + timedelta(days=1), today + timedelta(days=12)

    log_in(page, admin)
    page.goto(f"/struktur/jabatan/{kadis.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kepala Dinas Kominfos")
    acting = page.locator("details", has_text="Tunjuk Plt/Plh")
    acting.locator("summary").click()
    acting.get_by_role("combobox", name="Pegawai").fill(stand_in.nip)
    acting.get_by_role("option", name=re.compile("^Budi Santoso")).click()
    acting.get_by_label("Sebagai").select_option("plh")
    acting.get_by_label("Mulai").fill(first_day.isoformat())
    acting.get_by_label("Sampai").fill(last_day.isoformat())
    acting.get_by_role("button", name="Tunjuk").click()

    # Without the surat perintah's number nothing is appointed, and what was typed stays.
    acting = page.locator("details", has_text="Tunjuk Plt/Plh")
    expect(acting).to_contain_text("Isi nomor surat perintah yang menjadi dasar penugasan ini.")
    expect(acting.get_by_role("radio", name="Budi Santoso")).to_be_checked()
    assert_accessible(page)
    assert not Assignment.objects.filter(user=stand_in).exists()

    acting.get_by_label("Nomor surat perintah").fill("800/145/BKD/2026")
    acting.get_by_role("button", name="Tunjuk").click()
    expect(page.get_by_text("Plt/Plh ditunjuk.")).to_be_visible()
    expect(page.locator("#panel-jabatan")).to_contain_text("Budi Santoso")
    expect(page.locator("#panel-jabatan")).to_contain_text("800/145/BKD/2026")
    assert_accessible(page)
    plh = Assignment.objects.get(user=stand_in)
    assert (plh.kind, plh.appointed_by_id) == ("plh", admin.pk)
    told = set(Notification.objects.filter(key=f"penugasan:{plh.pk}").values_list("user_id", flat=True))
    assert told == {stand_in.pk, holder.pk, spbe.pk}

    page.context.clear_cookies()
    log_in(page, spbe)
    open_menu(page)
    page.get_by_role("link", name="Penugasan Terbaru").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penugasan terbaru")
    row = page.locator(f"#penugasan-{plh.pk}")
    expect(row).to_contain_text("Budi Santoso")
    expect(row).to_contain_text("Kepala Dinas Kominfos")
    expect(row.locator(".badge", has_text="Plh")).to_be_visible()
    expect(row).to_contain_text("800/145/BKD/2026")
    expect(row).to_contain_text("Admin Kominfos")
    with translation.override("id"):
        expect(row).to_contain_text(
            f"{date_format(first_day, 'j F Y')} s.d. {date_format(last_day, 'j F Y')}"
        )
    assert_accessible(page)
