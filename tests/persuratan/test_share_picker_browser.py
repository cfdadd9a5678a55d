"""Sharing a letter in a real browser, at desktop and 360 px with axe: the reader finds a colleague by
typing in the combobox (a citizen of the same name is not offered), chooses, and shares."""

import re

import pytest
from playwright.sync_api import expect

from organisasi.models import User
from persuratan.selectors import letter_access
from tests.browser import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_shares_a_letter_with_a_colleague_found_by_typing(
    page, opd, make_position, make_user, register
):
    kabid = make_position(name="Kepala Bidang Aplikasi Informatika")
    reader = make_user(holds=kabid, full_name="Sari Aptika")
    colleague = make_user(full_name="Rina Kartika")
    make_user(full_name="Rina Warga", nip=None, employment=User.Employment.PUBLIC)
    letter = register(opd=opd, to=[kabid], subject="Undangan rapat koordinasi satu data")

    log_in(page, reader)
    page.goto(letter.get_absolute_url())
    share = page.get_by_role("region", name="Bagikan")
    share.get_by_role("combobox", name="Pegawai").fill("rina")
    expect(share.get_by_role("option")).to_have_count(1)
    share.get_by_role("option", name=re.compile("^Rina Kartika")).click()
    expect(share.get_by_role("radio", name="Rina Kartika")).to_be_checked()
    assert_accessible(page)

    share.get_by_role("button", name="Bagikan", exact=True).click()
    expect(page.get_by_text("Surat dibagikan kepada Rina Kartika")).to_be_visible()
    assert_accessible(page)
    assert letter_access(user=colleague, letter=letter).full
