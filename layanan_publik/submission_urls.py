from django.urls import path

from kantor_virtual.views import home  # placeholder until the submission views exist

app_name = "permohonan"

urlpatterns = [
    path("lacak/", home, name="track"),
    path("permohonan/", home, name="mine"),
]
