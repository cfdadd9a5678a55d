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


@pytest.fixture(autouse=True)
def _reference_tables(classification, retention_schedule):
    """The codes and the sample JRA as the migrations load them (again, after a transactional test)."""


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


# ── The classification and JRA page ─────────────────────────────────────────────────────────


def upload(text: str, name: str = "berkas.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_every_keeper_reads_the_schedule_and_only_the_province_arsiparis_sees_the_imports(
    client, office, keeper, classification
):
    client.force_login(keeper)
    page = client.get("/arsip/klasifikasi/", {"awalan": "000.1"}).content.decode()
    assert "Impor kode klasifikasi" in page and "000.1.2" in page and "Perjalanan Dinas Dalam Negeri" in page
    assert "000.3" not in page, "only the codes under the prefix"
    assert "Belum ada jadwal retensi" in page, "000.1.6 has no row, nor has 000.1"

    client.force_login(office["arsiparis"])
    page = client.get("/arsip/klasifikasi/").content.decode()
    assert "000.7.2" in page and "Impor kode klasifikasi" not in page
    assert client.get(f"/arsip/klasifikasi/{classification.pk}/retensi/").status_code == 403

    client.force_login(office["staf_user"])
    assert client.get("/arsip/klasifikasi/").status_code == 403


def test_a_rejected_file_is_listed_row_by_row_on_the_page_and_changes_nothing(client, keeper, classification):
    before = rules()
    client.force_login(keeper)
    bad = "code,active_years,inactive_years,final_disposition\n000.1.2,dua,3,musnah\n999,1,1,musnah\n"

    page = client.post("/arsip/klasifikasi/impor/jra/", {"jra-berkas": upload(bad)}).content.decode()

    assert "Berkas jadwal retensi ditolak" in page and "2 masalah" in page
    assert "<td>2</td><td>Retensi aktif “dua” bukan bilangan bulat tahun.</td>" in page
    assert "<td>3</td><td>Kode 999 tidak ada dalam daftar kode klasifikasi.</td>" in page
    assert rules() == before

    good = "code,active_years,inactive_years,final_disposition\n000.1.2,4,4,permanen\n"
    response = client.post("/arsip/klasifikasi/impor/jra/", {"jra-berkas": upload(good)}, follow=True)
    assert "Jadwal retensi diimpor: 0 baru, 1 diubah, 0 tetap." in response.content.decode()
    assert rules()["000.1.2"][:3] == (4, 4, "permanen")


def test_an_opd_arsiparis_posting_an_import_is_refused_and_nothing_changes(client, office, classification):
    client.force_login(office["arsiparis"])
    before = table()

    response = client.post("/arsip/klasifikasi/impor/kode/", {"kode-berkas": upload(CODES)})

    assert response.status_code == 403
    assert table() == before


def test_the_province_arsiparis_sets_and_removes_a_codes_own_retention_on_its_page(
    client, keeper, classification
):
    code = Classification.objects.get(code="000.1.6")
    client.force_login(keeper)
    url = f"/arsip/klasifikasi/{code.pk}/retensi/"
    assert "belum memiliki jadwal retensi sendiri" in client.get(url).content.decode()

    bad = client.post(url, {"active_years": "-1", "inactive_years": "2", "final_disposition": "musnah"})
    assert bad.status_code == 200 and 'value="-1"' in bad.content.decode(), "the input is kept"
    saved = client.post(url, {"active_years": "1", "inactive_years": "2", "final_disposition": "musnah"})
    assert saved.status_code == 302 and rules()["000.1.6"][:3] == (1, 2, "musnah")
    assert "Jadwal retensi diisi" in client.get(url).content.decode()

    client.post(url, {"hapus": "1"})
    assert "000.1.6" not in rules()
