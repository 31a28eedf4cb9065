"""manage.py import_documents: files, folders, CSVs; good ones kept and bad ones listed, or all or nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import docfactory
from webapp.documents.models import JobPosting, Resume


@pytest.fixture
def folder(tmp_path):  # type: ignore[no-untyped-def]
    d = tmp_path / "cvs"
    (d / "nested").mkdir(parents=True)
    (d / "one.txt").write_text("EXPERIENCE\n- Taught algebra to 120 Year 9 pupils\n")
    (d / "nested" / "two.pdf").write_bytes(docfactory.pdf_bytes())
    (d / "notes.png").write_bytes(b"\x89PNG")
    return d


def run(*args: str) -> str:
    import io

    out = io.StringIO()
    call_command("import_documents", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_it_imports_a_folder_recursively_and_prints_a_table(folder):
    out = run("resumes", str(folder))
    assert Resume.objects.count() == 2
    lines = out.splitlines()
    assert lines[0].split() == ["id", "title", "facts"]
    assert "Dana Whitfield" in out
    assert out.strip().endswith("Imported 2 resumes.")


@pytest.mark.django_db
def test_it_imports_a_csv_with_named_columns(tmp_path):
    path = tmp_path / "jobs.csv"
    path.write_text('role,body\nWelder,"Requirements:\n- MIG and TIG welding\n- Read blueprints"\n')
    run("jobs", str(path), "--text-column", "body", "--title-column", "role")
    job = JobPosting.objects.get()
    assert job.title == "Welder"
    assert list(job.facts.values_list("text", flat=True)) == ["MIG and TIG welding", "Read blueprints"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda p: None, "no such file or folder"),
        (lambda p: p.write_bytes(b"%PDF-1.4 junk"), "not a readable PDF"),
        (lambda p: p.write_text("title,body\nx,y\n"), "has no column 'text'"),
        (lambda p: p.write_bytes(b""), "is empty"),
    ],
)
def test_it_fails_with_one_line_and_imports_nothing_when_asked_for_all_or_nothing(tmp_path, setup, message):
    good = tmp_path / "good.txt"
    good.write_text("SKILLS\nPython, SQL\n")
    bad = tmp_path / ("bad.csv" if "column" in message else "bad.pdf")
    setup(bad)
    with pytest.raises(CommandError) as info:
        run("resumes", str(good), str(bad), "--all-or-nothing")
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert Resume.objects.count() == 0


@pytest.mark.django_db
def test_it_rejects_an_unknown_owner(tmp_path):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run("resumes", str(tmp_path), "--owner", "nobody")


@pytest.mark.django_db
def test_it_imports_the_good_rows_and_files_and_lists_each_bad_one(tmp_path):
    rows = tmp_path / "jobs.csv"
    rows.write_text(
        'title,text\nWelder,"Requirements:\n- MIG welding"\nBroken,"---"\nPainter,"Requirements:\n- Spray booths"\n'
    )
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 junk")
    out = run("jobs", str(rows), str(bad), "--title-column", "title")
    assert sorted(JobPosting.objects.values_list("title", flat=True)) == ["Painter", "Welder"]
    assert "jobs.csv row 3" in out and "no usable content" in out
    assert "bad.pdf is not a readable PDF" in out
    assert out.strip().endswith("Imported 2 jobs; 2 skipped (listed above).")


@pytest.mark.django_db
def test_it_fails_when_nothing_at_all_could_be_imported(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 junk")
    with pytest.raises(CommandError, match="nothing imported"):
        run("resumes", str(bad))
    assert Resume.objects.count() == 0
