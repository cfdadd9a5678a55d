from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection
from django.db.models import Max, Q
from django.test.utils import CaptureQueriesContext

from organisasi.demo import ACTING, DEMO_ACCOUNTS, DEMO_PASSWORD, VACANT, seed_demo_province
from organisasi.models import Assignment, Opd, Position, Province, RoleGrant, Unit, User
from organisasi.selectors import has_role, is_pimpinan, positions_for

pytestmark = pytest.mark.django_db

LISTED_OPDS = {"SETDA", "DISKOMINFOS", "DINSOS", "DISDIK", "DINKES", "BAPPEDA", "BKD", "DPMPTSP"}
MODELS = (Province, Opd, Unit, Position, User, Assignment, RoleGrant)


@pytest.fixture
def seeded(db):
    return seed_demo_province()


def snapshot() -> dict[str, tuple[int, int | None]]:
    return {
        model.__name__: (model.objects.count(), model.objects.aggregate(m=Max("pk"))["m"]) for model in MODELS
    }


def acting_on(day: date, kind: str) -> list[Assignment]:
    return list(
        Assignment.objects.filter(kind=kind, start__lte=day, end__gte=day).select_related("position", "user")
    )


def definitive_holder(code: str, day: date) -> User | None:
    row = (
        Assignment.objects.filter(position__code=code, kind=Assignment.Kind.DEFINITIVE, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("user")
        .first()
    )
    return row.user if row else None


def test_seeding_twice_writes_nothing_and_reports_the_same_counts(seeded):
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        again = seed_demo_province()

    assert snapshot() == before, "the second run created or removed rows"
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert again.created == 0
    assert seeded.created > 0
    assert replace(seeded, created=0) == again


def test_the_management_command_prints_counts_and_the_demo_logins(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    output = capsys.readouterr().out
    assert "Baris baru: 0." in output
    assert DEMO_PASSWORD in output
    assert all(account["login"] in output for account in DEMO_ACCOUNTS)


def test_the_province_has_the_listed_opds_with_kop_details_and_enough_people(seeded):
    opds = {opd.code: opd for opd in Opd.objects.all()}
    assert set(opds) >= LISTED_OPDS
    kominfos = opds["DISKOMINFOS"]
    assert (kominfos.email, kominfos.website) == (
        "diskominfos@nusamandiri.go.id",
        "diskominfos.nusamandiri.go.id",
    )
    assert all(
        opd.address and opd.phone.startswith("(0401) ") and opd.city == "Kota Mandala"
        for opd in opds.values()
    )
    assert all(opd.units.exists() for opd in opds.values())

    employees = User.objects.filter(assignments__kind=Assignment.Kind.DEFINITIVE).distinct()
    assert employees.count() == seeded.employees >= 150
    emails = list(employees.values_list("email", flat=True))
    assert len(set(emails)) == len(emails)
    assert all(email.endswith("@nusamandiri.go.id") for email in emails)


def test_nips_are_built_like_real_ones(seeded):
    nips = list(User.objects.exclude(nip=None).values_list("nip", flat=True))

    assert len(nips) >= 150
    for nip in nips:
        born = date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))  # raises on an impossible date
        cpns_year, cpns_month = int(nip[8:12]), int(nip[12:14])
        assert born.year + 18 <= cpns_year <= 2026 and 1 <= cpns_month <= 12, nip
        assert nip[14] in "12" and nip[15:] != "000", nip


def test_exactly_the_expected_plt_and_plh_act_today(seeded, today):
    (plt,) = acting_on(today, Assignment.Kind.PLT)
    (plh,) = acting_on(today, Assignment.Kind.PLH)

    assert plt.position.code == "DISKOMINFOS.KABID-STATSANDI"
    assert plt.user == definitive_holder("DISKOMINFOS.SEKRETARIS", today)
    assert definitive_holder("DISKOMINFOS.KABID-STATSANDI", today) is None, (
        "a Plt stands in for a vacant post"
    )
    assert 28 <= (today - plt.start).days <= 62 and 59 <= (plt.end - today).days <= 92

    assert plh.position.code == "DINKES.KADIS"
    assert plh.user == definitive_holder("DINKES.SEKRETARIS", today)
    assert definitive_holder("DINKES.KADIS", today) is not None, "a Plh stands in for an absent holder"
    assert (plh.end - plh.start).days == 13

    codes = [position.code for position in positions_for(user=plt.user, on=today)]
    assert codes == ["DISKOMINFOS.SEKRETARIS", "DISKOMINFOS.KABID-STATSANDI"]
    assert [p.held_as for p in positions_for(user=plt.user, on=today)] == ["definitif", "plt"]


def test_reseeding_on_later_days_keeps_one_acting_official_per_post(db, today):
    seed_demo_province(today=today)
    definitive = Assignment.objects.filter(kind=Assignment.Kind.DEFINITIVE).count()

    for later in (today + timedelta(days=9), today + timedelta(days=40), today + timedelta(days=130)):
        seed_demo_province(today=later)
        for kind in (Assignment.Kind.PLT, Assignment.Kind.PLH):
            assert len(acting_on(later, kind)) == 1, f"{kind} on {later}"

    assert Assignment.objects.filter(kind=Assignment.Kind.DEFINITIVE).count() == definitive
    acted_for = {code for _, code, _ in ACTING}
    assert (
        set(Assignment.objects.exclude(kind="definitif").values_list("position__code", flat=True))
        == acted_for
    )


def test_every_demo_account_signs_in_with_the_demo_password(seeded, rf):
    for account in DEMO_ACCOUNTS:
        user = authenticate(rf.post("/masuk/"), username=account["login"], password=DEMO_PASSWORD)
        assert user is not None, account["login"]
        assert user.full_name == account["name"]
        assert authenticate(rf.post("/masuk/"), username=account["login"], password="salah-sandi-123") is None

    anyone = User.objects.filter(nip__isnull=False).order_by("-pk").first()
    assert authenticate(rf.post("/masuk/"), username=anyone.nip, password=DEMO_PASSWORD) == anyone


def test_demo_accounts_hold_the_roles_they_are_listed_for(seeded, today):
    by_role = {
        account["role"]: User.objects.get(Q(nip=account["login"]) | Q(email=account["login"]))
        for account in DEMO_ACCOUNTS
    }
    kominfos = Opd.objects.get(code="DISKOMINFOS")

    assert has_role(user=by_role["Admin SPBE"], role=RoleGrant.Role.ADMIN)
    assert has_role(user=by_role["Admin OPD"], role=RoleGrant.Role.ADMIN_OPD, opd=kominfos)
    assert has_role(user=by_role["Operator"], role=RoleGrant.Role.OPERATOR, opd=kominfos)
    assert RoleGrant.objects.filter(user=by_role["Arsiparis"], role="arsiparis", opd=None).exists()
    assert has_role(user=by_role["Pemohon"], role=RoleGrant.Role.PEMOHON)
    assert by_role["Pemohon"].nip is None and by_role["Pemohon"].employment == User.Employment.PUBLIC
    assert positions_for(user=by_role["Pemohon"], on=today) == []
    assert by_role["Pimpinan"].nip == next(a["login"] for a in DEMO_ACCOUNTS if a["role"] == "Pimpinan")
    assert [p.code for p in positions_for(user=by_role["Pimpinan"], on=today)] == ["DISKOMINFOS.KADIS"]
    for role in ("Pimpinan", "Kepala Bidang", "Plt", "Plh"):
        assert is_pimpinan(user=by_role[role], on=today), role
    assert not is_pimpinan(user=by_role["Staf"], on=today)
    assert len(positions_for(user=by_role["Plh"], on=today)) == 2
    # Every OPD's tata usaha can register letters.
    assert RoleGrant.objects.filter(role="operator").values("opd").distinct().count() == Opd.objects.count()


def test_position_tree_is_acyclic_and_every_head_reports_up_to_the_governor(seeded, today):
    parent_of = dict(Position.objects.values_list("pk", "parent_id"))
    code_of = dict(Position.objects.values_list("pk", "code"))

    def chain(pk: int) -> list[str]:
        seen: list[int] = []
        while pk is not None:
            assert pk not in seen, f"cycle through {code_of[pk]}"
            seen.append(pk)
            pk = parent_of[pk]
        return [code_of[pk] for pk in seen]

    chains = {code_of[pk]: chain(pk) for pk in parent_of}
    assert {c[-1] for c in chains.values()} == {"SETDA.GUBERNUR"}, "one tree, rooted at the Gubernur"
    heads = Position.objects.filter(heads_opd=True).exclude(opd__code="SETDA")
    assert heads.count() == Opd.objects.count() - 1
    for head in heads:
        assert head.eselon == "II.a"
        up = chains[head.code]
        assert up[1].startswith("SETDA.ASISTEN-"), f"{head.code} reports to an Asisten"
        assert up[-2:] == ["SETDA.SEKDA", "SETDA.GUBERNUR"]
    assert Position.objects.get(heads_opd=True, opd__code="SETDA").code == "SETDA.SEKDA"


def test_vacant_posts_have_no_holder_and_every_other_post_has_one(seeded, today):
    held = (
        Assignment.objects.filter(kind=Assignment.Kind.DEFINITIVE, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("position__code", flat=True)
    )
    codes = list(held)

    assert len(codes) == len(set(codes)) == seeded.employees
    assert set(Position.objects.values_list("code", flat=True)) - set(codes) == VACANT


def test_every_demo_asn_has_a_nik_of_their_own_and_belongs_to_the_opd_of_their_post(seeded):
    staff = list(User.objects.filter(nip__isnull=False).select_related("opd"))

    niks = [person.nik for person in staff]
    assert all(nik and len(nik) == 16 and nik.isdigit() for nik in niks)
    assert len(set(niks)) == len(staff)
    head = User.objects.get(nip="197408151999031001")
    assert head.opd.code == "DISKOMINFOS"
    assert head.nik == "5371011508749001"  # born 15 August 1974, a man; CPNS 1999, number 001


def test_an_account_seeded_before_people_had_a_nik_gets_one(seeded):
    head = User.objects.get(nip="197408151999031001")
    User.objects.filter(pk=head.pk).update(nik=None)

    seed_demo_province()

    head.refresh_from_db()
    assert head.nik == "5371011508749001"
