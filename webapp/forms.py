"""Forms that validate uploads; each turns a DocumentError into a form error."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict

from interviewer.documents.base import JOB, RESUME, SUPPORTED_EXTENSIONS, DocumentError
from interviewer.vocabulary import InterviewKind
from webapp import services
from webapp.models import UserKey, fold_username


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
            # The admin's async wrapper (webapp/admin.py) read the document off the socket thread.
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


class StartInterviewForm(forms.Form):
    """Length (a number of questions or minutes) and kind; the defaults are INTERVIEW_QUESTIONS and
    INTERVIEW_MINUTES, as for the command line."""

    LENGTH_CHOICES = [("questions", "By number of questions"), ("minutes", "By time")]
    length = forms.ChoiceField(choices=LENGTH_CHOICES, initial="questions", widget=forms.RadioSelect)
    questions = forms.IntegerField(min_value=2, max_value=30, label="Questions")
    minutes = forms.IntegerField(min_value=1, max_value=120, label="Minutes")
    kind = forms.ChoiceField(choices=InterviewKind.choices(), initial=InterviewKind.MIXED)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read at each request (not at import) so a changed setting shows; clamped to what the form takes.
        self.fields["questions"].initial = min(max(settings.INTERVIEW_QUESTIONS, 2), 30)
        self.fields["minutes"].initial = min(max(round(settings.INTERVIEW_MINUTES), 1), 120)


_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: str | None) -> int | None:
    """A database id from a query or form value: ASCII digits only, at most 18 of them.

    ``str.isdigit`` accepts "²" and other Unicode digits that ``int`` refuses, and an
    unbounded number overflows the database's integer; both are "no id" here.
    """
    value = (value or "").strip()
    return int(value) if _ID.fullmatch(value) else None


class SignupForm(UserCreationForm[User]):
    """Django's sign-up form, refusing a username that folds to an existing one's."""

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username", ""))
        folded = fold_username(username)
        if folded and UserKey.objects.filter(folded=folded).exists():
            raise forms.ValidationError("A user with that username already exists.", code="unique")
        return username

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # BaseModelForm's private hook, left out of django-stubs
        if self.instance.username:
            self.instance.username = services.clean_user_text(self.instance.username, single_line=True)

    def save(self, commit: bool = True) -> User | None:  # type: ignore[override]  # None: a twin sign-up won the race
        """Create the user and its folded key together; a race with a twin sign-up becomes a form error."""
        try:
            with transaction.atomic():
                return super().save(commit=commit)
        except IntegrityError:
            self.add_error("username", forms.ValidationError("A user with that username already exists."))
            return None


class NotBlankPasswordValidator:
    """Refuses a password made only of whitespace (eight spaces pass Django's length rule)."""

    def validate(self, password: str, user: object = None) -> None:
        if not password.strip():
            raise ValidationError("Your password can’t be only spaces.", code="password_blank")

    def get_help_text(self) -> str:
        return "Your password can’t be only spaces."


class _BoundedUsername:
    """Refuses a username longer than a username can be before any authentication is tried
    (django-axes would record it in a 255-character column: a 500 on PostgreSQL)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username", ""))
        limit = cast(forms.CharField, self.fields["username"]).max_length or 150
        if len(username) > limit:
            raise ValidationError(f"Usernames are at most {limit} characters.", code="max_length")
        return username


class LoginForm(_BoundedUsername, AuthenticationForm):
    """The candidates' login form."""


class AdminLoginForm(_BoundedUsername, AdminAuthenticationForm):
    """The admin's login form."""
