from __future__ import annotations

from django.urls import path

from webapp.interviews import views

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<int:job_id>/interview/", views.new_interview, name="new_interview"),
    path("interviews/", views.history, name="history"),
    path("progress/", views.my_progress, name="progress"),
    path("interviews/<int:session_id>/", views.interview, name="interview"),
    path("interviews/<int:session_id>/report/", views.report, name="report"),
    path("interviews/<int:session_id>/again/<int:number>/", views.practise_again, name="practise_again"),
    path("interviews/<int:session_id>/answers/<int:index>/again/", views.answer_again, name="answer_again"),
    path("interviews/<int:session_id>/transcribe/", views.transcribe, name="transcribe"),
    path("interviews/<int:session_id>/transcript.<str:fmt>", views.transcript, name="transcript"),
]
