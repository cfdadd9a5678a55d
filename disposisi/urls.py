from django.urls import path

from disposisi import views

app_name = "disposisi"

urlpatterns = [
    path("disposisi/<int:pk>/teruskan/", views.dispose_page, name="dispose"),
    path("disposisi/<int:pk>/teruskan/jabatan/", views.positions, name="positions"),
    path("disposisi/<int:pk>/tindak-lanjut/", views.follow_up_page, name="follow_up"),
    path("disposisi/<int:pk>/tarik/", views.withdraw_view, name="withdraw"),
    path("disposisi/berkas/<int:pk>/", views.follow_up_file_view, name="follow_up_file"),
]
