from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from webapp import views
from webapp.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("resumes/upload/", views.upload_resume, name="upload_resume"),
    path("resumes/<int:resume_id>/facts/", views.resume_facts, name="resume_facts"),
    path("resumes/<int:resume_id>/facts/<int:fact_id>/delete/", views.hide_fact, name="delete_fact"),
    path(
        "resumes/<int:resume_id>/facts/<int:fact_id>/restore/",
        views.hide_fact,
        {"hidden": False},
        name="restore_fact",
    ),
    path("resumes/<int:resume_id>/facts/<int:fact_id>/edit/", views.edit_fact, name="edit_fact"),
    path("resumes/<int:resume_id>/facts/add/", views.add_fact, name="add_fact"),
    path("jobs/<int:job_id>/interview/", views.new_interview, name="new_interview"),
    path("interviews/", views.history, name="history"),
    path("interviews/<int:session_id>/", views.interview, name="interview"),
    path("interviews/<int:session_id>/report/", views.report, name="report"),
    path("interviews/<int:session_id>/transcribe/", views.transcribe, name="transcribe"),
    path("interviews/<int:session_id>/transcript.<str:fmt>", views.transcript, name="transcript"),
    path("admin/", admin.site.urls),
]
