from django.urls import path

from layanan_publik import complaint_views, survey_views

app_name = "skm"

urlpatterns = [
    path("statistik/", survey_views.statistics, name="statistics"),
    path("permohonan/<str:code>/survei/", survey_views.survey, name="survey"),
    path("permohonan/<str:code>/survei/terima-kasih/", survey_views.survey_thanks, name="survey_thanks"),
    path("pengaduan/", complaint_views.complaints, name="complaint_new"),
    path("pengaduan/<str:code>/", complaint_views.complaint, name="complaint"),
    path("pengaduan-masuk/", complaint_views.inbox, name="complaint_inbox"),
    path("pengaduan-masuk/<str:code>/", complaint_views.answer, name="complaint_answer"),
]
