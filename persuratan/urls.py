from django.urls import path

from persuratan import views

app_name = "persuratan"

urlpatterns = [
    path("surat-masuk/", views.inbox, name="inbox"),
    path("surat-masuk/catat/", views.register, name="register"),
    path("surat-masuk/catat/cek-duplikat/", views.duplicate_check, name="duplicate_check"),
    path("surat-masuk/catat/saran-pengirim/", views.sender_suggestions, name="sender_suggestions"),
    path("surat-masuk/catat/jabatan/", views.positions, name="positions"),
    path("surat-masuk/agenda/", views.agenda, name="agenda"),
    path("surat-masuk/<int:pk>/", views.letter, name="letter"),
    path("surat-masuk/<int:pk>/berkas/", views.letter_files, name="letter_files"),
    path("surat-masuk/<int:pk>/berkas/<int:file_pk>/", views.letter_file, name="letter_file"),
    path(
        "surat-masuk/<int:pk>/berkas/<int:file_pk>/dapat-dicari/",
        views.letter_file_ocr,
        name="letter_file_ocr",
    ),
    path("surat-masuk/<int:pk>/bagikan/", views.share, name="share"),
    path("surat-masuk/<int:pk>/bagikan/pegawai/", views.share_people, name="share_people"),
]
