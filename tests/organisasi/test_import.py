from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kantor_virtual.errors import Refused
from kantor_virtual.models import Event
from organisasi.models import Assignment, Position, RoleGrant, Unit, User
from organisasi.selectors import positions_for
from organisasi.services import import_org_chart

pytestmark = pytest.mark.django_db

POSITIONS = """kode,nama,jenis,kode_atasan,unit,eselon,kepala_opd
KOM-KADIS,Kepala Dinas Komunikasi dan Informatika,struktural,,,II.a,ya
KOM-SEKDIS,Sekretaris Dinas,struktural,KOM-KADIS,Sekretariat,III.a,tidak
KOM-KABID-IKP,Kepala Bidang Informasi dan Komunikasi Publik,struktural,KOM-KADIS,Bidang IKP,III.b,
KOM-PRAKOM,Pranata Komputer Ahli Muda,fungsional,KOM-KABID-IKP,Bidang IKP,,
"""

PEOPLE = """nip,nama,email,kode_jabatan,status,mulai,selesai,nomor_sk
197501012000031001,Siti Rahmawati,siti@kominfos.go.id,KOM-KADIS,definitif,2024-01-02,,821.2/0012/BKD/2024
198203152006041002,Budi Santoso,budi@kominfos.go.id,KOM-SEKDIS,definitif,02-01-2024,,821.2/0013/BKD/2024
198203152006041002,Budi Santoso,budi@kominfos.go.id,KOM-KABID-IKP,plt,2026-11-01,2026-12-31,800/145/BKD/2026
199007202015032003,Rina Kartika,,KOM-PRAKOM,definitif,2020-03-01,,821.2/0101/BKD/2020
"""


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Position, Unit, User, Assignment, Event)}


def test_a_good_pair_of_files_builds_the_tree_its_people_and_their_assignments(admin, opd):
    report = import_org_chart(actor=admin, opd=opd, positions_csv_text=POSITIONS, people_csv_text=PEOPLE)

    assert report.ok, report.errors
    assert (report.rows_ok, report.positions_created, report.units_created) == (8, 4, 2)
    assert (report.users_created, report.assignments_created) == (3, 4)
    tree = {p.code: (p.parent.code if p.parent else None) for p in Position.objects.select_related("parent")}
    assert tree == {
        "KOM-KADIS": None,
        "KOM-SEKDIS": "KOM-KADIS",
        "KOM-KABID-IKP": "KOM-KADIS",
        "KOM-PRAKOM": "KOM-KABID-IKP",
    }
    kadis = Position.objects.get(code="KOM-KADIS")
    assert (kadis.heads_opd, kadis.eselon, kadis.opd_id) == (True, "II.a", opd.pk)
    assert Position.objects.get(code="KOM-PRAKOM").unit.name == "Bidang IKP"
    budi = User.objects.get(nip="198203152006041002")
    assert (budi.full_name, budi.email, budi.has_usable_password()) == (
        "Budi Santoso",
        "budi@kominfos.go.id",
        False,
    )
    acting = {p.code: p.held_as for p in positions_for(user=budi, on=date(2026, 11, 15))}
    assert acting == {"KOM-SEKDIS": "definitif", "KOM-KABID-IKP": "plt"}
    assert Event.objects.filter(verb="dibuat", actor=admin).count() == 4 + 2 + 3  # positions, units, people


def test_semicolons_a_byte_order_mark_and_day_first_dates_are_read_too(admin, opd):
    positions = "\ufeff" + POSITIONS.replace(",", ";")
    people = PEOPLE.replace(",", ";").replace("2024-01-02", "02-01-2024").replace("2026-11-01", "01-11-2026")

    report = import_org_chart(actor=admin, opd=opd, positions_csv_text=positions, people_csv_text=people)

    assert report.ok, report.errors
    assert Assignment.objects.get(user__nip="197501012000031001").start == date(2024, 1, 2)
    assert Assignment.objects.get(kind="plt").start == date(2026, 11, 1)


def test_importing_the_same_files_again_changes_nothing_and_duplicates_nothing(admin, opd):
    import_org_chart(actor=admin, opd=opd, positions_csv_text=POSITIONS, people_csv_text=PEOPLE)
    before = counts()

    again = import_org_chart(actor=admin, opd=opd, positions_csv_text=POSITIONS, people_csv_text=PEOPLE)

    assert again.ok, again.errors
    assert (again.rows_ok, again.changes) == (8, 0)
    assert counts() == before
    assert "tidak ada yang diubah" in again.summary()


def test_a_changed_row_updates_its_position_and_the_change_is_on_the_timeline(admin, opd):
    import_org_chart(actor=admin, opd=opd, positions_csv_text=POSITIONS)
    renamed = POSITIONS.replace(
        "Pranata Komputer Ahli Muda,fungsional,KOM-KABID-IKP,Bidang IKP",
        "Pranata Komputer Ahli Madya,fungsional,KOM-SEKDIS,Sekretariat",
    )

    report = import_org_chart(actor=admin, opd=opd, positions_csv_text=renamed)

    assert (report.ok, report.positions_updated, report.positions_created) == (True, 1, 0)
    prakom = Position.objects.get(code="KOM-PRAKOM")
    assert (prakom.name, prakom.parent.code, prakom.unit.name) == (
        "Pranata Komputer Ahli Madya",
        "KOM-SEKDIS",
        "Sekretariat",
    )
    assert set(Event.objects.filter(target_id=str(prakom.pk), seq__gt=1).values_list("verb", flat=True)) == {
        "diubah",
        "dipindahkan",
    }


def test_every_bad_row_is_reported_with_its_line_and_reason_and_nothing_is_imported(
    admin, opd, other_opd, make_position
):
    make_position(opd=other_opd, code="DINSOS-KADIS", name="Kepala Dinas Sosial")
    positions = """kode,nama,jenis,kode_atasan,unit,eselon,kepala_opd
KOM-KADIS,Kepala Dinas,struktural,,,II.a,ya
,Tanpa Kode,struktural,KOM-KADIS,,,
KOM-X,Jabatan X,manajerial,KOM-KADIS,,,
KOM-Y,Jabatan Y,struktural,KOM-TIDAK-ADA,,,

KOM-KADIS,Kepala Dinas Ganda,struktural,,,,
DINSOS-KADIS,Kepala Dinas Sosial,struktural,,,,
KOM-Z,Jabatan Z,struktural,KOM-W,,,
KOM-W,Jabatan W,struktural,KOM-KADIS,,IX.z,
KOM-V,Jabatan V,pelaksana,KOM-KADIS,,,mungkin
"""
    people = """nip;nama;email;kode_jabatan;status;mulai;selesai;nomor_sk
12345;Pendek;;KOM-KADIS;definitif;2024-01-01;;821.2/1/BKD/2024
197501012000031001;Siti;;KOM-KADIS;kepala;2024-01-01;;821.2/1/BKD/2024
197501012000031001;Siti;;KOM-KADIS;definitif;2024-13-45;;821.2/1/BKD/2024
198203152006041002;Budi;;KOM-KADIS;plt;2024-02-01;2024-01-01;821.2/1/BKD/2024
198203152006041002;Budi;;KOM-TIDAK-ADA;definitif;2024-01-01;;821.2/1/BKD/2024
198801012010011003;Ani;;DINSOS-KADIS;definitif;2024-01-01;;821.2/1/BKD/2024
199007202015032003;Rina;;KOM-KADIS;plh;2024-01-01;;821.2/1/BKD/2024
199201012016012004;Dewi;bukan-surel;KOM-KADIS;definitif;2024-01-01;;821.2/1/BKD/2024
199301012017012005;Eko;;KOM-KADIS;definitif;2024-01-01;;821.2/1/BKD/2024
"""
    before = counts()

    report = import_org_chart(actor=admin, opd=opd, positions_csv_text=positions, people_csv_text=people)

    reasons = {(error.file, error.line): error.reason for error in report.errors}
    expected = {
        ("jabatan", 3): "Kolom kode wajib diisi",
        ("jabatan", 4): "Jenis 'manajerial' tidak dikenal",
        ("jabatan", 5): "Kode atasan KOM-TIDAK-ADA tidak dikenal",
        ("jabatan", 7): "Kode KOM-KADIS sudah dipakai di baris 2",
        ("jabatan", 8): "milik Dinas Sosial, bukan OPD ini",
        ("jabatan", 9): "Kode atasan KOM-W tidak dikenal",  # defined later, not earlier
        ("jabatan", 10): "Eselon 'IX.z' tidak dikenal",
        ("jabatan", 11): "kepala_opd harus 'ya' atau 'tidak'",
        ("pegawai", 2): "NIP harus 18 angka",
        ("pegawai", 3): "Status 'kepala' tidak dikenal",
        ("pegawai", 4): "Tanggal mulai '2024-13-45' tidak sah",
        ("pegawai", 5): "Tanggal selesai sebelum tanggal mulai",
        ("pegawai", 6): "Kode jabatan KOM-TIDAK-ADA tidak dikenal",
        ("pegawai", 7): "Jabatan DINSOS-KADIS milik Dinas Sosial, bukan OPD ini",
        ("pegawai", 8): "Tanggal selesai wajib diisi untuk Plt/Plh",
        ("pegawai", 9): "Alamat surel 'bukan-surel' tidak sah",
    }
    assert set(reasons) == set(expected), report.errors
    for key, reason in expected.items():
        assert reason in reasons[key], (key, reasons[key])
    assert not report.ok
    assert report.changes == 0
    assert counts() == before, "a refused import changed the database"


def test_rules_of_the_database_are_reported_per_row_too_and_nothing_is_imported(
    admin, opd, make_position, make_user
):
    kabid = make_position(code="KOM-KABID", name="Kepala Bidang")
    make_user(holds=kabid, since=date(2020, 1, 1))
    people = """nip,nama,email,kode_jabatan,status,mulai,selesai,nomor_sk
197501012000031001,Siti Rahmawati,,KOM-KABID,definitif,2024-01-02,,821.2/1/BKD/2024
198203152006041002,Budi Santoso,,KOM-SEKDIS,definitif,2024-01-02,,821.2/2/BKD/2024
199007202015032003,Rina Kartika,,KOM-SEKDIS,definitif,2025-06-01,,821.2/3/BKD/2025
199301012017012005,Eko Prasetyo,,KOM-SEKDIS,plh,2024-03-01,2024-03-10,800/4/BKD/2024
199401012018012006,Wati Lestari,,KOM-KABID,plt,2024-03-01,2024-03-10,800/5/BKD/2024
"""
    positions = "kode,nama,jenis,kode_atasan\nKOM-SEKDIS,Sekretaris Dinas,struktural,\n"
    before = counts()

    report = import_org_chart(actor=admin, opd=opd, positions_csv_text=positions, people_csv_text=people)

    assert [(error.file, error.line) for error in report.errors] == [
        ("pegawai", 2),
        ("pegawai", 4),
        ("pegawai", 6),
    ]
    assert "sudah memiliki pejabat definitif" in report.errors[0].reason  # held since 2020 in the database
    assert "sudah memiliki pejabat definitif" in report.errors[1].reason  # Budi holds it from line 3
    assert "Plt ditunjuk untuk jabatan yang kosong" in report.errors[2].reason
    assert counts() == before


def test_a_superior_chain_that_would_loop_is_refused(admin, opd, make_position):
    kadis = make_position(code="KOM-KADIS", name="Kepala Dinas")
    make_position(code="KOM-KABID", name="Kepala Bidang", parent=kadis)

    report = import_org_chart(
        actor=admin,
        opd=opd,
        positions_csv_text="kode,nama,jenis,kode_atasan\nKOM-KADIS,Kepala Dinas,struktural,KOM-KABID\n",
    )

    [error] = report.errors
    assert (error.line, error.reason) == (
        2,
        "Susunan atasan membentuk lingkaran: KOM-KADIS → KOM-KABID → KOM-KADIS.",
    )
    assert Position.objects.get(code="KOM-KADIS").parent_id is None


def test_a_new_head_of_the_opd_needs_the_old_one_marked_as_no_longer_head(admin, opd, make_position):
    make_position(code="KOM-KADIS-LAMA", name="Kepala Dinas (lama)", heads_opd=True)
    new_head = "kode,nama,jenis,kepala_opd\nKOM-KADIS,Kepala Dinas,struktural,ya\n"

    refused = import_org_chart(actor=admin, opd=opd, positions_csv_text=new_head)
    accepted = import_org_chart(
        actor=admin,
        opd=opd,
        positions_csv_text=new_head + "KOM-KADIS-LAMA,Kepala Dinas (lama),struktural,tidak\n",
    )

    assert "sudah memiliki kepala" in refused.errors[0].reason
    assert accepted.ok, accepted.errors
    assert list(Position.objects.filter(heads_opd=True).values_list("code", flat=True)) == ["KOM-KADIS"]


def test_only_an_admin_of_the_opd_may_import(opd, other_opd, make_user, grant_role):
    outsider = grant_role(make_user(), RoleGrant.Role.ADMIN_OPD, other_opd)

    with pytest.raises(Refused) as refusal:
        import_org_chart(actor=outsider, opd=opd, positions_csv_text=POSITIONS)

    assert refusal.value.code == "not_admin_opd"
    assert not Position.objects.exists()


def test_a_header_missing_a_required_column_or_with_a_misspelt_one_is_reported_on_its_line(admin, opd):
    report = import_org_chart(
        actor=admin,
        opd=opd,
        positions_csv_text="\nkode,nama,jenis,kode atasan\nKOM-A,Jabatan A,pelaksana,KOM-B\n",
        people_csv_text="nip,nama\n197501012000031001,Siti\n",
    )

    assert [(e.file, e.line) for e in report.errors] == [("jabatan", 2), ("pegawai", 1)]
    assert "kolom tidak dikenal: kode atasan" in report.errors[0].reason
    assert "kolom wajib tidak ada: kode_jabatan, status, mulai" in report.errors[1].reason
    assert not Position.objects.exists()


def test_the_management_command_imports_and_prints_the_report(opd, tmp_path, capsys):
    (tmp_path / "jabatan.csv").write_text(POSITIONS, encoding="utf-8")
    (tmp_path / "pegawai.csv").write_text(PEOPLE, encoding="utf-8")

    call_command(
        "import_org_chart",
        "--opd",
        opd.code,
        "--jabatan",
        str(tmp_path / "jabatan.csv"),
        "--pegawai",
        str(tmp_path / "pegawai.csv"),
    )

    assert "8 baris diimpor: 4 jabatan baru" in capsys.readouterr().out
    assert Assignment.objects.count() == 4
    creation = Event.objects.filter(verb="dibuat").first()
    assert creation.actor_id is None  # run by the server operator, not by a signed-in person


def test_the_management_command_fails_with_the_report_and_changes_nothing(opd, tmp_path, make_admin_opd):
    admin = make_admin_opd(opd=opd)
    bad = POSITIONS + "KOM-X,Jabatan X,manajerial,,,,\n"
    (tmp_path / "jabatan.csv").write_text(bad, encoding="utf-8")

    with pytest.raises(CommandError) as failure:
        call_command(
            "import_org_chart",
            "--opd",
            opd.code,
            "--jabatan",
            str(tmp_path / "jabatan.csv"),
            "--oleh",
            admin.nip,
        )

    assert failure.value.returncode != 0
    assert "Berkas jabatan, baris 6: Jenis 'manajerial' tidak dikenal" in str(failure.value)
    assert not Position.objects.exists()
    with pytest.raises(CommandError, match="OPD dengan kode TIDAKADA tidak ada"):
        call_command("import_org_chart", "--opd", "TIDAKADA", "--jabatan", str(tmp_path / "jabatan.csv"))


def test_an_acting_appointment_in_the_file_follows_the_plt_and_plh_rules(admin, opd, today):
    week_end = (today + timedelta(days=6)).isoformat()
    people = (
        "nip,nama,email,kode_jabatan,status,mulai,selesai,nomor_sk\n"
        "197501012000031001,Siti Rahmawati,,KOM-KADIS,definitif,2024-01-02,,821.2/1/BKD/2024\n"
        f"198203152006041002,Budi Santoso,,KOM-KADIS,plh,{today.isoformat()},{week_end},800/9/BKD/2026\n"
    )

    report = import_org_chart(actor=admin, opd=opd, positions_csv_text=POSITIONS, people_csv_text=people)

    assert report.ok, report.errors
    budi = User.objects.get(nip="198203152006041002")
    assert [p.held_as for p in positions_for(user=budi, on=today)] == ["plh"]
