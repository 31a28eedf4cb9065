from __future__ import annotations

from django.urls import path

from webapp.documents import views

urlpatterns = [
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
]
