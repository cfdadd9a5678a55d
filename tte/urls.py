from django.urls import path

from tte import views

app_name = "tte"

urlpatterns = [path("tte/crl/", views.crl, name="crl")]
