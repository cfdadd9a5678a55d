"""Pickers of positions and people (kantor_virtual.pickers): how they are found by typing and how an
option names them, the same in every form."""

from collections.abc import Sequence

from django import forms
from django.db.models import QuerySet

from kantor_virtual.pickers import PickerField, PickerOption
from organisasi.models import Position, User
from organisasi.org_chart_selectors import people_matching
from organisasi.selectors import search_positions

# What an option of a position reads: nothing else of the row travels.
_NAMED_BY = ("name", "holder_names", "opd", "opd__name", "opd__short_name", "unit", "unit__name")


class PositionSource:
    noun = "jabatan"
    placeholder = "Ketik jabatan, OPD atau pejabat"

    def search(self, *, query: str, among: QuerySet[Position]) -> list[Position]:
        return search_positions(query=query, among=self.prepared(among))

    def prepared(self, rows: QuerySet[Position]) -> QuerySet[Position]:
        return rows.select_related("opd", "unit").only(*_NAMED_BY)

    def options(self, objects: Sequence[Position]) -> list[PickerOption]:
        """The position with its OPD, then its unit and who holds it today (kept on the row)."""
        return [
            PickerOption(
                value=str(position.pk),
                label=f"{position.name} — {position.opd.short_name or position.opd.name}",
                detail=" · ".join(
                    part for part in (position.unit and position.unit.name, position.holder_names) if part
                )
                or "belum ada pejabat",
            )
            for position in objects
        ]


class PersonSource:
    noun = "pegawai"
    placeholder = "Ketik NIP, nama atau surel"

    def search(self, *, query: str, among: QuerySet[User]) -> list[User]:
        found = people_matching(query=query)
        return list(among.filter(pk__in=[person.pk for person in found]).order_by("full_name", "pk"))

    def prepared(self, rows: QuerySet[User]) -> QuerySet[User]:
        return rows

    def options(self, objects: Sequence[User]) -> list[PickerOption]:
        return [
            PickerOption(
                value=str(person.pk), label=person.full_name, detail=f"NIP {person.nip}" if person.nip else ""
            )
            for person in objects
        ]


POSITIONS = PositionSource()
PEOPLE = PersonSource()


_NOT_OFFERED = "Jabatan itu tidak dapat dipilih di sini: sudah ditutup atau di luar pilihan formulir ini."


class PositionPicker(PickerField, forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _NOT_OFFERED}

    def __init__(self, **kwargs) -> None:
        super().__init__(source=POSITIONS, **kwargs)


class PositionsPicker(PickerField, forms.ModelMultipleChoiceField):
    default_error_messages = {"invalid_choice": _NOT_OFFERED, "invalid_pk_value": _NOT_OFFERED}

    def __init__(self, **kwargs) -> None:
        super().__init__(source=POSITIONS, **kwargs)


class PersonPicker(PickerField, forms.ModelChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(source=PEOPLE, **kwargs)
