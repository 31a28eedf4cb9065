from __future__ import annotations

from django.urls import path

from webapp import consumers

websocket_urlpatterns = [
    path("ws/health/", consumers.HealthConsumer.as_asgi()),
    path("ws/interview/<int:session_id>/", consumers.InterviewConsumer.as_asgi()),
]
