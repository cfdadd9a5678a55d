"""A Dinas with a chain of command and one person in each position, for the disposition tests."""

from dataclasses import dataclass

import pytest

from organisasi.models import Position, User
from persuratan.models import InboxItem, IncomingLetter


@dataclass
class Org:
    """kadis → sekdis, kabid (→ kasi → staf), kabid_stat; `people[name]` holds position `name`."""

    kadis: Position
    sekdis: Position
    kabid: Position
    kabid_stat: Position
    kasi: Position
    staf: Position
    people: dict[str, User]


@pytest.fixture
def org(opd, make_position, make_user) -> Org:
    kadis = make_position(name="Kepala Dinas Kominfos", heads_opd=True, order=1)
    sekdis = make_position(name="Sekretaris Dinas", parent=kadis, order=1)
    kabid = make_position(name="Kepala Bidang Aplikasi", parent=kadis, order=2)
    kabid_stat = make_position(name="Kepala Bidang Statistik", parent=kadis, order=3)
    kasi = make_position(name="Kepala Seksi Layanan Aplikasi", parent=kabid)
    staf = make_position(name="Pranata Komputer", parent=kasi, kind=Position.Kind.FUNGSIONAL)
    positions = {
        "kadis": kadis,
        "sekdis": sekdis,
        "kabid": kabid,
        "kabid_stat": kabid_stat,
        "kasi": kasi,
        "staf": staf,
    }
    names = {
        "kadis": "Siti Rahmawati",
        "sekdis": "Agus Salim",
        "kabid": "Budi Santoso",
        "kabid_stat": "Dewi Lestari",
        "kasi": "Eko Prasetyo",
        "staf": "Fitri Handayani",
    }
    people = {key: make_user(holds=position, full_name=names[key]) for key, position in positions.items()}
    return Org(**positions, people=people)


@pytest.fixture
def letter(opd, org, register) -> IncomingLetter:
    """An ordinary letter addressed to the Kepala Dinas, with the Sekretaris in tembusan."""
    return register(opd=opd, to=[org.kadis], copies=[org.sekdis])


def node(letter: IncomingLetter, position: Position) -> InboxItem:
    """The latest node of `letter` in the inbox of `position`, fresh from the database."""
    return InboxItem.objects.filter(letter=letter, position=position).latest("received_at", "id")
