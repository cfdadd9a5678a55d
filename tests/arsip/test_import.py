"""Importing the classification codes and the JRA: every bad row reported, nothing changed on a bad
file, a good file applied at once, and only the province's arsiparis or an administrator may."""

import pytest

from arsip.models import RetentionRule
from arsip.reference import SCHEDULE_CSV
from arsip.services.schedule import (
    FileRejected,
    RuleValues,
    import_classification_codes,
    import_retention_schedule,
    remove_retention,
    set_retention,
)
from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from organisasi.models import RoleGrant
from persuratan.models import Classification
from persuratan.reference import CODES_CSV

pytestmark = pytest.mark.django_db

CODES = CODES_CSV.read_text(encoding="utf-8")
SCHEDULE = SCHEDULE_CSV.read_text(encoding="utf-8")


@pytest.fixture
def keeper(office):
    """The province-wide arsiparis."""
    return office["province_arsiparis"]


def table() -> dict[str, tuple]:
    return {
        code.code: (code.name, code.parent_id, code.level, code.active)
        for code in Classification.objects.all()
    }


def rules() -> dict[str, tuple]:
    return {
        rule.classification.code: (rule.active_years, rule.inactive_years, rule.final_disposition, rule.notes)
        for rule in RetentionRule.objects.select_related("classification")
    }


def problems(refusal) -> list[tuple[int, str]]:
    return [(row.line, row.code) for row in refusal.value.rows]


def test_the_reference_files_import_as_they_are_loaded_and_change_nothing(keeper, classification):
    codes = import_classification_codes(actor=keeper, csv_text=CODES)
    schedule = import_retention_schedule(actor=keeper, csv_text=SCHEDULE)

    assert (codes.created, codes.changed, codes.unchanged, codes.deactivated) == (0, 0, 147, 0)
    assert (schedule.created, schedule.changed, schedule.unchanged) == (0, 0, 48)
    assert RetentionRule.objects.get(classification__code="000.7.2").final_disposition == "permanen"


def test_a_good_codes_file_creates_renames_and_deactivates_missing_codes_in_one_go(keeper, classification):
    lines = [line for line in CODES.splitlines() if not line.startswith("000.1.12,")]
    lines = [line.replace("000.4,Perpustakaan,", "000.4,Perpustakaan dan Dokumentasi,") for line in lines]
    lines.append("000.1.13,Penyelenggaraan Rapat Daring,000.1,3")

    result = import_classification_codes(actor=keeper, csv_text="\n".join(lines))

    assert (result.created, result.changed, result.deactivated) == (1, 1, 1)
    new = Classification.objects.get(code="000.1.13")
    assert (new.parent.code, new.level, new.active) == ("000.1", 3, True)
    assert Classification.objects.get(code="000.4").name == "Perpustakaan dan Dokumentasi"
    missing = Classification.objects.get(code="000.1.12")
    assert missing.active is False, "a code is never deleted, only marked inactive"
    assert [event.verb for event in timeline_for(target=missing)] == ["code_deactivated"]

    again = import_classification_codes(actor=keeper, csv_text=CODES)
    assert (again.created, again.changed, again.deactivated) == (0, 2, 1), (
        "renamed back, 000.1.12 active again"
    )
    assert Classification.objects.get(code="000.1.12").active


def test_every_bad_row_of_a_codes_file_is_reported_with_its_line_and_nothing_changes(keeper, classification):
    before = table()
    bad = "\n".join(
        [
            "code,name_id,parent_code,level",  # line 1
            "000,Umum,,1",
            "000.1,Ketatausahaan,000,2",
            "000.1,Ketatausahaan lagi,000,2",  # 4: duplicate
            "000.9.1,Tanpa induk,000.9,3",  # 5: parent not in the file
            "000.2,Perlengkapan,000,dua",  # 6: level not a number
            "000.1.1,Telekomunikasi,000.1,4",  # 7: level does not follow the parent's
            "100,Pemerintahan,000,1",  # 8: a first-level code with a parent
            "000.3,,000,2",  # 9: no name
            "A.1,Huruf,000,2",  # 10: not a code
            "000.5,Kearsipan,,2",  # 11: a second-level code without a parent
        ]
    )

    with pytest.raises(FileRejected) as refusal:
        import_classification_codes(actor=keeper, csv_text=bad)

    assert problems(refusal) == [
        (4, "duplicate_code"),
        (5, "unknown_parent"),
        (6, "bad_level"),
        (7, "bad_level"),
        (8, "bad_level"),
        (9, "no_name"),
        (10, "bad_code"),
        (11, "unknown_parent"),
    ]
    assert refusal.value.code == "bad_file"
    assert "baris 3" in refusal.value.rows[0].reason, "the duplicate names the line it repeats"
    assert table() == before, "nothing changed, not even the good rows"


def test_a_file_whose_header_is_wrong_or_that_is_empty_is_rejected_on_its_line(keeper, classification):
    with pytest.raises(FileRejected) as refusal:
        import_classification_codes(actor=keeper, csv_text="kode,nama\n000,Umum\n")
    assert problems(refusal) == [(1, "unreadable")]
    assert "kolom wajib tidak ada: code" in refusal.value.rows[0].reason

    with pytest.raises(FileRejected) as refusal:
        import_retention_schedule(
            actor=keeper, csv_text="code,active_years,inactive_years,final_disposition\n"
        )
    assert problems(refusal) == [(2, "empty")]


def test_every_bad_row_of_a_schedule_file_is_reported_and_nothing_changes(keeper, classification):
    before = rules()
    bad = "\n".join(
        [
            "code,active_years,inactive_years,final_disposition,notes",  # line 1
            "000.1.2,3,3,musnah,",  # 2: fine on its own
            "999.9,1,1,musnah,",  # 3: not a classification code
            "000.1.2,1,1,musnah,",  # 4: duplicate
            "000.1.3,dua,3,musnah,",  # 5: not a number
            "000.1.4,1,-1,musnah,",  # 6: not a whole number
            "000.1.5,1,1,dibakar,",  # 7: unknown final disposition
            "000.1.6,1,101,permanen,",  # 8: beyond a hundred years
        ]
    )

    with pytest.raises(FileRejected) as refusal:
        import_retention_schedule(actor=keeper, csv_text=bad)

    assert problems(refusal) == [
        (3, "unknown_code"),
        (4, "duplicate_code"),
        (5, "not_a_number"),
        (6, "not_a_number"),
        (7, "unknown_disposition"),
        (8, "not_a_number"),
    ]
    assert rules() == before


def test_a_good_schedule_file_creates_and_updates_only_the_rows_it_lists(keeper, classification, office):
    text = "code;active_years;inactive_years;final_disposition\n000.1.2;3;5;Dinilai kembali\n000.1.6;1;2;musnah\n"

    result = import_retention_schedule(actor=keeper, csv_text=text)

    assert (result.created, result.changed, result.unchanged) == (1, 1, 0)
    current = rules()
    assert current["000.1.2"][:3] == (3, 5, "dinilai_kembali"), "labels and `;` files are understood"
    assert current["000.1.6"][:3] == (1, 2, "musnah")
    assert current["000.7.2"][:3] == (3, 7, "permanen"), "rows not in the file stay"
    events = list(timeline_for(target=Classification.objects.get(code="000.1.2")))
    assert [(e.verb, e.actor_id, e.details["after"]["active_years"]) for e in events] == [
        ("retention_set", keeper.pk, 3)
    ]


def test_only_the_province_arsiparis_or_an_administrator_changes_codes_and_the_schedule(
    office, make_user, grant_role, classification
):
    admin = grant_role(make_user(), RoleGrant.Role.ADMIN)
    opd_arsiparis, staff = office["arsiparis"], office["staf_user"]
    admin_opd = grant_role(make_user(), RoleGrant.Role.ADMIN_OPD, office["kadis"].opd)
    values = RuleValues(active_years=4, inactive_years=6, final_disposition="permanen", notes="Diubah")
    code = Classification.objects.get(code="000.1.2")

    for outsider in (opd_arsiparis, staff, admin_opd):
        for attempt in (
            lambda user: import_classification_codes(actor=user, csv_text=CODES),
            lambda user: import_retention_schedule(actor=user, csv_text=SCHEDULE),
            lambda user: set_retention(actor=user, classification=code, values=values),
            lambda user: remove_retention(actor=user, classification=code),
        ):
            with pytest.raises(Refused) as refusal:
                attempt(outsider)
            assert refusal.value.code == "not_schedule_keeper"
    assert rules()["000.1.2"][:3] == (2, 3, "musnah")

    assert set_retention(actor=admin, classification=code, values=values) == "changed"
    assert (
        set_retention(actor=office["province_arsiparis"], classification=code, values=values) == "unchanged"
    )
    assert remove_retention(actor=office["province_arsiparis"], classification=code) is True
    assert "000.1.2" not in rules()
    verbs = [event.verb for event in timeline_for(target=code)]
    assert verbs == ["retention_set", "retention_removed"]
