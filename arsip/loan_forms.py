"""Forms of peminjaman arsip. They check shape; the rules live in arsip.services.loans."""

from django import forms

from kantor_virtual.forms import DateInput, StyledForm


class LoanRequestForm(StyledForm):
    purpose = forms.CharField(label="Keperluan", max_length=300, help_text="Mis. bahan pemeriksaan BPK.")


class LoanActionForm(StyledForm):
    """One form for every step the arsiparis takes; which fields count depends on the button."""

    ACTIONS = {"approve": "Setujui", "reject": "Tolak", "hand_out": "Serahkan", "take_back": "Terima kembali"}

    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    due_on = forms.DateField(label="Batas pengembalian", required=False, widget=DateInput)
    reason = forms.CharField(label="Alasan penolakan", max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "approve" and not cleaned.get("due_on"):
            self.add_error("due_on", "Isi batas pengembalian.")
        return cleaned
