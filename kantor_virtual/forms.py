"""Form pieces every app uses: Bootstrap styling and the browser's date picker."""

from django import forms
from django.forms.utils import ErrorDict, flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kantor_virtual.files import ALLOWED_TYPES, check_upload
from kantor_virtual.pickers import Picker, searching


class DateInput(forms.DateInput):
    """The browser's own date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LongSelect(forms.Select):
    """A select of a hundred options or more (the classification codes), drawn in one pass with every
    value and label escaped: Django's context per option costs more than the rest of a form."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) in chosen else ""}>{escape(label)}</option>'
            for choice, label in self.choices
        )
        select = (
            f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>{options}</select>'
        )
        return mark_safe(select)  # every value above is escaped (flatatt escapes the attributes)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, and `is-invalid` on those with an error. A form posted
    with a picker's "Cari" button is a search (kantor_virtual.pickers): it is drawn again with the
    matches, unchecked and unsaved."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            widget = form_field.widget
            if isinstance(widget, forms.CheckboxInput | Picker):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    @property
    def searching(self) -> bool:
        return self.is_bound and searching(self.data)

    def full_clean(self) -> None:
        if self.searching:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.searching and super().is_valid()

    def add_error(self, field, error) -> None:
        """Marks the widget too, whether the error comes from cleaning or from a service's refusal."""
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked by content and size (kantor_virtual.files)."""

    def __init__(self, *args, **kwargs) -> None:
        accept = ",".join(ALLOWED_TYPES)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned = [super(MultipleFileField, self).clean(upload, initial) for upload in files]
        for upload in cleaned:
            check_upload(upload)
        return cleaned
