"""Candidate pages: thin views over webapp.services and webapp.interviews."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, cast

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from interviewer.dialog.policy import InterviewSettings
from interviewer.documents.base import DocumentError
from interviewer.voice.transcribe import VoiceError
from webapp import interviews, knowledge, models_registry, search, services, voice
from webapp.dbasync import db
from webapp.forms import ResumeUploadForm, SignupForm, StartInterviewForm, parse_id
from webapp.models import Fact, InterviewSession, JobPosting, Resume, Seniority

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from django.contrib.auth.models import User

    class AuthenticatedHttpRequest(HttpRequest):
        """A request to a @login_required view: its user is signed in."""

        user: User
        auser: Callable[[], Awaitable[User]]


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()  # None when a twin username won a race: the form says so
        if user is not None:
            login(request, user, backend="webapp.backends.FoldedUsernameBackend")
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


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
@require_POST
async def upload_resume(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Async: the file is read, parsed and embedded off the thread that serves interview sockets
    (under ASGI, sync views and the consumers' database calls share one thread per process)."""
    user = await request.auser()
    form = await sync_to_async(_bound_upload_form, thread_sensitive=False)(request)
    if form.is_valid():
        try:
            spec = form.spec(user)
            prepared = await services.aprepare([spec])
            resume = cast(Resume, await sync_to_async(services.store)(spec, prepared[0]))  # a resume spec
        except DocumentError as exc:
            messages.error(request, str(exc))
        else:
            facts = len(prepared[0].facts)
            messages.success(request, f"Uploaded “{resume.label}”: {facts} facts found.")
            for note in prepared[0].notes:
                messages.warning(request, note)
            target = request.POST.get("next") or "/"
            safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
            return redirect(target if safe else "/")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("home")


def _bound_upload_form(request: HttpRequest) -> ResumeUploadForm:
    """Parses the multipart body (temporary files, no database) and validates the form."""
    form = ResumeUploadForm(request.POST, request.FILES)
    form.is_valid()
    return form


@login_required
def resume_facts(request: AuthenticatedHttpRequest, resume_id: int) -> HttpResponse:
    """What was read from one of the user's resumes, by section; wrong facts can be deleted here."""
    resume = get_object_or_404(Resume, pk=resume_id, owner=request.user)
    back = _safe_next(request, request.GET.get("next"))
    return render(
        request,
        "webapp/resume_facts.html",
        {
            "resume": resume,
            "sections": knowledge.sections(resume),
            "deleted": knowledge.deleted(resume),
            "next": back,
            "add_sections": [(name, knowledge.section_label(name)) for name in services.RESUME_SECTIONS_TO_ADD],
            "max_chars": services.MAX_FACT_CHARS,
        },
    )


@login_required
@require_POST
def hide_fact(request: AuthenticatedHttpRequest, resume_id: int, fact_id: int, hidden: bool = True) -> HttpResponse:
    """Delete (hide) or restore one fact of the user's own resume; 404 for anyone else's."""
    fact = get_object_or_404(Fact, pk=fact_id, resume_id=resume_id, resume__owner=request.user)
    fact.hidden = hidden
    fact.save(update_fields=["hidden"])
    if hidden:
        messages.success(request, f"Deleted “{fact.text[:80]}”: your interviews will not use it.")
    else:
        messages.success(request, f"Restored “{fact.text[:80]}”.")
    return _back_to_facts(request, resume_id)


@login_required
@require_POST
def edit_fact(request: AuthenticatedHttpRequest, resume_id: int, fact_id: int) -> HttpResponse:
    """Correct one fact of the user's own resume; 404 for anyone else's."""
    fact = get_object_or_404(Fact, pk=fact_id, resume_id=resume_id, resume__owner=request.user)
    text = services.clean_user_text(request.POST.get("text", ""), single_line=True)
    error = services.fact_text_error(text)
    if error:
        messages.error(request, error)
    elif text != fact.text:
        services.edit_fact(fact, text)
        messages.success(request, f"Saved “{text[:80]}”: your interviews will use it as you wrote it.")
    return _back_to_facts(request, resume_id, fact.pk)


@login_required
@require_POST
def add_fact(request: AuthenticatedHttpRequest, resume_id: int) -> HttpResponse:
    """Add a fact the parser missed to the user's own resume; 404 for anyone else's."""
    resume = get_object_or_404(Resume, pk=resume_id, owner=request.user)
    text = services.clean_user_text(request.POST.get("text", ""), single_line=True)
    section = request.POST.get("section", "")
    error = services.fact_text_error(text)
    if section not in services.RESUME_SECTIONS_TO_ADD:
        error = error or "Choose the section the fact belongs to."
    if error:
        messages.error(request, error)
        return _back_to_facts(request, resume_id)
    fact = services.add_fact(resume, section, text)
    messages.success(request, f"Added “{text[:80]}” to {knowledge.section_label(section)}.")
    return _back_to_facts(request, resume_id, fact.pk)


def _back_to_facts(request: HttpRequest, resume_id: int, fact_id: int | None = None) -> HttpResponse:
    target = reverse("resume_facts", args=[resume_id])
    back = _safe_next(request, request.POST.get("next"))
    query = f"?{urlencode({'next': back})}" if back else ""
    return redirect(f"{target}{query}{f'#fact-{fact_id}' if fact_id else ''}")


def _safe_next(request: HttpRequest, target: str | None) -> str:
    """``target`` when it is a path on this site, else ""."""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


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
        )
        session = interviews.start(request.user, resume, job, chosen_settings)
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
    response = render(
        request, "webapp/interview.html", {"session": session, "settings": session.settings, "voice": voice_settings}
    )
    response["Permissions-Policy"] = "microphone=(self), camera=(), geolocation=()"  # voice answers (issue 14)
    return response


VOICE_STATUS = {"too_big": 413, "too_long": 413, "unsupported_format": 415, "silence": 422, "unintelligible": 422}
log = logging.getLogger(__name__)


@require_POST
async def transcribe(request: HttpRequest, session_id: int) -> JsonResponse:
    """A recorded answer (the raw body) -> {take, text, duration, words, delivery, kept}.

    Async, and the transcription runs in webapp.voice's own executor: never on the thread that
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
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    sessions = InterviewSession.objects.filter(candidate=request.user).select_related("job", "resume")
    return render(request, "webapp/history.html", {"sessions": sessions})
