from django.urls import path

from persuratan import verification_views

app_name = "verifikasi"

urlpatterns = [
    path("verifikasi/", verification_views.upload, name="upload"),
    path("verifikasi/<str:code>/", verification_views.letter, name="letter"),
]
