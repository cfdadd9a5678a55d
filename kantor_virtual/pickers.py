"""Choosing from thousands by typing: a form field whose page never lists its whole scope.

A picker shows what is chosen (checked boxes named like the field), a search box and a few
suggestions. Without JavaScript the search box's "Cari" button posts the form back with the matches
offered as boxes to tick, saving nothing (StyledForm treats such a post as a search). kv/picker.js
turns the same markup into an ARIA combobox whose matches come from the form's search address (htmx),
a view of the app that owns the rule of who may choose what; the field's queryset still decides what
is accepted, whatever was posted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django import forms
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SEARCH_BUTTON = "_cari"  # the name of every "Cari" button: a post carrying it asks for matches only
SEARCH_BOX_SUFFIX = "_cari"  # the search box of field `x` is `x_cari`


@dataclass(frozen=True)
class PickerOption:
    value: str
    label: str
    detail: str = ""


def options_html(options: Sequence[PickerOption], *, name: str = "", multiple: bool = False) -> SafeString:
    """The options as list items: with a box to tick named `name` for the page without script, or as
    text for kv/picker.js to list. Written here, every value escaped, not in a template included
    once per option: a page draws several pickers of twenty options."""
    box = (
        f'<label class="form-check-label"><input class="form-check-input me-1" '
        f'type="{"checkbox" if multiple else "radio"}" name="{escape(name)}" value="{{value}}">{{text}}</label>'
        if name
        else "{text}"
    )
    items = []
    for option in options:
        value, label = escape(option.value), escape(option.label)
        text = f'<span class="picker-label">{label}</span>'
        if option.detail:
            text += f' <small class="picker-detail text-body-secondary">{escape(option.detail)}</small>'
        items.append(
            f'<li data-value="{value}" data-label="{label}">{box.format(value=value, text=text)}</li>'
        )
    return mark_safe("".join(items))  # every value above is escaped


class PickerSource(Protocol):
    """What a picker chooses from: how to find by typing, and how to name what it found."""

    noun: str  # "jabatan", "pegawai": in "3 jabatan cocok", "tidak ada jabatan yang cocok"
    placeholder: str

    def search(self, *, query: str, among: QuerySet) -> list[Model]: ...

    def prepared(self, rows: QuerySet) -> QuerySet:
        """`rows` with what `options` reads of each, fetched along."""
        ...

    def options(self, objects: Sequence[Model]) -> list[PickerOption]: ...


class Picker(forms.Widget):
    template_name = "kantor_virtual/picker.html"

    def __init__(self, *, source: PickerSource, multiple: bool, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs)
        self.source = source
        self.multiple = multiple
        self.search_url = ""
        self.suggested: Sequence[Model | int] | QuerySet = ()  # rows or their ids, or a query
        self.among: QuerySet | None = None  # where typing searches; the field's queryset when None
        self.typed = ""  # in the search box of a bound form, whatever button sent it
        self.query = ""  # the same, when the form was sent with "Cari": the words to search
        self.optional = False

    def value_from_datadict(self, data, files, name):
        # Read as the bound form is cleaned and drawn.
        self.typed = str(data.get(f"{name}{SEARCH_BOX_SUFFIX}", ""))
        self.query = self.typed if searching(data) else ""
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # an unticked box sends nothing, like CheckboxSelectMultiple

    def id_for_label(self, id_: str) -> str:
        return f"{id_}{SEARCH_BOX_SUFFIX}" if id_ else id_

    def format_value(self, value) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value]
        return [str(item) for item in values if item not in (None, "")]

    def get_context(self, name: str, value, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        attributes = context["widget"]["attrs"]
        # htmx's attributes (asking for the signer's fields again, say) sit on the whole picker,
        # which announces a change of choice; the rest (id, aria-*, class) describe the search box.
        context["picker"] = {
            "attrs": {key: value for key, value in attributes.items() if key.startswith("hx-")},
            "box_attrs": {key: value for key, value in attributes.items() if not key.startswith("hx-")},
            **self._offered(name, context["widget"]["value"]),
        }
        return context

    def _offered(self, name: str, values: list[str]) -> dict:
        """What is chosen, and the boxes to tick next: the matches of what was typed, or the
        suggestions. The chosen are read within what may be chosen, together with suggestions given
        as rows (a query's own suggestions are read as they are, in their order), and the matches in
        one more query: a constant number whatever the scope."""
        scope = self.choices.queryset
        chosen_ids = list(dict.fromkeys(int(value) for value in values if value.isdigit()))
        typed = bool(self.query.strip())
        given = isinstance(self.suggested, QuerySet) and not typed  # read as it is, in its order
        suggested_ids = [] if typed or given else [getattr(row, "pk", row) for row in self.suggested]
        wanted = chosen_ids + suggested_ids
        rows = {obj.pk: obj for obj in self.source.prepared(scope.filter(pk__in=wanted))} if wanted else {}
        chosen = [rows[pk] for pk in chosen_ids if pk in rows]
        if typed:
            among = self.among if self.among is not None else scope
            offered = self.source.search(query=self.query, among=among)
        elif given:
            offered = list(self.source.prepared(self.suggested))
        else:
            offered = [rows[pk] for pk in dict.fromkeys(suggested_ids) if pk in rows]
        taken = set(chosen_ids)
        offered = [obj for obj in offered if obj.pk not in taken]
        named = self.source.options([*chosen, *offered])
        return {
            "chosen": named[: len(chosen)],
            "offered": named[len(chosen) :],
            "offered_html": options_html(named[len(chosen) :], name=name, multiple=self.multiple),
            "query": self.query,
            "searched": typed,
            "multiple": self.multiple,
            "optional": self.optional and not self.multiple,
            "search_url": self.search_url,
            "source": self.source,
        }


class PickerField:
    """Mixed into ModelChoiceField or ModelMultipleChoiceField: the queryset is what may be chosen
    (and is never listed), the source finds and names its rows."""

    def __init__(self, *, source: PickerSource, **kwargs) -> None:
        multiple = isinstance(self, forms.ModelMultipleChoiceField)
        kwargs["widget"] = Picker(source=source, multiple=multiple)
        super().__init__(**kwargs)
        self.widget.optional = not self.required

    def offer(
        self,
        *,
        search_url: str,
        suggested: Sequence[Model | int] | QuerySet = (),
        among: QuerySet | None = None,
    ) -> None:
        """Where typing searches (the address and, when wider or narrower than what is accepted,
        the rows), and what is suggested before any typing."""
        self.widget.search_url = search_url
        self.widget.suggested = suggested
        self.widget.among = among


def searching(data) -> bool:
    """Whether a posted form asked for a picker's matches instead of being saved."""
    return SEARCH_BUTTON in data


def matches(request: HttpRequest, *, source: PickerSource, among: QuerySet) -> HttpResponse:
    """The answer to a picker's typing: its options for the words typed (kv/picker.js asks with the
    search box's own name, `<field>_cari`), found only among what this user may choose."""
    query = next((value for key, value in request.GET.items() if key.endswith(SEARCH_BOX_SUFFIX)), "")
    found = source.search(query=query, among=among) if query.strip() else []
    return HttpResponse(options_html(source.options(found)))
