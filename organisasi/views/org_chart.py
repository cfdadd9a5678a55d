"""The org chart pages for admin_opd: the position tree, positions, assignments, Plt/Plh, CSV import."""

urlpatterns: list = []
