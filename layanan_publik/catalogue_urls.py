from django.urls import path

from layanan_publik import catalogue_views as views

app_name = "layanan"

urlpatterns = [
    path("layanan/", views.catalogue_page, name="catalogue"),
    path("layanan/<str:opd_code>/", views.catalogue_page, name="opd"),
    path("layanan/<str:opd_code>/<slug:slug>/", views.service_page, name="service"),
    path("kelola-layanan/", views.manage, name="manage"),
    path("kelola-layanan/baru/", views.service_create, name="create"),
    path("kelola-layanan/kirim-surat/", views.general_create, name="general_create"),
    path("kelola-layanan/maklumat/", views.pledge_edit, name="pledge"),
    path("kelola-layanan/jabatan/", views.positions, name="positions"),
    path("kelola-layanan/<int:pk>/", views.service_edit, name="edit"),
    path("kelola-layanan/<int:pk>/<str:part_key>/", views.part_add, name="part_add"),
    path("kelola-layanan/<int:pk>/<str:part_key>/<int:item_id>/", views.part_edit, name="part_edit"),
    path("kelola-layanan/<int:pk>/<str:part_key>/<int:item_id>/pindah/", views.part_move, name="part_move"),
    path(
        "kelola-layanan/<int:pk>/<str:part_key>/<int:item_id>/hapus/", views.part_remove, name="part_remove"
    ),
]
