"""Forms that validate uploads; each turns a DocumentError into a form error."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.http import QueryDict

from interviewer.documents.base import JOB, RESUME, SUPPORTED_EXTENSIONS, DocumentError
from webapp.documents import services
from webapp.forms import parse_id


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DocumentAdminForm(forms.ModelForm[services.Document]):
    """Admin add/change form: a file or pasted text; parsed before anything is saved."""

    upload = forms.FileField(
        required=False,
        help_text="PDF, DOCX, TXT or Markdown. Leave empty to use the text below.",
    )
    kind = JOB

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].help_text = "Paste the text, or upload a file above."
        title_field = "title" if self.kind == JOB else "label"
        self.fields[title_field].required = False
        self.fields[title_field].help_text = "Taken from the first line of the document when left empty."
        self.parsed: services.Prepared | None = None

    # Set by the admin for one request: a services.Prepared, or the DocumentError reading raised.
    prepared: services.Prepared | DocumentError | None = None

    def spec(self, cleaned: dict[str, Any]) -> services.DocumentSpec:
        """The document the form describes: the uploaded file, else the pasted text."""
        upload = cleaned.get("upload")
        if upload:
            return services.DocumentSpec(kind=self.kind, data=services.read_upload(upload), filename=upload.name)
        if not (cleaned.get("text") or "").strip():
            raise DocumentError("Upload a file or paste the text.")
        return services.DocumentSpec(kind=self.kind, text=cleaned["text"])

    def clean(self) -> dict[str, Any]:
        cleaned = cast("dict[str, Any]", super().clean())  # a ModelForm's clean returns cleaned_data
        try:
            # The admin's async wrapper (webapp/documents/admin.py) read the document off the socket thread.
            prepared = self.prepared or services.prepare(self.spec(cleaned))
            if isinstance(prepared, DocumentError):
                raise prepared
        except DocumentError as exc:
            raise forms.ValidationError(str(exc)) from None
        self.parsed = prepared
        cleaned["text"] = prepared.text
        upload = cleaned.get("upload")
        if upload:
            cleaned["source_file"] = services.clean_user_text(upload.name, single_line=True)[:500]
        title_field = "title" if self.kind == JOB else "label"
        if not cleaned.get(title_field):
            title = services.guess_title(cleaned["text"], cleaned.get("source_file", ""), self.kind)
            cleaned[title_field] = services.clean_user_text(title, single_line=True)[:200]
        for name in ("text", "source_file", title_field):
            if name in cleaned:
                setattr(self.instance, name, cleaned[name])
        return cleaned


class JobPostingAdminForm(DocumentAdminForm):
    kind = JOB


class ResumeAdminForm(DocumentAdminForm):
    kind = RESUME

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The admin's autocomplete widget queries the posted owner id while re-rendering the
        # form: "abc" or a 20-digit id would crash it (ValueError / OverflowError). Refuse it here.
        owner = self.data.get("owner", "") if self.is_bound else ""
        self.bad_owner = bool(owner) and parse_id(owner) is None
        if self.bad_owner:
            self.data = cast(QueryDict, self.data).copy()  # bound by the admin: request.POST
            self.data["owner"] = ""

    def clean(self) -> dict[str, Any]:
        if self.bad_owner:
            self.add_error("owner", "Select a valid owner: that id is not a number.")
        return super().clean()


class BulkImportForm(forms.Form):
    files = MultipleFileField(required=False, help_text="Several PDF, DOCX, TXT or Markdown files, or CSV files.")  # type: ignore[assignment]  # a declared field (moved to base_fields), not BaseForm.files
    text_column = forms.CharField(
        required=False, initial="text", help_text="CSV only: the column holding the document text."
    )
    title_column = forms.CharField(
        required=False, help_text="CSV only: the column holding the title (job) or label (resume)."
    )
    all_or_nothing = forms.BooleanField(
        required=False, help_text="Store nothing if any file or row cannot be read (default: keep the good ones)."
    )

    def __init__(self, *args: Any, kind: str = JOB, owner: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.owner = owner
        self.specs: list[services.DocumentSpec] = []
        self.files_read: list[tuple[str, bytes]] = []

    def options(self) -> dict[str, str | None]:
        """The CSV columns chosen (cleaned)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "text_column": (data.get("text_column") or "text").strip(),
            "title_column": (data.get("title_column") or "").strip() or None,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = cast("dict[str, Any]", super().clean())  # a Form's clean returns cleaned_data
        files = cleaned.get("files") or []
        if not files:
            raise forms.ValidationError("Choose at least one file.")
        try:
            self.files_read = [(upload.name, services.read_upload(upload)) for upload in files]
            self.specs = services.specs_from_files(
                self.kind, self.files_read, self.options()["text_column"], self.options()["title_column"], self.owner
            )
        except DocumentError as exc:
            raise forms.ValidationError(str(exc)) from None
        return cleaned


class ResumeUploadForm(forms.Form):
    """A candidate's own resume: a file, or pasted text."""

    file = forms.FileField(
        required=False,
        help_text="PDF, DOCX, TXT or Markdown (.md).",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text="Or paste the text.")
    label = forms.CharField(required=False, max_length=200, help_text="A name for this resume (optional).")

    def spec(self, owner: User | None) -> services.DocumentSpec:
        """The document to create; raises DocumentError with a message for the form."""
        upload = self.cleaned_data.get("file")
        meta = {"label": self.cleaned_data.get("label", "")}
        if upload:
            return services.DocumentSpec(
                kind=RESUME, data=services.read_upload(upload), filename=upload.name, meta=meta, owner=owner
            )
        if (self.cleaned_data.get("text") or "").strip():
            return services.DocumentSpec(kind=RESUME, text=self.cleaned_data["text"], meta=meta, owner=owner)
        raise DocumentError("Choose a file or paste your resume.")
