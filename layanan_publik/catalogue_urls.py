from django.urls import path

from kantor_virtual.views import home  # placeholder until the catalogue views exist

app_name = "layanan"

urlpatterns = [
    path("layanan/", home, name="catalogue"),
]
