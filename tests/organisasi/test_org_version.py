"""Who acts for which position and who holds which role are kept in Redis between requests, under the
organisation's version (OrgVersion, replaced by triggers): every change, however it is made, must
reach the next page, and a change rolled back must never pass for a committed one."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisasi.models import Assignment, Opd, OrgVersion, Position, RoleGrant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor", "returning_browser")]

INBOX_URL = reverse("persuratan:inbox")


@pytest.fixture
def kadis(make_position):
    return make_position(name="Kepala Dinas")


def version():
    return OrgVersion.objects.get().version


CHANGES = {
    "a position created": lambda opd, user: Position.objects.create(
        opd=opd, code="BARU", name="Analis Kebijakan", kind="pelaksana"
    ),
    "positions renamed in bulk": lambda opd, user: Position.objects.filter(opd=opd).update(
        name="Kepala Badan"
    ),
    "an OPD renamed": lambda opd, user: Opd.objects.filter(pk=opd.pk).update(short_name="Kominfo"),
    "assignments ended in bulk": lambda opd, user: Assignment.objects.filter(user=user).update(
        end=Assignment.objects.get(user=user).start
    ),
    "an assignment removed": lambda opd, user: Assignment.objects.filter(user=user).delete(),
    "a role granted": lambda opd, user: RoleGrant.objects.create(
        user=user, role=RoleGrant.Role.OPERATOR, opd=opd
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_kind_of_change_to_the_organisation_gives_a_new_version(change, opd, kadis, make_user):
    holder = make_user(holds=kadis)
    before = version()

    change(opd, holder)

    assert version() != before


def test_a_rolled_back_change_leaves_no_version_a_later_change_could_meet(opd, make_user):
    person = make_user()
    committed = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        RoleGrant.objects.create(user=person, role=RoleGrant.Role.OPERATOR, opd=opd)
        rolled_back = version()
        raise RuntimeError

    assert version() == committed
    RoleGrant.objects.create(user=person, role=RoleGrant.Role.OPERATOR, opd=opd)
    assert version() not in {committed, rolled_back}


def test_a_position_given_after_a_page_was_drawn_shows_on_the_next(
    client, kadis, make_user, make_position, today
):
    holder = make_user(holds=kadis)
    client.force_login(holder)
    assert "Plt. Kepala Bidang Aplikasi" not in client.get(INBOX_URL).content.decode()

    bidang = make_position(name="Kepala Bidang Aplikasi", parent=kadis)
    Assignment.objects.create(
        user=holder, position=bidang, kind=Assignment.Kind.PLT, start=today, end=today + timedelta(days=30)
    )

    assert "Plt. Kepala Bidang Aplikasi" in client.get(INBOX_URL).content.decode()


def test_an_assignment_ended_in_bulk_closes_its_letters_on_the_next_request(
    client, opd, kadis, make_user, register, today
):
    holder = make_user(holds=kadis)
    letter = register(opd=opd, to=[kadis])
    client.force_login(holder)
    assert client.get(letter.get_absolute_url()).status_code == 200

    Assignment.objects.filter(user=holder).update(end=today - timedelta(days=1))

    assert client.get(letter.get_absolute_url()).status_code == 404
    assert letter.subject not in client.get(INBOX_URL).content.decode()


def test_a_revoked_role_closes_its_pages_on_the_next_request(client, opd, make_operator):
    operator = make_operator(opd=opd)
    client.force_login(operator)
    register_page = reverse("persuratan:register")
    assert client.get(register_page).status_code == 200

    RoleGrant.objects.filter(user=operator).delete()

    assert client.get(register_page).status_code == 403


def test_a_page_drawn_again_reads_the_version_instead_of_positions_and_roles(client, kadis, make_user):
    client.force_login(make_user(holds=kadis))
    client.get(INBOX_URL)

    with CaptureQueriesContext(connection) as captured:
        assert client.get(INBOX_URL).status_code == 200

    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "organisasi_orgversion" in tables
    assert "organisasi_assignment" not in tables and "organisasi_rolegrant" not in tables


def test_without_its_row_the_answers_are_read_afresh_until_the_next_change(client, opd, kadis, make_user):
    holder = make_user(holds=kadis)
    OrgVersion.objects.all().delete()
    client.force_login(holder)
    assert "Kepala Dinas" in client.get(INBOX_URL).content.decode()

    RoleGrant.objects.create(user=holder, role=RoleGrant.Role.OPERATOR, opd=opd)

    assert OrgVersion.objects.exists(), "the trigger writes the row back"
    assert reverse("persuratan:agenda") in client.get(INBOX_URL).content.decode()
