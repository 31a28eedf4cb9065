"""Documents: job postings and resumes, the facts read from them (stored, embedded, corrected by
their owner), bulk imports, job search and the resume-to-posting match, with the pages, admin and
commands that bring documents in. Its tables keep their ``webapp_`` names."""
