from django.urls import path

from disposisi import sheet_views

app_name = "lembar_disposisi"

urlpatterns = [
    path("disposisi/surat/<int:letter_pk>/lembar/", sheet_views.ask, name="request"),
    path("disposisi/surat/<int:letter_pk>/lembar/status/", sheet_views.status, name="status"),
    path("disposisi/surat/<int:letter_pk>/lembar/unduh/", sheet_views.download, name="download"),
]
