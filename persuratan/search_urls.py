from django.urls import path

from persuratan import search_views

app_name = "pencarian"

urlpatterns = [
    path("surat-masuk/cari/", search_views.search, name="search"),
]
