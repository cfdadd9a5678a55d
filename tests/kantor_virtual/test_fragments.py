"""Cached fragments are keyed by what they draw and by the release: never stale, never another's."""

from types import SimpleNamespace

from kantor_virtual.fragments import drawn_values, release_fingerprint


def test_drawn_values_follow_dotted_paths_and_draw_an_empty_relation_as_none():
    classified = SimpleNamespace(pk=1, letter=SimpleNamespace(subject="Undangan", classification=None))
    filed = SimpleNamespace(
        pk=2, letter=SimpleNamespace(subject="Laporan", classification=SimpleNamespace(code="000.1"))
    )

    drawn = drawn_values([classified, filed], ["pk", "letter.subject", "letter.classification.code"])

    assert drawn == [(1, "Undangan", None), (2, "Laporan", "000.1")]


def test_the_release_fingerprint_changes_with_any_template_or_module_and_only_with_them(tmp_path):
    app = tmp_path / "app"
    (app / "templates").mkdir(parents=True)
    template, module = app / "templates" / "rows.html", app / "views.py"
    template.write_text("{{ letter.subject }}")
    module.write_text("LABEL = 'Biasa'")
    first = release_fingerprint([app])

    (app / "notes.txt").write_text("not code")
    assert release_fingerprint([app]) == first, "only templates and modules count"
    template.write_text("{{ letter.subject }} {{ letter.urgency }}")
    edited_template = release_fingerprint([app])
    module.write_text("LABEL = 'Segera'")

    assert len({first, edited_template, release_fingerprint([app])}) == 3
