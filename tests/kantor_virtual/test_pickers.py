"""A picker's options are text from the database (position names, holders' names): every piece is
escaped, as a box to tick for the page without script and as an option for the script."""

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
