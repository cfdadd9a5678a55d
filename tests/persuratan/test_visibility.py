"""Who may list, open and download which letter: one shared setup, every role, including URL walking."""

import pytest
from django.urls import reverse

from kantor_virtual.errors import Refused
from kantor_virtual.timeline import timeline_for
from organisasi.models import RoleGrant
from persuratan.models import IncomingLetter, LetterFile, SecurityClass
from persuratan.search import search_letters
from persuratan.selectors import inbox_for, letter_access, letters_visible_to
from persuratan.services import deliver, share_letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(opd, other_opd, make_position, make_user, make_operator, grant_role, register, today, settings):
    """Kepala Dinas receives an ordinary and a rahasia letter; the ordinary one is disposed to a Kabid."""
    settings.OTP_REQUIRED = False
    kadis = make_position(name="Kepala Dinas", heads_opd=True)
    kabid = make_position(name="Kepala Bidang Aplikasi", parent=kadis)
    staf = make_position(name="Pranata Komputer", parent=kabid, kind="fungsional")
    other_kadis = make_position(name="Kepala Dinas Sosial", opd=other_opd)
    people = {
        "kadis": make_user(holds=kadis),
        "plh_kadis": make_user(acts_for=kadis, kind="plh"),
        "kabid": make_user(holds=kabid),
        "staf": make_user(holds=staf),
        "other_kadis": make_user(holds=other_kadis),
        "operator": make_operator(opd=opd),
        "other_operator": make_operator(opd=other_opd),
        "arsiparis": grant_role(make_user(), RoleGrant.Role.ARSIPARIS, opd),
        "other_arsiparis": grant_role(make_user(), RoleGrant.Role.ARSIPARIS, other_opd),
        "shared_with": make_user(),
        "pemohon": grant_role(make_user(employment="public", nip=None), RoleGrant.Role.PEMOHON),
    }
    ordinary = register(opd=opd, to=[kadis], actor=people["operator"])
    secret = register(
        opd=opd,
        to=[kadis],
        actor=people["operator"],
        security_class=SecurityClass.SECRET,
        sender_number="R/1",
    )
    deliver(
        letter=ordinary,
        to=kabid,
        reason="disposition",
        parent=ordinary.inbox_items.get(),
        from_position=kadis,
    )
    share_letter(actor=people["kadis"], letter=ordinary, with_user=people["shared_with"])
    return {"people": people, "ordinary": ordinary, "secret": secret, "kadis": kadis, "kabid": kabid}


# Who sees what: "full" = contents and files, "meta" = the register's metadata only, None = nothing.
EXPECTED = {
    "kadis": {"ordinary": "full", "secret": "full"},
    "plh_kadis": {"ordinary": "full", "secret": "full"},
    "kabid": {"ordinary": "full", "secret": None},
    "staf": {"ordinary": None, "secret": None},
    "other_kadis": {"ordinary": None, "secret": None},
    "operator": {"ordinary": "full", "secret": "meta"},
    "other_operator": {"ordinary": None, "secret": None},
    "arsiparis": {"ordinary": "full", "secret": None},
    "other_arsiparis": {"ordinary": None, "secret": None},
    "shared_with": {"ordinary": "full", "secret": None},
    "pemohon": {"ordinary": None, "secret": None},
}


def _level(access) -> str | None:
    return "full" if access.full else "meta" if access.metadata else None


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_sees_exactly_what_it_may(client, office, who):
    user = office["people"][who]
    letters = {"ordinary": office["ordinary"], "secret": office["secret"]}
    expected = EXPECTED[who]

    listed = set(letters_visible_to(user=user).values_list("pk", flat=True))
    assert listed == {letters[name].pk for name, level in expected.items() if level}
    readable = set(letters_visible_to(user=user, full_only=True).values_list("pk", flat=True))
    assert readable == {letters[name].pk for name, level in expected.items() if level == "full"}
    found = {hit.letter.pk for hit in search_letters(user=user, query="rapat koordinasi").hits}
    assert found == readable, "search finds exactly the letters one may read"

    client.force_login(user)
    for name, letter in letters.items():
        assert _level(letter_access(user=user, letter=letter)) == expected[name], name
        page = client.get(letter.get_absolute_url())
        assert page.status_code == (200 if expected[name] else 404), name
        scan = letter.files.get()
        download = client.get(reverse("persuratan:letter_file", args=[letter.pk, scan.pk]))
        assert download.status_code == (200 if expected[name] == "full" else 404), name
        if expected[name] == "meta":
            body = page.content.decode()
            assert letter.summary not in body and scan.original_name not in body


def test_walking_ids_in_urls_finds_nothing(client, office):
    stranger = office["people"]["staf"]
    client.force_login(stranger)
    top = IncomingLetter.objects.order_by("-pk").first().pk + 3
    for pk in range(1, top):
        assert client.get(reverse("persuratan:letter", args=[pk])).status_code == 404
    for stored in LetterFile.objects.all():
        assert (
            client.get(reverse("persuratan:letter_file", args=[stored.letter_id, stored.pk])).status_code
            == 404
        )
    # A file id paired with a letter one may see is still refused when it belongs to another letter.
    client.force_login(office["people"]["kabid"])
    foreign_scan = office["secret"].files.get()
    url = reverse("persuratan:letter_file", args=[office["ordinary"].pk, foreign_scan.pk])
    assert client.get(url).status_code == 404


def test_inbox_of_a_position_one_does_not_hold_is_empty(office):
    assert inbox_for(user=office["people"]["staf"], position_id=office["kadis"].pk) == []
    assert inbox_for(user=office["people"]["operator"], position_id=office["kadis"].pk) == []


def test_a_rahasia_letter_cannot_be_shared(office):
    with pytest.raises(Refused) as refusal:
        share_letter(
            actor=office["people"]["kadis"], letter=office["secret"], with_user=office["people"]["staf"]
        )
    assert refusal.value.code == "narrowed_letter"
    with pytest.raises(Refused) as refusal:
        share_letter(
            actor=office["people"]["staf"], letter=office["ordinary"], with_user=office["people"]["staf"]
        )
    assert refusal.value.code == "no_access"


def test_opening_a_rahasia_scan_is_an_event_and_an_ordinary_one_is_not(client, office):
    client.force_login(office["people"]["kadis"])
    for letter in (office["secret"], office["ordinary"]):
        scan = letter.files.get()
        assert client.get(reverse("persuratan:letter_file", args=[letter.pk, scan.pk])).status_code == 200
    assert [e.verb for e in timeline_for(target=office["secret"])].count("file_opened") == 1
    assert [e.verb for e in timeline_for(target=office["ordinary"])].count("file_opened") == 0
