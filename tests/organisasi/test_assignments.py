from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from kantor_virtual.errors import Refused
from organisasi.models import Assignment
from organisasi.selectors import positions_for
from organisasi.services import appoint_acting, assign_definitive

pytestmark = pytest.mark.django_db


def test_the_database_refuses_two_definitive_holders_at_once_even_without_the_service(
    make_position, make_user, today
):
    kadis = make_position(name="Kepala Dinas")
    make_user(holds=kadis, since=today - timedelta(days=10))
    newcomer = make_user()

    with pytest.raises(IntegrityError, match="assignment_one_definitive_holder"), transaction.atomic():
        Assignment.objects.create(user=newcomer, position=kadis, kind="definitif", start=today)

    assert Assignment.objects.filter(position=kadis).count() == 1


def test_the_database_refuses_one_person_two_definitive_posts_at_once(make_position, make_user, today):
    kadis, sekdis = make_position(name="Kepala Dinas"), make_position(name="Sekretaris Dinas")
    person = make_user(holds=kadis)

    with pytest.raises(IntegrityError, match="assignment_one_definitive_post"), transaction.atomic():
        Assignment.objects.create(user=person, position=sekdis, kind="definitif", start=today, end=today)

    assert not Assignment.objects.filter(position=sekdis).exists()


def test_the_service_explains_an_overlap_and_allows_the_next_holder_after_the_last_day(
    admin, make_position, make_user, today
):
    kadis, sekdis = make_position(name="Kepala Dinas"), make_position(name="Sekretaris Dinas")
    first, second = make_user(), make_user()
    assign_definitive(
        actor=admin,
        position=kadis,
        user=first,
        start=today - timedelta(days=60),
        end=today,
        decree_number="821/1",
    )

    with pytest.raises(Refused) as same_position:
        assign_definitive(
            actor=admin, position=kadis, user=second, start=today, decree_number="821.2/1/BKD/2026"
        )
    with pytest.raises(Refused) as same_person:
        assign_definitive(
            actor=admin,
            position=sekdis,
            user=first,
            start=today - timedelta(days=1),
            decree_number="821.2/1/BKD/2026",
        )
    successor = assign_definitive(
        actor=admin,
        position=kadis,
        user=second,
        start=today + timedelta(days=1),
        decree_number="821.2/1/BKD/2026",
    )

    assert same_position.value.code == "position_has_definitive"
    assert (
        same_position.value.message
        == "Jabatan ini sudah memiliki pejabat definitif pada rentang tanggal itu."
    )
    assert same_person.value.code == "user_has_definitive"
    assert successor.start == today + timedelta(days=1)
    assert Assignment.objects.filter(kind="definitif").count() == 2


def test_a_position_has_one_plt_or_plh_at_a_time(admin, make_position, make_user, today):
    kabid = make_position(name="Kepala Bidang")
    appoint_acting(
        actor=admin,
        position=kabid,
        user=make_user(),
        kind="plt",
        start=today,
        end=today + timedelta(days=10),
        decree_number="800/1/BKD/2026",
    )

    with pytest.raises(Refused) as second_plt:
        appoint_acting(
            actor=admin,
            position=kabid,
            user=make_user(),
            kind="plt",
            start=today + timedelta(days=10),
            end=today + timedelta(days=20),
            decree_number="800/1/BKD/2026",
        )

    assert second_plt.value.code == "position_has_acting"


def test_a_person_may_hold_one_post_and_act_as_plt_of_another_at_the_same_time(
    admin, make_position, make_user, today
):
    sekdis, kabid = make_position(name="Sekretaris Dinas"), make_position(name="Kepala Bidang Statistik")
    person = make_user()

    assign_definitive(
        actor=admin,
        position=sekdis,
        user=person,
        start=today - timedelta(days=200),
        decree_number="821.2/1/BKD/2026",
    )
    appoint_acting(
        actor=admin,
        position=kabid,
        user=person,
        kind="plt",
        start=today,
        end=today + timedelta(days=90),
        decree_number="800/1/BKD/2026",
    )

    held = {position.pk: position.held_as for position in positions_for(user=person, on=today)}
    assert held == {sekdis.pk: "definitif", kabid.pk: "plt"}


def test_a_plt_acts_for_the_position_only_inside_the_date_range(admin, make_position, make_user, today):
    kabid = make_position(name="Kepala Bidang")
    plt = make_user()
    start, end = today + timedelta(days=5), today + timedelta(days=20)
    appoint_acting(
        actor=admin,
        position=kabid,
        user=plt,
        kind="plt",
        start=start,
        end=end,
        decree_number="800/1/BKD/2026",
    )

    def acts_on(day):
        return kabid.pk in {position.pk for position in positions_for(user=plt, on=day)}

    assert not acts_on(start - timedelta(days=1)), "acts for the position before the range"
    assert acts_on(start)
    assert acts_on(end)
    assert not acts_on(end + timedelta(days=1)), "still acts for the position after the range"


def test_a_holder_acts_for_a_position_until_the_day_it_closes(make_position, make_user, today):
    closing = make_position(name="Kepala Seksi yang Dilebur", closed_on=today + timedelta(days=3))
    closed = make_position(name="Kepala Seksi yang Sudah Dilebur", closed_on=today)
    holder = make_user(holds=closing)
    former = make_user(holds=closed)

    assert [p.pk for p in positions_for(user=holder, on=today)] == [closing.pk]
    assert positions_for(user=holder, on=today + timedelta(days=3)) == []
    assert positions_for(user=former, on=today) == []
