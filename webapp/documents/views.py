"""Candidate pages for their own resumes: upload one, and review, correct, delete or add its facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from interviewer.documents.base import DocumentError
from webapp.documents import knowledge, services
from webapp.documents.forms import ResumeUploadForm
from webapp.documents.models import Fact, Resume

if TYPE_CHECKING:
    from webapp.views import AuthenticatedHttpRequest


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
