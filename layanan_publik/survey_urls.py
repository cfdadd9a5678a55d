from django.urls import path

from kantor_virtual.views import home  # placeholder until the survey and complaint views exist

app_name = "skm"

urlpatterns = [
    path("statistik/", home, name="statistics"),
    path("pengaduan/", home, name="complaint_new"),
]
