import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisasi.models import RoleGrant
from organisasi.selectors import has_role, positions_for

pytestmark = pytest.mark.django_db


def test_a_page_reads_the_users_positions_and_roles_once(client, settings, opd, make_position, make_user):
    settings.OTP_REQUIRED = False
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    user = make_user(holds=kadis)
    RoleGrant.objects.create(user=user, role=RoleGrant.Role.OPERATOR, opd=opd)
    client.force_login(user)

    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("persuratan:inbox")).status_code == 200

    sql = [query["sql"] for query in page.captured_queries]
    own_assignments = [q for q in sql if 'FROM "organisasi_assignment"' in q and '"user_id" = ' in q]
    grants = [q for q in sql if 'FROM "organisasi_rolegrant"' in q]
    assert (len(own_assignments), len(grants)) == (1, 1)


def test_outside_a_request_every_call_sees_the_latest_data(opd, make_position, make_user):
    kadis, sekdis = make_position(name="Kepala Dinas"), make_position(name="Sekretaris")
    user = make_user(holds=kadis)
    assert not has_role(user=user, role=RoleGrant.Role.OPERATOR)
    assert [p.pk for p in positions_for(user=user, on=user.assignments.get().start)] == [kadis.pk]

    RoleGrant.objects.create(user=user, role=RoleGrant.Role.OPERATOR, opd=opd)
    make_user(acts_for=sekdis, kind="plh").assignments.update(user=user)

    assert has_role(user=user, role=RoleGrant.Role.OPERATOR, opd=opd)
    assert {p.pk for p in positions_for(user=user, on=user.assignments.get(position=sekdis).start)} == {
        kadis.pk,
        sekdis.pk,
    }
