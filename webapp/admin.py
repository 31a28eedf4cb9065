"""Admin: upload and bulk-import documents, see their facts, sessions, training runs and models."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from interviewer.documents import JOB, RESUME, DocumentError
from webapp import knowledge, services
from webapp.forms import BulkImportForm, JobPostingAdminForm, ResumeAdminForm
from webapp.models import Fact, InterviewSession, JobPosting, ModelVersion, Resume, TrainingRun, Turn


class FactInline(admin.TabularInline):
    model = Fact
    fields = ("position", "section", "text", "askable", "context", "embedded")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    @admin.display(boolean=True, description="Embedded")
    def embedded(self, fact: Fact) -> bool:
        return bool(fact.embedding_model)


class DocumentAdmin(admin.ModelAdmin):
    """Shared behaviour of the job-posting and resume admins."""

    kind = JOB
    inlines = [FactInline]
    actions = ["reparse_documents"]
    change_list_template = "admin/webapp/document_change_list.html"
    readonly_fields = ("source_file", "created")

    def get_inlines(self, request, obj):  # type: ignore[no-untyped-def]
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        text_changed = not change or "text" in form.changed_data or form.cleaned_data.get("upload")
        super().save_model(request, obj, form, change)
        if text_changed:
            # The form parsed the text already; store the facts in the admin's transaction.
            obj.facts.all().delete()
            services.store_facts(obj, form.parsed.facts)

    @admin.display(description="Facts")
    def fact_count(self, obj) -> int:  # type: ignore[no-untyped-def]
        return obj.facts.count()

    @admin.action(description="Re-parse the selected documents")
    def reparse_documents(self, request, queryset):  # type: ignore[no-untyped-def]
        total = 0
        for document in queryset:
            try:
                total += services.reparse(document)
            except DocumentError as exc:
                self.message_user(request, f"{document}: {exc}", messages.ERROR)
        self.message_user(request, f"Re-parsed {queryset.count()} document(s): {total} facts.", messages.SUCCESS)

    def get_urls(self):  # type: ignore[no-untyped-def]
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=self._url_name("import")),
        ] + super().get_urls()

    def _url_name(self, view: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{view}"

    def import_view(self, request):  # type: ignore[no-untyped-def]
        """Bulk import from several files and CSVs: all of them, or none if one fails."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        owner = request.user if self.kind == RESUME else None
        form = BulkImportForm(request.POST or None, request.FILES or None, kind=self.kind, owner=owner)
        if request.method == "POST" and form.is_valid():
            try:
                created = services.create_documents(form.specs)
            except DocumentError as exc:
                form.add_error(None, str(exc))
            else:
                facts = sum(d.facts.count() for d in created)
                noun = self.model._meta.verbose_name_plural
                self.message_user(request, f"Imported {len(created)} {noun} with {facts} facts.", messages.SUCCESS)
                return redirect(reverse(f"admin:{self._url_name('changelist')}"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": f"Import {self.model._meta.verbose_name_plural}",
            "max_upload_mb": services.max_upload_bytes() // (1024 * 1024),
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
    def match_link(self, resume: Resume):  # type: ignore[no-untyped-def]
        return format_html('<a href="{}">match to a job</a>', reverse("admin:webapp_resume_match", args=[resume.pk]))

    def get_urls(self):  # type: ignore[no-untyped-def]
        view = self.admin_site.admin_view(self.match_view)
        return [path("<int:pk>/match/", view, name="webapp_resume_match")] + super().get_urls()

    def match_view(self, request, pk: int):  # type: ignore[no-untyped-def]
        """The resume against a chosen job: evidence per requirement, gaps, overall score."""
        resume = get_object_or_404(Resume, pk=pk)
        if not self.has_view_permission(request, resume):
            raise PermissionDenied
        chosen = request.GET.get("job") or ""
        job = JobPosting.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
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


class TurnInline(admin.TabularInline):
    model = Turn
    fields = ("index", "role", "text", "reason", "latency_ms", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(InterviewSession)
class InterviewSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "candidate", "resume", "job", "status", "started", "ended")
    list_filter = ("status",)
    search_fields = ("candidate__username", "job__title", "resume__label")
    readonly_fields = ("candidate", "resume", "job", "started", "ended", "model_version", "settings", "report")
    inlines = [TurnInline]


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active", "base", "created")
    list_filter = ("kind", "is_active")
    readonly_fields = ("kind", "name", "path", "base", "metrics", "data_hash", "created", "is_active")
    actions = ["make_active"]

    @admin.action(description="Make the selected version active")
    def make_active(self, request, queryset):  # type: ignore[no-untyped-def]
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one model version.", messages.ERROR)
            return
        version = queryset.get()
        from webapp import models_registry

        models_registry.activate(version)
        self.message_user(request, f"{version} is now active.", messages.SUCCESS)


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "started", "finished", "model_version", "summary")
    list_filter = ("kind", "status")
    readonly_fields = ("kind", "status", "arguments", "metrics", "output_dir", "model_version", "started", "finished")

    @admin.display(description="Metrics")
    def summary(self, run: TrainingRun):  # type: ignore[no-untyped-def]
        items = [f"{k}={v:.3f}" for k, v in run.metrics.items() if isinstance(v, (int, float))][:4]
        return format_html("{}", ", ".join(items))
