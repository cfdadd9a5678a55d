from django.urls import path

from kantor_virtual.views import home  # placeholder until the account views exist

app_name = "pemohon"

urlpatterns = [
    path("pemohon/daftar/", home, name="register"),
]
