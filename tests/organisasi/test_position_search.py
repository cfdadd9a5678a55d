"""Finding a position by typing: its name, unit, OPD or today's holder, every word as the start of a
word, within the positions a picker offers; the terms follow every change, whatever writes it."""

from datetime import timedelta

import pytest

from organisasi.models import Assignment, Opd, Position, Unit, User
from organisasi.selectors import PICKER_ROWS, search_positions
from organisasi.services.assignments import refresh_position_search
from tests.factories import OpdFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(opd, make_position, make_user):
    aptika = UnitFactory(opd=opd, name="Bidang Aplikasi Informatika")
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    kabid = make_position(name="Kepala Bidang", parent=kadis, unit=aptika)
    prakom = make_position(name="Pranata Komputer Ahli Muda", parent=kabid, unit=aptika, kind="fungsional")
    dinsos = OpdFactory(code="DINSOS", name="Dinas Sosial", short_name="Dinsos")
    kadinsos = make_position(name="Kepala Dinas", opd=dinsos, heads_opd=True)
    make_user(holds=kadis, full_name="Hendra Siregar")
    make_user(holds=kadinsos, full_name="Maria Ratu Lewa")
    return {
        "kadis": kadis,
        "kabid": kabid,
        "prakom": prakom,
        "kadinsos": kadinsos,
        "unit": aptika,
        "dinsos": dinsos,
    }


def found(query: str, among=None) -> list[int]:
    return [position.pk for position in search_positions(query=query, among=among or Position.objects.all())]


def test_every_word_typed_starts_a_word_of_the_name_unit_opd_or_holder(province):
    assert found("pranata") == [province["prakom"].pk]
    assert found("kep bid") == [province["kabid"].pk], "each word a prefix, all of them needed"
    assert found("aplikasi") == [province["kabid"].pk, province["prakom"].pk], "equally good: by name"
    assert found("siregar") == [province["kadis"].pk], "by today's holder"
    assert found("kepala dinsos") == [province["kadinsos"].pk], "by the OPD's short name"
    assert found("") == [] and found("  ,.;  ") == [], "nothing typed: the picker's defaults instead"


def test_the_search_stays_within_what_the_picker_offers(province, opd):
    own = Position.objects.filter(opd=opd)
    # The Kepala Bidang of this Dinas matches too (its OPD's name), below the name that says both.
    assert found("kepala dinas", among=own) == [province["kadis"].pk, province["kabid"].pk]
    assert province["kadinsos"].pk in found("kepala dinas")


def test_words_that_look_like_search_syntax_are_only_words(province):
    for typed in ("kepala & !dinas", "kepala | (dinas", "kep:* ' \\", "kepala<->dinas"):
        assert set(found(typed)) <= {province["kadis"].pk, province["kadinsos"].pk, province["kabid"].pk}


def test_heads_of_opd_come_first_among_equals_and_the_rows_are_bounded(province, opd, make_position):
    for number in range(PICKER_ROWS + 5):
        make_position(name=f"Kepala Seksi {number:02d}", parent=province["kabid"])
    rows = found("kepala")
    assert len(rows) == PICKER_ROWS
    assert rows[:2] == [province["kadis"].pk, province["kadinsos"].pk]
    assert found("kepala") == rows, "a stable order"


def test_the_terms_follow_renames_and_appointments_whatever_writes_them(province, make_user, today):
    Unit.objects.filter(pk=province["unit"].pk).update(name="Bidang Persandian")
    assert found("persandian") == [province["kabid"].pk, province["prakom"].pk]
    assert found("aplikasi") == []

    Opd.objects.filter(pk=province["dinsos"].pk).update(short_name="Dinsosdukcapil")
    assert found("dinsosdukcapil") == [province["kadinsos"].pk]

    User.objects.filter(full_name="Hendra Siregar").update(full_name="Hendra Simanjuntak")
    assert found("simanjuntak") == [province["kadis"].pk] and found("siregar") == []

    plt = make_user(acts_for=province["kabid"], full_name="Yohanes Manafe")
    assert found("manafe") == [province["kabid"].pk]
    Assignment.objects.filter(user=plt).delete()
    assert found("manafe") == []


def test_the_nightly_refresh_finds_a_holder_whose_dates_began_today(province, make_user, today):
    starting = make_user(full_name="Agus Salim")
    Assignment.objects.create(
        user=starting, position=province["prakom"], kind=Assignment.Kind.PLH, start=today, end=today
    )
    # As the terms stood last night, before the day began: nobody wrote anything since.
    Position.objects.filter(pk=province["prakom"].pk).update(search_terms="Bidang Aplikasi Informatika")
    assert found("salim") == []

    assert refresh_position_search(on=today) == 1
    assert found("salim") == [province["prakom"].pk]
    assert refresh_position_search(on=today) == 1 and found("salim") == [province["prakom"].pk], (
        "twice: the same"
    )


def holders(position) -> str:
    return Position.objects.values_list("holder_names", flat=True).get(pk=position.pk)


def test_each_position_keeps_its_holders_today_as_pickers_name_them(province, make_user, today):
    assert holders(province["kadis"]) == "Hendra Siregar"
    assert holders(province["prakom"]) == ""

    plt = make_user(acts_for=province["kadis"], full_name="Gita Permata")
    assert holders(province["kadis"]) == "Hendra Siregar, Plt. Gita Permata", "the definitive holder first"

    User.objects.filter(pk=plt.pk).update(full_name="Gita Permata Sari")
    assert holders(province["kadis"]) == "Hendra Siregar, Plt. Gita Permata Sari"

    User.objects.filter(full_name="Hendra Siregar").update(is_active=False)
    assert holders(province["kadis"]) == "Plt. Gita Permata Sari", "an account switched off holds nothing"

    Assignment.objects.filter(user=plt).update(end=today - timedelta(days=1))
    assert holders(province["kadis"]) == ""


def test_the_nightly_refresh_names_a_holder_whose_dates_ended_yesterday(province, make_user, today):
    gone = make_user(acts_for=province["prakom"], full_name="Rudi Hartono", kind=Assignment.Kind.PLH)
    assert holders(province["prakom"]) == "Plh. Rudi Hartono"
    Assignment.objects.filter(user=gone).update(
        start=today - timedelta(days=3), end=today - timedelta(days=1)
    )
    # As the row stood last night, when the assignment still ran: a date passing writes nothing.
    Position.objects.filter(pk=province["prakom"].pk).update(holder_names="Plh. Rudi Hartono")

    assert refresh_position_search(on=today) == 1
    assert holders(province["prakom"]) == ""
