from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [
    path("tolok-ukur/lantai/<str:code>/", views.floor, name="floor"),
]
