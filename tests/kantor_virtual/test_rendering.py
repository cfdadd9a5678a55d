"""The page helpers that replace Django's general machinery on hot paths must write the same text."""

from datetime import UTC, date, datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import engines
from django.utils import timezone

from persuratan.forms import InboxFilterForm


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("month", range(1, 13))
def test_tanggal_writes_what_djangos_date_filter_writes_in_indonesian(month):
    day = date(2026, month, 7)
    assert render("{{ day|tanggal }}", day=day) == render('{{ day|date:"j F Y" }}', day=day)


def test_tanggal_jam_is_in_the_offices_time_zone():
    evening_in_utc = datetime(2026, 11, 24, 20, 5, tzinfo=UTC)  # 03.05 the next day in Jakarta
    assert render("{{ at|tanggal_jam }}", at=evening_in_utc) == "25 November 2026, 03.05"
    assert render("{{ at|tanggal }}", at=evening_in_utc) == "25 November 2026"
    with timezone.override("Asia/Makassar"):
        assert render("{{ at|tanggal_jam }}", at=evening_in_utc) == "25 November 2026, 04.05"


def test_tanggal_of_nothing_is_empty():
    assert render("[{{ none|tanggal }}][{{ empty|tanggal_jam }}]", none=None, empty="") == "[][]"


class EveryWidget(forms.Form):
    choice = forms.ChoiceField(choices=[("a", "A & <b>"), ("Kelompok", [("b", "B"), ("c", "C")])])
    many = forms.MultipleChoiceField(choices=[("1", "Satu"), ("2", "Dua")], required=False)
    text = forms.CharField(widget=forms.TextInput(attrs={"disabled": True, "data-x": 'a"b', "hidden": False}))
    day = forms.DateField(required=False)
    number = forms.IntegerField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


@pytest.mark.parametrize(
    "form_class, data",
    [
        (InboxFilterForm, None),
        (
            InboxFilterForm,
            {"status": "new", "urgency": "bad", "sender": "<x>&", "received_from": "2026-01-02"},
        ),
        (EveryWidget, None),
        (EveryWidget, {"choice": "b", "many": ["1", "2"], "text": "isi", "number": "3", "hidden": "q"}),
    ],
)
def test_widget_templates_keep_djangos_markup(form_class, data):
    """templates/django/forms/widgets/ writes Django's includes in place; the HTML must not change."""
    ours = form_class(data)
    djangos = form_class(data, renderer=DjangoTemplates())
    assert isinstance(ours.renderer, TemplatesSetting), "forms must render through templates/django/forms"
    assert [str(field) for field in ours] == [str(field) for field in djangos]
    if data:
        assert " selected>" in "".join(str(field) for field in ours)
