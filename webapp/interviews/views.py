"""Candidate pages: the practice page, starting an interview, the interview itself (and its
recorded answers), the report, transcripts and history. Thin views over webapp.interviews.interviews."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from interviewer.dialog.policy import InterviewSettings
from interviewer.voice.transcribe import VoiceError
from webapp.dbasync import db
from webapp.documents import knowledge, search, services
from webapp.documents.forms import ResumeUploadForm
from webapp.documents.models import JobPosting, Resume, Seniority
from webapp.forms import parse_id
from webapp.interviews import again, interviews, progress, retry, timing, voice
from webapp.interviews.forms import StartInterviewForm
from webapp.interviews.models import InterviewSession
from webapp.serving import models_registry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from webapp.views import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = services.clean_user_text(request.GET.get("q", ""), single_line=True)[:200]
    seniority = request.GET.get("seniority", "")
    seniority = seniority if seniority in Seniority.values else ""
    jobs = search.search_jobs(query, seniority)
    resumes = Resume.objects.filter(owner=request.user).annotate(
        fact_count=Count("facts", filter=Q(facts__hidden=False))
    )
    context = {
        "resumes": resumes,
        "jobs": jobs[:100],
        "job_count": jobs.count(),
        "query": query,
        "seniority": seniority,
        "seniorities": [c for c in Seniority.choices if c[0]],
        "interviews": InterviewSession.objects.filter(candidate=request.user).select_related("job")[:10],
        "upload_form": ResumeUploadForm(),
    }
    return render(request, "webapp/home.html", context)


@login_required
def new_interview(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    """Pick a resume, see the match (covered requirements and gaps), choose length and kind, start."""
    job = get_object_or_404(JobPosting, pk=job_id)
    resumes = Resume.objects.filter(owner=request.user)
    chosen = parse_id(request.POST.get("resume") or request.GET.get("resume"))
    resume = (resumes.filter(pk=chosen).first() if chosen is not None else None) or resumes.first()
    form = StartInterviewForm(request.POST or None)
    if request.method == "POST" and resume is not None and form.is_valid():
        data = form.cleaned_data
        chosen_settings = InterviewSettings(
            questions=data["questions"],
            minutes=float(data["minutes"]) if data["length"] == "minutes" else None,
            kind=data["kind"],
            style=data["style"],
            mode=data["mode"],
        )
        session = interviews.start(request.user, resume, job, chosen_settings, data["answer_seconds"])
        return redirect("interview", session_id=session.pk)
    report = knowledge.match(resume, job).as_dict() if resume else None
    models_registry.warm()  # an interview may start from this page: have the generator loaded by then
    return render(
        request,
        "webapp/new_interview.html",
        {"job": job, "resume": resume, "resumes": resumes, "report": report, "form": form},
    )


def _own_session(request: AuthenticatedHttpRequest, session_id: int) -> InterviewSession:
    """The session if it is the user's; 404 otherwise (never 403: ids are not confirmed)."""
    return get_object_or_404(
        InterviewSession.objects.select_related("job", "resume"), pk=session_id, candidate=request.user
    )


@login_required
def interview(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = _own_session(request, session_id)
    voice_settings = {"enabled": settings.VOICE_ENABLED, "max_seconds": settings.VOICE_MAX_SECONDS}
    voice_settings["max_mb"] = settings.VOICE_MAX_MB
    context = {"session": session, "settings": session.settings, "voice": voice_settings}
    context["answer_target"] = timing.target(session.settings.get("answer_seconds"))
    response = render(request, "webapp/interview.html", context)
    response["Permissions-Policy"] = "microphone=(self), camera=(), geolocation=()"  # voice answers (issue 14)
    return response


VOICE_STATUS = {"too_big": 413, "too_long": 413, "unsupported_format": 415, "silence": 422, "unintelligible": 422}
log = logging.getLogger(__name__)


@require_POST
async def transcribe(request: HttpRequest, session_id: int) -> JsonResponse:
    """A recorded answer (the raw body) -> {take, text, duration, words, delivery, kept}.

    Async, and the transcription runs in webapp.interviews.voice's own executor: never on the thread that
    serves interview sockets. Refusals are JSON {error, message} with a message for the candidate;
    nothing is stored unless the recording was transcribed, and the audio only with ``?keep=1``.
    """
    user = await request.auser()
    if not user.is_authenticated:
        return _refuse("signed_out", "Your session has expired: sign in again.", 403)
    session = await db(_session_or_none)(session_id, user)
    if session is None:
        return _refuse("not_found", "This interview is not available.", 404)
    if not settings.VOICE_ENABLED:
        return _refuse("voice_off", "Voice answers are turned off on this server: type your answer.", 404)
    if session.status == InterviewSession.Status.ENDED:
        return _refuse("interview_ended", "This interview has ended.", 409)
    data = request.read(voice.limits().max_bytes + 1)
    try:
        heard = await voice.transcribe(data)
    except VoiceError as exc:
        return _refuse(exc.code, exc.message, VOICE_STATUS.get(exc.code, 422))
    except voice.Busy:
        return _refuse("busy", "Many recordings are being transcribed: try again in a moment, or type.", 503)
    except Exception:  # noqa: BLE001 - the candidate gets a message and can type instead
        log.exception("interview %s: transcription failed", session_id)
        return _refuse("failed", "Transcription failed: please type your answer instead.", 500)
    take = await db(voice.store_take)(session, heard, data, request.GET.get("keep") == "1")
    return JsonResponse(voice.take_payload(take))


def _session_or_none(session_id: int, user: User) -> InterviewSession | None:
    return InterviewSession.objects.filter(pk=session_id, candidate=user).first()


def _refuse(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


@login_required
def report(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = _own_session(request, session_id)
    if session.status != InterviewSession.Status.ENDED:
        return redirect("interview", session_id=session.pk)
    data = session.report or interviews.end(session)
    return render(
        request, "webapp/report.html", {"session": session, "report": data, "turns": interviews.turns(session)}
    )


AGAIN_STATUS = {"no_such_answer": 404, "empty_answer": 400, "answer_too_long": 400}


@login_required
@require_POST
def answer_again(request: AuthenticatedHttpRequest, session_id: int, index: int) -> JsonResponse:
    """Practice mode: another attempt at the answer ``index`` ({"text"}), kept beside the first."""
    session = _own_session(request, session_id)
    try:
        text = json.loads(request.body or b"{}").get("text", "")
    except (ValueError, AttributeError):
        return _refuse("bad_request", 'Send the answer as JSON: {"text": "..."}.', 400)
    try:
        return JsonResponse(again.add(session, index, str(text)))
    except interviews.InterviewError as exc:
        return _refuse(exc.code, exc.message, AGAIN_STATUS.get(exc.code, 409))


@login_required
@require_POST
def practise_again(request: AuthenticatedHttpRequest, session_id: int, number: int) -> HttpResponse:
    """Practise question ``number`` of an ended interview again, in a short session of its own."""
    session = _own_session(request, session_id)
    if session.status != InterviewSession.Status.ENDED:
        return redirect("interview", session_id=session.pk)
    try:
        retried = retry.start(request.user, session, number)
    except retry.RetryError as exc:
        raise Http404(str(exc)) from None
    return redirect("interview", session_id=retried.pk)


@login_required
def transcript(request: AuthenticatedHttpRequest, session_id: int, fmt: str) -> HttpResponse:
    session = _own_session(request, session_id)
    if fmt not in ("md", "json"):
        raise Http404("Transcripts come as .md or .json")
    name = f"interview-{session.pk}"
    if fmt == "json":
        response = HttpResponse(json.dumps(interviews.transcript(session), indent=2), content_type="application/json")
    else:
        response = HttpResponse(interviews.transcript_markdown(session), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{"json" if fmt == "json" else "md"}"'
    return response


@login_required
def my_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """*My progress*: scores across finished interviews as charts, and the requirements practised."""
    return render(request, "webapp/progress.html", progress.page(request.user))


@login_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    sessions = InterviewSession.objects.filter(candidate=request.user).select_related("job", "resume")
    return render(request, "webapp/history.html", {"sessions": sessions})
