"""Forms that validate uploads; each turns a DocumentError into a form error."""

from __future__ import annotations

from django import forms

from interviewer.documents import JOB, RESUME, DocumentError, extract_text, parse_document
from interviewer.vocabulary import InterviewKind
from webapp import services


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DocumentAdminForm(forms.ModelForm):
    """Admin add/change form: a file or pasted text; parsed before anything is saved."""

    upload = forms.FileField(
        required=False,
        help_text="PDF, DOCX, TXT or Markdown. Leave empty to use the text below.",
    )
    kind = JOB

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].help_text = "Paste the text, or upload a file above."
        title_field = "title" if self.kind == JOB else "label"
        self.fields[title_field].required = False
        self.fields[title_field].help_text = "Taken from the first line of the document when left empty."
        self.parsed = None

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        upload = cleaned.get("upload")
        try:
            if upload:
                data = services.read_upload(upload)
                cleaned["text"] = extract_text(data, upload.name)
                cleaned["source_file"] = upload.name
            elif not (cleaned.get("text") or "").strip():
                raise DocumentError("Upload a file or paste the text.")
            self.parsed = parse_document(cleaned["text"], self.kind)
        except DocumentError as exc:
            raise forms.ValidationError(str(exc)) from None
        cleaned["text"] = self.parsed.text
        title_field = "title" if self.kind == JOB else "label"
        if not cleaned.get(title_field):
            cleaned[title_field] = services.guess_title(cleaned["text"], cleaned.get("source_file", ""))[:200]
        for name in ("text", "source_file", title_field):
            if name in cleaned:
                setattr(self.instance, name, cleaned[name])
        return cleaned


class JobPostingAdminForm(DocumentAdminForm):
    kind = JOB


class ResumeAdminForm(DocumentAdminForm):
    kind = RESUME


class BulkImportForm(forms.Form):
    files = MultipleFileField(required=False, help_text="Several PDF, DOCX, TXT or Markdown files, or CSV files.")
    text_column = forms.CharField(
        required=False, initial="text", help_text="CSV only: the column holding the document text."
    )
    title_column = forms.CharField(
        required=False, help_text="CSV only: the column holding the title (job) or label (resume)."
    )

    def __init__(self, *args, kind: str = JOB, owner=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.owner = owner
        self.specs: list[services.DocumentSpec] = []

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        files = cleaned.get("files") or []
        if not files:
            raise forms.ValidationError("Choose at least one file.")
        try:
            for upload in files:
                data = services.read_upload(upload)
                if upload.name.lower().endswith(".csv"):
                    self.specs.extend(
                        services.csv_specs(
                            self.kind,
                            data,
                            upload.name,
                            (cleaned.get("text_column") or "text").strip(),
                            (cleaned.get("title_column") or "").strip() or None,
                            owner=self.owner,
                        )
                    )
                elif services.is_supported(upload.name):
                    self.specs.append(
                        services.DocumentSpec(kind=self.kind, data=data, filename=upload.name, owner=self.owner)
                    )
                else:
                    raise DocumentError(f"{upload.name}: unsupported file type; use PDF, DOCX, TXT, Markdown or CSV.")
        except DocumentError as exc:
            raise forms.ValidationError(str(exc)) from None
        return cleaned


class ResumeUploadForm(forms.Form):
    """A candidate's own resume: a file, or pasted text."""

    file = forms.FileField(required=False, help_text="PDF, DOCX or TXT.")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text="Or paste the text.")
    label = forms.CharField(required=False, max_length=200, help_text="A name for this resume (optional).")

    def spec(self, owner) -> services.DocumentSpec:  # type: ignore[no-untyped-def]
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


class StartInterviewForm(forms.Form):
    LENGTH_CHOICES = [("questions", "Number of questions"), ("minutes", "Minutes")]
    length = forms.ChoiceField(choices=LENGTH_CHOICES, initial="questions", widget=forms.RadioSelect)
    questions = forms.IntegerField(min_value=2, max_value=30, initial=6)
    minutes = forms.IntegerField(min_value=1, max_value=120, initial=15)
    kind = forms.ChoiceField(choices=InterviewKind.choices(), initial=InterviewKind.MIXED)
