"""Admin: upload and bulk-import documents, see their facts, match a resume to a job, follow imports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.cache import never_cache

from interviewer.documents.base import JOB, RESUME, DocumentError
from webapp.documents import forms as document_forms
from webapp.documents import imports, knowledge, services
from webapp.documents.forms import BulkImportForm, JobPostingAdminForm, ResumeAdminForm
from webapp.documents.models import Fact, ImportJob, JobPosting, Resume
from webapp.forms import parse_id

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_LISTED_FAILURES = 20


class FactInline(admin.TabularInline[Fact, services.Document]):
    model = Fact
    fields = ("position", "section", "kind", "text", "askable", "hidden", "context", "embedded")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: services.Document | None = None) -> bool:
        return False

    @admin.display(boolean=True, description="Embedded")
    def embedded(self, fact: Fact) -> bool:
        return bool(fact.embedding_model)


class DocumentAdmin(admin.ModelAdmin[services.Document]):
    """Shared behaviour of the job-posting and resume admins."""

    kind = JOB
    inlines = [FactInline]
    actions = ["reparse_documents"]
    change_list_template = "admin/webapp/document_change_list.html"
    readonly_fields = ("source_file", "created")

    class Media:
        js = ("webapp/saving.js",)  # a long document takes seconds to read: the form says so

    def get_inlines(
        self, request: HttpRequest, obj: services.Document | None
    ) -> list[type[InlineModelAdmin[Any, Any]]]:
        return self.inlines if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: services.Document, form: document_forms.DocumentAdminForm, change: bool
    ) -> None:
        text_changed = not change or "text" in form.changed_data or form.cleaned_data.get("upload")
        super().save_model(request, obj, form, change)
        if text_changed:
            # The form read the document already (off the socket thread); store its facts here.
            prepared = cast(services.Prepared, form.parsed)  # a valid form read its document
            services.replace_facts(obj, prepared)  # facts the owner deleted stay deleted
            for note in prepared.notes:
                self.message_user(request, note, messages.WARNING)

    def get_form(
        self, request: HttpRequest, obj: services.Document | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[services.Document]]:
        form = super().get_form(request, obj, change, **kwargs)
        prepared = getattr(request, "prepared_document", None)
        return type(form.__name__, (form,), {"prepared": prepared}) if prepared is not None else form

    def _reading_first(self, callback: Callable[..., HttpResponseBase]) -> Callable[..., Awaitable[HttpResponseBase]]:
        """An async front for the add and change views: a posted document is read and embedded
        off the thread that serves interview sockets, then the (sync) admin view stores it."""

        async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST":
                user = await request.auser()
                if user.is_active and user.is_staff:
                    request.prepared_document = await self._read_posted(request)  # type: ignore[attr-defined]  # read back by get_form
            return await sync_to_async(callback)(request, *args, **kwargs)

        return view

    async def _read_posted(self, request: HttpRequest) -> services.Prepared | DocumentError | None:
        files, post = await sync_to_async(lambda: (request.FILES, request.POST), thread_sensitive=False)()
        upload = files.get("upload")
        try:
            if upload:
                data = await sync_to_async(services.read_upload, thread_sensitive=False)(upload)
                spec = services.DocumentSpec(kind=self.kind, data=data, filename=upload.name or "")
            elif (post.get("text") or "").strip():
                spec = services.DocumentSpec(kind=self.kind, text=post["text"])
            else:
                return None  # the form says what is missing
            return (await services.aprepare([spec]))[0]
        except DocumentError as exc:
            return exc

    @admin.display(description="Facts")
    def fact_count(self, obj: services.Document) -> int:
        return obj.facts.count()

    @admin.action(description="Re-parse the selected documents")
    def reparse_documents(self, request: HttpRequest, queryset: QuerySet[services.Document]) -> None:
        total = 0
        for document in queryset:
            try:
                total += services.reparse(document)
            except DocumentError as exc:
                self.message_user(request, f"{document}: {exc}", messages.ERROR)
        self.message_user(request, f"Re-parsed {queryset.count()} document(s): {total} facts.", messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:
        names = {self._url_name("add"), self._url_name("change")}
        urls = [
            URLPattern(u.pattern, self._reading_first(u.callback), u.default_args, u.name)
            if getattr(u, "name", None) in names
            else u
            for u in super().get_urls()
        ]
        return [path("import/", self.import_view, name=self._url_name("import"))] + urls

    def _url_name(self, view: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{view}"

    @method_decorator(never_cache)
    async def import_view(self, request: HttpRequest) -> HttpResponse:
        """Bulk import from several files and CSVs: the readable ones are stored, each bad row or
        file is reported (or nothing, if the form asks for all or nothing). More than
        IMPORT_BACKGROUND_ROWS documents become a background job with its progress in the admin.

        Async so the files are read and embedded off the thread that serves interview sockets;
        the permission checks of ``admin_site.admin_view`` are made here (CSRF by the middleware).
        """
        user = await request.auser()
        if not (user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not await sync_to_async(self.has_add_permission)(request):
            return redirect("admin:index")
        owner = user if self.kind == RESUME else None
        form = await sync_to_async(self._import_form, thread_sensitive=False)(request, owner)
        if request.method == "POST" and form.is_valid():
            if len(form.specs) > settings.IMPORT_BACKGROUND_ROWS and not form.cleaned_data["all_or_nothing"]:
                job = await sync_to_async(imports.enqueue)(self.kind, form.files_read, form.options(), owner)
                return redirect(reverse("admin:documents_importjob_change", args=[job.pk]))
            prepared = await services.aprepare_many(form.specs)
            try:
                result = await sync_to_async(services.store_many)(
                    form.specs, prepared, form.cleaned_data["all_or_nothing"]
                )
            except DocumentError as exc:
                form.add_error(None, f"Nothing was imported: {exc}")
            else:
                if result.created:
                    return await sync_to_async(self._imported)(request, result)
                for line in result.failure_lines()[:MAX_LISTED_FAILURES]:
                    form.add_error(None, f"Not imported: {line}")
        return await sync_to_async(self._import_page)(request, form)

    def _import_form(self, request: HttpRequest, owner: User | None) -> document_forms.BulkImportForm:
        """The bound form, validated (files read, CSV rows split): no database work."""
        form = BulkImportForm(request.POST or None, request.FILES or None, kind=self.kind, owner=owner)
        form.is_valid()
        return form

    def _imported(self, request: HttpRequest, result: services.ImportResult) -> HttpResponse:
        facts = sum(d.facts.count() for d in result.created)
        noun = self.model._meta.verbose_name_plural
        self.message_user(request, f"Imported {len(result.created)} {noun} with {facts} facts.", messages.SUCCESS)
        for document in result.created:
            for note in getattr(document, "notes", []):
                self.message_user(request, f"{document}: {note}", messages.WARNING)
        for line in result.failure_lines()[:MAX_LISTED_FAILURES]:
            self.message_user(request, f"Not imported: {line}", messages.ERROR)
        if len(result.failed) > MAX_LISTED_FAILURES:
            self.message_user(
                request, f"... and {len(result.failed) - MAX_LISTED_FAILURES} more not imported.", messages.ERROR
            )
        return redirect(reverse(f"admin:{self._url_name('changelist')}"))

    def _import_page(self, request: HttpRequest, form: document_forms.BulkImportForm) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": f"Import {self.model._meta.verbose_name_plural}",
            "max_upload_mb": services.max_upload_bytes() // (1024 * 1024),
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
        }
        return render(request, "admin/webapp/import.html", context)


@admin.register(JobPosting)
class JobPostingAdmin(DocumentAdmin):
    kind = JOB
    form = JobPostingAdminForm
    list_display = ("title", "company", "location", "seniority", "fact_count", "created")
    list_filter = ("seniority",)
    search_fields = ("title", "company", "location", "text")
    fields = ("upload", "title", "company", "location", "seniority", "text", "source_file", "created")


@admin.register(Resume)
class ResumeAdmin(DocumentAdmin):
    kind = RESUME
    form = ResumeAdminForm
    list_display = ("label", "owner", "fact_count", "match_link", "source_file", "created")
    search_fields = ("label", "text", "owner__username")
    autocomplete_fields = ("owner",)
    fields = ("upload", "label", "owner", "text", "source_file", "created")

    @admin.display(description="Match")
    def match_link(self, resume: Resume) -> SafeString:
        return format_html('<a href="{}">match to a job</a>', reverse("admin:documents_resume_match", args=[resume.pk]))

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.match_view)
        return [path("<int:pk>/match/", view, name="documents_resume_match")] + super().get_urls()

    def match_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The resume against a chosen job: evidence per requirement, gaps, overall score."""
        resume = get_object_or_404(Resume, pk=pk)
        if not self.has_view_permission(request, resume):
            raise PermissionDenied
        chosen = parse_id(request.GET.get("job"))
        job = JobPosting.objects.filter(pk=chosen).first() if chosen is not None else None
        report = knowledge.match(resume, job).as_dict() if job else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Match: {resume}",
            "resume": resume,
            "job": job,
            "jobs": JobPosting.objects.only("id", "title", "company"),
            "report": report,
        }
        return render(request, "admin/webapp/match.html", context)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    """Background bulk imports: progress, what was stored, each row or file not imported."""

    list_display = ("id", "kind", "status", "progress", "created_count", "failure_count", "created", "finished")
    list_filter = ("status", "kind")
    readonly_fields = (
        "kind", "owner", "status", "progress", "created_count", "failure_list", "message", "options", "created",
        "updated", "finished", "worker_hint",
    )  # fmt: skip
    exclude = ("failures", "total", "done")
    actions = ["resume_jobs"]
    change_form_template = "admin/webapp/importjob_change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # jobs come from the import pages

    @admin.display(description="Progress")
    def progress(self, job: ImportJob) -> str:
        share = f" ({100 * job.done // job.total}%)" if job.total else ""
        return f"{job.done} of {job.total or '?'} documents{share}"

    @admin.display(description="Not imported")
    def failure_count(self, job: ImportJob) -> int:
        return len(job.failures)

    @admin.display(description="Not imported (row or file: why)")
    def failure_list(self, job: ImportJob) -> SafeString | str:
        items = format_html_join("", "<li>{}: {}</li>", ((where, why) for where, why in job.failures[:200]))
        more = f" and {len(job.failures) - 200} more" if len(job.failures) > 200 else ""
        return format_html("<ul>{}</ul>{}", items, more) if job.failures else "none"

    @admin.display(description="Worker")
    def worker_hint(self, job: ImportJob) -> str:
        stale = timezone.now() - job.updated > timedelta(seconds=30)
        if job.status == ImportJob.Status.QUEUED and stale and imports.uses_worker():
            return "No import worker has taken this job yet: start one with `manage.py runworker imports`."
        if job.status == ImportJob.Status.RUNNING and timezone.now() - job.updated > timedelta(minutes=10):
            return "No progress for 10 minutes: the worker may have stopped. Resume the job from the list."
        return "ok"

    @admin.action(description="Resume the selected failed or stalled imports")
    def resume_jobs(self, request: HttpRequest, queryset: QuerySet[ImportJob]) -> None:
        resumed = 0
        for job in queryset.exclude(status=ImportJob.Status.FINISHED):
            imports.resume(job)
            resumed += 1
        self.message_user(request, f"Resumed {resumed} import(s); each continues after what it already did.")
