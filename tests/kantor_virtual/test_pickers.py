"""Pickers and long selects draw text from the database (position names, holders' names, codes):
every piece is escaped, in a picker's boxes and options and in a long select's options."""

from kantor_virtual.forms import LongSelect
from kantor_virtual.pickers import PickerOption, options_html

HOSTILE = PickerOption(value='7"><script>', label="Kepala <b>Bidang</b>", detail='Budi "Kecil" & <i>Co</i>')


def test_an_option_for_the_script_escapes_its_value_label_and_detail():
    html = options_html([HOSTILE])
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert 'data-value="7&quot;&gt;&lt;script&gt;"' in html
    assert 'data-label="Kepala &lt;b&gt;Bidang&lt;/b&gt;"' in html
    assert "Budi &quot;Kecil&quot; &amp; &lt;i&gt;Co&lt;/i&gt;" in html
    assert "<input" not in html, "the script lists text; the chosen become boxes it makes itself"


def test_an_option_for_the_page_without_script_is_a_box_named_like_the_field():
    html = options_html([PickerOption(value="12", label="Sekretaris {Dinas}")], name="copies", multiple=True)
    assert '<input class="form-check-input me-1" type="checkbox" name="copies" value="12">' in html
    assert "Sekretaris {Dinas}" in html, "braces in a name are only text"
    assert 'type="radio"' in options_html([HOSTILE], name="signer_position")


def test_a_long_select_escapes_its_options_and_marks_the_chosen():
    widget = LongSelect(choices=[("", "— pilih —"), ("1", "000.1 — Rapat <b>"), ('2"', "Sekretariat & Umum")])
    html = widget.render("kode", "1", attrs={"id": "id_kode", "required": True})
    assert '<select name="kode" id="id_kode" required>' in html
    assert '<option value="1" selected>000.1 — Rapat &lt;b&gt;</option>' in html
    assert '<option value="2&quot;">Sekretariat &amp; Umum</option>' in html
